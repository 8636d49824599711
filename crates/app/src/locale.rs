//! How the OS locale picks a UI language: any Chinese locale that is
//! Traditional (zh-TW, zh-HK, zh-MO, zh-Hant) gets zh-TW, everything else English.

pub use sia_vault::UiLanguage;

pub fn tag(language: UiLanguage) -> &'static str {
    match language {
        UiLanguage::En => "en",
        UiLanguage::ZhTw => "zh-TW",
    }
}

pub fn from_tag(tag: &str) -> Option<UiLanguage> {
    match tag {
        "en" => Some(UiLanguage::En),
        "zh-TW" => Some(UiLanguage::ZhTw),
        _ => None,
    }
}

/// Maps an OS locale (BCP 47 or POSIX, e.g. `zh_TW.UTF-8`) to a UI language.
pub fn from_os_locale(locale: &str) -> UiLanguage {
    let tag = locale
        .split('.')
        .next()
        .unwrap_or_default()
        .replace('_', "-")
        .to_ascii_lowercase();
    let traditional = ["zh-tw", "zh-hk", "zh-mo", "zh-hant"]
        .iter()
        .any(|t| tag == *t || tag.starts_with(&format!("{t}-")));
    if traditional {
        UiLanguage::ZhTw
    } else {
        UiLanguage::En
    }
}

/// The OS locale, as the OS spells it; "en-US" when it says nothing.
pub fn os_locale() -> String {
    sys_locale::get_locale().unwrap_or_else(|| "en-US".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_chinese_locales_pick_zh_tw() {
        for l in ["zh-TW", "zh_TW.UTF-8", "zh-Hant-TW", "zh-HK", "zh_MO"] {
            assert_eq!(from_os_locale(l), UiLanguage::ZhTw, "{l}");
        }
    }

    #[test]
    fn everything_else_picks_english() {
        for l in ["en-US", "de_DE.UTF-8", "zh-CN", "zh-Hans", "C", "", "ja-JP"] {
            assert_eq!(from_os_locale(l), UiLanguage::En, "{l}");
        }
    }

    #[test]
    fn tags_round_trip() {
        for l in [UiLanguage::En, UiLanguage::ZhTw] {
            assert_eq!(from_tag(tag(l)), Some(l));
        }
    }
}
