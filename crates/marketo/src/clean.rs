//! Cleans a pasted Munchkin ID, Client ID or Client Secret and says what it changed (codes, never values).
//! Pasting from a web page or chat adds spaces, NBSP, zero-width marks, line breaks and full-width forms.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::secret::ClientSecret;

/// One kind of change made to a pasted value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "MarketoCleanFix")]
pub enum MarketoCleanFix {
    /// Spaces or tabs before or after the value.
    SurroundingSpaces,
    /// Spaces or tabs inside the value.
    InnerSpaces,
    /// Line breaks (a value copied across a wrapped line).
    LineBreaks,
    /// Non-breaking spaces (U+00A0, U+202F, U+3000 and friends).
    NonBreakingSpaces,
    /// Invisible zero-width characters (U+200B–U+200D, U+2060, U+FEFF).
    ZeroWidth,
    /// Quotes around the value.
    Quotes,
    /// Full-width letters, digits or dashes typed with a CJK input method.
    FullWidth,
    /// A Munchkin ID written in lower case.
    UpperCased,
    /// En or em dashes in a Munchkin ID.
    Dashes,
}

/// Which credential field a value belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "MarketoCredentialField")]
pub enum MarketoCredentialField {
    MunchkinId,
    ClientId,
    ClientSecret,
}

/// What cleaning did to one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoFieldCleaning {
    pub field: MarketoCredentialField,
    /// Empty when the value was already clean.
    pub fixes: Vec<MarketoCleanFix>,
    /// True when nothing is left after cleaning.
    pub empty: bool,
}

/// The cleaning report for the three fields of step 3 (and which ones a pasted block filled).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoCleaningReport {
    pub fields: Vec<MarketoFieldCleaning>,
    /// Fields filled from a pasted Integration Information block (empty for a single-field paste).
    pub filled_from_block: Vec<MarketoCredentialField>,
}

impl MarketoCleaningReport {
    /// True when any field was changed.
    pub fn changed(&self) -> bool {
        self.fields.iter().any(|f| !f.fixes.is_empty())
    }
}

/// A cleaned value and what was done to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    pub value: String,
    pub fixes: Vec<MarketoCleanFix>,
}

fn is_zero_width(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

fn is_nbsp(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\u{3000}' | '\u{2000}'..='\u{200A}' | '\u{205F}'
    )
}

fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '`' | '“' | '”' | '‘' | '’' | '「' | '」' | '『' | '』'
    )
}

/// Cleans one pasted value. Munchkin IDs are also upper-cased and get ASCII dashes;
/// Client IDs and secrets keep their case (Marketo compares them exactly).
pub fn clean_value(field: MarketoCredentialField, raw: &str) -> Cleaned {
    let mut fixes = Vec::new();
    let fix = |f: MarketoCleanFix, fixes: &mut Vec<MarketoCleanFix>| {
        if !fixes.contains(&f) {
            fixes.push(f);
        }
    };
    // Surrounding noise first, so that inner spaces are told apart from leading ones.
    let noise = |c: char| c.is_whitespace() || is_zero_width(c) || is_nbsp(c);
    let trimmed = raw.trim_matches(noise);
    for c in raw.chars().filter(|c| noise(*c)) {
        let kind = if c == '\n' || c == '\r' {
            MarketoCleanFix::LineBreaks
        } else if is_zero_width(c) {
            MarketoCleanFix::ZeroWidth
        } else if is_nbsp(c) {
            MarketoCleanFix::NonBreakingSpaces
        } else {
            continue;
        };
        fix(kind, &mut fixes);
    }
    let lead = &raw[..raw.len() - raw.trim_start_matches(noise).len()];
    let trail = &raw[raw.trim_end_matches(noise).len()..];
    if lead.contains([' ', '\t']) || trail.contains([' ', '\t']) {
        fix(MarketoCleanFix::SurroundingSpaces, &mut fixes);
    }
    let mut s = trimmed.to_owned();
    let quoted = s.chars().next().is_some_and(is_quote) && s.chars().last().is_some_and(is_quote);
    if quoted && s.chars().count() >= 2 {
        s = s.trim_matches(is_quote).trim_matches(noise).to_owned();
        fix(MarketoCleanFix::Quotes, &mut fixes);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == ' ' || c == '\t' {
            fix(MarketoCleanFix::InnerSpaces, &mut fixes);
        } else if c == '\n' || c == '\r' {
            fix(MarketoCleanFix::LineBreaks, &mut fixes);
        } else if is_zero_width(c) {
            fix(MarketoCleanFix::ZeroWidth, &mut fixes);
        } else if is_nbsp(c) {
            fix(MarketoCleanFix::NonBreakingSpaces, &mut fixes);
        } else if c.is_whitespace() || c.is_control() {
            fix(MarketoCleanFix::InnerSpaces, &mut fixes);
        } else if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
            // Full-width ASCII block maps 1:1 onto ASCII.
            out.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c));
            fix(MarketoCleanFix::FullWidth, &mut fixes);
        } else {
            out.push(c);
        }
    }
    if field == MarketoCredentialField::MunchkinId {
        let dashed: String = out
            .chars()
            .map(|c| {
                if matches!(c, '–' | '—' | '‐' | '‑' | '−') {
                    '-'
                } else {
                    c
                }
            })
            .collect();
        if dashed != out {
            fix(MarketoCleanFix::Dashes, &mut fixes);
        }
        // Only a bare Munchkin ID is upper-cased; URLs are left to `Endpoint::parse`.
        if crate::endpoint::is_munchkin_id(&dashed.to_ascii_uppercase())
            && dashed != dashed.to_ascii_uppercase()
        {
            fix(MarketoCleanFix::UpperCased, &mut fixes);
            out = dashed.to_ascii_uppercase();
        } else {
            out = dashed;
        }
    }
    fixes.sort();
    Cleaned { value: out, fixes }
}

