//! IPC for `sia_app::api::support`: each command is one call.

use sia_app::api;
use sia_app::diagnostics::DiagnosticsExported;
use sia_app::error::AppResult;
use sia_app::state::AppState;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;

use super::Returned;

#[tauri::command]
pub async fn export_diagnostics(
    state: State<'_, Arc<AppState>>,
    path: PathBuf,
) -> AppResult<DiagnosticsExported> {
    api::support::export_diagnostics(&state, path)
        .await
        .returned(&state)
}
