//! Step 5's CSV import over IPC: open (Browse; drops use the same routine), settings, mapping,
//! paged preview, inline edits, confirmation and the two exports. Heavy work runs off the IPC thread.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use ts_rs::TS;

use sia_csv::{
    Delimiter, EditOutcome, InvalidPolicy, Page, RowFilter, Summary, TargetField, template,
};

use crate::directory::Read;
use crate::error::{AppError, AppResult};
use crate::import::{ImportDraft, ImportState, locale_tag};
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
    work: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| AppError::new("csv_internal", "the import stopped unexpectedly"))?
}

fn import(state: &AppState) -> ImportState {
    state.import.clone()
}

/// Opens a file chosen with Browse (a dropped file takes the same route through the window hook).
/// Rows are checked against the Actions instance and Salesforce as they are now.
pub async fn import_open(state: &AppState, path: PathBuf) -> AppResult<Summary> {
    let directory = state.directory.get(state, Read::Fresh).await?;
    let import = import(state);
    let locale = locale_tag(&state.os_locale);
    blocking(move || import.open(&path, locale, directory)).await
}

/// Reads the Actions instance and Salesforce again and re-checks every row (edits are kept):
/// after inviting someone elsewhere, or once a service that was unreachable answers.
pub async fn import_refresh_directory(state: &AppState) -> AppResult<Summary> {
    let directory = state.directory.get(state, Read::Fresh).await?;
    let import = import(state);
    blocking(move || import.with(|s| Ok(s.set_directory(directory)))).await
}

/// The open import's summary (None when no file is open), for a screen that is shown again.
pub async fn import_summary(state: &AppState) -> AppResult<Option<Summary>> {
    Ok(state.import.summary())
}

pub async fn import_page(
    state: &AppState,
    offset: u32,
    limit: u32,
    filter: RowFilter,
) -> AppResult<Page> {
    let import = import(state);
    blocking(move || import.with(|s| Ok(s.page(offset, limit, filter)))).await
}

pub async fn import_set_encoding(state: &AppState, encoding: String) -> AppResult<Summary> {
    let import = import(state);
    blocking(move || import.change(|s| Ok(s.set_encoding(&encoding)?))).await
}

pub async fn import_set_delimiter(state: &AppState, delimiter: Delimiter) -> AppResult<Summary> {
    let import = import(state);
    blocking(move || import.change(|s| Ok(s.set_delimiter(delimiter)?))).await
}

pub async fn import_set_has_header(state: &AppState, has_header: bool) -> AppResult<Summary> {
    let import = import(state);
    blocking(move || import.change(|s| Ok(s.set_has_header(has_header)))).await
}

/// Another sheet of a workbook.
pub async fn import_set_sheet(state: &AppState, sheet: String) -> AppResult<Summary> {
    let import = import(state);
    blocking(move || import.change(|s| Ok(s.set_sheet(&sheet)?))).await
}

/// The admin's mapping (field → column, null unmaps). `remember` keeps it for this set of headers.
pub async fn import_set_mapping(
    state: &AppState,
    mapping: BTreeMap<TargetField, Option<u32>>,
    remember: bool,
) -> AppResult<Summary> {
    let import = import(state);
    blocking(move || {
        let summary = import.change(|s| Ok(s.set_mapping(&mapping)?))?;
        if remember {
            import.remember_current_mapping()?;
        }
        Ok(summary)
    })
    .await
}

pub async fn import_edit_cell(
    state: &AppState,
    row: u32,
    field: TargetField,
    value: String,
) -> AppResult<EditOutcome> {
    let import = import(state);
    blocking(move || import.change(|s| Ok(s.edit_cell(row, field, value)?))).await
}

/// How many rows would be invited under `policy`; `csv_invalid_rows_block` when blocking.
pub async fn import_confirm(state: &AppState, policy: InvalidPolicy) -> AppResult<Confirmation> {
    let import = import(state);
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

/// Writes Actions' own upload file (Email, First Name, Last Name, then with `keep_optional` the
/// mapped Team(s) / Role / Workspace under the source file's headers); returns the rows written.
pub async fn import_export_clean(
    state: &AppState,
    path: PathBuf,
    keep_optional: bool,
) -> AppResult<u32> {
    let import = import(state);
    blocking(move || import.with(|s| Ok(s.export_clean_upload(&path, keep_optional)?))).await
}

/// Writes the error report (UTF-8 with BOM, formulas neutralised); returns the rows written.
pub async fn import_export_errors(state: &AppState, path: PathBuf) -> AppResult<u32> {
    let import = import(state);
    blocking(move || import.with(|s| Ok(s.export_error_report(&path)?))).await
}

/// Writes the template in the admin's language (`en` or `zh-TW`).
pub async fn import_template(lang: String, path: PathBuf) -> AppResult<()> {
    blocking(move || {
        std::fs::write(&path, template(&lang))
            .map_err(|e| AppError::from(sia_csv::CsvError::Export(e)))
    })
    .await
}

/// Fixes kept from an import that was never confirmed (the app was closed, crashed or was
/// killed), while no import is open: step 5 offers to put them back.
pub async fn import_draft(state: &AppState) -> AppResult<Option<ImportDraft>> {
    let import = import(state);
    blocking(move || Ok(import.saved_draft())).await
}

/// Opens the kept fixes' file again, checked against Actions and Salesforce as they are now, and
/// makes the fixes again.
pub async fn import_reopen_draft(state: &AppState) -> AppResult<Summary> {
    let directory = state.directory.get(state, Read::Fresh).await?;
    let import = import(state);
    let locale = locale_tag(&state.os_locale);
    blocking(move || import.reopen_draft(locale, directory)).await
}

/// Forgets the kept fixes, on the admin's word.
pub async fn import_discard_draft(state: &AppState) -> AppResult<()> {
    state.import.discard_draft();
    Ok(())
}

/// Closes the import; its kept fixes go with it.
pub async fn import_close(state: &AppState) -> AppResult<()> {
    state.import.close();
    Ok(())
}
