//! The access-token cache, one entry per identity endpoint and API user, shared by every client.
//! One renewal at a time per entry, so a burst of calls after expiry asks the identity endpoint once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A token as the identity endpoint handed it out.
#[derive(Clone)]
pub(crate) struct Token {
    pub value: Arc<str>,
    pub scope: String,
    pub expires_at: Instant,
    /// Marketo returns the same token until it expires: ask for a renewal only once per token.
    pub renewal_asked: bool,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token([redacted])")
    }
}

impl Token {
    /// Usable without asking the identity endpoint first.
    pub fn fresh(&self, margin: Duration, now: Instant) -> bool {
        if self.renewal_asked {
            now < self.expires_at
        } else {
            now + margin < self.expires_at
        }
    }
}

pub(crate) type Slot = Arc<tokio::sync::Mutex<Option<Token>>>;

/// Process-wide, so every client of one API user shares its token, however the app creates them.
/// The key holds a fingerprint of the secret: a client with a wrong secret never borrows a token
/// that a right one obtained (the fingerprint stays in memory, like the secret itself).
#[derive(Default)]
pub(crate) struct TokenCache {
    slots: Mutex<HashMap<(String, String, u64), Slot>>,
}

fn fingerprint(secret: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    secret.hash(&mut h);
    h.finish()
}

impl TokenCache {
    pub fn shared() -> &'static TokenCache {
        static CACHE: OnceLock<TokenCache> = OnceLock::new();
        CACHE.get_or_init(TokenCache::default)
    }

    pub fn slot(&self, identity: &str, client_id: &str, secret: &str) -> Slot {
        let mut g = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        g.entry((
            identity.to_owned(),
            client_id.to_owned(),
            fingerprint(secret),
        ))
        .or_default()
        .clone()
    }
}
