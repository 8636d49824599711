//! The Client Secret in memory: redacted in every formatter, wiped when dropped.
//! Reading it takes an explicit `expose()`, so each place the raw value is used is easy to audit.

use zeroize::Zeroizing;

/// A Marketo Client Secret. `Debug` prints `[redacted]`; there is no `Display` and no `Serialize`.
#[derive(Clone)]
pub struct ClientSecret(Zeroizing<String>);

impl ClientSecret {
    pub fn new(value: impl Into<String>) -> Self {
        ClientSecret(Zeroizing::new(value.into()))
    }

    /// The raw value: only for the identity call and for handing to the vault.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientSecret([redacted])")
    }
}

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
