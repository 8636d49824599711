//! The crate's one error type: a stable machine `code()` per variant, and a plain message
//! that says what to do. No message ever holds a secret, a token or a full file path.

use serde::Serialize;
use ts_rs::TS;

/// Why a pasted secret was refused (the shared secret type's own reasons).
pub use sia_secret::SecretProblem;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error(
        "No keychain is available on this computer, so the secret cannot be kept safely. \
         On Linux, start a Secret Service provider (GNOME Keyring or KWallet) in your desktop \
         session and try again, or choose \"Only for this session\" to keep it in memory until \
         the app closes."
    )]
    KeychainUnavailable,

    #[error(
        "The keychain is locked. Unlock it (sign in again, or open your keychain or password \
         manager app) and try again, or choose \"Only for this session\" to keep the secret in \
         memory until the app closes."
    )]
    KeychainLocked,

    #[error(
        "Access to the keychain was refused (the unlock prompt was dismissed, or this app is not \
         allowed to use it). Allow access and try again, or choose \"Only for this session\" to \
         keep the secret in memory until the app closes."
    )]
    KeychainDenied,

    #[error(
        "The keychain reported an error. Try again; if it keeps failing, restart your keychain \
         service or computer, or choose \"Only for this session\" to keep the secret in memory \
         until the app closes."
    )]
    KeychainFailed,

    #[error(
        "The keychain holds more than one entry for this connection. Forget the connection, \
         then enter it again."
    )]
    KeychainConflict,

    #[error(
        "This secret is {size_text} but a keychain entry can hold at most {limit} bytes (the \
         Windows limit, applied everywhere). Store the refresh token, not an access token; \
         if this is a refresh token, check that nothing else was pasted with it.",
        size_text = size.map(|s| format!("{s} bytes")).unwrap_or_else(|| "too large".into())
    )]
    SecretTooLarge { size: Option<usize>, limit: usize },

    #[error("The {field} {}", match problem {
        SecretProblem::Empty => "is empty. Paste it again.",
        SecretProblem::InnerWhitespace =>
            "contains spaces or line breaks inside it. Copy it again, without the surrounding text.",
    })]
    SecretInvalid {
        field: &'static str,
        problem: SecretProblem,
    },

    #[error("The {field} is required for this connection. Enter it and save again.")]
    SettingMissing { field: &'static str },

    #[error(
        "The account name is empty, too long or contains line breaks. Use the login, email or \
         Munchkin ID exactly as the service shows it."
    )]
    AccountInvalid,

    #[error(
        "The saved secret for this connection is damaged and cannot be read. Forget the \
         connection, then enter it again."
    )]
    StoredSecretDamaged,

    #[error(
        "The settings file could not be read ({0}). Check that the app's data folder is \
         readable, then restart the app."
    )]
    SettingsUnreadable(std::io::ErrorKind),

    #[error(
        "The settings file is damaged and was not changed. Restore it from a backup, or move \
         it away to start with empty settings (your keychain entries are not affected)."
    )]
    SettingsDamaged,

    #[error(
        "The settings could not be saved ({0}). Check free disk space and that the app's data \
         folder is writable, then try again. Nothing was changed."
    )]
    SettingsWriteFailed(std::io::ErrorKind),
}

impl VaultError {
    /// A stable snake_case code the app maps to a translated message.
    pub fn code(&self) -> &'static str {
        match self {
            VaultError::KeychainUnavailable => "keychain_unavailable",
            VaultError::KeychainLocked => "keychain_locked",
            VaultError::KeychainDenied => "keychain_denied",
            VaultError::KeychainFailed => "keychain_failed",
            VaultError::KeychainConflict => "keychain_conflict",
            VaultError::SecretTooLarge { .. } => "secret_too_large",
            VaultError::SecretInvalid { .. } => "secret_invalid",
            VaultError::SettingMissing { .. } => "setting_missing",
            VaultError::AccountInvalid => "account_invalid",
            VaultError::StoredSecretDamaged => "stored_secret_damaged",
            VaultError::SettingsUnreadable(_) => "settings_unreadable",
            VaultError::SettingsDamaged => "settings_damaged",
            VaultError::SettingsWriteFailed(_) => "settings_write_failed",
        }
    }

    /// True when the keychain itself is the problem, so the UI may offer the explicit
    /// "only for this session" choice. Never true for bad input: that must be fixed instead.
    pub fn offers_session_only(&self) -> bool {
        matches!(
            self,
            VaultError::KeychainUnavailable
                | VaultError::KeychainLocked
                | VaultError::KeychainDenied
                | VaultError::KeychainFailed
        )
    }

    /// What crosses IPC for this error.
    pub fn info(&self) -> VaultErrorInfo {
        VaultErrorInfo {
            code: self.code().to_owned(),
            message: self.to_string(),
            session_only_available: self.offers_session_only(),
        }
    }
}

/// The `{code, message}` pair the UI receives, plus whether to show "Only for this session".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VaultErrorInfo {
    pub code: String,
    pub message: String,
    pub session_only_available: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<VaultError> {
        use std::io::ErrorKind;
        vec![
            VaultError::KeychainUnavailable,
            VaultError::KeychainLocked,
            VaultError::KeychainDenied,
            VaultError::KeychainFailed,
            VaultError::KeychainConflict,
            VaultError::SecretTooLarge {
                size: Some(3000),
                limit: 2560,
            },
            VaultError::SecretTooLarge {
                size: None,
                limit: 2560,
            },
            VaultError::SecretInvalid {
                field: "client secret",
                problem: SecretProblem::Empty,
            },
            VaultError::SettingMissing {
                field: "Munchkin ID",
            },
            VaultError::AccountInvalid,
            VaultError::StoredSecretDamaged,
            VaultError::SettingsUnreadable(ErrorKind::PermissionDenied),
            VaultError::SettingsDamaged,
            VaultError::SettingsWriteFailed(ErrorKind::StorageFull),
        ]
    }

    #[test]
    fn codes_are_snake_case_and_messages_say_what_to_do() {
        for e in all() {
            let code = e.code();
            assert!(
                code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{code}"
            );
            let msg = e.to_string();
            assert!(msg.len() > 30, "{code}: message too thin: {msg}");
            assert!(!msg.contains('/'), "{code}: looks like a path: {msg}");
        }
    }

    #[test]
    fn only_keychain_failures_offer_session_only() {
        let offering: Vec<_> = all()
            .into_iter()
            .filter(VaultError::offers_session_only)
            .map(|e| e.code())
            .collect();
        assert_eq!(
            offering,
            [
                "keychain_unavailable",
                "keychain_locked",
                "keychain_denied",
                "keychain_failed"
            ]
        );
        let info = VaultError::KeychainLocked.info();
        assert_eq!(info.code, "keychain_locked");
        assert!(info.session_only_available);
        let json = serde_json::to_string(&info).unwrap_or_default();
        assert!(json.contains("\"sessionOnlyAvailable\":true"), "{json}");
    }

    #[test]
    fn too_large_names_sizes_not_content() {
        let e = VaultError::SecretTooLarge {
            size: Some(3000),
            limit: 2560,
        };
        let msg = e.to_string();
        assert!(msg.contains("3000 bytes") && msg.contains("2560"), "{msg}");
    }
}
