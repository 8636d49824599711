//! Access tokens: a type that redacts itself, and the caller's provider that can hand out a newer one.
//! The engine asks for a refresh only when the token it used is the one the service rejected.

use std::sync::Mutex;

use crate::error::{InviteError, Result};

/// A bearer token: the workspace's one secret type (crate sia-secret). Debug and Display print
/// `[redacted]`; only `expose` reveals it, for the header.
pub use sia_secret::Secret;

/// Where the engine gets its token (the app: the vault and an OAuth refresh; the CLI: `SIA_TOKEN`).
#[async_trait::async_trait]
pub trait TokenProvider: Send + Sync {
    /// The token to use now.
    async fn token(&self) -> Result<Secret>;
    /// The service rejected `rejected` (401): return a newer token, or an error if there is none.
    async fn refresh(&self, rejected: &Secret) -> Result<Secret>;
}

/// A fixed token (the CLI's `SIA_TOKEN`): a 401 cannot be cured by asking again.
pub struct StaticToken(Secret);

impl StaticToken {
    pub fn new(token: Secret) -> Self {
        Self(token)
    }
}

#[async_trait::async_trait]
impl TokenProvider for StaticToken {
    async fn token(&self) -> Result<Secret> {
        Ok(self.0.clone())
    }
    async fn refresh(&self, _rejected: &Secret) -> Result<Secret> {
        Err(InviteError::Unauthorized)
    }
}

/// The engine's view of the current token with a generation, so that many requests rejected
/// together cause one refresh, not one each.
pub(crate) struct TokenCache {
    current: Mutex<Option<(Secret, u64)>>,
    refresh_lock: tokio::sync::Mutex<()>,
}

impl TokenCache {
    pub fn new() -> Self {
        Self {
            current: Mutex::new(None),
            refresh_lock: tokio::sync::Mutex::new(()),
        }
    }

    fn get(&self) -> Option<(Secret, u64)> {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set(&self, s: Secret, generation: u64) {
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = Some((s, generation));
    }

    pub async fn token(&self, provider: &dyn TokenProvider) -> Result<(Secret, u64)> {
        if let Some(t) = self.get() {
            return Ok(t);
        }
        let _g = self.refresh_lock.lock().await;
        if let Some(t) = self.get() {
            return Ok(t);
        }
        let s = provider.token().await?;
        self.set(s.clone(), 1);
        Ok((s, 1))
    }

    /// Called after a 401 with the generation that was rejected. `Ok(true)` when this call got
    /// a new token; `Ok(false)` when another request already had (the 401 was for an old one).
    pub async fn rejected(&self, provider: &dyn TokenProvider, generation: u64) -> Result<bool> {
        let _g = self.refresh_lock.lock().await;
        match self.get() {
            Some((_, now)) if now != generation => Ok(false),
            Some((old, now)) => {
                let s = provider.refresh(&old).await?;
                self.set(s, now + 1);
                Ok(true)
            }
            None => Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("hunter2-token");
        assert_eq!(format!("{s:?} {s}"), "[redacted] [redacted]");
        assert_eq!(s.expose(), "hunter2-token");
    }
}
