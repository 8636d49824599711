//! App-wide commands: what the app is, the dashboard, and the admin's own
//! confirmations and choices.

use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use sia_core::{Dashboard, Preference, PrerequisiteId, StepId};

use crate::error::{IpcError, IpcResult};
use crate::locale::{self, UiLanguage};
use crate::state::{AppState, RunMode};

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub demo: bool,
    /// The language to show: the admin's choice, else the OS locale's.
    pub language: UiLanguage,
    pub os_locale: String,
    /// Set when the saved progress could not be opened and this session keeps it in memory only.
    pub store_problem: Option<IpcError>,
    /// Set when the credential settings file could not be read: connecting is refused until fixed.
    pub vault_problem: Option<IpcError>,
    /// In demo mode: where the stand-in services listen (never a secret).
    pub demo_services: Option<sia_sandbox::SandboxInfo>,
    /// In demo mode: why the stand-in services could not start.
    pub demo_problem: Option<IpcError>,
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> IpcResult<AppInfo> {
    let language = state.language();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        demo: state.mode == RunMode::Demo,
        language,
        os_locale: state.os_locale.clone(),
        store_problem: state.store_problem.clone(),
        vault_problem: state.vault.as_ref().err().cloned(),
        demo_services: state.demo.as_ref().and_then(|d| d.info()),
        demo_problem: state.demo.as_ref().and_then(|d| d.problem()),
    })
}

#[tauri::command]
pub async fn dashboard(state: State<'_, AppState>) -> IpcResult<Dashboard> {
    Ok(state.with_store(|s| s.dashboard())?)
}

#[tauri::command]
pub async fn start_step(state: State<'_, AppState>, step: StepId) -> IpcResult<Dashboard> {
    Ok(state.with_store(|s| {
        s.mark_started(step)?;
        s.dashboard()
    })?)
}

#[tauri::command]
pub async fn confirm_step(
    state: State<'_, AppState>,
    step: StepId,
    confirmed: bool,
) -> IpcResult<Dashboard> {
    Ok(state.with_store(|s| {
        s.confirm_step(step, confirmed)?;
        s.dashboard()
    })?)
}

#[tauri::command]
pub async fn confirm_prerequisite(
    state: State<'_, AppState>,
    id: PrerequisiteId,
    confirmed: bool,
) -> IpcResult<Dashboard> {
    Ok(state.with_store(|s| {
        s.confirm_prerequisite(id, confirmed)?;
        s.dashboard()
    })?)
}

#[tauri::command]
pub async fn set_language(state: State<'_, AppState>, language: UiLanguage) -> IpcResult<()> {
    Ok(state.with_store(|s| s.set_preference(Preference::Language, locale::tag(language)))?)
}

/// The UI calls this once, after the first dashboard is painted: the shell logs
/// how long start-up took (the start-up benchmark reads this line).
#[tauri::command]
pub async fn ui_ready(state: State<'_, AppState>) -> IpcResult<()> {
    if let Some(elapsed) = state.started.mark_painted() {
        tracing::info!(
            target: "sia::startup",
            "dashboard painted {} ms after start",
            elapsed.as_millis()
        );
    }
    Ok(())
}
