//! The one shape errors take when they cross IPC: a stable code the UI
//! translates, and a plain English message as a fallback. Never a secret or a path.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IpcError {
    pub code: String,
    pub message: String,
}

impl IpcError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

impl From<sia_core::CoreError> for IpcError {
    fn from(error: sia_core::CoreError) -> Self {
        // The Display text of domain errors is written to be safe to show.
        tracing::warn!(code = error.code(), "setup store error: {error}");
        IpcError::new(error.code(), error.to_string())
    }
}

pub type IpcResult<T> = Result<T, IpcError>;

impl From<sia_vault::VaultError> for IpcError {
    fn from(error: sia_vault::VaultError) -> Self {
        tracing::warn!(code = error.code(), "vault error: {error}");
        IpcError::new(format!("vault_{}", error.code()), error.to_string())
    }
}

impl From<sia_salesforce::SalesforceError> for IpcError {
    fn from(error: sia_salesforce::SalesforceError) -> Self {
        tracing::warn!(code = error.code(), "salesforce error: {error}");
        IpcError::new(format!("salesforce_{}", error.code()), error.to_string())
    }
}

impl From<sia_actions::ActionsError> for IpcError {
    fn from(error: sia_actions::ActionsError) -> Self {
        // The client's messages carry no token, secret or URL.
        tracing::warn!(code = %error.code(), "actions error: {error}");
        IpcError::new(format!("actions_{}", error.code()), error.to_string())
    }
}

impl From<sia_csv::CsvError> for IpcError {
    fn from(error: sia_csv::CsvError) -> Self {
        // sia-csv's messages never carry a path or a cell value.
        tracing::warn!(code = error.code(), "import error: {error}");
        IpcError::new(format!("csv_{}", error.code()), error.to_string())
    }
}

impl From<sia_invite::InviteError> for IpcError {
    fn from(error: sia_invite::InviteError) -> Self {
        // sia-invite's messages never carry a token or a path.
        tracing::warn!(code = error.code(), "invite error: {error}");
        IpcError::new(format!("invite_{}", error.code()), error.to_string())
    }
}
