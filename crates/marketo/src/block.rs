//! Reads the whole "Integration Information" block an admin copies from Marketo and fills all three fields.
//! Lenient on purpose: English or zh-TW labels, `label: value` or the value on the next line, UI words ignored.

use crate::clean::{
    CleanedCredentials, MarketoCleanFix, MarketoCleaningReport, MarketoCredentialField,
    MarketoFieldCleaning, clean_value,
};
use crate::endpoint::{Endpoint, is_munchkin_id};
use crate::secret::ClientSecret;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Munchkin,
    ClientId,
    ClientSecret,
    Rest,
    Identity,
}

/// Labels as Marketo shows them (English, zh-TW, and the zh-CN forms people also paste).
/// Matched case-insensitively after spaces are squeezed out, longest first.
const LABELS: &[(&str, Label)] = &[
    ("munchkinaccountid", Label::Munchkin),
    ("munchkin帳戶id", Label::Munchkin),
    ("munchkin識別碼", Label::Munchkin),
    ("munchkinid", Label::Munchkin),
    ("clientid", Label::ClientId),
    ("用戶端識別碼", Label::ClientId),
    ("用戶端id", Label::ClientId),
    ("客戶端id", Label::ClientId),
    ("客户端id", Label::ClientId),
    ("clientsecret", Label::ClientSecret),
    ("用戶端密碼", Label::ClientSecret),
    ("用戶端密鑰", Label::ClientSecret),
    ("客戶端密碼", Label::ClientSecret),
    ("客户端密钥", Label::ClientSecret),
    ("客户端密码", Label::ClientSecret),
    ("restapiendpoint", Label::Rest),
    ("restapi端點", Label::Rest),
    ("rest端點", Label::Rest),
    ("restendpoint", Label::Rest),
    ("endpoint", Label::Rest),
    ("端點", Label::Rest),
    ("identityendpoint", Label::Identity),
    ("身分識別端點", Label::Identity),
    ("身份識別端點", Label::Identity),
    ("identity", Label::Identity),
];

/// Words of the card's buttons that come along with a copy.
const UI_WORDS: &[&str] = &[
    "copy", "copied", "show", "hide", "edit", "複製", "顯示", "隱藏", "編輯", "复制", "显示",
];

/// One character of the squeezed text and where it came from in the original.
struct Squeezed {
    lower: Vec<char>,
    at: Vec<usize>,
}

fn squeeze(text: &str) -> Squeezed {
    let mut lower = Vec::new();
    let mut at = Vec::new();
    for (i, c) in text.char_indices() {
        if c.is_whitespace()
            || matches!(
                c,
                '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
            )
        {
            continue;
        }
        let c = if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
            char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
        } else {
            c
        };
        for l in c.to_lowercase() {
            lower.push(l);
            at.push(i);
        }
    }
    Squeezed { lower, at }
}

/// Finds labels, in order: (label, start byte, end byte) in the original text.
fn find_labels(text: &str) -> Vec<(Label, usize, usize)> {
    let sq = squeeze(text);
    let mut found = Vec::new();
    let mut i = 0;
    while i < sq.lower.len() {
        // A label starts a line or follows a separator, so "id" inside a value is never one.
        let start_ok = i == 0 || {
            let prev = sq.at[i - 1];
            let between = &text[prev..sq.at[i]];
            between.chars().skip(1).any(char::is_whitespace)
                || matches!(sq.lower[i - 1], ':' | '：' | '|' | ',' | ';')
        };
        let hit = start_ok
            .then(|| {
                LABELS.iter().find(|(l, _)| {
                    let l: Vec<char> = l.chars().collect();
                    sq.lower.get(i..i + l.len()) == Some(&l[..])
                })
            })
            .flatten();
        match hit {
            Some((l, label)) => {
                let n = l.chars().count();
                let last = sq.at[i + n - 1];
                let end = last + text[last..].chars().next().map_or(1, char::len_utf8);
                found.push((*label, sq.at[i], end));
                i += n;
            }
            None => i += 1,
        }
    }
    found
}

/// The value after a label: separators dropped, UI words dropped, pieces up to a blank line joined.
fn value_of(segment: &str) -> (String, bool) {
    let seg = segment.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '：' | '=' | '|' | '-' | '\u{00A0}')
    });
    let mut pieces: Vec<&str> = Vec::new();
    let mut joined_lines = false;
    for (n, line) in seg.split('\n').enumerate() {
        let words: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || c == '|')
            .filter(|w| !w.is_empty())
            .filter(|w| !UI_WORDS.iter().any(|u| w.eq_ignore_ascii_case(u)))
            .collect();
        if words.is_empty() {
            if pieces.is_empty() {
                continue;
            }
            break;
        }
        if n > 0 && !pieces.is_empty() {
            joined_lines = true;
        }
        pieces.extend(words);
    }
    (pieces.concat(), joined_lines)
}

