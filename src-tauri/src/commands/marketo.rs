//! IPC for `sia_app::api::marketo`: each command is one call.

use sia_app::api;

use super::Returned;
use sia_app::api::marketo::*;
use sia_app::clipboard::CopyField;
use sia_app::error::AppResult;
use sia_app::guided::MarketoUsageCheck;
use sia_app::marketo::MarketoForm;
use sia_app::state::AppState;
use sia_marketo::{
    MarketoAdminUser, MarketoCredentialField, MarketoPastedCredentials, MarketoSyncPreview,
};
use sia_vault::StorageMode;
use std::sync::Arc;
use tauri::{AppHandle, Runtime, State};

#[tauri::command]
pub fn marketo_overview(state: State<'_, Arc<AppState>>) -> MarketoOverview {
    api::marketo::marketo_overview(&state)
}

#[tauri::command]
pub fn marketo_paste(
    state: State<'_, Arc<AppState>>,
    field: MarketoCredentialField,
    text: String,
) -> MarketoPastedCredentials {
    api::marketo::marketo_paste(&state, field, text)
}

#[tauri::command]
pub fn marketo_discard_paste(state: State<'_, Arc<AppState>>) {
    api::marketo::marketo_discard_paste(&state)
}

#[tauri::command]
pub async fn marketo_test_and_save(
    state: State<'_, Arc<AppState>>,
    form: MarketoForm,
    storage: StorageMode,
) -> AppResult<MarketoSaved> {
    api::marketo::marketo_test_and_save(&state, form, storage)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn marketo_use_demo(
    state: State<'_, Arc<AppState>>,
    storage: StorageMode,
) -> AppResult<MarketoSaved> {
    api::marketo::marketo_use_demo(&state, storage)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn marketo_admins(state: State<'_, Arc<AppState>>) -> AppResult<Vec<MarketoAdminUser>> {
    api::marketo::marketo_admins(&state).await.returned(&state)
}

#[tauri::command]
pub async fn marketo_sync_preview(
    state: State<'_, Arc<AppState>>,
) -> AppResult<MarketoSyncPreview> {
    api::marketo::marketo_sync_preview(&state)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn marketo_usage(state: State<'_, Arc<AppState>>) -> AppResult<MarketoUsageCheck> {
    api::marketo::marketo_usage(&state).await.returned(&state)
}

#[tauri::command]
pub async fn marketo_choose_actions_user(
    state: State<'_, Arc<AppState>>,
    user_id: String,
) -> AppResult<MarketoUsageCheck> {
    api::marketo::marketo_choose_actions_user(&state, user_id)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn marketo_copy_field<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<AppState>>,
    field: CopyField,
) -> AppResult<()> {
    api::marketo::marketo_copy_field(&state, crate::clipboard::clipboard(&app), field)
        .await
        .returned(&state)
}
