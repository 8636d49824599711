//! Finds a file's text encoding: BOM, then strict UTF-8, then `chardetng` with the locale as a hint.
//! The hint is checked against the bytes: a guess that cannot decode the sample cleanly loses.

use crate::error::{CsvError, Result};
use encoding_rs::{DecoderResult, Encoding, UTF_8, UTF_16BE, UTF_16LE};
use serde::Serialize;
use ts_rs::TS;

/// How much of the non-ASCII part of a file the detector looks at: enough for chardetng.
pub const DETECT_SAMPLE: usize = 64 * 1024;

/// Why this encoding was chosen; the UI shows it beside the encoding's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvEncodingSource")]
pub enum EncodingSource {
    /// A byte-order mark said so.
    Bom,
    /// Every byte is valid UTF-8 (or plain ASCII).
    Utf8,
    /// Statistical detection, possibly helped by the locale.
    Detected,
    /// The admin picked it.
    User,
}

#[derive(Debug, Clone, Copy)]
pub struct Sniffed {
    pub encoding: &'static Encoding,
    pub source: EncodingSource,
    /// Bytes of BOM to skip before decoding.
    pub bom_len: usize,
}

/// Looks up an encoding by any WHATWG label ("big5", "cp936", "sjis", "utf-16le" …).
pub fn by_label(label: &str) -> Result<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| CsvError::UnknownEncoding {
        label: label.chars().take(40).collect(),
    })
}

/// The locale from the environment (`LC_ALL`, `LC_CTYPE`, `LANG`) as a BCP 47-ish tag, e.g. `zh-TW`.
pub fn os_locale() -> Option<String> {
    ["LC_ALL", "LC_CTYPE", "LANG"].iter().find_map(|k| {
        let v = std::env::var(k).ok()?;
        let tag = v.split(['.', '@']).next()?.replace('_', "-");
        (!tag.is_empty() && tag != "C" && tag != "POSIX").then_some(tag)
    })
}

/// chardetng's hint is a top-level domain; a locale's region (or language) gives one.
fn tld_for_locale(locale: &str) -> Option<String> {
    let mut parts = locale.split(['-', '_']);
    let lang = parts.next()?.to_ascii_lowercase();
    let rest: Vec<String> = parts.map(|p| p.to_ascii_lowercase()).collect();
    let region = rest
        .iter()
        .find(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_alphabetic()));
    let script = rest.iter().find(|p| p.len() == 4);
    let tld = match (
        lang.as_str(),
        region.map(String::as_str),
        script.map(String::as_str),
    ) {
        ("zh", Some(r), _) => r.to_owned(),
        ("zh", None, Some("hant")) => "tw".into(),
        ("zh", _, _) => "cn".into(),
        ("ja", _, _) => "jp".into(),
        ("ko", _, _) => "kr".into(),
        (_, Some(r), _) => r.to_owned(),
        (l, None, _) if l.len() == 2 => l.to_owned(),
        _ => return None,
    };
    tld.chars().all(|c| c.is_ascii_lowercase()).then_some(tld)
}

/// The legacy code page Excel uses for "CSV" in that locale: the fallback candidate.
fn locale_default(locale: &str) -> &'static Encoding {
    let lower = locale.to_ascii_lowercase().replace('_', "-");
    let label: &[u8] = if lower.starts_with("zh-tw")
        || lower.starts_with("zh-hk")
        || lower.starts_with("zh-mo")
        || lower.starts_with("zh-hant")
    {
        b"big5"
    } else if lower.starts_with("zh") {
        b"gbk"
    } else if lower.starts_with("ja") {
        b"shift_jis"
    } else if lower.starts_with("ko") {
        b"euc-kr"
    } else if lower.starts_with("ru") || lower.starts_with("uk") || lower.starts_with("bg") {
        b"windows-1251"
    } else if ["pl", "cs", "sk", "hu", "hr", "sl", "ro"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        b"windows-1250"
    } else if lower.starts_with("el") {
        b"windows-1253"
    } else if lower.starts_with("tr") {
        b"windows-1254"
    } else if lower.starts_with("th") {
        b"windows-874"
    } else {
        b"windows-1252"
    };
    Encoding::for_label(label).unwrap_or(encoding_rs::WINDOWS_1252)
}

fn bom(bytes: &[u8]) -> Option<(&'static Encoding, usize)> {
    match bytes {
        [0xEF, 0xBB, 0xBF, ..] => Some((UTF_8, 3)),
        [0xFF, 0xFE, ..] => Some((UTF_16LE, 2)),
        [0xFE, 0xFF, ..] => Some((UTF_16BE, 2)),
        _ => None,
    }
}