/// What a pasted block yielded. Missing fields stay `None`.
#[derive(Debug, Clone, Default)]
pub struct ParsedBlock {
    pub munchkin_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<ClientSecret>,
    pub rest_endpoint: Option<String>,
    pub identity_endpoint: Option<String>,
    /// Fields whose value was wrapped over several lines and joined.
    pub wrapped: Vec<MarketoCredentialField>,
}

/// Reads an Integration Information block. `None` when it holds no recognised label at all
/// (then the paste is a single value and belongs to the focused field).
pub fn parse_integration_block(text: &str) -> Option<ParsedBlock> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let labels = find_labels(&text);
    if labels.is_empty() {
        return None;
    }
    let mut out = ParsedBlock::default();
    for (n, (label, _, end)) in labels.iter().enumerate() {
        let stop = labels.get(n + 1).map_or(text.len(), |next| next.1);
        let (value, joined) = value_of(&text[*end..stop]);
        if value.is_empty() {
            continue;
        }
        let field = match label {
            Label::Munchkin => Some(MarketoCredentialField::MunchkinId),
            Label::ClientId => Some(MarketoCredentialField::ClientId),
            Label::ClientSecret => Some(MarketoCredentialField::ClientSecret),
            Label::Rest | Label::Identity => None,
        };
        if let Some(f) = field.filter(|_| joined)
            && !out.wrapped.contains(&f)
        {
            out.wrapped.push(f);
        }
        match label {
            Label::Munchkin => {
                let v = clean_value(MarketoCredentialField::MunchkinId, &value).value;
                out.munchkin_id.get_or_insert(v);
            }
            Label::ClientId => {
                out.client_id.get_or_insert(value);
            }
            Label::ClientSecret => {
                out.client_secret.get_or_insert(ClientSecret::new(value));
            }
            Label::Rest => {
                out.rest_endpoint.get_or_insert(value);
            }
            Label::Identity => {
                out.identity_endpoint.get_or_insert(value);
            }
        }
    }
    if out
        .munchkin_id
        .as_deref()
        .is_none_or(|m| !is_munchkin_id(m))
    {
        // No usable Munchkin label: the endpoint names the instance too.
        let from_url = [&out.rest_endpoint, &out.identity_endpoint]
            .into_iter()
            .flatten()
            .find_map(|u| Endpoint::parse(u).ok())
            .and_then(|e| e.munchkin_id().map(str::to_owned));
        if from_url.is_some() {
            out.munchkin_id = from_url;
        }
    }
    Some(out)
}

