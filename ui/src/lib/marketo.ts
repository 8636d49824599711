// Typed wrappers over the Marketo commands of steps 1, 3 and 4 (types generated from Rust).
import { call } from "./ipc";
import type { MarketoAdminUser } from "./bindings/MarketoAdminUser";
import type { MarketoCredentialField } from "./bindings/MarketoCredentialField";
import type { MarketoForm } from "./bindings/MarketoForm";
import type { MarketoOverview } from "./bindings/MarketoOverview";
import type { MarketoPastedCredentials } from "./bindings/MarketoPastedCredentials";
import type { MarketoSaved } from "./bindings/MarketoSaved";
import type { MarketoSyncPreview } from "./bindings/MarketoSyncPreview";
import type { StorageMode } from "./bindings/StorageMode";
import type { MarketoUsageCheck } from "./bindings/MarketoUsageCheck";
import type { CopyField } from "./bindings/CopyField";

/** What step 3 (guided) copies from the saved Marketo credentials to the clipboard, in Rust. */
export type MarketoCopyField = CopyField;

export const marketoIpc = {
  overview: () => call<MarketoOverview>("marketo_overview"),
  paste: (field: MarketoCredentialField, text: string) =>
    call<MarketoPastedCredentials>("marketo_paste", { field, text }),
  discardPaste: () => call<void>("marketo_discard_paste"),
  testAndSave: (form: MarketoForm, storage: StorageMode) =>
    call<MarketoSaved>("marketo_test_and_save", { form, storage }),
  useDemo: (storage: StorageMode) => call<MarketoSaved>("marketo_use_demo", { storage }),
  admins: () => call<MarketoAdminUser[]>("marketo_admins"),
  syncPreview: () => call<MarketoSyncPreview>("marketo_sync_preview"),
  /** Rust puts the value on the clipboard (a secret is cleared again after 60 s). */
  copyField: (field: MarketoCopyField) => call<void>("marketo_copy_field", { field }),
  /** Steps 3 and 4, guided: the API users, the chosen one's calls, the sync estimate. */
  usage: () => call<MarketoUsageCheck>("marketo_usage"),
  chooseActionsUser: (userId: string) =>
    call<MarketoUsageCheck>("marketo_choose_actions_user", { userId }),
};
