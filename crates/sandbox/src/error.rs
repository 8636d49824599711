//! The one error type of the sandbox crate.
//! Messages name ports and causes, never a token, a secret or a full file path.

/// Why the sandbox could not start or keep its state.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("could not listen on 127.0.0.1 port {port}: {reason}")]
    Bind { port: u16, reason: String },
    #[error("the sandbox state file could not be used: {0}")]
    State(String),
    #[error("invalid sandbox configuration: {0}")]
    Config(String),
    #[error("the Actions service stand-in could not start: {0}")]
    Actions(String),
}

impl SandboxError {
    /// Stable machine code, for the app to map to a translated message.
    pub fn code(&self) -> &'static str {
        match self {
            SandboxError::Bind { .. } => "bind_failed",
            SandboxError::State(_) => "state_store",
            SandboxError::Config(_) => "invalid_config",
            SandboxError::Actions(_) => "actions_service",
        }
    }
}

impl From<rusqlite::Error> for SandboxError {
    fn from(e: rusqlite::Error) -> Self {
        // rusqlite messages can carry the file path; keep only the kind of failure.
        let kind = match &e {
            rusqlite::Error::SqliteFailure(err, _) => format!("{:?}", err.code),
            _ => "sqlite error".to_string(),
        };
        SandboxError::State(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        assert_eq!(
            SandboxError::Bind {
                port: 1,
                reason: "x".into()
            }
            .code(),
            "bind_failed"
        );
        assert_eq!(SandboxError::State("x".into()).code(), "state_store");
        assert_eq!(SandboxError::Config("x".into()).code(), "invalid_config");
        assert_eq!(SandboxError::Actions("x".into()).code(), "actions_service");
    }
}
