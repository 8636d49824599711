// Typed wrappers over the Rust commands. Argument and result types are the
// ones ts-rs generates from Rust (./bindings), never written by hand.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AppInfo } from "./bindings/AppInfo";
import type { Dashboard } from "./bindings/Dashboard";
import type { IpcError } from "./bindings/IpcError";
import type { UiLanguage as Language } from "./bindings/UiLanguage";
import type { Environment } from "./bindings/Environment";
import type { ImportDraft } from "./bindings/ImportDraft";
import type { ForgetSummary } from "./bindings/ForgetSummary";
import type { SalesforceChecks } from "./bindings/SalesforceChecks";
import type { SalesforceLoginEvent } from "./bindings/SalesforceLoginEvent";
import type { SalesforceLoginSettings } from "./bindings/SalesforceLoginSettings";
import type { SalesforceLoginStarted } from "./bindings/SalesforceLoginStarted";
import type { SalesforceOverview } from "./bindings/SalesforceOverview";
import type { Service } from "./bindings/Service";
import type { VaultStatus } from "./bindings/VaultStatus";
import type { PrerequisiteId } from "./bindings/PrerequisiteId";
import type { StepId } from "./bindings/StepId";
import type { ActionsAccess } from "./bindings/ActionsAccess";
import type { ActionsAppCheck } from "./bindings/ActionsAppCheck";
import type { Mode } from "./bindings/Mode";
import type { Theme } from "./bindings/Theme";

export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as IpcError).code === "string" &&
    typeof (value as IpcError).message === "string"
  );
}

/** Every failure becomes an IpcError, so the UI has one shape to show. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    if (isIpcError(error)) throw error;
    throw { code: "ipc_unavailable", message: String(error) } satisfies IpcError;
  }
}

export const ipc = {
  appInfo: () => call<AppInfo>("app_info"),
  dashboard: () => call<Dashboard>("dashboard"),
  startStep: (step: StepId) => call<Dashboard>("start_step", { step }),
  confirmStep: (step: StepId, confirmed: boolean) =>
    call<Dashboard>("confirm_step", { step, confirmed }),
  confirmPrerequisite: (id: PrerequisiteId, confirmed: boolean) =>
    call<Dashboard>("confirm_prerequisite", { id, confirmed }),
  setLanguage: (language: Language) => call<void>("set_language", { language }),
  setTheme: (theme: Theme) => call<void>("set_theme", { theme }),
  /** Remembers the demo (or the real setup) for the next start and restarts the app into it. */
  switchLaunchMode: (demo: boolean) => call<void>("switch_launch_mode", { demo }),
  uiReady: () => call<void>("ui_ready"),
  vaultStatus: () => call<VaultStatus>("vault_status"),
  forgetCredential: (service: Service, environment: Environment) =>
    call<ForgetSummary>("forget_credential", { service, environment }),
  forgetEverything: () => call<ForgetSummary>("forget_everything"),
  salesforceOverview: () => call<SalesforceOverview>("salesforce_overview"),
  saveSalesforceSettings: (settings: SalesforceLoginSettings) =>
    call<SalesforceOverview>("save_salesforce_settings", { settings }),
  salesforceConnect: (settings: SalesforceLoginSettings) =>
    call<SalesforceLoginStarted>("salesforce_connect", { settings }),
  salesforceCancel: () => call<void>("salesforce_cancel"),
  salesforceKeepForSession: () => call<SalesforceLoginEvent>("salesforce_keep_for_session"),
  salesforceDisconnect: () => call<void>("salesforce_disconnect"),
  salesforceCheck: () => call<SalesforceChecks>("salesforce_check"),
  /** Re-checks every step against the real services it can (start-up, after the first paint). */
  refreshChecks: () => call<Dashboard>("refresh_checks"),
  /** Re-checks one step (its screen opened). */
  checkStep: (step: StepId) => call<Dashboard>("check_step", { step }),
  /** Demo only: show the demo as the real product (guided) or with the Actions admin API. */
  setDemoActionsAccess: (access: ActionsAccess) =>
    call<Mode>("set_demo_actions_access", { access }),
  /** Step 2, guided: which connected app is Actions in this org, and has the admin authorised it. */
  salesforceActionsApp: () => call<ActionsAppCheck>("salesforce_actions_app"),
  salesforceChooseActionsApp: (appName: string) =>
    call<ActionsAppCheck>("salesforce_choose_actions_app", { appName }),
  /** Writes the setup report (one HTML file, in the admin's language) to `path`. */
  exportSetupReport: (path: string) => call<void>("export_setup_report", { path }),
  /** The native save dialog for an HTML file; null when the admin cancels. */
  pickHtmlSavePath: (defaultPath: string, filterName: string): Promise<string | null> =>
    saveDialog({ defaultPath, filters: [{ name: filterName, extensions: ["html"] }] }),
  onSalesforceLogin: (handler: (event: SalesforceLoginEvent) => void): Promise<UnlistenFn> =>
    listen<SalesforceLoginEvent>("salesforce-login", (e) => handler(e.payload)),
};

