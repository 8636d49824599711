//! IPC for `sia_app::api::invite`: each command is one call.

use sia_app::api;

use super::Returned;
use sia_app::error::AppResult;
use sia_app::invite::{
    InviteFormInfo, InviteListCheck, InviteOverview, InviteResults, InviteStarted,
};
use sia_app::state::AppState;
use sia_csv::{InvalidPolicy, Role};
use sia_invite::InviteRevokeSummary;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::{AppHandle, Runtime, State};

use crate::events::events;

#[tauri::command]
pub async fn invite_form_info(state: State<'_, Arc<AppState>>) -> AppResult<InviteFormInfo> {
    api::invite::invite_form_info(&state).await.returned(&state)
}

#[tauri::command]
pub async fn invite_check(
    state: State<'_, Arc<AppState>>,
    list: String,
    teams: Vec<String>,
    role: Role,
    workspace: Option<String>,
) -> AppResult<InviteListCheck> {
    api::invite::invite_check(&state, list, teams, role, workspace)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn invite_start_checked<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<AppState>>,
    check_id: u32,
) -> AppResult<InviteStarted> {
    api::invite::invite_start_checked(events(&app), &state, check_id)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn invite_start_import<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<AppState>>,
    policy: InvalidPolicy,
) -> AppResult<InviteStarted> {
    api::invite::invite_start_import(events(&app), &state, policy)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn invite_overview(state: State<'_, Arc<AppState>>) -> AppResult<InviteOverview> {
    api::invite::invite_overview(&state).await.returned(&state)
}

#[tauri::command]
pub async fn invite_pause(state: State<'_, Arc<AppState>>) -> AppResult<()> {
    api::invite::invite_pause(&state).await.returned(&state)
}

#[tauri::command]
pub async fn invite_resume(state: State<'_, Arc<AppState>>) -> AppResult<()> {
    api::invite::invite_resume(&state).await.returned(&state)
}

#[tauri::command]
pub async fn invite_cancel(state: State<'_, Arc<AppState>>) -> AppResult<()> {
    api::invite::invite_cancel(&state).await.returned(&state)
}

#[tauri::command]
pub async fn invite_resume_job<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<AppState>>,
    job_id: String,
    cancel: bool,
) -> AppResult<InviteStarted> {
    api::invite::invite_resume_job(events(&app), &state, job_id, cancel)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn invite_results(
    state: State<'_, Arc<AppState>>,
    job_id: String,
) -> AppResult<InviteResults> {
    api::invite::invite_results(&state, job_id)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn invite_export_results(
    state: State<'_, Arc<AppState>>,
    job_id: String,
    path: PathBuf,
) -> AppResult<u32> {
    api::invite::invite_export_results(&state, job_id, path)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn invite_export_upload(
    state: State<'_, Arc<AppState>>,
    check_id: u32,
    path: PathBuf,
) -> AppResult<u32> {
    api::invite::invite_export_upload(&state, check_id, path)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn invite_revoke(
    state: State<'_, Arc<AppState>>,
    job_id: String,
) -> AppResult<InviteRevokeSummary> {
    api::invite::invite_revoke(&state, job_id)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn activation_tracker(
    state: State<'_, Arc<AppState>>,
    extra: Vec<String>,
) -> AppResult<sia_app::tracker::ActivationTracker> {
    api::invite::activation_tracker(&state, extra)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn activation_export(
    state: State<'_, Arc<AppState>>,
    path: PathBuf,
    extra: Vec<String>,
) -> AppResult<sia_app::tracker::ActivationTracker> {
    api::invite::activation_export(&state, path, extra)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn activation_last(
    state: State<'_, Arc<AppState>>,
) -> AppResult<Option<sia_app::tracker::ActivationLast>> {
    api::invite::activation_last(&state).await.returned(&state)
}
