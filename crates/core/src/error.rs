//! The one error type of this crate. Each variant has a stable code the app
//! maps to a translated message; no message carries a path or a secret.

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("the setup progress file could not be opened")]
    StoreOpen(#[source] rusqlite::Error),
    #[error("the setup progress file could not be read or written")]
    Store(#[from] rusqlite::Error),
    #[error("the setup progress file was written by a newer version of SIA Setup")]
    StoreTooNew { found: i64, supported: i64 },
    #[error("the setup progress folder could not be created")]
    DataDir(#[source] std::io::Error),
}

impl CoreError {
    /// A stable, machine-readable code; the UI translates it.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::StoreOpen(_) => "store_open_failed",
            CoreError::Store(_) => "store_failed",
            CoreError::StoreTooNew { .. } => "store_too_new",
            CoreError::DataDir(_) => "data_dir_failed",
        }
    }
}
