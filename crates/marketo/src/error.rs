//! The crate's one error type: a stable `code()` per variant and a plain message for people.
//! No message ever carries a secret, a token or a URL with a query string.

use time::OffsetDateTime;

use crate::quota::format_reset;

/// Everything the Marketo client can fail with.
#[derive(Debug, Clone, thiserror::Error)]
pub enum MarketoError {
    #[error(
        "Marketo rejected the Client ID or Client Secret; copy them again from the Integration Information card"
    )]
    CredentialsRejected,
    #[error("Marketo kept refusing the access token after it was renewed")]
    TokenExpired,
    #[error(
        "Marketo's rate limit (calls per 20 seconds) was still reached after {attempts} attempts; other integrations may be busy, try again in a minute"
    )]
    RateLimited { attempts: u32 },
    #[error(
        "Marketo's limit on simultaneous calls was still reached after {attempts} attempts; try again in a minute"
    )]
    ConcurrencyLimited { attempts: u32 },
    #[error("Marketo's daily API quota is used up; it resets at {} (midnight US Central time)", format_reset(.resets_at))]
    DailyQuotaExceeded { resets_at: OffsetDateTime },
    #[error(
        "the Marketo API user lacks the permission for this call (Marketo error 603); give its role the API permission and try again"
    )]
    AccessDenied,
    #[error(
        "no Marketo instance answers at this Munchkin ID or endpoint; check it against Admin > Web Services"
    )]
    InstanceNotFound,
    #[error("could not reach Marketo ({reason}) after {attempts} attempts")]
    Network { reason: String, attempts: u32 },
    #[error("Marketo was temporarily unavailable after {attempts} attempts (last: {last})")]
    Unavailable { last: String, attempts: u32 },
    #[error("not a Munchkin ID or Marketo endpoint: {0}")]
    InvalidEndpoint(String),
    #[error("the {0} is empty")]
    MissingCredential(&'static str),
    #[error("Marketo refused the request: {code} {message}")]
    Api { code: String, message: String },
    #[error("unexpected answer from Marketo: {0}")]
    Protocol(String),
}

impl MarketoError {
    /// Stable machine code the app maps to a translated message.
    pub fn code(&self) -> &'static str {
        match self {
            Self::CredentialsRejected => "credentials_rejected",
            Self::TokenExpired => "token_expired",
            Self::RateLimited { .. } => "rate_limited",
            Self::ConcurrencyLimited { .. } => "concurrency_limited",
            Self::DailyQuotaExceeded { .. } => "daily_quota_exceeded",
            Self::AccessDenied => "access_denied",
            Self::InstanceNotFound => "instance_not_found",
            Self::Network { .. } => "network",
            Self::Unavailable { .. } => "unavailable",
            Self::InvalidEndpoint(_) => "invalid_endpoint",
            Self::MissingCredential(_) => "missing_credential",
            Self::Api { .. } => "api_error",
            Self::Protocol(_) => "protocol",
        }
    }

    /// When the daily quota comes back, for a 607 stop.
    pub fn quota_resets_at(&self) -> Option<OffsetDateTime> {
        match self {
            Self::DailyQuotaExceeded { resets_at } => Some(*resets_at),
            _ => None,
        }
    }
}