/// The three step-3 fields after cleaning. The secret stays wrapped.
#[derive(Debug, Clone)]
pub struct CleanedCredentials {
    pub munchkin_or_endpoint: String,
    pub client_id: String,
    pub client_secret: ClientSecret,
    pub report: MarketoCleaningReport,
}

/// What the form may show after a paste: the cleaned Munchkin ID and Client ID, and only the
/// length of the secret (the secret itself stays in Rust).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoPastedCredentials {
    pub munchkin_or_endpoint: String,
    pub client_id: String,
    pub client_secret_length: u32,
    pub report: MarketoCleaningReport,
}

impl CleanedCredentials {
    /// The secret-free view for the UI.
    pub fn view(&self) -> MarketoPastedCredentials {
        MarketoPastedCredentials {
            munchkin_or_endpoint: self.munchkin_or_endpoint.clone(),
            client_id: self.client_id.clone(),
            client_secret_length: u32::try_from(self.client_secret.expose().chars().count())
                .unwrap_or(u32::MAX),
            report: self.report.clone(),
        }
    }
}

/// Cleans the three pasted fields and reports what changed in each.
pub fn clean_credentials(
    munchkin_or_endpoint: &str,
    client_id: &str,
    client_secret: &str,
) -> CleanedCredentials {
    let m = clean_value(MarketoCredentialField::MunchkinId, munchkin_or_endpoint);
    let i = clean_value(MarketoCredentialField::ClientId, client_id);
    let s = clean_value(MarketoCredentialField::ClientSecret, client_secret);
    let field = |field, c: &Cleaned| MarketoFieldCleaning {
        field,
        fixes: c.fixes.clone(),
        empty: c.value.is_empty(),
    };
    let report = MarketoCleaningReport {
        fields: vec![
            field(MarketoCredentialField::MunchkinId, &m),
            field(MarketoCredentialField::ClientId, &i),
            field(MarketoCredentialField::ClientSecret, &s),
        ],
        filled_from_block: Vec::new(),
    };
    CleanedCredentials {
        munchkin_or_endpoint: m.value,
        client_id: i.value,
        client_secret: ClientSecret::new(s.value),
        report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MarketoCleanFix::*;
    use MarketoCredentialField::*;

    #[test]
    fn clean_value_is_untouched() {
        let c = clean_value(ClientId, "5f0c1b7e-2d4a-4c1e-9b3a-51a5e7d0c0de");
        assert_eq!(c.value, "5f0c1b7e-2d4a-4c1e-9b3a-51a5e7d0c0de");
        assert!(c.fixes.is_empty());
    }

    #[test]
    fn pasting_noise_is_removed_and_named() {
        let c = clean_value(
            ClientSecret,
            "  SiaSandbox\u{200B}DemoSecret\n0123456789ab\u{00A0}\r\n",
        );
        assert_eq!(c.value, "SiaSandboxDemoSecret0123456789ab");
        assert_eq!(
            c.fixes,
            vec![SurroundingSpaces, LineBreaks, NonBreakingSpaces, ZeroWidth]
        );
        let c = clean_value(ClientId, "abc def");
        assert_eq!((c.value.as_str(), c.fixes), ("abcdef", vec![InnerSpaces]));
        let c = clean_value(ClientId, "\u{FEFF}\"abc\"");
        assert_eq!(
            (c.value.as_str(), c.fixes),
            ("abc", vec![ZeroWidth, Quotes])
        );
    }

    #[test]
    fn munchkin_full_width_dashes_and_case() {
        let c = clean_value(MunchkinId, "１２３－ａｂｃ－４５６\u{3000}");
        assert_eq!(c.value, "123-ABC-456");
        assert_eq!(c.fixes, vec![NonBreakingSpaces, FullWidth, UpperCased]);
        let c = clean_value(MunchkinId, "123–ABC—456");
        assert_eq!((c.value.as_str(), c.fixes), ("123-ABC-456", vec![Dashes]));
        // Case of the secret is kept.
        assert_eq!(clean_value(ClientSecret, "AbC").value, "AbC");
        // A URL keeps its case for the endpoint parser.
        let c = clean_value(MunchkinId, "https://123-abc-456.mktorest.com/rest ");
        assert_eq!(c.value, "https://123-abc-456.mktorest.com/rest");
    }

    #[test]
    fn report_names_codes_not_values() {
        let c = clean_credentials(" 123-ABC-456", "id\n", "top secret value");
        assert_eq!(c.client_secret.expose(), "topsecretvalue");
        let json = serde_json::to_string(&c.report).unwrap();
        assert!(!json.contains("secret value") && !json.contains("topsecret"));
        assert!(json.contains("inner_spaces") && json.contains("line_breaks"));
        assert!(c.report.changed());
        let view = serde_json::to_string(&c.view()).unwrap();
        assert!(view.contains("\"clientSecretLength\":14") && !view.contains("topsecret"));
        let empty = clean_credentials("", "\u{200B}", " ");
        assert!(empty.report.fields.iter().all(|f| f.empty));
    }
}
