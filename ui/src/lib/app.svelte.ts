// The app's state as the views see it: what the back end said last, which
// screen is open, and the errors to show (each on the screen that raised it). Views read it and send intents.
import type { AppInfo } from "./bindings/AppInfo";
import type { Dashboard } from "./bindings/Dashboard";
import type { IpcError } from "./bindings/IpcError";
import type { StepId } from "./bindings/StepId";
import type { UiLanguage as Language } from "./bindings/UiLanguage";
import type { PrerequisiteId } from "./bindings/PrerequisiteId";
import type { ActionsAccess } from "./bindings/ActionsAccess";
import { ipc, isIpcError } from "./ipc";
import { setLanguage } from "./i18n.svelte";
import { applyTheme } from "./theme";
import type { Theme } from "./bindings/Theme";

export type View =
  | { kind: "dashboard" }
  | { kind: "settings" }
  | { kind: "step"; step: StepId }
  | { kind: "import" }
  | { kind: "invite"; jobId: string | null };

/**
 * Names a screen, so an error raised there is shown there and nowhere else. `settings:updates` is
 * the updates section of Settings: its errors show beside the button that raised them, at the
 * bottom of a long screen, where the screen's own banner would be out of sight.
 */
export type ViewKey =
  "dashboard" | "settings" | "settings:updates" | "import" | "invite" | `step:${StepId}`;

export function viewKey(view: View): ViewKey {
  return view.kind === "step" ? `step:${view.step}` : view.kind;
}

export const app = $state<{
  info: AppInfo | null;
  dashboard: Dashboard | null;
  view: View;
  /** A start-up problem (the store, the demo services, the back end itself): shown on every screen. */
  problem: IpcError | null;
  /** The error each screen raised last, until the admin dismisses it or an intent there succeeds. */
  errors: Partial<Record<ViewKey, IpcError>>;
  busy: boolean;
  /** The admin chose "Start the real setup" on the first-run offer (this session). */
  startedReal: boolean;
}>({
  info: null,
  dashboard: null,
  view: { kind: "dashboard" },
  problem: null,
  errors: {},
  busy: false,
  startedReal: false,
});

/** The error to show on screen `on` (the open one by default), if any. */
export function errorOn(on: ViewKey = viewKey(app.view)): IpcError | null {
  return app.errors[on] ?? null;
}

/** Any failure as the one shape the banner shows. */
export function toIpcError(error: unknown): IpcError {
  return isIpcError(error) ? error : { code: "unknown", message: String(error) };
}

/** Shows `error` on screen `on` (an event that reports a failure, e.g. a refused sign-in). */
export function raise(error: unknown, on: ViewKey = viewKey(app.view)): void {
  app.errors[on] = toIpcError(error);
}

export function dismissError(on: ViewKey = viewKey(app.view)): void {
  delete app.errors[on];
}

export function dismissProblem(): void {
  app.problem = null;
}

export type AttemptOptions = {
  /** The screen the call belongs to; the open one when the call starts, by default. */
  on?: ViewKey;
  /**
   * A read or refresh (or another call that is not the screen's own action, like the language
   * switch): success leaves the screen's error alone, and a failure is shown only when the screen
   * has none, so it never hides the error an intent raised.
   */
  passive?: boolean;
  /**
   * A check that runs behind the screen (at start, when a step opens): it never sets `busy`, so
   * the admin's buttons stay usable while a slow service answers. Implies `passive`.
   */
  background?: boolean;
};

let running = 0;

/**
 * Runs a back-end call with the busy flag. An intent (the default) that fails shows its error on
 * its screen; one that succeeds clears that screen's error. Returns undefined on failure.
 */
export async function attempt<T>(
  work: () => Promise<T>,
  { on = viewKey(app.view), passive = false, background = false }: AttemptOptions = {},
): Promise<T | undefined> {
  if (!background) {
    running += 1;
    app.busy = true;
  }
  try {
    const result = await work();
    if (!passive && !background) dismissError(on);
    return result;
  } catch (error) {
    if ((!passive && !background) || !app.errors[on]) raise(error, on);
    return undefined;
  } finally {
    if (!background) {
      running -= 1;
      app.busy = running > 0;
    }
  }
}

export async function load(): Promise<void> {
  app.busy = true;
  try {
    const [info, dashboard] = await Promise.all([ipc.appInfo(), ipc.dashboard()]);
    app.info = info;
    app.dashboard = dashboard;
    setLanguage(info.language);
    applyTheme(info.theme);
    app.problem = info.storeProblem ?? info.demoProblem;
    // Launched with a file to import ("Open with", a second launch handing one over).
    if (info.openImport) openImport();
  } catch (error) {
    app.problem = toIpcError(error);
  } finally {
    app.busy = running > 0;
  }
  // Tell the shell once the dashboard is on screen (start-up time is logged there), then check
  // the steps against the real services: never before the first paint, never blocking it.
  requestAnimationFrame(() =>
    requestAnimationFrame(async () => {
      await ipc.uiReady().catch(() => {});
      if (app.info) await refreshChecks();
    }),
  );
}

/** Whether Actions is reached the way the real product allows: by hand, with the app checking. */
export function isGuided(): boolean {
  return app.info?.mode.actions === "guided";
}

/** Re-checks every step it can (a read: clears no error). */
export async function refreshChecks(): Promise<void> {
  const dashboard = await attempt(() => ipc.refreshChecks(), { background: true, on: "dashboard" });
  if (dashboard) app.dashboard = dashboard;
}

/** Re-checks `step` as its screen opens (a read: clears no error). */
export async function checkStep(step: StepId): Promise<void> {
  const dashboard = await attempt(() => ipc.checkStep(step), {
    background: true,
    on: `step:${step}`,
  });
  if (dashboard) app.dashboard = dashboard;
}

/** Demo only: switches between guided (like the real product) and the Actions admin API. */
export async function setDemoActionsAccess(access: ActionsAccess): Promise<boolean> {
  const mode = await attempt(() => ipc.setDemoActionsAccess(access));
  if (!mode || !app.info) return false;
  app.info.mode = mode;
  await refreshDashboard();
  return true;
}

export async function chooseLanguage(language: Language): Promise<void> {
  setLanguage(language);
  // Not the screen's own action: switching language must not hide the error being read.
  await attempt(() => ipc.setLanguage(language), { passive: true });
}

export async function chooseTheme(theme: Theme): Promise<void> {
  applyTheme(theme);
  if (app.info) app.info.theme = theme;
  await attempt(() => ipc.setTheme(theme), { passive: true });
}

/** The other mode: remembered, then the app restarts into it (this page goes away on success). */
export async function switchLaunchMode(demo: boolean): Promise<boolean> {
  return (await attempt(() => ipc.switchLaunchMode(demo))) !== undefined;
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

/** Reloads the dashboard after something changed a step's status (a read: clears no error). */
export async function refreshDashboard(): Promise<void> {
  const dashboard = await attempt(() => ipc.dashboard(), { passive: true });
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
