//! Splits a full name into first and last, aware of CJK order (family name first) and "Last, First".
//! Chinese compound surnames and Korean two-syllable ones are kept whole.

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xAC00..=0xD7AF | 0x20000..=0x2FA1F)
}

const COMPOUND_SURNAMES: [&str; 24] = [
    "歐陽", "欧阳", "司馬", "司马", "諸葛", "诸葛", "上官", "東方", "东方", "皇甫", "尉遲", "尉迟",
    "公孫", "公孙", "令狐", "慕容", "夏侯", "長孫", "长孙", "宇文", "司徒", "澹臺", "澹台", "軒轅",
];
const KOREAN_COMPOUND: [&str; 5] = ["남궁", "황보", "제갈", "선우", "독고"];
const PARTICLES: [&str; 10] = [
    "van", "von", "de", "der", "den", "del", "della", "da", "di", "la",
];

/// Returns (first, last). A single word is a first name only.
pub fn split_full_name(full: &str) -> (String, String) {
    let full = full.trim();
    if full.is_empty() {
        return (String::new(), String::new());
    }
    if let Some((last, first)) = full.split_once([',', '，']) {
        return (first.trim().to_owned(), last.trim().to_owned());
    }
    let words: Vec<&str> = full.split_whitespace().collect();
    let cjk = full.chars().any(is_cjk);
    if cjk {
        if words.len() >= 2 {
            // "山田 太郎", "王 小明": family name first.
            return (words[1..].join(" "), words[0].to_owned());
        }
        let chars: Vec<char> = full.chars().collect();
        if chars.len() < 2 {
            return (full.to_owned(), String::new());
        }
        let compound = COMPOUND_SURNAMES
            .iter()
            .chain(KOREAN_COMPOUND.iter())
            .any(|s| full.starts_with(s));
        let cut = if compound && chars.len() > 2 { 2 } else { 1 };
        return (chars[cut..].iter().collect(), chars[..cut].iter().collect());
    }
    match words.as_slice() {
        [one] => ((*one).to_owned(), String::new()),
        _ => {
            // "Ludwig van Beethoven": the particle belongs to the last name.
            let mut cut = words.len() - 1;
            while cut > 1 && PARTICLES.contains(&words[cut - 1].to_lowercase().as_str()) {
                cut -= 1;
            }
            (words[..cut].join(" "), words[cut..].join(" "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> (String, String) {
        split_full_name(x)
    }

    #[test]
    fn western() {
        assert_eq!(s("Jane Doe"), ("Jane".into(), "Doe".into()));
        assert_eq!(s("Mary Ann Smith"), ("Mary Ann".into(), "Smith".into()));
        assert_eq!(s("Doe, Jane"), ("Jane".into(), "Doe".into()));
        assert_eq!(
            s("Ludwig van Beethoven"),
            ("Ludwig".into(), "van Beethoven".into())
        );
        assert_eq!(s("Cher"), ("Cher".into(), String::new()));
        assert_eq!(s("  "), (String::new(), String::new()));
    }

    #[test]
    fn cjk_order() {
        assert_eq!(s("陳大文"), ("大文".into(), "陳".into()));
        assert_eq!(s("歐陽娜娜"), ("娜娜".into(), "歐陽".into()));
        assert_eq!(s("山田 太郎"), ("太郎".into(), "山田".into()));
        assert_eq!(s("김민준"), ("민준".into(), "김".into()));
        assert_eq!(s("남궁민"), ("민".into(), "남궁".into()));
        assert_eq!(s("王"), ("王".into(), String::new()));
    }
}