// ----- Step 5: CSV invite import -----
import { open as openDialog, save as saveDialog } from "@tauri-apps/plugin-dialog";
import type { CsvConfirmation } from "./bindings/CsvConfirmation";
import type { CsvDelimiter } from "./bindings/CsvDelimiter";
import type { CsvEditOutcome } from "./bindings/CsvEditOutcome";
import type { CsvInvalidPolicy } from "./bindings/CsvInvalidPolicy";
import type { CsvPage } from "./bindings/CsvPage";
import type { CsvRowFilter } from "./bindings/CsvRowFilter";
import type { CsvSummary } from "./bindings/CsvSummary";
import type { CsvTargetField } from "./bindings/CsvTargetField";

/** Drag-and-drop over the window, as Tauri reports it to the webview (for the drop-zone highlight). */
export type DragState = "enter" | "over" | "leave" | "drop";

export const importIpc = {
  open: (path: string) => call<CsvSummary>("import_open", { path }),
  refreshDirectory: () => call<CsvSummary>("import_refresh_directory"),
  summary: () => call<CsvSummary | null>("import_summary"),
  page: (offset: number, limit: number, filter: CsvRowFilter) =>
    call<CsvPage>("import_page", { offset, limit, filter }),
  setEncoding: (encoding: string) => call<CsvSummary>("import_set_encoding", { encoding }),
  setDelimiter: (delimiter: CsvDelimiter) =>
    call<CsvSummary>("import_set_delimiter", { delimiter }),
  setHasHeader: (hasHeader: boolean) => call<CsvSummary>("import_set_has_header", { hasHeader }),
  setSheet: (sheet: string) => call<CsvSummary>("import_set_sheet", { sheet }),
  setMapping: (mapping: Partial<Record<CsvTargetField, number | null>>, remember: boolean) =>
    call<CsvSummary>("import_set_mapping", { mapping, remember }),
  editCell: (row: number, field: CsvTargetField, value: string) =>
    call<CsvEditOutcome>("import_edit_cell", { row, field, value }),
  confirm: (policy: CsvInvalidPolicy) => call<CsvConfirmation>("import_confirm", { policy }),
  /** Actions' upload file; `keepOptional` keeps the mapped Team(s), Role and Workspace columns. */
  exportClean: (path: string, keepOptional: boolean) =>
    call<number>("import_export_clean", { path, keepOptional }),
  exportErrors: (path: string) => call<number>("import_export_errors", { path }),
  template: (lang: string, path: string) => call<void>("import_template", { lang, path }),
  /** Fixes kept from an import that was never confirmed (null when none, or an import is open). */
  draft: () => call<ImportDraft | null>("import_draft"),
  reopenDraft: () => call<CsvSummary>("import_reopen_draft"),
  discardDraft: () => call<void>("import_discard_draft"),
  close: () => call<void>("import_close"),
  /** The native open dialog; null when the admin cancels. */
  pickFile: async (filterName: string): Promise<string | null> => {
    const picked = await openDialog({
      multiple: false,
      directory: false,
      filters: [{ name: filterName, extensions: ["csv", "tsv", "txt", "xlsx"] }],
    });
    return typeof picked === "string" ? picked : null;
  },
  /** The native save dialog for a CSV file; null when the admin cancels. */
  pickSavePath: (defaultPath: string, filterName: string): Promise<string | null> =>
    saveDialog({ defaultPath, filters: [{ name: filterName, extensions: ["csv"] }] }),
  onOpened: (handler: (summary: CsvSummary) => void): Promise<UnlistenFn> =>
    listen<CsvSummary>("import-opened", (e) => handler(e.payload)),
  onFailed: (handler: (error: IpcError) => void): Promise<UnlistenFn> =>
    listen<IpcError>("import-failed", (e) => handler(e.payload)),
  /** The app was handed a file to open (a second launch with one): show the import. */
  onShow: (handler: () => void): Promise<UnlistenFn> => listen("import-show", () => handler()),
  onDrag: async (handler: (state: DragState) => void): Promise<UnlistenFn> => {
    const states: DragState[] = ["enter", "over", "leave", "drop"];
    const unlisten = await Promise.all(
      states.map((s) => listen(`tauri://drag-${s}`, () => handler(s))),
    );
    return () => unlisten.forEach((u) => quietly(u));
  },
};

