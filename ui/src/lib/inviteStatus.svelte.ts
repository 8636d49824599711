// What the dashboard's step-5 card says beside the step's status: how many invite jobs an earlier
// run left unfinished (from the journal, `invite_overview`), and the last activation tracker's
// counts with when they were read (`activation_last`; none before any tracker ran).
import type { ActivationLast } from "./bindings/ActivationLast";
import { inviteIpc } from "./ipc";

export const invite = $state<{ unfinished: number; activation: ActivationLast | null }>({
  unfinished: 0,
  activation: null,
});

/** Re-reads both; a failure (no journal yet, a test without the command) means none. */
export async function refreshInviteStatus(): Promise<void> {
  const [overview, last] = await Promise.all([
    inviteIpc.overview().catch(() => null),
    inviteIpc.activationLast().catch(() => null),
  ]);
  invite.unfinished = overview?.unfinished.length ?? 0;
  invite.activation = last ?? null;
}