/// UTF-16 without a BOM: text that is mostly ASCII leaves every other byte zero.
fn bomless_utf16(head: &[u8]) -> Option<&'static Encoding> {
    let n = head.len().min(4096) & !1;
    if n < 4 {
        return None;
    }
    let pairs = n / 2;
    let (mut even_zero, mut odd_zero) = (0usize, 0usize);
    for pair in head[..n].chunks_exact(2) {
        even_zero += usize::from(pair[0] == 0);
        odd_zero += usize::from(pair[1] == 0);
    }
    if odd_zero * 10 >= pairs * 7 && even_zero * 20 <= pairs {
        Some(UTF_16LE)
    } else if even_zero * 10 >= pairs * 7 && odd_zero * 20 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Known binary signatures and control bytes that no text export contains.
pub fn looks_binary(head: &[u8]) -> bool {
    const MAGIC: [&[u8]; 9] = [
        b"PK\x03\x04",
        b"%PDF",
        b"\x89PNG",
        b"GIF8",
        b"\xFF\xD8\xFF",
        b"\xD0\xCF\x11\xE0",
        b"\x7FELF",
        b"MZ",
        b"\x1F\x8B",
    ];
    if MAGIC.iter().any(|m| head.starts_with(m)) {
        return true;
    }
    let sample = &head[..head.len().min(8192)];
    if sample.contains(&0) {
        return true;
    }
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
        .count();
    controls * 20 > sample.len().max(1)
}

/// Length of the valid UTF-8 prefix, or None when a byte is invalid (not merely cut off at the end).
fn utf8_ok(bytes: &[u8], complete: bool) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => !complete && e.error_len().is_none(),
    }
}

/// Whether `enc` decodes `sample` with no malformed sequence (a cut-off tail is not malformed).
pub fn decodes_cleanly(enc: &'static Encoding, sample: &[u8]) -> bool {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut out = vec![0u8; 16 * 1024];
    let mut src = sample;
    loop {
        let (res, read, _) = decoder.decode_to_utf8_without_replacement(src, &mut out, false);
        src = &src[read..];
        match res {
            DecoderResult::InputEmpty => return true,
            DecoderResult::OutputFull => continue,
            DecoderResult::Malformed(_, _) => return false,
        }
    }
}

/// Picks the encoding of a file from its head (and the whole file when `complete`).
pub fn sniff(bytes: &[u8], complete: bool, locale: Option<&str>) -> Result<Sniffed> {
    if bytes.is_empty() {
        return Err(CsvError::EmptyFile);
    }
    if let Some((encoding, bom_len)) = bom(bytes) {
        return Ok(Sniffed {
            encoding,
            source: EncodingSource::Bom,
            bom_len,
        });
    }
    if let Some(encoding) = bomless_utf16(bytes) {
        return Ok(Sniffed {
            encoding,
            source: EncodingSource::Detected,
            bom_len: 0,
        });
    }
    if looks_binary(bytes) {
        return Err(CsvError::BinaryFile);
    }
    if utf8_ok(bytes, complete) {
        return Ok(Sniffed {
            encoding: UTF_8,
            source: EncodingSource::Utf8,
            bom_len: 0,
        });
    }
    if mostly_utf8(bytes) {
        // A UTF-8 export with a stray corrupt byte: any legacy guess would garble every name to
        // save one character. Decode as UTF-8; the replaced sequences are counted and shown.
        return Ok(Sniffed {
            encoding: UTF_8,
            source: EncodingSource::Detected,
            bom_len: 0,
        });
    }
    let encoding = detect_legacy(bytes, locale);
    Ok(Sniffed {
        encoding,
        source: EncodingSource::Detected,
        bom_len: 0,
    })
}

/// Many well-formed multi-byte UTF-8 characters and very few broken sequences.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    let mut in_burst = false;
    for chunk in bytes[..bytes.len().min(1 << 20)].utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        // One corrupt byte breaks the character around it into several invalid pieces: one burst.
        if !chunk.valid().is_empty() {
            in_burst = false;
        }
        if !chunk.invalid().is_empty() && !in_burst {
            bad += 1;
            in_burst = true;
        }
    }
    good >= 8 && bad * 10 <= good
}

