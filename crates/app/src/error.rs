//! The application's one error: a stable code the UI translates, a plain English message as a
//! fallback, and the values the translation needs. Every domain crate's error converts into it
//! here, once; the shell sends it over IPC as it is (`{code, message, params}`, named `IpcError`
//! in TypeScript) and `sia` prints it. Never a secret or a path.

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export, rename = "IpcError")]
pub struct AppError {
    pub code: String,
    pub message: String,
    /// Values the translated text needs (e.g. `resetsAt`, an RFC 3339 time); never a secret.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    #[ts(optional, as = "Option<BTreeMap<String, String>>")]
    pub params: BTreeMap<String, String>,
    /// The keychain refused, and the admin may keep this secret for this session only instead
    /// (`VaultError::offers_session_only`): the rule travels with the error, not as a UI copy.
    #[serde(
        rename = "sessionOnlyOffered",
        skip_serializing_if = "std::ops::Not::not"
    )]
    #[ts(optional, as = "Option<bool>")]
    pub session_only_offered: bool,
}

impl AppError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            params: BTreeMap::new(),
            session_only_offered: false,
        }
    }

    pub fn with_param(mut self, name: &str, value: impl Into<String>) -> Self {
        self.params.insert(name.to_string(), value.into());
        self
    }
}

impl From<sia_core::CoreError> for AppError {
    fn from(error: sia_core::CoreError) -> Self {
        // The Display text of domain errors is written to be safe to show.
        tracing::warn!(code = error.code(), "setup store error: {error}");
        AppError::new(error.code(), error.to_string())
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl From<sia_vault::VaultError> for AppError {
    fn from(error: sia_vault::VaultError) -> Self {
        tracing::warn!(code = error.code(), "vault error: {error}");
        let mut app = AppError::new(format!("vault_{}", error.code()), error.to_string());
        app.session_only_offered = error.offers_session_only();
        app
    }
}

impl From<sia_salesforce::SalesforceError> for AppError {
    fn from(error: sia_salesforce::SalesforceError) -> Self {
        tracing::warn!(code = error.code(), "salesforce error: {error}");
        AppError::new(format!("salesforce_{}", error.code()), error.to_string())
    }
}

impl From<sia_csv::CsvError> for AppError {
    fn from(error: sia_csv::CsvError) -> Self {
        // sia-csv's messages never carry a path or a cell value.
        tracing::warn!(code = error.code(), "import error: {error}");
        AppError::new(format!("csv_{}", error.code()), error.to_string())
    }
}

impl From<sia_marketo::MarketoError> for AppError {
    fn from(error: sia_marketo::MarketoError) -> Self {
        // sia-marketo's messages carry no URL, query or credential.
        tracing::warn!(code = error.code(), "marketo error: {error}");
        let resets_at = error.quota_resets_at().and_then(|at| {
            at.format(&time::format_description::well_known::Rfc3339)
                .ok()
        });
        let ipc = AppError::new(format!("marketo_{}", error.code()), error.to_string());
        match resets_at {
            Some(at) => ipc.with_param("resetsAt", at),
            None => ipc,
        }
    }
}

impl From<sia_actions::ActionsError> for AppError {
    fn from(error: sia_actions::ActionsError) -> Self {
        // sia-actions' messages carry no token, secret or full URL.
        let code = error.code();
        tracing::warn!(code = %code, "actions error: {error}");
        let ipc = AppError::new(format!("actions_{code}"), error.to_string());
        match error.retry_after() {
            Some(seconds) => ipc.with_param("seconds", seconds.to_string()),
            None => ipc,
        }
    }
}

impl From<sia_invite::InviteError> for AppError {
    fn from(error: sia_invite::InviteError) -> Self {
        // sia-invite's messages never carry a token or a path.
        tracing::warn!(code = error.code(), "invite error: {error}");
        AppError::new(format!("invite_{}", error.code()), error.to_string())
    }
}

/// The codes of the last errors the app returned to the window, newest last, for the diagnostics
/// a support person reads ("what went wrong just before you wrote to us"). Codes and times only:
/// a message or a parameter may name an account or a file, a code never does.
#[derive(Debug, Default)]
pub struct RecentErrors(std::sync::Mutex<std::collections::VecDeque<ReturnedError>>);

/// One error as it crossed to the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReturnedError {
    pub code: String,
    /// RFC 3339, UTC.
    pub at: String,
}

impl RecentErrors {
    /// How many are kept: enough for one afternoon's troubles, small enough to read.
    pub const KEPT: usize = 50;

    pub fn record(&self, error: &AppError) {
        let at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if kept.len() == Self::KEPT {
            kept.pop_front();
        }
        kept.push_back(ReturnedError {
            code: error.code.clone(),
            at,
        });
    }

    /// Oldest first.
    pub fn list(&self) -> Vec<ReturnedError> {
        let kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        kept.iter().cloned().collect()
    }
}

/// Every command's result passes here on its way to the window: an error's code is kept in the
/// app's short list of recent errors, which "Export diagnostics…" hands to support. Here, at the
/// IPC edge, because only what reached the admin is what support hears about
/// (the shell's `every_command_records_the_errors_it_returns` checks each command does).
pub trait Returned<T> {
    fn returned(self, state: &crate::state::AppState) -> AppResult<T>;
}

impl<T> Returned<T> for AppResult<T> {
    fn returned(self, state: &crate::state::AppState) -> AppResult<T> {
        if let Err(error) = &self {
            state.recent_errors.record(error);
        }
        self
    }
}

#[cfg(test)]
mod recent_tests {
    use super::*;

    #[test]
    fn keeps_the_last_codes_only_and_never_a_message() {
        let recent = RecentErrors::default();
        for i in 0..RecentErrors::KEPT + 3 {
            recent.record(&AppError::new(
                format!("code_{i}"),
                "message about admin@example.com",
            ));
        }
        let list = recent.list();
        assert_eq!(list.len(), RecentErrors::KEPT);
        assert_eq!(list[0].code, "code_3");
        assert_eq!(
            list.last().unwrap().code,
            format!("code_{}", RecentErrors::KEPT + 2)
        );
        let json = serde_json::to_string(&list).unwrap();
        assert!(!json.contains("example.com"));
    }
}
