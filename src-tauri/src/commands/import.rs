//! IPC for `sia_app::api::import`: each command is one call.

use sia_app::api;

use super::Returned;
use sia_app::api::import::*;
use sia_app::error::AppResult;
use sia_app::import::ImportDraft;
use sia_app::state::AppState;
use sia_csv::{Delimiter, EditOutcome, InvalidPolicy, Page, RowFilter, Summary, TargetField};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn import_open(state: State<'_, Arc<AppState>>, path: PathBuf) -> AppResult<Summary> {
    api::import::import_open(&state, path)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn import_refresh_directory(state: State<'_, Arc<AppState>>) -> AppResult<Summary> {
    api::import::import_refresh_directory(&state)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn import_summary(state: State<'_, Arc<AppState>>) -> AppResult<Option<Summary>> {
    api::import::import_summary(&state).await.returned(&state)
}

#[tauri::command]
pub async fn import_page(
    state: State<'_, Arc<AppState>>,
    offset: u32,
    limit: u32,
    filter: RowFilter,
) -> AppResult<Page> {
    api::import::import_page(&state, offset, limit, filter)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn import_set_encoding(
    state: State<'_, Arc<AppState>>,
    encoding: String,
) -> AppResult<Summary> {
    api::import::import_set_encoding(&state, encoding)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn import_set_delimiter(
    state: State<'_, Arc<AppState>>,
    delimiter: Delimiter,
) -> AppResult<Summary> {
    api::import::import_set_delimiter(&state, delimiter)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn import_set_has_header(
    state: State<'_, Arc<AppState>>,
    has_header: bool,
) -> AppResult<Summary> {
    api::import::import_set_has_header(&state, has_header)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn import_set_sheet(
    state: State<'_, Arc<AppState>>,
    sheet: String,
) -> AppResult<Summary> {
    api::import::import_set_sheet(&state, sheet)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn import_set_mapping(
    state: State<'_, Arc<AppState>>,
    mapping: BTreeMap<TargetField, Option<u32>>,
    remember: bool,
) -> AppResult<Summary> {
    api::import::import_set_mapping(&state, mapping, remember)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn import_edit_cell(
    state: State<'_, Arc<AppState>>,
    row: u32,
    field: TargetField,
    value: String,
) -> AppResult<EditOutcome> {
    api::import::import_edit_cell(&state, row, field, value)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn import_confirm(
    state: State<'_, Arc<AppState>>,
    policy: InvalidPolicy,
) -> AppResult<Confirmation> {
    api::import::import_confirm(&state, policy)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn import_export_clean(
    state: State<'_, Arc<AppState>>,
    path: PathBuf,
    keep_optional: Option<bool>,
) -> AppResult<u32> {
    // The confirmation screen's "keep Team(s), Role, Workspace" is on unless the admin unticks it.
    api::import::import_export_clean(&state, path, keep_optional.unwrap_or(true))
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn import_export_errors(
    state: State<'_, Arc<AppState>>,
    path: PathBuf,
) -> AppResult<u32> {
    api::import::import_export_errors(&state, path)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn import_template(
    state: State<'_, Arc<AppState>>,
    lang: String,
    path: PathBuf,
) -> AppResult<()> {
    api::import::import_template(lang, path)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn import_draft(state: State<'_, Arc<AppState>>) -> AppResult<Option<ImportDraft>> {
    api::import::import_draft(&state).await.returned(&state)
}

#[tauri::command]
pub async fn import_reopen_draft(state: State<'_, Arc<AppState>>) -> AppResult<Summary> {
    api::import::import_reopen_draft(&state)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn import_discard_draft(state: State<'_, Arc<AppState>>) -> AppResult<()> {
    api::import::import_discard_draft(&state)
        .await
        .returned(&state)
}

#[tauri::command]
pub async fn import_close(state: State<'_, Arc<AppState>>) -> AppResult<()> {
    api::import::import_close(&state).await.returned(&state)
}
