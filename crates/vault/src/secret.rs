//! The one type that holds a secret value in memory: redacted everywhere, wiped on drop.
//! Reading it takes an explicit `expose()`, so every use of a raw value is easy to find in review.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

use crate::error::{SecretProblem, VaultError};

/// What every formatter and serializer prints instead of the value.
pub const REDACTED: &str = "[redacted]";

/// A secret string (client secret, refresh token, API token).
///
/// `Debug`, `Display` and `Serialize` print [`REDACTED`]; the bytes are zeroed when it drops.
/// There is deliberately no `Clone`: copies are made explicitly with `Secret::new(s.expose())`.
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps a value. The `String` is moved, not copied.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }

    /// The raw value. Call it only where the value is sent to the service that owns it.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    /// Length in bytes (UTF-8), which is what counts against keychain limits.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Cleans a pasted value: strips surrounding spaces, line breaks, NBSP and zero-width
    /// characters (pain point 2 in DOMAIN.md), then refuses anything that still contains
    /// whitespace or control characters, because no credential we keep legitimately does.
    pub fn cleaned(self, field: &'static str) -> Result<Secret, VaultError> {
        let trimmed = self.0.trim_matches(is_pasting_noise);
        if trimmed.is_empty() {
            return Err(VaultError::SecretInvalid {
                field,
                problem: SecretProblem::Empty,
            });
        }
        if trimmed
            .chars()
            .any(|c| is_pasting_noise(c) || c.is_control())
        {
            return Err(VaultError::SecretInvalid {
                field,
                problem: SecretProblem::InnerWhitespace,
            });
        }
        if trimmed.len() == self.0.len() {
            return Ok(self);
        }
        Ok(Secret::new(trimmed.to_owned()))
    }
}

/// Whitespace as Rust sees it, plus the invisible characters that copy-paste from web pages adds.
fn is_pasting_noise(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
        )
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(REDACTED)
    }
}

/// Accepting a secret from IPC input (the Settings form) is fine; sending one back is not.
impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALUE: &str = "sk_live_CANARY_51f2e9";

    #[test]
    fn debug_display_and_serde_never_show_the_value() {
        let s = Secret::new(VALUE);
        for text in [
            format!("{s:?}"),
            format!("{s:#?}"),
            format!("{s}"),
            format!("{s:>40}"),
            serde_json::to_string(&s).unwrap_or_default(),
        ] {
            assert!(!text.contains(VALUE), "leaked in {text}");
            assert!(text.contains(REDACTED), "no redaction marker in {text}");
        }
        assert_eq!(s.expose(), VALUE);
    }

    #[test]
    fn deserialize_takes_the_value_in() {
        let s: Secret = serde_json::from_str(&format!("\"{VALUE}\"")).expect("a JSON string");
        assert_eq!(s.expose(), VALUE);
    }

    #[test]
    fn cleaned_strips_pasting_noise_around_the_value() {
        let s = Secret::new(format!("\u{FEFF} \t{VALUE}\u{00A0}\r\n\u{200B}"));
        let cleaned = s.cleaned("client secret").expect("clean value");
        assert_eq!(cleaned.expose(), VALUE);
    }

    #[test]
    fn cleaned_refuses_empty_and_inner_whitespace() {
        let empty = Secret::new(" \n ").cleaned("client secret");
        assert!(matches!(
            empty,
            Err(VaultError::SecretInvalid {
                problem: SecretProblem::Empty,
                ..
            })
        ));
        let split = Secret::new("abc\ndef").cleaned("client secret");
        let err = split.expect_err("an error");
        assert_eq!(err.code(), "secret_invalid");
        assert!(!err.to_string().contains("abc"));
        let control = Secret::new("abc\u{7}def").cleaned("token");
        assert!(control.is_err());
    }

    #[test]
    fn len_counts_utf8_bytes() {
        assert_eq!(Secret::new("é").len(), 2);
        assert!(Secret::new("").is_empty());
    }
}
