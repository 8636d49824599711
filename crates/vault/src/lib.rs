//! Keeps the app's secrets in the operating system's keychain, and nowhere else; keeps the
//! non-secret settings beside them in an ordinary, atomically written file.
//!
//! Start with [`Vault::open`]. Secrets are [`Secret`]s: redacted in `Debug`, `Display`, serde
//! and logs, wiped on drop. The UI receives [`VaultStatus`] and [`StoredCredential`], never a
//! value. See `docs/vault.md` for what is stored where.

mod blob;
mod error;
mod keychain;
mod model;
mod secret;
mod settings;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod vault;

pub use blob::MAX_SECRET_BYTES;
pub use error::{SecretProblem, VaultError, VaultErrorInfo};
pub use model::{
    ActionsCredentials, ConnectionInfo, Credentials, Environment, ForgetFailure, ForgetOutcome,
    KeychainState, MarketoCredentials, Preferences, Revocation, SalesforceCredentials, Service,
    StorageMode, StoredCredential, VaultStatus,
};
pub use secret::{REDACTED, Secret};
pub use settings::{SETTINGS_FILE, write_atomic};
/// Moved to `sia-core` (it belongs with the language preference); kept here so callers keep compiling.
pub use sia_core::UiLanguage;
pub use vault::{Vault, keychain_service};
