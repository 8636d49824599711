//! A keychain for tests (behind the `testing` feature): keyring-core's mock store plus
//! unavailable/locked/denied/failed faults on get, set and delete, shaped like the real stores'.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use keyring_core::api::{Credential, CredentialApi, CredentialStoreApi};
use keyring_core::{CredentialStore, Entry, Error as KeyringError, Result};

/// A keychain failure to inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The Secret Service (or keychain daemon) is gone.
    Unavailable,
    /// The collection or keychain is locked and stays locked.
    Locked,
    /// The user dismissed the unlock prompt.
    Denied,
    /// Any other platform error.
    Failed,
}

/// The store operation a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Get,
    Set,
    Delete,
}

/// The switchboard shared by a `FaultyStore` and the test; faults stay until cleared.
#[derive(Debug, Clone, Default)]
pub struct Faults(Arc<Mutex<HashMap<Op, Fault>>>);

impl Faults {
    pub fn inject(&self, op: Op, fault: Fault) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(op, fault);
    }

    pub fn clear(&self) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    fn check(&self, op: Op) -> Result<()> {
        match self.0.lock().unwrap_or_else(|p| p.into_inner()).get(&op) {
            Some(fault) => Err(error_for(*fault)),
            None => Ok(()),
        }
    }
}

/// The error a real store returns for each fault on this platform.
#[cfg(target_os = "linux")]
fn error_for(fault: Fault) -> KeyringError {
    use dbus_secret_service::Error as Ss;
    match fault {
        Fault::Unavailable => KeyringError::PlatformFailure(Box::new(Ss::Unavailable)),
        Fault::Locked => KeyringError::NoStorageAccess(Box::new(Ss::Locked)),
        Fault::Denied => KeyringError::NoStorageAccess(Box::new(Ss::Prompt)),
        Fault::Failed => KeyringError::PlatformFailure(Box::new(Ss::Parse)),
    }
}

/// macOS-shaped errors (an OSStatus) elsewhere.
#[cfg(not(target_os = "linux"))]
fn error_for(fault: Fault) -> KeyringError {
    #[derive(Debug)]
    #[allow(dead_code)]
    struct Error {
        code: i32,
    }
    impl std::fmt::Display for Error {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "OSStatus {}", self.code)
        }
    }
    impl std::error::Error for Error {}
    match fault {
        Fault::Unavailable => KeyringError::PlatformFailure(Box::new(Error { code: -25291 })),
        Fault::Locked => KeyringError::NoStorageAccess(Box::new(Error { code: -25308 })),
        Fault::Denied => KeyringError::PlatformFailure(Box::new(Error { code: -128 })),
        Fault::Failed => KeyringError::PlatformFailure(Box::new(Error { code: -50 })),
    }
}

/// keyring-core's mock store with injectable faults.
pub struct FaultyStore {
    inner: Arc<CredentialStore>,
    faults: Faults,
}

impl std::fmt::Debug for FaultyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultyStore").finish_non_exhaustive()
    }
}

impl FaultyStore {
    /// A fresh, empty store and the handle to inject faults into it.
    pub fn create() -> Result<(Arc<CredentialStore>, Faults)> {
        let inner: Arc<CredentialStore> = keyring_core::mock::Store::new()?;
        let faults = Faults::default();
        let store: Arc<CredentialStore> = Arc::new(FaultyStore {
            inner,
            faults: faults.clone(),
        });
        Ok((store, faults))
    }
}

impl CredentialStoreApi for FaultyStore {
    fn vendor(&self) -> String {
        "sia-vault faulty mock store".into()
    }

    fn id(&self) -> String {
        self.inner.id()
    }

    fn build(
        &self,
        service: &str,
        user: &str,
        mods: Option<&HashMap<&str, &str>>,
    ) -> Result<Entry> {
        let inner = self.inner.build(service, user, mods)?;
        Ok(Entry::new_with_credential(Arc::new(FaultyCred {
            inner,
            faults: self.faults.clone(),
        })))
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

struct FaultyCred {
    inner: Entry,
    faults: Faults,
}

impl std::fmt::Debug for FaultyCred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaultyCred")
            .field("specifiers", &self.inner.get_specifiers())
            .finish()
    }
}

impl CredentialApi for FaultyCred {
    fn set_secret(&self, secret: &[u8]) -> Result<()> {
        self.faults.check(Op::Set)?;
        self.inner.set_secret(secret)
    }

    fn get_secret(&self) -> Result<Vec<u8>> {
        self.faults.check(Op::Get)?;
        self.inner.get_secret()
    }

    fn delete_credential(&self) -> Result<()> {
        self.faults.check(Op::Delete)?;
        self.inner.delete_credential()
    }

    fn get_credential(&self) -> Result<Option<Arc<Credential>>> {
        self.faults.check(Op::Get)?;
        self.inner.get_credential().map(|_| None)
    }

    fn get_specifiers(&self) -> Option<(String, String)> {
        self.inner.get_specifiers()
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
