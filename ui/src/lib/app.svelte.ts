// The app's state as the views see it: what the back end said last, which
// screen is open, and the error to show. Views read it and send intents.
import type { AppInfo } from "./bindings/AppInfo";
import type { Dashboard } from "./bindings/Dashboard";
import type { IpcError } from "./bindings/IpcError";
import type { StepId } from "./bindings/StepId";
import type { UiLanguage as Language } from "./bindings/UiLanguage";
import type { PrerequisiteId } from "./bindings/PrerequisiteId";
import { ipc, isIpcError } from "./ipc";
import { setLanguage } from "./i18n.svelte";

export type View =
  | { kind: "dashboard" }
  | { kind: "settings" }
  | { kind: "step"; step: StepId }
  | { kind: "import" }
  | { kind: "invite"; jobId: string | null };

export const app = $state<{
  info: AppInfo | null;
  dashboard: Dashboard | null;
  view: View;
  error: IpcError | null;
  busy: boolean;
}>({ info: null, dashboard: null, view: { kind: "dashboard" }, error: null, busy: false });

/** Runs an intent, keeping the screen as it was and showing the error if it fails. */
async function attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
  app.busy = true;
  try {
    const result = await work();
    app.error = null;
    return result;
  } catch (error) {
    app.error = isIpcError(error) ? error : { code: "unknown", message: String(error) };
    return undefined;
  } finally {
    app.busy = false;
  }
}

export async function load(): Promise<void> {
  await attempt(async () => {
    const [info, dashboard] = await Promise.all([ipc.appInfo(), ipc.dashboard()]);
    app.info = info;
    app.dashboard = dashboard;
    setLanguage(info.language);
  });
  // attempt() clears the error on success; start-up problems must stay visible.
  const problem = app.info?.storeProblem ?? app.info?.demoProblem;
  if (problem) app.error = problem;
  // Tell the shell once the dashboard is on screen (start-up time is logged there).
  requestAnimationFrame(() => requestAnimationFrame(() => void ipc.uiReady().catch(() => {})));
}

export async function chooseLanguage(language: Language): Promise<void> {
  setLanguage(language);
  await attempt(() => ipc.setLanguage(language));
}

export function openStep(step: StepId): void {
  app.view = { kind: "step", step };
}

export function openDashboard(): void {
  app.view = { kind: "dashboard" };
}

export function openSettings(): void {
  app.view = { kind: "settings" };
}

/** Step 5's spreadsheet import. */
export function openImport(): void {
  app.view = { kind: "import" };
}

/** Step 5's invites: the form, or the job `jobId` (started from the import). */
export function openInvite(jobId: string | null = null): void {
  app.view = { kind: "invite", jobId };
}

/** Runs an intent for a screen of its own, showing its error in the banner. */
export async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
  return attempt(work);
}

/** Reloads the dashboard after something changed a step's status. */
export async function refreshDashboard(): Promise<void> {
  const dashboard = await attempt(() => ipc.dashboard());
  if (dashboard) app.dashboard = dashboard;
}

export async function startStep(step: StepId): Promise<void> {
  const dashboard = await attempt(() => ipc.startStep(step));
  if (dashboard) app.dashboard = dashboard;
}

export async function confirmStep(step: StepId, confirmed: boolean): Promise<void> {
  const dashboard = await attempt(() => ipc.confirmStep(step, confirmed));
  if (dashboard) app.dashboard = dashboard;
}

export async function confirmPrerequisite(id: PrerequisiteId, confirmed: boolean): Promise<void> {
  const dashboard = await attempt(() => ipc.confirmPrerequisite(id, confirmed));
  if (dashboard) app.dashboard = dashboard;
}

export function dismissError(): void {
  app.error = null;
}
