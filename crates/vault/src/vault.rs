//! The vault: saves, reads and forgets the three credential kinds per service and environment,
//! secrets in the keychain (or, only when asked, in memory), everything else in the settings file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use keyring_core::{CredentialStore, Entry, Error as KeyringError};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::blob;
use crate::error::VaultError;
use crate::keychain::{classify, platform_store};
use crate::model::{
    ActionsCredentials, ConnectionInfo, Credentials, Environment, ForgetFailure, ForgetOutcome,
    KeychainState, MarketoCredentials, Preferences, Revocation, SalesforceCredentials, Service,
    StorageMode, StoredCredential, VaultStatus,
};
use crate::settings::{self, SettingsFile};

/// Longest account name accepted; Windows allows 513, most keychains more.
const MAX_ACCOUNT_CHARS: usize = 256;

/// The keychain "service" of an entry. The account is the keychain "user", so an entry reads
/// `sia-setup.salesforce.sandbox` / `admin@example.com` in Seahorse, Keychain Access and
/// Credential Manager.
pub fn keychain_service(service: Service, environment: Environment) -> String {
    format!("sia-setup.{}.{}", service.as_str(), environment.as_str())
}

enum Keychain {
    Ready {
        store: Arc<CredentialStore>,
        backend: String,
    },
    Missing(VaultError),
}

struct SessionEntry {
    record: StoredCredential,
    credentials: Credentials,
}

struct State {
    keychain: Keychain,
    settings: SettingsFile,
    session: BTreeMap<(Service, Environment), SessionEntry>,
}

/// The credential vault. Cheap to share (`&self` everywhere, internally locked).
///
/// Every method may talk to the keychain, which can block on a user prompt: call them from a
/// blocking context (`tauri::async_runtime::spawn_blocking`), never from the UI thread.
pub struct Vault {
    dir: PathBuf,
    state: Mutex<State>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").finish_non_exhaustive()
    }
}

impl Vault {
    /// Opens the vault over the operating system's keychain, with settings in `config_dir`.
    /// A missing keychain does not fail this call: the vault opens, reports the keychain as
    /// unavailable, and refuses keychain saves until `reconnect` succeeds.
    pub fn open(config_dir: impl Into<PathBuf>) -> Result<Vault, VaultError> {
        let keychain = match platform_store() {
            Ok((store, backend)) => Keychain::Ready {
                store,
                backend: backend.to_owned(),
            },
            Err(e) => Keychain::Missing(e),
        };
        Vault::build(config_dir.into(), keychain)
    }

    /// Opens the vault over a given store: keyring-core's mock store in tests, or any other
    /// keyring-core store. `backend` is what the UI shows as "stored in …".
    pub fn with_store(
        store: Arc<CredentialStore>,
        backend: &str,
        config_dir: impl Into<PathBuf>,
    ) -> Result<Vault, VaultError> {
        Vault::build(
            config_dir.into(),
            Keychain::Ready {
                store,
                backend: backend.to_owned(),
            },
        )
    }

    /// Opens the vault with no keychain at all, for a known reason (one of the keychain errors).
    pub fn without_keychain(
        reason: VaultError,
        config_dir: impl Into<PathBuf>,
    ) -> Result<Vault, VaultError> {
        Vault::build(config_dir.into(), Keychain::Missing(reason))
    }

    fn build(dir: PathBuf, keychain: Keychain) -> Result<Vault, VaultError> {
        let settings = settings::load(&dir)?;
        Ok(Vault {
            dir,
            state: Mutex::new(State {
                keychain,
                settings,
                session: BTreeMap::new(),
            }),
        })
    }

