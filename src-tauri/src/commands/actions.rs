//! IPC for `sia_app::api::actions`: each command is one call.

use sia_actions::{
    ActionsActivation, ActionsMarketoConnection, ActionsOutboxInvitation, ActionsUser,
};
use sia_app::api;

use super::Returned;
use sia_app::api::actions::*;
use sia_app::error::AppResult;
use sia_app::state::AppState;
use sia_core::StepId;
use sia_marketo::MarketoPastedCredentials;
use sia_vault::{StorageMode, StoredCredential};
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn actions_connect(
    state: State<'_, Arc<AppState>>,
    url: String,
    token: String,
    storage: StorageMode,
) -> AppResult<StoredCredential> {
    api::actions::actions_connect(&state, url, token, storage)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn actions_overview(state: State<'_, Arc<AppState>>) -> AppResult<ActionsOverview> {
    api::actions::actions_overview(&state)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn actions_activate(
    state: State<'_, Arc<AppState>>,
    emails: Vec<String>,
) -> AppResult<ActionsActivation> {
    api::actions::actions_activate(&state, emails)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn actions_outbox(
    state: State<'_, Arc<AppState>>,
) -> AppResult<Vec<ActionsOutboxInvitation>> {
    api::actions::actions_outbox(&state).await.returned(&state)
}

#[tauri::command]
pub async fn actions_demo_accept(
    state: State<'_, Arc<AppState>>,
    user_id: String,
) -> AppResult<ActionsUser> {
    api::actions::actions_demo_accept(&state, user_id)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn actions_fill_from_integration(
    state: State<'_, Arc<AppState>>,
) -> AppResult<MarketoPastedCredentials> {
    api::actions::actions_fill_from_integration(&state)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn actions_connect_marketo(
    state: State<'_, Arc<AppState>>,
    owner_email: String,
) -> AppResult<ActionsMarketoConnection> {
    api::actions::actions_connect_marketo(&state, owner_email)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn actions_disconnect_marketo(state: State<'_, Arc<AppState>>) -> AppResult<()> {
    api::actions::actions_disconnect_marketo(&state)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn sync_progress(state: State<'_, Arc<AppState>>) -> AppResult<SyncProgress> {
    api::actions::sync_progress(&state).await.returned(&state)
}

#[tauri::command]
pub async fn sync_start(
    state: State<'_, Arc<AppState>>,
    expected: Option<u64>,
) -> AppResult<SyncProgress> {
    api::actions::sync_start(&state, expected)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn demo_play(state: State<'_, Arc<AppState>>, step: StepId) -> AppResult<()> {
    api::actions::demo_play(&state, step).await.returned(&state)
}
