//! IPC for `sia_app::api::app`: each command is one call.

use sia_app::api;

use super::Returned;
use sia_app::api::app::*;
use sia_app::error::AppResult;
use sia_app::locale::UiLanguage;
use sia_app::mode::{ActionsAccess, Mode};
use sia_app::state::AppState;
use sia_core::{Dashboard, PrerequisiteId, StepId, Theme};
use std::sync::Arc;
use tauri::{AppHandle, Runtime, State};

#[tauri::command]
pub async fn app_info(state: State<'_, Arc<AppState>>) -> AppResult<AppInfo> {
    api::app::app_info(&state).await.returned(&state)
}

#[tauri::command]
pub async fn dashboard(state: State<'_, Arc<AppState>>) -> AppResult<Dashboard> {
    api::app::dashboard(&state).await.returned(&state)
}

#[tauri::command]
pub async fn start_step(state: State<'_, Arc<AppState>>, step: StepId) -> AppResult<Dashboard> {
    api::app::start_step(&state, step).await.returned(&state)
}

#[tauri::command]
pub async fn confirm_step(
    state: State<'_, Arc<AppState>>,
    step: StepId,
    confirmed: bool,
) -> AppResult<Dashboard> {
    api::app::confirm_step(&state, step, confirmed)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn confirm_prerequisite(
    state: State<'_, Arc<AppState>>,
    id: PrerequisiteId,
    confirmed: bool,
) -> AppResult<Dashboard> {
    api::app::confirm_prerequisite(&state, id, confirmed)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn set_language(state: State<'_, Arc<AppState>>, language: UiLanguage) -> AppResult<()> {
    api::app::set_language(&state, language)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn set_theme(state: State<'_, Arc<AppState>>, theme: Theme) -> AppResult<()> {
    api::app::set_theme(&state, theme).await.returned(&state)
}

/// Remembers the other mode, then restarts through the event loop, so the quit handler runs
/// (an invite job stops resumable) and plugins let go before the new process starts.
#[tauri::command]
pub async fn switch_launch_mode<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<AppState>>,
    demo: bool,
) -> AppResult<()> {
    api::app::switch_launch_mode(&state, demo)
        .await
        .returned(&state)
        .map(|()| app.request_restart())
}

#[tauri::command]
pub async fn ui_ready(state: State<'_, Arc<AppState>>) -> AppResult<()> {
    api::app::ui_ready(&state).await.returned(&state)
}

#[tauri::command]
pub async fn set_demo_actions_access(
    state: State<'_, Arc<AppState>>,
    access: ActionsAccess,
) -> AppResult<Mode> {
    api::app::set_demo_actions_access(&state, access)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn refresh_checks(state: State<'_, Arc<AppState>>) -> AppResult<Dashboard> {
    api::app::refresh_checks(&state).await.returned(&state)
}

#[tauri::command]
pub async fn check_step(state: State<'_, Arc<AppState>>, step: StepId) -> AppResult<Dashboard> {
    api::app::check_step(&state, step).await.returned(&state)
}
