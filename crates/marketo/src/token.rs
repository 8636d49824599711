//! The access-token cache, one entry per identity endpoint and client id, shared by clones of a client.
//! One renewal at a time per entry, so a burst of calls after expiry asks the identity endpoint once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
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

#[derive(Default)]
pub(crate) struct TokenCache {
    slots: Mutex<HashMap<(String, String), Slot>>,
}

impl TokenCache {
    pub fn slot(&self, identity: &str, client_id: &str) -> Slot {
        let mut g = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        g.entry((identity.to_owned(), client_id.to_owned()))
            .or_default()
            .clone()
    }
}
