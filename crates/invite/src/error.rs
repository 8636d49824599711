//! The crate's one error type; each variant has a stable snake_case `code()` the app translates.
//! Messages never carry a token, a secret or a full file path.

#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("the invite journal could not be read or written")]
    Journal(#[source] rusqlite::Error),
    #[error("no invite job with this id in the journal")]
    JobNotFound,
    #[error("the service address is not a valid http(s) URL")]
    InvalidTarget,
    #[error("the rate must look like N/SECS with N and SECS above zero")]
    InvalidRate,
    #[error("the service refused the token, and no newer token could be obtained")]
    Unauthorized,
    #[error("no access token is available: {0}")]
    TokenUnavailable(String),
    #[error("the service could not be reached")]
    Network,
    #[error("the service answered in an unexpected way: {0}")]
    Protocol(String),
    #[error("the results file could not be written")]
    Export(#[source] std::io::Error),
    #[error("the job was cancelled")]
    Cancelled,
}

impl InviteError {
    /// A stable machine code for the app's message catalogue.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Journal(_) => "journal_failed",
            Self::JobNotFound => "job_not_found",
            Self::InvalidTarget => "invalid_target",
            Self::InvalidRate => "invalid_rate",
            Self::Unauthorized => "unauthorized",
            Self::TokenUnavailable(_) => "token_unavailable",
            Self::Network => "network_failed",
            Self::Protocol(_) => "protocol_error",
            Self::Export(_) => "export_failed",
            Self::Cancelled => "cancelled",
        }
    }
}

impl From<rusqlite::Error> for InviteError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Journal(e)
    }
}

pub type Result<T, E = InviteError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_and_messages_hold_no_paths() {
        let all = [
            InviteError::JobNotFound,
            InviteError::InvalidTarget,
            InviteError::InvalidRate,
            InviteError::Unauthorized,
            InviteError::Network,
            InviteError::Cancelled,
            InviteError::Export(std::io::Error::other("/home/x/secret.csv")),
        ];
        for e in all {
            assert!(e.code().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert!(!e.to_string().contains("/home"));
        }
    }
}