// ----- Settings: support -----
import type { DiagnosticsExported } from "./bindings/DiagnosticsExported";

export const supportIpc = {
  /** Writes the diagnostics zip (logs, versions, mode, statuses, recent error codes) to `path`. */
  exportDiagnostics: (path: string) => call<DiagnosticsExported>("export_diagnostics", { path }),
  /** The native save dialog for a zip file; null when the admin cancels. */
  pickZipPath: (defaultPath: string, filterName: string): Promise<string | null> =>
    saveDialog({ defaultPath, filters: [{ name: filterName, extensions: ["zip"] }] }),
};

/** Stops a listener; one that fails (the window is closing) has nothing left to stop. */
function quietly(unlisten: UnlistenFn): void {
  void Promise.resolve(unlisten()).catch(() => {});
}

// ----- Step 5: invites (the form, the import's hand-off, the running job) -----
import type { InviteRole } from "./bindings/InviteRole";
import type { InviteFinished } from "./bindings/InviteFinished";
import type { InviteFormInfo } from "./bindings/InviteFormInfo";
import type { InviteListCheck } from "./bindings/InviteListCheck";
import type { InviteOverview } from "./bindings/InviteOverview";
import type { InviteProgress } from "./bindings/InviteProgress";
import type { InviteResults } from "./bindings/InviteResults";
import type { InviteRevokeSummary } from "./bindings/InviteRevokeSummary";
import type { InviteStarted } from "./bindings/InviteStarted";
import type { ActivationTracker } from "./bindings/ActivationTracker";
import type { ActivationLast } from "./bindings/ActivationLast";

export const inviteIpc = {
  formInfo: () => call<InviteFormInfo>("invite_form_info"),
  check: (list: string, teams: string[], role: InviteRole, workspace: string | null) =>
    call<InviteListCheck>("invite_check", { list, teams, role, workspace }),
  startChecked: (checkId: number) => call<InviteStarted>("invite_start_checked", { checkId }),
  startImport: (policy: CsvInvalidPolicy) => call<InviteStarted>("invite_start_import", { policy }),
  overview: () => call<InviteOverview>("invite_overview"),
  pause: () => call<void>("invite_pause"),
  resume: () => call<void>("invite_resume"),
  cancel: () => call<void>("invite_cancel"),
  resumeJob: (jobId: string, cancel: boolean) =>
    call<InviteStarted>("invite_resume_job", { jobId, cancel }),
  results: (jobId: string) => call<InviteResults>("invite_results", { jobId }),
  exportResults: (jobId: string, path: string) =>
    call<number>("invite_export_results", { jobId, path }),
  /** A checked list as Actions' upload file (the import's format); the list stays available. */
  exportUpload: (checkId: number, path: string) =>
    call<number>("invite_export_upload", { checkId, path }),
  revoke: (jobId: string) => call<InviteRevokeSummary>("invite_revoke", { jobId }),
  /** Who has activated: the journal's invitees plus `extra` (pasted; any separators). */
  activationTracker: (extra: string[]) => call<ActivationTracker>("activation_tracker", { extra }),
  /** Reads the tracker again and writes it as CSV (the admin's language); the tracker written. */
  activationExport: (path: string, extra: string[]) =>
    call<ActivationTracker>("activation_export", { path, extra }),
  /** The last tracker's counts and when they were read; null before any tracker ran. */
  activationLast: () => call<ActivationLast | null>("activation_last"),
  onProgress: (handler: (progress: InviteProgress) => void): Promise<UnlistenFn> =>
    listen<InviteProgress>("invite-progress", (e) => handler(e.payload)),
  onFinished: (handler: (finished: InviteFinished) => void): Promise<UnlistenFn> =>
    listen<InviteFinished>("invite-finished", (e) => handler(e.payload)),
};

// ----- Settings: updates (only ever on the admin's click) -----
import type { UpdateCheck } from "./bindings/UpdateCheck";
import type { UpdateInstalled } from "./bindings/UpdateInstalled";
import type { UpdateProgress } from "./bindings/UpdateProgress";

export const updateIpc = {
  /** Asks the update feed once; the offer, if any, is kept for `install`. */
  check: () => call<UpdateCheck>("update_check"),
  /** Downloads the offered update, verifies its signature, installs it. */
  install: () => call<UpdateInstalled>("update_install"),
  /** Restarts into the installed version. */
  restart: () => call<void>("update_restart"),
  onProgress: (handler: (progress: UpdateProgress) => void): Promise<UnlistenFn> =>
    listen<UpdateProgress>("update-progress", (e) => handler(e.payload)),
};