/// chardetng over the non-ASCII part of the file; the locale hint proposes, the bytes decide.
fn detect_legacy(bytes: &[u8], locale: Option<&str>) -> &'static Encoding {
    let first_non_ascii = bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0);
    let start = bytes[..first_non_ascii]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let end = (start + DETECT_SAMPLE).min(bytes.len());
    let sample = &bytes[start..end];
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, end == bytes.len());
    let tld = locale.and_then(tld_for_locale);
    let hinted = detector.guess(
        tld.as_deref().map(str::as_bytes),
        chardetng::Utf8Detection::Deny,
    );
    let unhinted = detector.guess(None, chardetng::Utf8Detection::Deny);
    let mut candidates = vec![hinted, unhinted];
    if let Some(l) = locale {
        candidates.push(locale_default(l));
    }
    candidates.extend([
        encoding_rs::GB18030,
        encoding_rs::BIG5,
        encoding_rs::SHIFT_JIS,
        encoding_rs::EUC_KR,
    ]);
    candidates
        .into_iter()
        .find(|e| decodes_cleanly(e, sample))
        .unwrap_or(hinted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(text: &str, e: &'static Encoding) -> Vec<u8> {
        let (bytes, _, unmappable) = e.encode(text);
        assert!(!unmappable);
        bytes.into_owned()
    }

    #[test]
    fn bom_wins() {
        let s = sniff(b"\xFF\xFEa\0", true, None).unwrap();
        assert_eq!(s.encoding, UTF_16LE);
        assert_eq!(s.bom_len, 2);
        assert_eq!(
            sniff(b"\xEF\xBB\xBFa,b", true, None).unwrap().source,
            EncodingSource::Bom
        );
    }

    #[test]
    fn utf8_and_ascii() {
        assert_eq!(
            sniff("名字,email\n".as_bytes(), true, None)
                .unwrap()
                .encoding,
            UTF_8
        );
        // Cut in the middle of a character is fine for a head but not for a whole file.
        let b = "名".as_bytes();
        assert_eq!(sniff(&b[..2], false, None).unwrap().encoding, UTF_8);
    }

    #[test]
    fn big5_with_and_without_hint() {
        let text =
            "電子郵件,姓名,團隊\nchen@example.com,陳大文,業務部\nlin@example.com,林小美,行銷部\n"
                .repeat(20);
        let bytes = enc(&text, encoding_rs::BIG5);
        assert_eq!(
            sniff(&bytes, true, Some("zh-TW")).unwrap().encoding,
            encoding_rs::BIG5
        );
        // A wrong hint (Japan) must not force Shift_JIS on Big5 bytes that it cannot decode.
        let e = sniff(&bytes, true, Some("ja-JP")).unwrap().encoding;
        assert!(decodes_cleanly(e, &bytes), "picked {}", e.name());
    }

    #[test]
    fn gbk_and_shift_jis() {
        let zh = "邮箱,姓名,部门\nwang@example.com,王小明,销售部\nzhao@example.com,赵丽,市场部\n"
            .repeat(20);
        let e = sniff(&enc(&zh, encoding_rs::GBK), true, Some("zh-CN"))
            .unwrap()
            .encoding;
        assert!(
            e == encoding_rs::GBK || e == encoding_rs::GB18030,
            "{}",
            e.name()
        );
        let ja = "メールアドレス,氏名,部署\nyamada@example.jp,山田太郎,営業部\nsato@example.jp,佐藤花子,マーケティング部\n".repeat(20);
        let e = sniff(&enc(&ja, encoding_rs::SHIFT_JIS), true, Some("ja-JP"))
            .unwrap()
            .encoding;
        assert_eq!(e, encoding_rs::SHIFT_JIS);
    }

    #[test]
    fn utf8_with_a_stray_byte_stays_utf8() {
        let mut bytes = "姓名,email\n陳大文,chen@example.com\n林小美,lin@example.com\n"
            .repeat(10)
            .into_bytes();
        bytes.insert(20, 0xFF);
        let s = sniff(&bytes, true, Some("zh-TW")).unwrap();
        assert_eq!((s.encoding, s.source), (UTF_8, EncodingSource::Detected));
        // Big5 bytes are not "mostly UTF-8".
        let big5 = enc(
            &"電子郵件,姓名\nchen@example.com,陳大文\n".repeat(5),
            encoding_rs::BIG5,
        );
        assert!(!mostly_utf8(&big5));
    }

    #[test]
    fn binary_is_refused() {
        assert!(matches!(
            sniff(b"PK\x03\x04rest", true, None),
            Err(CsvError::BinaryFile)
        ));
        assert!(matches!(
            sniff(b"\x01\x02\x03\x04\x05abc", true, None),
            Err(CsvError::BinaryFile)
        ));
        assert!(matches!(sniff(b"", true, None), Err(CsvError::EmptyFile)));
    }

    #[test]
    fn bomless_utf16_le() {
        let bytes = enc_utf16le("Email\tName\r\na@b.co\tA\r\n");
        assert_eq!(sniff(&bytes, true, None).unwrap().encoding, UTF_16LE);
    }

    fn enc_utf16le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn locale_hints() {
        assert_eq!(tld_for_locale("zh-TW").as_deref(), Some("tw"));
        assert_eq!(tld_for_locale("zh_Hant").as_deref(), Some("tw"));
        assert_eq!(tld_for_locale("ja").as_deref(), Some("jp"));
        assert_eq!(tld_for_locale("de-DE").as_deref(), Some("de"));
        assert_eq!(locale_default("zh-TW"), encoding_rs::BIG5);
        assert_eq!(by_label("sjis").unwrap(), encoding_rs::SHIFT_JIS);
        assert!(by_label("nope").is_err());
    }
}
