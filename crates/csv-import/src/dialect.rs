//! Guesses the delimiter from the head of the text and whether the first row is a header.
//! Both are only proposals: the admin sees them and can switch, and the session re-derives.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "CsvDelimiter")]
pub enum Delimiter {
    #[serde(rename = ",")]
    Comma,
    #[serde(rename = ";")]
    Semicolon,
    #[serde(rename = "\t")]
    Tab,
    #[serde(rename = "|")]
    Pipe,
}

impl Delimiter {
    pub const ALL: [Delimiter; 4] = [Self::Comma, Self::Tab, Self::Semicolon, Self::Pipe];

    pub fn byte(self) -> u8 {
        match self {
            Self::Comma => b',',
            Self::Semicolon => b';',
            Self::Tab => b'\t',
            Self::Pipe => b'|',
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Comma => ",",
            Self::Semicolon => ";",
            Self::Tab => "\t",
            Self::Pipe => "|",
        }
    }

    /// Accepts the character itself or a name ("tab", "semicolon" …), for the CLI.
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "," | "comma" => Some(Self::Comma),
            ";" | "semicolon" => Some(Self::Semicolon),
            "\t" | "tab" | "\\t" => Some(Self::Tab),
            "|" | "pipe" => Some(Self::Pipe),
            _ => None,
        }
    }
}

/// Counts each candidate outside quotes on the first lines; the most consistent non-zero count wins.
pub fn detect_delimiter(head: &str) -> Delimiter {
    const MAX_LINES: usize = 60;
    let mut counts: Vec<[u32; 4]> = Vec::new();
    let mut cur = [0u32; 4];
    let mut in_quotes = false;
    let mut line_has_text = false;
    for b in head.bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                if line_has_text {
                    counts.push(cur);
                }
                cur = [0; 4];
                line_has_text = false;
                if counts.len() >= MAX_LINES {
                    break;
                }
                continue;
            }
            _ if !in_quotes => {
                if let Some(i) = Delimiter::ALL.iter().position(|d| d.byte() == b) {
                    cur[i] += 1;
                }
            }
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            line_has_text = true;
        }
    }
    if line_has_text && counts.len() < MAX_LINES {
        counts.push(cur);
    }
    // Footers and titles are short: judge consistency on the lines that carry the most fields.
    let mut best = (Delimiter::Comma, 0u64);
    for (i, d) in Delimiter::ALL.iter().enumerate() {
        let mut freq: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
        for c in &counts {
            if c[i] > 0 {
                *freq.entry(c[i]).or_default() += 1;
            }
        }
        let Some((&mode, &lines)) = freq.iter().max_by_key(|&(&m, &n)| (n, m)) else {
            continue;
        };
        let score = u64::from(lines) * 1000 + u64::from(mode.min(999));
        if score > best.1 {
            best = (*d, score);
        }
    }
    best.0
}

/// A value an HR export would have in an email column (full-width ＠ included).
pub fn looks_like_email(s: &str) -> bool {
    let s = s.trim();
    match s.find(['@', '＠']) {
        Some(at) => {
            at > 0 && s[at..].chars().skip(1).any(|c| c == '.' || c == '．') && !s.contains(' ')
        }
        None => false,
    }
}

/// A header row carries labels, not people: a file without one has an email in its first row.
pub fn detect_header<'a>(first_row: impl Iterator<Item = &'a str>) -> bool {
    let mut any_text = false;
    for cell in first_row {
        if looks_like_email(cell) {
            return false;
        }
        any_text |= !cell.trim().is_empty();
    }
    any_text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("a,b,c\n1,2,3\n"), Delimiter::Comma);
        assert_eq!(
            detect_delimiter("a;b;c\n1,5;2;3\n4;5,5;6\n"),
            Delimiter::Semicolon
        );
        assert_eq!(detect_delimiter("a\tb\n\"x,y,z\"\t2\n"), Delimiter::Tab);
        assert_eq!(
            detect_delimiter("a|b|c\n1|2|3\nTotal: 2\n"),
            Delimiter::Pipe
        );
        assert_eq!(detect_delimiter("only@one.column\n"), Delimiter::Comma);
        assert_eq!(detect_delimiter(""), Delimiter::Comma);
        assert_eq!(Delimiter::parse("tab"), Some(Delimiter::Tab));
    }

    #[test]
    fn headers() {
        assert!(detect_header(["Email", "Name"].into_iter()));
        assert!(!detect_header(["a@b.co", "Name"].into_iter()));
        assert!(!detect_header(["a＠b．co"].into_iter()));
        assert!(!detect_header(["", ""].into_iter()));
        assert!(looks_like_email(" x@y.z "));
        assert!(!looks_like_email("@y.z"));
        assert!(!looks_like_email("Jane Doe"));
    }
}
