//! The window's own words (`ui/src/lib/i18n/*.json`, embedded by `build.rs`) for what the app
//! writes in the admin's language: the setup report and the tracker's CSV say what the screen says.
//! One catalogue for both, so the UI's test that en and zh-TW have the same keys and placeholders
//! covers these files too.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::locale::UiLanguage;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));
}

/// One language's catalogue, flattened to `a.b.c` keys.
pub struct Words {
    language: UiLanguage,
    entries: HashMap<String, String>,
}

impl Words {
    pub fn for_language(language: UiLanguage) -> &'static Words {
        static EN: OnceLock<Words> = OnceLock::new();
        static ZH_TW: OnceLock<Words> = OnceLock::new();
        match language {
            UiLanguage::En => EN.get_or_init(|| Words::load(language, embedded::EN_FILES)),
            UiLanguage::ZhTw => ZH_TW.get_or_init(|| Words::load(language, embedded::ZH_TW_FILES)),
        }
    }

    fn load(language: UiLanguage, files: &[(&str, &str)]) -> Words {
        let mut entries = HashMap::new();
        for (name, text) in files {
            // The UI's test keeps these files valid; a broken one would show keys, not crash.
            match serde_json::from_str::<Value>(text) {
                Ok(tree) => flatten(&tree, "", &mut entries),
                Err(_) => tracing::warn!(file = name, "a catalogue file is not valid JSON"),
            }
        }
        Words { language, entries }
    }

    pub fn language(&self) -> UiLanguage {
        self.language
    }

    /// Whether the catalogue has `key` (error codes this build may not know).
    pub fn has(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// The text of `key` with `{name}` placeholders filled; a missing key shows itself, as in the
    /// window (the tests look for that).
    pub fn t(&self, key: &str, params: &[(&str, &str)]) -> String {
        let Some(template) = self.entries.get(key) else {
            return key.to_owned();
        };
        let mut out = String::with_capacity(template.len());
        let mut rest = template.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after.find('}');
            let name = close.map(|c| &after[..c]);
            match name.and_then(|n| params.iter().find(|(k, _)| *k == n)) {
                Some((n, value)) => {
                    out.push_str(value);
                    rest = &after[n.len() + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// A number with thousands separators (both languages group by three with commas).
    pub fn number(&self, n: u64) -> String {
        let digits = n.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    }

    /// A date and time for people, in UTC: "5 Dec 2026, 00:50 UTC" or "2026年12月5日 00:50 UTC".
    /// Takes RFC 3339 and Salesforce's `…T03:04:05.000+0000`; anything else is shown as given.
    pub fn date(&self, stamp: &str) -> String {
        let Some(at) = parse_time(stamp) else {
            return stamp.to_owned();
        };
        match self.language {
            UiLanguage::En => format!(
                "{} {} {}, {:02}:{:02} UTC",
                at.day(),
                MONTHS[usize::from(u8::from(at.month())) - 1],
                at.year(),
                at.hour(),
                at.minute()
            ),
            UiLanguage::ZhTw => format!(
                "{}年{}月{}日 {:02}:{:02} UTC",
                at.year(),
                u8::from(at.month()),
                at.day(),
                at.hour(),
                at.minute()
            ),
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// RFC 3339, or Salesforce's datetime whose offset has no colon (`+0000`); in UTC.
pub fn parse_time(stamp: &str) -> Option<OffsetDateTime> {
    let stamp = stamp.trim();
    if let Ok(at) = OffsetDateTime::parse(stamp, &Rfc3339) {
        return Some(at.to_offset(time::UtcOffset::UTC));
    }
    // `2025-01-02T03:04:05.000+0000` → `2025-01-02T03:04:05.000+00:00`.
    let cut = stamp.len().checked_sub(5)?;
    if !stamp.is_char_boundary(cut) || !stamp[cut..].is_ascii() {
        return None;
    }
    let (head, offset) = stamp.split_at(cut);
    let colon = format!("{head}{}:{}", &offset[..3], &offset[3..]);
    OffsetDateTime::parse(&colon, &Rfc3339)
        .ok()
        .map(|at| at.to_offset(time::UtcOffset::UTC))
}

fn flatten(node: &Value, prefix: &str, out: &mut HashMap<String, String>) {
    if let Value::Object(map) = node {
        for (key, value) in map {
            let path = format!("{prefix}{key}");
            match value {
                Value::String(text) => {
                    out.insert(path, text.clone());
                }
                Value::Object(_) => flatten(value, &format!("{path}."), out),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_load_the_windows_catalogue() {
        for lang in [UiLanguage::En, UiLanguage::ZhTw] {
            let w = Words::for_language(lang);
            assert!(w.has("step.installPackage.title"), "{lang:?}");
            assert!(w.has("activation.summary"), "{lang:?}");
            assert!(w.has("report.title"), "{lang:?}");
        }
        let en = Words::for_language(UiLanguage::En);
        assert_eq!(
            en.t("dashboard.progress", &[("done", "2"), ("total", "7")]),
            "2 of 7 steps done"
        );
        let zh = Words::for_language(UiLanguage::ZhTw);
        assert_eq!(
            zh.t("dashboard.progress", &[("done", "2"), ("total", "7")]),
            "已完成 2 / 7 個步驟"
        );
        // A missing placeholder stays visible; a missing key shows itself.
        assert_eq!(
            en.t("dashboard.progress", &[]),
            "{done} of {total} steps done"
        );
        assert_eq!(en.t("no.such.key", &[]), "no.such.key");
    }

    #[test]
    fn numbers_and_dates_read_naturally() {
        let en = Words::for_language(UiLanguage::En);
        assert_eq!(en.number(0), "0");
        assert_eq!(en.number(1842), "1,842");
        assert_eq!(en.number(1_500_000), "1,500,000");
        assert_eq!(en.date("2026-12-05T00:50:12Z"), "5 Dec 2026, 00:50 UTC");
        assert_eq!(
            en.date("2025-01-02T03:04:05.000+0000"),
            "2 Jan 2025, 03:04 UTC"
        );
        assert_eq!(en.date("yesterday"), "yesterday");
        assert_eq!(
            en.date("2026-12-05T00:50:12+00時"),
            "2026-12-05T00:50:12+00時"
        );
        let zh = Words::for_language(UiLanguage::ZhTw);
        assert_eq!(
            zh.date("2026-12-05T08:50:12+08:00"),
            "2026年12月5日 00:50 UTC"
        );
    }
}
