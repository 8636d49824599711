//! What the admin sends to support: the diagnostics zip (`crate::diagnostics`).

use std::path::PathBuf;

use crate::diagnostics::{self, DiagnosticsExported};
use crate::error::AppResult;
use crate::state::AppState;

/// Writes the diagnostics zip to `path`, chosen by the admin in a save dialog.
pub async fn export_diagnostics(state: &AppState, path: PathBuf) -> AppResult<DiagnosticsExported> {
    diagnostics::export(state, path).await
}
