//! Opens the operating system's credential store and turns its errors into `VaultError`s.
//! Platform differences stay in this file; the rest of the crate sees one `CredentialStore`.

use std::error::Error as StdError;
use std::sync::Arc;

use keyring_core::{CredentialStore, Error as KeyringError};

use crate::error::VaultError;

/// The platform store, or why there is none. Never falls back to an in-memory or file store:
/// the caller decides, explicitly, whether to keep a secret for this session only.
pub fn platform_store() -> Result<(Arc<CredentialStore>, &'static str), VaultError> {
    open_platform_store().map_err(|err| {
        tracing::warn!(error = %err, "keychain unavailable");
        match err {
            KeyringError::PlatformFailure(ref inner) | KeyringError::NoStorageAccess(ref inner) => {
                // A store that cannot even be opened is unavailable unless the platform is
                // specific about locked or denied.
                match platform_kind(inner.as_ref()) {
                    Some(kind) => kind.into_error(),
                    None => VaultError::KeychainUnavailable,
                }
            }
            _ => VaultError::KeychainUnavailable,
        }
    })
}

#[cfg(target_os = "linux")]
fn open_platform_store() -> keyring_core::Result<(Arc<CredentialStore>, &'static str)> {
    let store = dbus_secret_service_keyring_store::Store::new()?;
    Ok((store, "Secret Service"))
}

#[cfg(target_os = "macos")]
fn open_platform_store() -> keyring_core::Result<(Arc<CredentialStore>, &'static str)> {
    let store = apple_native_keyring_store::keychain::Store::new()?;
    Ok((store, "macOS Keychain"))
}

#[cfg(target_os = "windows")]
fn open_platform_store() -> keyring_core::Result<(Arc<CredentialStore>, &'static str)> {
    let store = windows_native_keyring_store::Store::new()?;
    Ok((store, "Windows Credential Manager"))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn open_platform_store() -> keyring_core::Result<(Arc<CredentialStore>, &'static str)> {
    Err(KeyringError::NotSupportedByStore(
        "no keychain for this platform".into(),
    ))
}

/// What a store error means for the vault. `NoEntry` is not an error for the vault: it is
/// "nothing stored", which callers handle before calling this.
pub(crate) fn classify(err: &KeyringError) -> VaultError {
    // Only variants without secret bytes are logged; `BadEncoding`/`BadDataFormat` carry the
    // stored blob, so they are logged by name only.
    match err {
        KeyringError::PlatformFailure(inner) => {
            tracing::warn!(error = %inner, "keychain platform failure");
            platform_kind(inner.as_ref())
                .map(Kind::into_error)
                .unwrap_or(VaultError::KeychainFailed)
        }
        KeyringError::NoStorageAccess(inner) => {
            tracing::warn!(error = %inner, "keychain refused access");
            platform_kind(inner.as_ref())
                .map(Kind::into_error)
                .unwrap_or(VaultError::KeychainLocked)
        }
        KeyringError::NoDefaultStore => VaultError::KeychainUnavailable,
        KeyringError::BadEncoding(_) | KeyringError::BadDataFormat(..) => {
            tracing::warn!("keychain returned a damaged secret");
            VaultError::StoredSecretDamaged
        }
        KeyringError::BadStoreFormat(_) => VaultError::KeychainFailed,
        KeyringError::TooLong(attr, limit) if attr != "user" && attr != "target" => {
            VaultError::SecretTooLarge {
                size: None,
                limit: *limit as usize,
            }
        }
        KeyringError::TooLong(..) | KeyringError::Invalid(..) => VaultError::AccountInvalid,
        KeyringError::Ambiguous(_) => VaultError::KeychainConflict,
        _ => {
            tracing::warn!(error = %err, "unexpected keychain error");
            VaultError::KeychainFailed
        }
    }
}

/// The keychain failures the UI tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Unavailable,
    Locked,
    Denied,
}

impl Kind {
    fn into_error(self) -> VaultError {
        match self {
            Kind::Unavailable => VaultError::KeychainUnavailable,
            Kind::Locked => VaultError::KeychainLocked,
            Kind::Denied => VaultError::KeychainDenied,
        }
    }
}

