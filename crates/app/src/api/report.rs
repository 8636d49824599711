//! The setup report over IPC: one HTML file to hand over (`crate::report`), written where the
//! admin chose in the save dialog.

use std::path::PathBuf;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Writes the setup report, in the admin's language, to `path`.
pub async fn export_setup_report(state: &AppState, path: PathBuf) -> AppResult<()> {
    let input = crate::report::ReportInput::read(state)?;
    let language = state.language();
    tokio::task::spawn_blocking(move || crate::report::write_input(&input, language, &path))
        .await
        .map_err(|_| AppError::new("report_write_failed", "The report could not be written."))?
}