    /// The folder holding the settings file.
    pub fn config_dir(&self) -> &Path {
        &self.dir
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere must not make the vault unusable; its state is always consistent
        // between statements.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Tries the platform keychain again (after the user started or unlocked it).
    pub fn reconnect(&self) -> KeychainState {
        let mut state = self.lock();
        if matches!(state.keychain, Keychain::Missing(_)) {
            state.keychain = match platform_store() {
                Ok((store, backend)) => Keychain::Ready {
                    store,
                    backend: backend.to_owned(),
                },
                Err(e) => Keychain::Missing(e),
            };
        }
        keychain_state(&state.keychain)
    }

    /// Saves one connection's secrets and settings. With `StorageMode::Keychain` a keychain
    /// problem is an error (fail closed); the caller may then offer `StorageMode::SessionOnly`,
    /// which keeps the secrets in this process's memory and writes nothing to disk.
    ///
    /// One connection per (service, environment): saving another account replaces the old
    /// one and removes its keychain entry.
    pub fn save(
        &self,
        environment: Environment,
        connection: ConnectionInfo,
        credentials: Credentials,
        mode: StorageMode,
    ) -> Result<StoredCredential, VaultError> {
        let service = credentials.service();
        let credentials = credentials.cleaned()?;
        let connection = validated(service, connection)?;
        let bytes = blob::encode(&credentials)?;
        let record = StoredCredential {
            service,
            environment,
            stored_in: mode,
            saved_on: now(),
            connection,
        };
        let mut state = self.lock();
        match mode {
            StorageMode::SessionOnly => {
                tracing::info!(
                    service = service.as_str(),
                    environment = environment.as_str(),
                    "secret kept for this session only"
                );
                state.session.insert(
                    (service, environment),
                    SessionEntry {
                        record: record.clone(),
                        credentials,
                    },
                );
                Ok(record)
            }
            StorageMode::Keychain => {
                let store = ready_store(&state.keychain)?;
                let entry = entry_for(&store, service, environment, &record.connection.account)?;
                entry.set_secret(&bytes).map_err(|e| classify(&e))?;
                let previous = position(&state.settings, service, environment)
                    .map(|i| state.settings.connections[i].clone());
                let mut next = state.settings.clone();
                next.connections
                    .retain(|c| !(c.service == service && c.environment == environment));
                next.connections.push(record.clone());
                if let Err(e) = settings::save(&self.dir, &next) {
                    // Without a settings record nothing would ever find this entry again.
                    if previous.as_ref().map(|p| &p.connection.account)
                        != Some(&record.connection.account)
                        && let Err(del) = entry.delete_credential()
                    {
                        tracing::warn!(error = %classify(&del).code(), "rollback of new entry failed");
                    }
                    return Err(e);
                }
                state.settings = next;
                if let Some(old) = previous
                    && old.connection.account != record.connection.account
                {
                    delete_quietly(&store, service, environment, &old.connection.account);
                }
                state.session.remove(&(service, environment));
                tracing::info!(
                    service = service.as_str(),
                    environment = environment.as_str(),
                    "secret saved in keychain"
                );
                Ok(record)
            }
        }
    }

    /// The secrets of one connection, or `None` if none is saved. A session-only save wins
    /// over a keychain one for the rest of the session.
    pub fn load(
        &self,
        service: Service,
        environment: Environment,
    ) -> Result<Option<Credentials>, VaultError> {
        let mut state = self.lock();
        if let Some(entry) = state.session.get(&(service, environment)) {
            return Ok(Some(entry.credentials.duplicate()));
        }
        let Some(index) = position(&state.settings, service, environment) else {
            return Ok(None);
        };
        let account = state.settings.connections[index].connection.account.clone();
        let store = ready_store(&state.keychain)?;
        let entry = entry_for(&store, service, environment, &account)?;
        match entry.get_secret() {
            Ok(bytes) => {
                let bytes = Zeroizing::new(bytes);
                blob::decode(service, &bytes).map(Some)
            }
            Err(KeyringError::NoEntry) => {
                // Deleted outside the app (Seahorse, Keychain Access): stop claiming it.
                tracing::warn!(
                    service = service.as_str(),
                    environment = environment.as_str(),
                    "keychain entry gone; dropping its record"
                );
                let mut next = state.settings.clone();
                next.connections.remove(index);
                if settings::save(&self.dir, &next).is_ok() {
                    state.settings = next;
                }
                Ok(None)
            }
            Err(e) => Err(classify(&e)),
        }
    }

    /// Marketo client id and secret for an environment.
    pub fn marketo(
        &self,
        environment: Environment,
    ) -> Result<Option<MarketoCredentials>, VaultError> {
        match self.load(Service::Marketo, environment)? {
            Some(Credentials::Marketo(c)) => Ok(Some(c)),
            Some(_) => Err(VaultError::StoredSecretDamaged),
            None => Ok(None),
        }
    }

    /// The Salesforce refresh token for an environment.
    pub fn salesforce(
        &self,
        environment: Environment,
    ) -> Result<Option<SalesforceCredentials>, VaultError> {
        match self.load(Service::Salesforce, environment)? {
            Some(Credentials::Salesforce(c)) => Ok(Some(c)),
            Some(_) => Err(VaultError::StoredSecretDamaged),
            None => Ok(None),
        }
    }

    /// The Actions API token for an environment.
    pub fn actions(
        &self,
        environment: Environment,
    ) -> Result<Option<ActionsCredentials>, VaultError> {
        match self.load(Service::Actions, environment)? {
            Some(Credentials::Actions(c)) => Ok(Some(c)),
            Some(_) => Err(VaultError::StoredSecretDamaged),
            None => Ok(None),
        }
    }

    /// The non-secret summary of one connection (no keychain access, no prompt).
    pub fn record(&self, service: Service, environment: Environment) -> Option<StoredCredential> {
        let state = self.lock();
        effective(&state, service, environment)
    }

    /// Everything the Settings screen shows. Reads only the settings and memory: no prompt.
    pub fn status(&self) -> VaultStatus {
        let state = self.lock();
        let mut credentials = Vec::new();
        for service in Service::ALL {
            for environment in Environment::ALL {
                if let Some(r) = effective(&state, service, environment) {
                    credentials.push(r);
                }
            }
        }
        VaultStatus {
            keychain: keychain_state(&state.keychain),
            credentials,
        }
    }

    /// Forgets one connection: its keychain entry, its settings record and any session copy.
    /// A Salesforce refresh token comes back in `revocations` so the caller can revoke it.
    /// If the keychain entry cannot be deleted, nothing is forgotten and the error says why.
    pub fn forget(
        &self,
        service: Service,
        environment: Environment,
    ) -> Result<ForgetOutcome, VaultError> {
        let mut state = self.lock();
        let mut outcome = ForgetOutcome::default();
        self.forget_locked(&mut state, service, environment, &mut outcome)?;
        Ok(outcome)
    }

    /// Forgets every connection. Failures are listed in `failed` (the rest is still removed);
    /// every Salesforce refresh token removed is in `revocations`.
    pub fn forget_all(&self) -> ForgetOutcome {
        let mut state = self.lock();
        let mut outcome = ForgetOutcome::default();
        for service in Service::ALL {
            for environment in Environment::ALL {
                if let Err(e) = self.forget_locked(&mut state, service, environment, &mut outcome) {
                    outcome.failed.push(ForgetFailure {
                        service,
                        environment,
                        code: e.code().to_owned(),
                        message: e.to_string(),
                    });
                }
            }
        }
        outcome
    }

    fn forget_locked(
        &self,
        state: &mut State,
        service: Service,
        environment: Environment,
        outcome: &mut ForgetOutcome,
    ) -> Result<(), VaultError> {
        // Keychain first: if it fails, the session copy (and its token to revoke) stays put.
        if let Some(index) = position(&state.settings, service, environment) {
            let record = state.settings.connections[index].clone();
            let store = ready_store(&state.keychain)?;
            let entry = entry_for(&store, service, environment, &record.connection.account)?;
            let mut token = None;
            if service == Service::Salesforce {
                match entry.get_secret() {
                    Ok(bytes) => {
                        let bytes = Zeroizing::new(bytes);
                        if let Ok(Credentials::Salesforce(c)) = blob::decode(service, &bytes) {
                            token = Some(c.refresh_token);
                        }
                    }
                    Err(KeyringError::NoEntry) => {}
                    Err(e) => return Err(classify(&e)),
                }
            }
            match entry.delete_credential() {
                Ok(()) | Err(KeyringError::NoEntry) => {}
                Err(e) => return Err(classify(&e)),
            }
            let mut next = state.settings.clone();
            next.connections.remove(index);
            settings::save(&self.dir, &next)?;
            state.settings = next;
            if let Some(refresh_token) = token {
                outcome.revocations.push(Revocation {
                    environment,
                    connection: record.connection.clone(),
                    refresh_token,
                });
            }
            outcome.removed.push(record);
        }
        if let Some(entry) = state.session.remove(&(service, environment)) {
            if let Credentials::Salesforce(c) = entry.credentials {
                outcome.revocations.push(Revocation {
                    environment,
                    connection: entry.record.connection.clone(),
                    refresh_token: c.refresh_token,
                });
            }
            outcome.removed.push(entry.record);
        }
        Ok(())
    }

    /// The saved preferences (the environment last worked in).
    pub fn preferences(&self) -> Preferences {
        self.lock().settings.preferences.clone()
    }

    /// Replaces the preferences, written atomically.
    pub fn set_preferences(&self, preferences: Preferences) -> Result<(), VaultError> {
        let mut state = self.lock();
        let mut next = state.settings.clone();
        next.preferences = preferences;
        settings::save(&self.dir, &next)?;
        state.settings = next;
        Ok(())
    }

    /// Whether the keychain can be used.
    pub fn keychain(&self) -> KeychainState {
        keychain_state(&self.lock().keychain)
    }
}

fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).unwrap_or(t)
}

