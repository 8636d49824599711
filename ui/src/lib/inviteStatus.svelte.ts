// How many invite jobs an earlier run left unfinished, for the dashboard's step-5 card and the
// step-5 screen ("an invite job did not finish"). Read from the journal through `invite_overview`.
import { inviteIpc } from "./ipc";

export const invite = $state<{ unfinished: number }>({ unfinished: 0 });

/** Re-reads the count; a failure (no journal yet, a test without the command) means none. */
export async function refreshInviteStatus(): Promise<void> {
  try {
    const overview = await inviteIpc.overview();
    invite.unfinished = overview.unfinished.length;
  } catch {
    invite.unfinished = 0;
  }
}
