//! Step 3 (real product): the admin pastes Marketo's Munchkin ID, Client ID and Client Secret
//! into Actions' Marketo settings. The app copies each for them; the secret goes from the keychain
//! to the clipboard in Rust (the page never sees it) and is cleared again after a minute.

use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use sia_vault::Service;
use ts_rs::TS;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// How long a copied secret may stay on the clipboard.
pub const SECRET_TTL: Duration = Duration::from_secs(60);

/// The system clipboard, as the window (or a test) provides it.
pub trait Clipboard: Send + Sync + 'static {
    fn write_text(&self, text: &str) -> Result<(), String>;
    fn read_text(&self) -> Result<String, String>;
    fn clear(&self) -> Result<(), String>;
}

/// Which of the three values to copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum CopyField {
    MunchkinId,
    ClientId,
    ClientSecret,
}

/// Copies `field` of the saved Marketo API access; a secret is cleared after `SECRET_TTL` unless
/// something else was copied since.
pub fn copy_marketo_field(
    state: &AppState,
    clipboard: Arc<dyn Clipboard>,
    field: CopyField,
) -> AppResult<()> {
    let vault = state.vault()?;
    let environment = state.environment();
    let not_saved = || {
        AppError::new(
            "marketo_not_connected",
            "The app has no Marketo API access yet. Enter the Munchkin ID, Client ID and Client Secret first.",
        )
    };
    let record = vault
        .record(Service::Marketo, environment)
        .ok_or_else(not_saved)?;
    let text = match field {
        CopyField::MunchkinId => record
            .connection
            .munchkin_id
            .unwrap_or(record.connection.account),
        CopyField::ClientId | CopyField::ClientSecret => {
            let saved = vault.marketo(environment)?.ok_or_else(not_saved)?;
            if field == CopyField::ClientId {
                saved.client_id.expose().to_owned()
            } else {
                saved.client_secret.expose().to_owned()
            }
        }
    };
    clipboard.write_text(&text).map_err(|_| unavailable())?;
    if field == CopyField::ClientSecret {
        let clipboard = clipboard.clone();
        std::thread::spawn(move || {
            std::thread::sleep(SECRET_TTL);
            // Only our own secret is cleared: the admin may have copied something else since.
            if clipboard.read_text().is_ok_and(|now| now == text) && clipboard.clear().is_err() {
                tracing::warn!("the copied Client Secret could not be cleared from the clipboard");
            }
        });
    }
    Ok(())
}

fn unavailable() -> AppError {
    AppError::new(
        "clipboard_unavailable",
        "The clipboard cannot be used right now. Try again, or copy the value in Marketo.",
    )
}
