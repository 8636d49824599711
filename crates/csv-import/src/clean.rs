//! Cleans a cell before it is checked: invisible characters, NFKC, trimming, `mailto:`, domain case.
//! Each change sets a warning bit so the admin sees what was altered; clean ASCII is never copied.

use crate::fields::{ProblemCode, TargetField};
use crate::table::is_invisible;
use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// The cleaned value and the warning bits of what changed.
pub fn clean(field: TargetField, raw: &str) -> (Cow<'_, str>, u32) {
    if is_already_clean(field, raw) {
        return (Cow::Borrowed(raw), 0);
    }
    let mut bits = 0u32;
    let mut s: String = if raw.chars().any(is_invisible) {
        bits |= ProblemCode::CleanedInvisible.bit();
        raw.chars()
            .filter_map(|c| match c {
                '\u{00A0}' | '\u{202F}' | '\u{2007}' => Some(' '),
                c if is_invisible(c) => None,
                c => Some(c),
            })
            .collect()
    } else {
        raw.to_owned()
    };
    if !s.is_ascii() {
        let n: String = s.nfkc().collect();
        if n != s {
            bits |= ProblemCode::CleanedNfkc.bit();
            s = n;
        }
    }
    let trimmed = s.trim();
    if trimmed.len() != s.len() {
        bits |= ProblemCode::CleanedTrimmed.bit();
        s = trimmed.to_owned();
    }
    if field == TargetField::Email {
        if s.len() >= 7 && s.as_bytes()[..7].eq_ignore_ascii_case(b"mailto:") {
            bits |= ProblemCode::CleanedMailto.bit();
            s = s[7..].trim().to_owned();
        }
        if let Some(at) = s.rfind('@') {
            let domain = &s[at + 1..];
            if domain.chars().any(char::is_uppercase) {
                bits |= ProblemCode::CleanedDomainLowercase.bit();
                s = format!("{}@{}", &s[..at], domain.to_lowercase());
            }
        }
    }
    (Cow::Owned(s), bits)
}

/// The fast path: nothing to trim, nothing invisible, already NFKC and, for an email, nothing
/// else to fix. Most cells of a real export pass here without a copy.
fn is_already_clean(field: TargetField, raw: &str) -> bool {
    let b = raw.as_bytes();
    if raw.is_ascii() {
        if b.first().is_some_and(u8::is_ascii_whitespace)
            || b.last().is_some_and(u8::is_ascii_whitespace)
        {
            return false;
        }
    } else if raw.trim().len() != raw.len()
        || raw.chars().any(is_invisible)
        || is_nfkc_quick(raw.chars()) != IsNormalized::Yes
    {
        return false;
    }
    if field != TargetField::Email {
        return true;
    }
    if b.len() >= 7 && b[..7].eq_ignore_ascii_case(b"mailto:") {
        return false;
    }
    match raw.rfind('@') {
        Some(at) => !raw[at + 1..].chars().any(char::is_uppercase),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(codes: &[ProblemCode]) -> u32 {
        codes.iter().fold(0, |a, c| a | c.bit())
    }

    #[test]
    fn clean_ascii_is_borrowed() {
        let (v, b) = clean(TargetField::Email, "jane@example.com");
        assert!(matches!(v, Cow::Borrowed(_)));
        assert_eq!(b, 0);
        let (v, b) = clean(TargetField::LastName, "陳");
        assert!(matches!(v, Cow::Borrowed(_)));
        assert_eq!(b, 0);
        assert_eq!(
            clean(TargetField::Email, "陳@Example.com").1,
            ProblemCode::CleanedDomainLowercase.bit()
        );
    }

    #[test]
    fn every_kind_of_dirt() {
        assert_eq!(
            clean(TargetField::Email, "ｊａｎｅ＠example.com"),
            (
                Cow::Owned("jane@example.com".into()),
                bits(&[ProblemCode::CleanedNfkc])
            )
        );
        assert_eq!(
            clean(TargetField::Email, "\u{00A0}jane@example.com\u{200B} "),
            (
                Cow::Owned("jane@example.com".into()),
                bits(&[ProblemCode::CleanedInvisible, ProblemCode::CleanedTrimmed])
            )
        );
        assert_eq!(
            clean(TargetField::Email, "MAILTO:Jane@Example.COM"),
            (
                Cow::Owned("Jane@example.com".into()),
                bits(&[
                    ProblemCode::CleanedMailto,
                    ProblemCode::CleanedDomainLowercase
                ])
            )
        );
        assert_eq!(
            clean(TargetField::FirstName, " Jane "),
            (
                Cow::Owned("Jane".into()),
                bits(&[ProblemCode::CleanedTrimmed])
            )
        );
        assert_eq!(
            clean(TargetField::FirstName, "Ｊａｎｅ"),
            (Cow::Owned("Jane".into()), bits(&[ProblemCode::CleanedNfkc]))
        );
        assert_eq!(
            clean(TargetField::FirstName, "陳"),
            (Cow::Owned("陳".into()), 0)
        );
    }
}
