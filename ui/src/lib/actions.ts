// Typed wrappers over the Actions admin API commands of steps 1, 3 and 4 (types generated from Rust).
import { call } from "./ipc";
import type { ActionsActivation } from "./bindings/ActionsActivation";
import type { ActionsMarketoConnection } from "./bindings/ActionsMarketoConnection";
import type { ActionsOutboxInvitation } from "./bindings/ActionsOutboxInvitation";
import type { ActionsOverview } from "./bindings/ActionsOverview";
import type { ActionsUser } from "./bindings/ActionsUser";
import type { MarketoPastedCredentials } from "./bindings/MarketoPastedCredentials";
import type { StepId } from "./bindings/StepId";
import type { SyncProgress } from "./bindings/SyncProgress";

export const actionsIpc = {
  overview: () => call<ActionsOverview>("actions_overview"),
  activate: (emails: string[]) => call<ActionsActivation>("actions_activate", { emails }),
  outbox: () => call<ActionsOutboxInvitation[]>("actions_outbox"),
  demoAccept: (userId: string) => call<ActionsUser>("actions_demo_accept", { userId }),
  fillFromIntegration: () => call<MarketoPastedCredentials>("actions_fill_from_integration"),
  connectMarketo: (ownerEmail: string) =>
    call<ActionsMarketoConnection>("actions_connect_marketo", { ownerEmail }),
  disconnectMarketo: () => call<void>("actions_disconnect_marketo"),
  syncProgress: () => call<SyncProgress>("sync_progress"),
  syncStart: (expected: number | null) => call<SyncProgress>("sync_start", { expected }),
  /** The guided demo only: does in the stand-in Actions what the admin clicks in the vendor's UI. */
  demoPlay: (step: StepId) => call<void>("demo_play", { step }),
};
