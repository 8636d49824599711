//! The one type that holds a secret string (client secret, refresh token, API or bearer token).
//! Redacted in `Debug`, `Display` and `Serialize`, wiped on drop; `expose()` is the only way in.
//!
//! sia-vault (`Secret`), sia-marketo (`ClientSecret`) and sia-invite (`Secret`) re-export it under
//! their own names, so a secret read from the keychain flows to every client without copies.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroizing;

/// What every formatter and serializer prints instead of the value.
pub const REDACTED: &str = "[redacted]";

/// A secret string. Cloning copies the value into another wiped-on-drop buffer.
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

/// Why a pasted secret was refused by [`Secret::cleaned`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretProblem {
    Empty,
    InnerWhitespace,
}

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
    /// characters, then refuses anything that still contains whitespace or control characters,
    /// because no credential we keep legitimately does.
    pub fn cleaned(self) -> Result<Secret, SecretProblem> {
        let trimmed = self.0.trim_matches(is_pasting_noise);
        if trimmed.is_empty() {
            return Err(SecretProblem::Empty);
        }
        if trimmed
            .chars()
            .any(|c| is_pasting_noise(c) || c.is_control())
        {
            return Err(SecretProblem::InnerWhitespace);
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

/// Compares without an early exit, so timing does not reveal how much of a secret matched.
impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
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

/// Accepting a secret from input (a settings form) is fine; sending one back is not.
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
            format!("{:?}", Some(s.clone())),
            serde_json::to_string(&s).unwrap_or_default(),
        ] {
            assert!(!text.contains(VALUE), "leaked in {text}");
            assert!(text.contains(REDACTED), "no redaction marker in {text}");
        }
        assert_eq!(s.expose(), VALUE);
        let back: Secret = serde_json::from_str(&format!("\"{VALUE}\"")).expect("a JSON string");
        assert_eq!(back, s);
    }

    #[test]
    fn equality_is_by_value() {
        assert_eq!(Secret::new("abc"), Secret::new("abc"));
        assert_ne!(Secret::new("abc"), Secret::new("abd"));
        assert_ne!(Secret::new("abc"), Secret::new("abcd"));
    }

    #[test]
    fn cleaned_strips_pasting_noise_and_refuses_inner_whitespace() {
        let s = Secret::new(format!("\u{FEFF} \t{VALUE}\u{00A0}\r\n\u{200B}"));
        assert_eq!(
            s.cleaned().map(|c| c.expose().to_owned()),
            Ok(VALUE.to_owned())
        );
        assert_eq!(Secret::new(" \n ").cleaned(), Err(SecretProblem::Empty));
        assert_eq!(
            Secret::new("abc\ndef").cleaned(),
            Err(SecretProblem::InnerWhitespace)
        );
        assert!(Secret::new("abc\u{7}def").cleaned().is_err());
        assert_eq!(Secret::new("é").len(), 2);
    }
}
