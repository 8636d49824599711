//! The knobs of one Actions instance: limits, accepted tokens, persistence.
//! Defaults are the vendor's documented limits so a bare `ActionsConfig::default()` behaves like the product.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::sync::PeopleSource;

/// How many requests one bearer token may make per window before it gets 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window: Duration,
}

impl Default for RateLimit {
    fn default() -> Self {
        // Generous enough for a CSV invite of 100 users in one go, small enough to be observable.
        Self {
            requests: 600,
            window: Duration::from_secs(60),
        }
    }
}

/// Configuration of one Actions instance served by [`crate::ActionsService`].
#[derive(Clone)]
pub struct ActionsConfig {
    /// Seats per instance (the vendor documents 100).
    pub seat_limit: usize,
    /// Teams per instance, Everyone included (the vendor documents 20).
    pub team_limit: usize,
    pub rate_limit: RateLimit,
    /// Bearer tokens the service accepts; an empty list accepts none.
    pub tokens: Vec<String>,
    /// When set, state survives a restart in this SQLite file.
    pub sqlite_path: Option<PathBuf>,
    /// The Munchkin ID of the Marketo subscription this instance belongs to.
    pub munchkin_id: String,
    /// Invitation links are `{invite_link_base}/{invitation token}`.
    pub invite_link_base: String,
    /// Largest number of operations in one SCIM bulk request.
    pub bulk_max_operations: usize,
    /// Largest request body, in bytes, of a SCIM bulk request.
    pub bulk_max_payload_bytes: usize,
    /// Where the data sync reads people from; `None` until a Marketo client is plugged in.
    pub people_source: Option<Arc<dyn PeopleSource>>,
    /// The Client ID and Secret that activation shows as Integration Information. `None` makes
    /// fresh random ones. The sandbox sets its Marketo stand-in's API user here, so what the admin
    /// copies from the card is a credential Marketo's identity endpoint accepts, as in the product.
    pub integration_credentials: Option<IntegrationCredentials>,
}

/// A Client ID and Secret pair for the Integration Information card.
#[derive(Clone, PartialEq, Eq)]
pub struct IntegrationCredentials {
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for IntegrationCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntegrationCredentials")
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl Default for ActionsConfig {
    fn default() -> Self {
        Self {
            seat_limit: 100,
            team_limit: 20,
            rate_limit: RateLimit::default(),
            tokens: Vec::new(),
            sqlite_path: None,
            munchkin_id: "123-ABC-456".to_owned(),
            invite_link_base: "http://127.0.0.1/actions/invitations".to_owned(),
            bulk_max_operations: 1000,
            bulk_max_payload_bytes: 1_048_576,
            people_source: None,
            integration_credentials: None,
        }
    }
}

impl std::fmt::Debug for ActionsConfig {
    // Tokens are secrets: never print them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionsConfig")
            .field("seat_limit", &self.seat_limit)
            .field("team_limit", &self.team_limit)
            .field("rate_limit", &self.rate_limit)
            .field("tokens", &format_args!("[{} redacted]", self.tokens.len()))
            .field("sqlite", &self.sqlite_path.is_some())
            .field("munchkin_id", &self.munchkin_id)
            .field("bulk_max_operations", &self.bulk_max_operations)
            .field("bulk_max_payload_bytes", &self.bulk_max_payload_bytes)
            .field("people_source", &self.people_source.is_some())
            .field("integration_credentials", &self.integration_credentials)
            .finish()
    }
}

impl ActionsConfig {
    /// A config accepting one bearer token, with every other knob at its default.
    pub fn with_token(token: impl Into<String>) -> Self {
        Self {
            tokens: vec![token.into()],
            ..Self::default()
        }
    }
}