fn validated(service: Service, mut c: ConnectionInfo) -> Result<ConnectionInfo, VaultError> {
    c.account = c.account.trim().to_owned();
    if c.account.is_empty()
        || c.account.chars().count() > MAX_ACCOUNT_CHARS
        || c.account.chars().any(char::is_control)
    {
        return Err(VaultError::AccountInvalid);
    }
    let tidy = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    c.connected_as = tidy(c.connected_as);
    c.munchkin_id = tidy(c.munchkin_id);
    c.base_url = tidy(c.base_url);
    c.login_url = tidy(c.login_url);
    if service == Service::Marketo && c.munchkin_id.is_none() {
        return Err(VaultError::SettingMissing {
            field: "Munchkin ID",
        });
    }
    Ok(c)
}

fn ready_store(keychain: &Keychain) -> Result<Arc<CredentialStore>, VaultError> {
    match keychain {
        Keychain::Ready { store, .. } => Ok(store.clone()),
        Keychain::Missing(e) => Err(same_error(e)),
    }
}

/// The stored "why there is no keychain", as a fresh value (errors are not `Clone`).
fn same_error(e: &VaultError) -> VaultError {
    match e {
        VaultError::KeychainLocked => VaultError::KeychainLocked,
        VaultError::KeychainDenied => VaultError::KeychainDenied,
        VaultError::KeychainFailed => VaultError::KeychainFailed,
        _ => VaultError::KeychainUnavailable,
    }
}

