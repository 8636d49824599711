//! IPC for `sia_app::api::salesforce`: each command is one call.

use sia_app::api;

use super::Returned;
use sia_app::api::salesforce::*;
use sia_app::error::AppResult;
use sia_app::guided::ActionsAppCheck;
use sia_app::salesforce::SalesforceLoginEvent;
use sia_app::state::AppState;
use sia_salesforce::SalesforceLoginSettings;
use std::sync::Arc;
use tauri::{AppHandle, Manager, Runtime, State};

use crate::events::events;

#[tauri::command]
pub async fn salesforce_overview(state: State<'_, Arc<AppState>>) -> AppResult<SalesforceOverview> {
    api::salesforce::salesforce_overview(&state)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn save_salesforce_settings(
    state: State<'_, Arc<AppState>>,
    settings: SalesforceLoginSettings,
) -> AppResult<SalesforceOverview> {
    api::salesforce::save_salesforce_settings(&state, settings)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn salesforce_connect<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<AppState>>,
    settings: SalesforceLoginSettings,
) -> AppResult<SalesforceLoginStarted> {
    let opener = app.clone();
    // Without the opener (a headless run) the UI leads with the link to copy instead.
    let open = move |url: &str| {
        opener
            .try_state::<tauri_plugin_opener::Opener<R>>()
            .is_some_and(|o| o.open_url(url, None::<&str>).is_ok())
    };
    api::salesforce::salesforce_connect(&state, events(&app), settings, open)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn salesforce_cancel(state: State<'_, Arc<AppState>>) -> AppResult<()> {
    api::salesforce::salesforce_cancel(&state)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn salesforce_keep_for_session(
    state: State<'_, Arc<AppState>>,
) -> AppResult<SalesforceLoginEvent> {
    api::salesforce::salesforce_keep_for_session(&state)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn salesforce_disconnect(state: State<'_, Arc<AppState>>) -> AppResult<()> {
    api::salesforce::salesforce_disconnect(&state)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn salesforce_check(state: State<'_, Arc<AppState>>) -> AppResult<SalesforceChecks> {
    api::salesforce::salesforce_check(&state)
        .await
        .returned(&state)
}

#[tauri::command]
pub fn salesforce_check_api_secret_key(key: String) -> Vec<sia_salesforce::ApiSecretKeyProblem> {
    api::salesforce::salesforce_check_api_secret_key(key)
}

#[tauri::command]
pub async fn actions_connect_salesforce(
    state: State<'_, Arc<AppState>>,
) -> AppResult<sia_actions::ActionsSalesforceConnection> {
    api::salesforce::actions_connect_salesforce(&state)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn salesforce_actions_app(state: State<'_, Arc<AppState>>) -> AppResult<ActionsAppCheck> {
    api::salesforce::salesforce_actions_app(&state)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn salesforce_choose_actions_app(
    state: State<'_, Arc<AppState>>,
    app_name: String,
) -> AppResult<ActionsAppCheck> {
    api::salesforce::salesforce_choose_actions_app(&state, app_name)
        .await
        .returned(&state)
}