/// Fills the three step-3 fields from a pasted block, cleaned, with a report of what was filled.
/// `None` when the text is not a block (no recognised label, or none of the three fields found).
pub fn credentials_from_block(text: &str) -> Option<CleanedCredentials> {
    let parsed = parse_integration_block(text)?;
    let mut filled = Vec::new();
    let munchkin = parsed
        .munchkin_id
        .clone()
        .or_else(|| parsed.rest_endpoint.clone())
        .or_else(|| parsed.identity_endpoint.clone());
    let fields = [
        (MarketoCredentialField::MunchkinId, munchkin),
        (MarketoCredentialField::ClientId, parsed.client_id.clone()),
        (
            MarketoCredentialField::ClientSecret,
            parsed.client_secret.as_ref().map(|s| s.expose().to_owned()),
        ),
    ];
    let mut values = Vec::new();
    let mut report = Vec::new();
    for (field, value) in fields {
        if value.is_some() {
            filled.push(field);
        }
        let cleaned = clean_value(field, value.as_deref().unwrap_or(""));
        let mut fixes = cleaned.fixes;
        if parsed.wrapped.contains(&field) && !fixes.contains(&MarketoCleanFix::LineBreaks) {
            fixes.push(MarketoCleanFix::LineBreaks);
            fixes.sort();
        }
        report.push(MarketoFieldCleaning {
            field,
            fixes,
            empty: cleaned.value.is_empty(),
        });
        values.push(cleaned.value);
    }
    if filled.is_empty() {
        return None;
    }
    let mut values = values.into_iter();
    Some(CleanedCredentials {
        munchkin_or_endpoint: values.next().unwrap_or_default(),
        client_id: values.next().unwrap_or_default(),
        client_secret: ClientSecret::new(values.next().unwrap_or_default()),
        report: MarketoCleaningReport {
            fields: report,
            filled_from_block: filled,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "5f0c1b7e-2d4a-4c1e-9b3a-51a5e7d0c0de";
    const SECRET: &str = "SiaSandboxDemoSecret0123456789ab";

    fn check(text: &str) -> CleanedCredentials {
        let c = credentials_from_block(text).unwrap_or_else(|| panic!("not a block: {text:?}"));
        assert_eq!(c.munchkin_or_endpoint, "123-ABC-456", "{text:?}");
        assert_eq!(c.client_id, ID, "{text:?}");
        assert_eq!(c.client_secret.expose(), SECRET, "{text:?}");
        assert_eq!(c.report.filled_from_block.len(), 3);
        c
    }

    #[test]
    fn english_card_label_colon_value() {
        check(&format!(
            "Integration Information\nMunchkin ID: 123-ABC-456\nClient ID: {ID}\nClient Secret: {SECRET}\n"
        ));
    }

    #[test]
    fn english_card_value_on_next_line_with_copy_buttons() {
        check(&format!(
            "Integration Information\r\n\r\nMunchkin ID\r\n123-ABC-456\r\nCopy\r\nClient ID\r\n{ID}\r\nCopy\r\nClient Secret\r\n{SECRET}\r\nCopy\r\n"
        ));
    }

    #[test]
    fn zh_tw_card_with_full_width_colons() {
        check(&format!(
            "整合資訊\nMunchkin ID：123-ABC-456\n用戶端 ID：{ID}\n用戶端密碼：\u{00A0}{SECRET}\u{200B}\n"
        ));
        check(&format!(
            "整合資訊\n\nMunchkin 帳戶 ID\n\n１２３－ＡＢＣ－４５６\n\n用戶端 ID\n\n{ID}\n複製\n\n用戶端密碼\n\n{SECRET}\n複製\n"
        ));
    }

    #[test]
    fn table_copy_with_tabs_and_one_line() {
        check(&format!(
            "Munchkin ID\t123-ABC-456\nClient ID\t{ID}\nClient Secret\t{SECRET}"
        ));
        check(&format!(
            "Munchkin ID: 123-ABC-456 Client ID: {ID} Client Secret: {SECRET}"
        ));
    }

    #[test]
    fn rest_endpoint_gives_the_munchkin() {
        let c = check(&format!(
            "REST API Endpoint: https://123-ABC-456.mktorest.com/rest\nIdentity Endpoint: https://123-ABC-456.mktorest.com/identity\nClient ID: {ID}\nClient Secret: {SECRET}\n"
        ));
        assert_eq!(c.report.filled_from_block.len(), 3);
    }

    #[test]
    fn secret_wrapped_over_two_lines_is_joined_and_reported() {
        let c = check(&format!(
            "Munchkin ID: 123-ABC-456\nClient ID: {ID}\nClient Secret:\nSiaSandboxDemoSecret\n0123456789ab\n\nGenerated by Marketo"
        ));
        // The join is reported, so the admin knows the value was put back together.
        let secret = &c.report.fields[2];
        assert_eq!(secret.fixes, vec![MarketoCleanFix::LineBreaks]);
        assert!(c.report.fields[..2].iter().all(|f| f.fixes.is_empty()));
    }

    #[test]
    fn plain_value_is_not_a_block() {
        assert!(credentials_from_block(SECRET).is_none());
        assert!(credentials_from_block("  123-ABC-456 ").is_none());
        assert!(credentials_from_block("").is_none());
        // Labels but no values: nothing to fill.
        assert!(credentials_from_block("Client ID:\nClient Secret:").is_none());
    }

    #[test]
    fn partial_block_fills_what_it_has() {
        let c =
            credentials_from_block(&format!("Client ID: {ID}\nClient Secret: {SECRET}")).unwrap();
        assert_eq!(c.report.filled_from_block.len(), 2);
        assert_eq!(c.munchkin_or_endpoint, "");
    }
}

#[cfg(test)]
mod robustness {
    use super::*;
    use rand::Rng;

    /// Random mixes of labels, separators, multi-byte and invisible characters never panic.
    #[test]
    fn arbitrary_pastes_never_panic() {
        let pieces = [
            "Munchkin ID",
            "Client ID",
            "Client Secret",
            "用戶端密碼",
            "用戶端 ID",
            "端點",
            "Identity",
            ":",
            "：",
            "\t",
            "\n",
            "\r\n",
            " ",
            "\u{00A0}",
            "\u{200B}",
            "\u{FEFF}",
            "複製",
            "Copy",
            "123-ABC-456",
            "１２３－ＡＢＣ－４５６",
            "https://",
            ".mktorest.com/rest",
            "/",
            "|",
            "\"",
            "é",
            "𝔘",
            "\u{0301}",
            "ǅ",
            "İ",
            "-",
            "=",
            "x",
        ];
        let mut rng = rand::rng();
        for _ in 0..3000 {
            let n = rng.random_range(0..24);
            let text: String = (0..n)
                .map(|_| pieces[rng.random_range(0..pieces.len())])
                .collect();
            let _ = credentials_from_block(&text);
            let _ = crate::endpoint::Endpoint::parse(&text);
            for f in [
                MarketoCredentialField::MunchkinId,
                MarketoCredentialField::ClientId,
                MarketoCredentialField::ClientSecret,
            ] {
                let c = clean_value(f, &text);
                assert!(!c.value.chars().any(char::is_whitespace), "{text:?}");
            }
        }
    }
}