fn keychain_state(keychain: &Keychain) -> KeychainState {
    match keychain {
        Keychain::Ready { backend, .. } => KeychainState::Available {
            backend: backend.clone(),
        },
        Keychain::Missing(e) => KeychainState::Unavailable {
            code: e.code().to_owned(),
            message: e.to_string(),
        },
    }
}

fn entry_for(
    store: &Arc<CredentialStore>,
    service: Service,
    environment: Environment,
    account: &str,
) -> Result<Entry, VaultError> {
    store
        .build(&keychain_service(service, environment), account, None)
        .map_err(|e| classify(&e))
}

fn delete_quietly(
    store: &Arc<CredentialStore>,
    service: Service,
    environment: Environment,
    account: &str,
) {
    let result =
        entry_for(store, service, environment, account).and_then(|e| match e.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(err) => Err(classify(&err)),
        });
    if let Err(e) = result {
        tracing::warn!(
            code = e.code(),
            "could not remove the replaced keychain entry"
        );
    }
}

fn position(settings: &SettingsFile, service: Service, environment: Environment) -> Option<usize> {
    settings
        .connections
        .iter()
        .position(|c| c.service == service && c.environment == environment)
}

fn effective(
    state: &State,
    service: Service,
    environment: Environment,
) -> Option<StoredCredential> {
    if let Some(s) = state.session.get(&(service, environment)) {
        return Some(s.record.clone());
    }
    position(&state.settings, service, environment).map(|i| state.settings.connections[i].clone())
}

#[cfg(test)]
#[path = "vault_tests.rs"]
mod tests;