/// Looks through the platform error for a known cause. Linux errors are typed, so they are
/// downcast; the macOS and Windows stores expose only numeric codes, read from `Debug`.
fn platform_kind(err: &(dyn StdError + Send + Sync + 'static)) -> Option<Kind> {
    #[cfg(target_os = "linux")]
    if let Some(ss) = err.downcast_ref::<dbus_secret_service::Error>() {
        return secret_service_kind(ss);
    }
    native_code_kind(&format!("{err:?}"))
}

#[cfg(target_os = "linux")]
fn secret_service_kind(err: &dbus_secret_service::Error) -> Option<Kind> {
    use dbus_secret_service::Error as Ss;
    match err {
        Ss::Locked => Some(Kind::Locked),
        Ss::Prompt => Some(Kind::Denied),
        Ss::Unavailable => Some(Kind::Unavailable),
        Ss::Dbus(e) => dbus_name_kind(e.name().unwrap_or_default()),
        _ => None,
    }
}

/// D-Bus error names: no bus, no Secret Service owner, or a daemon that went away all mean
/// there is no keychain to talk to. (Only the Linux store speaks D-Bus; the tests check the
/// mapping on every platform.)
#[cfg(any(target_os = "linux", test))]
pub(crate) fn dbus_name_kind(name: &str) -> Option<Kind> {
    match name {
        "org.freedesktop.DBus.Error.ServiceUnknown"
        | "org.freedesktop.DBus.Error.NameHasNoOwner"
        | "org.freedesktop.DBus.Error.NoServer"
        | "org.freedesktop.DBus.Error.NoReply"
        | "org.freedesktop.DBus.Error.Disconnected"
        | "org.freedesktop.DBus.Error.FileNotFound"
        | "org.freedesktop.DBus.Error.Spawn.ChildExited"
        | "org.freedesktop.DBus.Error.NotSupported" => Some(Kind::Unavailable),
        "org.freedesktop.DBus.Error.AccessDenied" | "org.freedesktop.DBus.Error.AuthFailed" => {
            Some(Kind::Denied)
        }
        "org.freedesktop.Secret.Error.IsLocked" => Some(Kind::Locked),
        _ => None,
    }
}

/// macOS: `security_framework::base::Error` debugs as `Error { code: -128, .. }` (an OSStatus).
/// Windows: the store's `PlatformError(u32)` debugs as `PlatformError(1312)`.
pub(crate) fn native_code_kind(debug: &str) -> Option<Kind> {
    if let Some(code) = number_after(debug, "code: ") {
        return match code {
            -128 | -25293 | -61 | -25244 => Some(Kind::Denied), // userCanceled, authFailed, perms
            -25308 => Some(Kind::Locked),                       // interactionNotAllowed
            -25291 | -25294 | -25295 => Some(Kind::Unavailable), // notAvailable, no keychain
            _ => None,
        };
    }
    if let Some(code) = number_after(debug, "PlatformError(") {
        return match code {
            1312 => Some(Kind::Unavailable), // ERROR_NO_SUCH_LOGON_SESSION (service accounts)
            5 => Some(Kind::Denied),         // ERROR_ACCESS_DENIED
            _ => None,
        };
    }
    None
}

fn number_after(text: &str, marker: &str) -> Option<i64> {
    let start = text.find(marker)? + marker.len();
    let rest = &text[start..];
    let end = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
        .map_or(rest.len(), |(i, _)| i);
    rest[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macos_status_codes_map_to_kinds() {
        assert_eq!(
            native_code_kind("Error { code: -128, message: \"User canceled\" }"),
            Some(Kind::Denied)
        );
        assert_eq!(
            native_code_kind("Error { code: -25308 }"),
            Some(Kind::Locked)
        );
        assert_eq!(
            native_code_kind("Error { code: -25291 }"),
            Some(Kind::Unavailable)
        );
        assert_eq!(native_code_kind("Error { code: -50 }"), None);
    }

    #[test]
    fn windows_codes_map_to_kinds() {
        assert_eq!(
            native_code_kind("PlatformError(1312)"),
            Some(Kind::Unavailable)
        );
        assert_eq!(native_code_kind("PlatformError(5)"), Some(Kind::Denied));
        assert_eq!(native_code_kind("PlatformError(87)"), None);
        assert_eq!(native_code_kind("something else entirely"), None);
    }

    #[test]
    fn dbus_names_map_to_kinds() {
        assert_eq!(
            dbus_name_kind("org.freedesktop.DBus.Error.ServiceUnknown"),
            Some(Kind::Unavailable)
        );
        assert_eq!(
            dbus_name_kind("org.freedesktop.Secret.Error.IsLocked"),
            Some(Kind::Locked)
        );
        assert_eq!(
            dbus_name_kind("org.freedesktop.DBus.Error.AccessDenied"),
            Some(Kind::Denied)
        );
        assert_eq!(dbus_name_kind("org.example.Other"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn typed_secret_service_errors_are_told_apart() {
        let boxed =
            |e: dbus_secret_service::Error| -> keyring_core::error::PlatformError { Box::new(e) };
        let locked = KeyringError::NoStorageAccess(boxed(dbus_secret_service::Error::Locked));
        assert_eq!(classify(&locked).code(), "keychain_locked");
        let dismissed = KeyringError::NoStorageAccess(boxed(dbus_secret_service::Error::Prompt));
        assert_eq!(classify(&dismissed).code(), "keychain_denied");
        let gone = KeyringError::PlatformFailure(boxed(dbus_secret_service::Error::Unavailable));
        assert_eq!(classify(&gone).code(), "keychain_unavailable");
        let odd = KeyringError::PlatformFailure(boxed(dbus_secret_service::Error::Parse));
        assert_eq!(classify(&odd).code(), "keychain_failed");
    }

    #[test]
    fn damaged_and_ambiguous_and_limits() {
        assert_eq!(
            classify(&KeyringError::BadEncoding(vec![0xff])).code(),
            "stored_secret_damaged"
        );
        assert_eq!(
            classify(&KeyringError::Ambiguous(vec![])).code(),
            "keychain_conflict"
        );
        assert_eq!(
            classify(&KeyringError::TooLong("secret".into(), 2560)).code(),
            "secret_too_large"
        );
        assert_eq!(
            classify(&KeyringError::TooLong("user".into(), 513)).code(),
            "account_invalid"
        );
        assert_eq!(
            classify(&KeyringError::NoDefaultStore).code(),
            "keychain_unavailable"
        );
    }
}
