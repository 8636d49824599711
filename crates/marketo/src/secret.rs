//! The Client Secret in memory (the shared redacting type) and the credentials the client logs in with.
//! Reading it takes an explicit `expose()`, so each place the raw value is used is easy to audit.

/// A Marketo Client Secret: the workspace's one secret type (crate sia-secret). `Debug` and
/// `Display` print `[redacted]`; serializing prints `[redacted]` too; dropped values are wiped.
pub use sia_secret::Secret as ClientSecret;

/// What the client logs in with: where, as whom, and the secret.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: ClientSecret,
}

impl Credentials {
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Credentials {
            client_id: client_id.into(),
            client_secret: ClientSecret::new(client_secret),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let c = Credentials::new("id-1", "s3cr3t-value");
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cr3t"));
        assert!(shown.contains("id-1"));
    }
}
