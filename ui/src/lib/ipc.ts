// Typed wrappers over the Rust commands. Argument and result types are the
// ones ts-rs generates from Rust (./bindings), never written by hand.
import { invoke } from "@tauri-apps/api/core";
import type { AppInfo } from "./bindings/AppInfo";
import type { Dashboard } from "./bindings/Dashboard";
import type { IpcError } from "./bindings/IpcError";
import type { Language } from "./bindings/Language";
import type { PrerequisiteId } from "./bindings/PrerequisiteId";
import type { StepId } from "./bindings/StepId";

export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as IpcError).code === "string" &&
    typeof (value as IpcError).message === "string"
  );
}

/** Every failure becomes an IpcError, so the UI has one shape to show. */
async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
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
  uiReady: () => call<void>("ui_ready"),
};
