//! IPC for `sia_app::api::credentials`: each command is one call.

use sia_app::api;

use super::Returned;
use sia_app::api::credentials::*;
use sia_app::error::AppResult;
use sia_app::state::AppState;
use sia_vault::{Environment, Service, VaultStatus};
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn vault_status(state: State<'_, Arc<AppState>>) -> AppResult<VaultStatus> {
    api::credentials::vault_status(&state)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn forget_credential(
    state: State<'_, Arc<AppState>>,
    service: Service,
    environment: Environment,
) -> AppResult<ForgetSummary> {
    api::credentials::forget_credential(&state, service, environment)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn forget_everything(state: State<'_, Arc<AppState>>) -> AppResult<ForgetSummary> {
    api::credentials::forget_everything(&state)
        .await
        .returned(&state)
}
