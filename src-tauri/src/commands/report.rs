//! IPC for `sia_app::api::report`: each command is one call.

use sia_app::api;
use sia_app::error::AppResult;
use sia_app::state::AppState;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;

use super::Returned;

#[tauri::command]
pub async fn export_setup_report(state: State<'_, Arc<AppState>>, path: PathBuf) -> AppResult<()> {
    api::report::export_setup_report(&state, path)
        .await
        .returned(&state)
}
