//! The UI languages and how the OS locale picks one: any Chinese locale that
//! is Traditional (zh-TW, zh-HK, zh-MO, zh-Hant) gets zh-TW, everything else English.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Language {
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-TW")]
    ZhTw,
}

impl Language {
    pub fn tag(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::ZhTw => "zh-TW",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Self> {
        match tag {
            "en" => Some(Language::En),
            "zh-TW" => Some(Language::ZhTw),
            _ => None,
        }
    }

    /// Maps an OS locale (BCP 47 or POSIX, e.g. `zh_TW.UTF-8`) to a UI language.
    pub fn from_os_locale(locale: &str) -> Self {
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
            Language::ZhTw
        } else {
            Language::En
        }
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
            assert_eq!(Language::from_os_locale(l), Language::ZhTw, "{l}");
        }
    }

    #[test]
    fn everything_else_picks_english() {
        for l in ["en-US", "de_DE.UTF-8", "zh-CN", "zh-Hans", "C", "", "ja-JP"] {
            assert_eq!(Language::from_os_locale(l), Language::En, "{l}");
        }
    }
}
