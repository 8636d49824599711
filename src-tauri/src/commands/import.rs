//! Step 5's CSV import over IPC: open (Browse; drops use the same routine), settings, mapping,
//! paged preview, inline edits, confirmation and the two exports. Heavy work runs off the IPC thread.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use sia_csv::{
    Delimiter, EditOutcome, InvalidPolicy, Page, RowFilter, Summary, TargetField, template,
};

use crate::error::{IpcError, IpcResult};
use crate::import::{ImportState, locale_tag};
use crate::state::AppState;

/// What confirming the import gives: the people that would be invited and those left out.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvConfirmation")]
pub struct Confirmation {
    pub confirmed: u32,
    pub skipped: u32,
}

/// Runs `work` on a blocking thread: opening, re-decoding and exporting can take a second.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> IpcResult<T> + Send + 'static,
) -> IpcResult<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|_| IpcError::new("csv_internal", "the import stopped unexpectedly"))?
}

fn import(state: &State<'_, AppState>) -> ImportState {
    state.import.clone()
}

/// Opens a file chosen with Browse (a dropped file takes the same route through the window hook).
/// Rows are checked against the Actions instance and Salesforce as they are now.
#[tauri::command]
pub async fn import_open(state: State<'_, AppState>, path: PathBuf) -> IpcResult<Summary> {
    let directory = crate::directory::load(&state).await?;
    let import = import(&state);
    let locale = locale_tag(&state.os_locale);
    blocking(move || import.open(&path, locale, directory)).await
}

/// Reads the Actions instance and Salesforce again and re-checks every row (edits are kept):
/// after inviting someone elsewhere, or once a service that was unreachable answers.
#[tauri::command]
pub async fn import_refresh_directory(state: State<'_, AppState>) -> IpcResult<Summary> {
    let directory = crate::directory::load(&state).await?;
    let import = import(&state);
    blocking(move || import.with(|s| Ok(s.set_directory(directory)))).await
}

/// The open import's summary (None when no file is open), for a screen that is shown again.
#[tauri::command]
pub async fn import_summary(state: State<'_, AppState>) -> IpcResult<Option<Summary>> {
    Ok(state.import.summary())
}

#[tauri::command]
pub async fn import_page(
    state: State<'_, AppState>,
    offset: u32,
    limit: u32,
    filter: RowFilter,
) -> IpcResult<Page> {
    let import = import(&state);
    blocking(move || import.with(|s| Ok(s.page(offset, limit, filter)))).await
}

#[tauri::command]
pub async fn import_set_encoding(
    state: State<'_, AppState>,
    encoding: String,
) -> IpcResult<Summary> {
    let import = import(&state);
    blocking(move || import.with(|s| Ok(s.set_encoding(&encoding)?))).await
}

#[tauri::command]
pub async fn import_set_delimiter(
    state: State<'_, AppState>,
    delimiter: Delimiter,
) -> IpcResult<Summary> {
    let import = import(&state);
    blocking(move || import.with(|s| Ok(s.set_delimiter(delimiter)?))).await
}

#[tauri::command]
pub async fn import_set_has_header(
    state: State<'_, AppState>,
    has_header: bool,
) -> IpcResult<Summary> {
    let import = import(&state);
    blocking(move || import.with(|s| Ok(s.set_has_header(has_header)))).await
}

/// Another sheet of a workbook.
#[tauri::command]
pub async fn import_set_sheet(state: State<'_, AppState>, sheet: String) -> IpcResult<Summary> {
    let import = import(&state);
    blocking(move || import.with(|s| Ok(s.set_sheet(&sheet)?))).await
}

/// The admin's mapping (field → column, null unmaps). `remember` keeps it for this set of headers.
#[tauri::command]
pub async fn import_set_mapping(
    state: State<'_, AppState>,
    mapping: BTreeMap<TargetField, Option<u32>>,
    remember: bool,
) -> IpcResult<Summary> {
    let import = import(&state);
    blocking(move || {
        let summary = import.with(|s| Ok(s.set_mapping(&mapping)?))?;
        if remember {
            import.remember_current_mapping()?;
        }
        Ok(summary)
    })
    .await
}

#[tauri::command]
pub async fn import_edit_cell(
    state: State<'_, AppState>,
    row: u32,
    field: TargetField,
    value: String,
) -> IpcResult<EditOutcome> {
    let import = import(&state);
    blocking(move || import.with(|s| Ok(s.edit_cell(row, field, value)?))).await
}

/// How many rows would be invited under `policy`; `csv_invalid_rows_block` when blocking.
#[tauri::command]
pub async fn import_confirm(
    state: State<'_, AppState>,
    policy: InvalidPolicy,
) -> IpcResult<Confirmation> {
    let import = import(&state);
    blocking(move || {
        import.with(|s| {
            let rows = s.confirmed_rows(policy)?;
            let confirmed = u32::try_from(rows.len()).unwrap_or(u32::MAX);
            Ok(Confirmation {
                confirmed,
                skipped: s.counts().rows.saturating_sub(confirmed),
            })
        })
    })
    .await
}

/// Writes Actions' own upload file (Email, First Name, Last Name); returns the rows written.
#[tauri::command]
pub async fn import_export_clean(state: State<'_, AppState>, path: PathBuf) -> IpcResult<u32> {
    let import = import(&state);
    blocking(move || import.with(|s| Ok(s.export_clean_upload(&path)?))).await
}

/// Writes the error report (UTF-8 with BOM, formulas neutralised); returns the rows written.
#[tauri::command]
pub async fn import_export_errors(state: State<'_, AppState>, path: PathBuf) -> IpcResult<u32> {
    let import = import(&state);
    blocking(move || import.with(|s| Ok(s.export_error_report(&path)?))).await
}

/// Writes the template in the admin's language (`en` or `zh-TW`).
#[tauri::command]
pub async fn import_template(lang: String, path: PathBuf) -> IpcResult<()> {
    blocking(move || {
        std::fs::write(&path, template(&lang))
            .map_err(|e| IpcError::from(sia_csv::CsvError::Export(e)))
    })
    .await
}

#[tauri::command]
pub async fn import_close(state: State<'_, AppState>) -> IpcResult<()> {
    state.import.close();
    Ok(())
}
