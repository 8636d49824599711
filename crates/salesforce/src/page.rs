//! The small static page the browser tab ends on after the sign-in, in English or zh-TW.
//! It loads nothing from anywhere; its one inline style is allowed by hash in a strict CSP.

use base64::Engine;
use sha2::{Digest, Sha256};
use sia_core::UiLanguage;
use std::sync::LazyLock;

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI','Noto Sans TC',sans-serif;\
background:#f5f6f8;color:#1d2330;display:flex;min-height:100vh;margin:0;align-items:center;\
justify-content:center}main{background:#fff;border-radius:12px;padding:32px 40px;max-width:30rem;\
box-shadow:0 2px 12px rgba(0,0,0,.08)}h1{font-size:1.3rem;margin:0 0 .6rem}p{line-height:1.5;margin:.4rem 0}\
.ok h1{color:#1b7f3b}.err h1{color:#b3261e}";

/// `Content-Security-Policy` of every answer the listener gives: nothing may load, run, frame
/// it or be submitted; only the page's own style (by hash) applies.
pub(crate) static CSP: LazyLock<String> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE.as_bytes()));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
});

/// What the page says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageKind {
    Connected,
    /// An error, by its stable code.
    Failed(&'static str),
    /// A request that is not (or no longer) a sign-in answer.
    NotASignIn,
}

/// The page as UTF-8 HTML.
pub(crate) fn render(kind: PageKind, lang: UiLanguage) -> String {
    let (class, title, body) = text(kind, lang);
    let (html_lang, close) = match lang {
        UiLanguage::En => ("en", "You can close this tab and return to SIA Setup."),
        UiLanguage::ZhTw => ("zh-Hant-TW", "您可以關閉此分頁，回到 SIA Setup。"),
    };
    format!(
        "<!doctype html><html lang=\"{html_lang}\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"referrer\" content=\"no-referrer\">\
<title>{title}</title><style>{STYLE}</style></head><body><main class=\"{class}\"><h1>{title}</h1><p>{body}</p><p>{close}</p></main></body></html>"
    )
}

fn text(kind: PageKind, lang: UiLanguage) -> (&'static str, &'static str, &'static str) {
    let zh = lang == UiLanguage::ZhTw;
    match kind {
        PageKind::Connected if zh => ("ok", "已連線到 Salesforce", "登入完成，您可以關閉此分頁。"),
        PageKind::Connected => (
            "ok",
            "Connected to Salesforce",
            "Connected, you can close this tab.",
        ),
        PageKind::NotASignIn if zh => (
            "err",
            "這不是有效的登入回應",
            "此網址只接受 Salesforce 登入完成後的轉址。請從 SIA Setup 重新開始登入。",
        ),
        PageKind::NotASignIn => (
            "err",
            "Not a sign-in answer",
            "This address only accepts the redirect at the end of a Salesforce sign-in. Start the sign-in again from SIA Setup.",
        ),
        PageKind::Failed(code) => {
            let (title, body) = failure(code, zh);
            ("err", title, body)
        }
    }
}

fn failure(code: &str, zh: bool) -> (&'static str, &'static str) {
    let title = if zh {
        "無法連線到 Salesforce"
    } else {
        "Could not connect to Salesforce"
    };
    let body = match (code, zh) {
        ("access_denied", false) => {
            "The access request was denied. Return to SIA Setup and sign in again, then click Allow."
        }
        ("access_denied", true) => "存取要求遭到拒絕。請回到 SIA Setup 重新登入，並按「允許」。",
        ("state_mismatch", false) => {
            "This sign-in answer did not belong to the sign-in SIA Setup started, so it was ignored. Start the sign-in again."
        }
        ("state_mismatch", true) => {
            "此登入回應不屬於 SIA Setup 發起的登入，已忽略。請重新開始登入。"
        }
        ("redirect_uri_mismatch", false) => {
            "Salesforce refused the callback address. SIA Setup shows the exact callback URLs to register in the External Client App."
        }
        ("redirect_uri_mismatch", true) => {
            "Salesforce 拒絕了回呼網址。SIA Setup 會列出需要在 External Client App 中登錄的確切回呼網址。"
        }
        ("wrong_org_type", false) => {
            "You signed in to the other kind of org (sandbox or production). SIA Setup explains which login address to use."
        }
        ("wrong_org_type", true) => {
            "您登入的組織類型不符（沙箱或正式環境）。SIA Setup 會說明應使用的登入網址。"
        }
        ("network", false) => {
            "SIA Setup could not reach Salesforce to finish the sign-in. Check the network and try again."
        }
        ("network", true) => "SIA Setup 無法連線到 Salesforce 完成登入。請檢查網路後再試一次。",
        ("api_disabled", false) => {
            "The Salesforce API is disabled for this user. The profile needs the API Enabled permission."
        }
        ("api_disabled", true) => {
            "此使用者無法使用 Salesforce API。其設定檔需要「API Enabled」權限。"
        }
        ("cancelled", false) => "The sign-in was cancelled in SIA Setup.",
        ("cancelled", true) => "已在 SIA Setup 中取消登入。",
        ("timeout", false) => {
            "The sign-in took too long and was stopped. Start it again from SIA Setup."
        }
        ("timeout", true) => "登入逾時已停止。請從 SIA Setup 重新開始。",
        (_, false) => {
            "The sign-in did not complete. SIA Setup shows what happened and what to do next."
        }
        (_, true) => "登入未完成。SIA Setup 會顯示原因與下一步。",
    };
    (title, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_self_contained_and_localised() {
        let en = render(PageKind::Connected, UiLanguage::En);
        assert!(en.contains("Connected, you can close this tab"));
        let zh = render(PageKind::Failed("access_denied"), UiLanguage::ZhTw);
        assert!(zh.contains("lang=\"zh-Hant-TW\"") && zh.contains("允許"));
        for page in [en, zh] {
            assert!(!page.contains("http://") && !page.contains("https://"));
            assert!(!page.contains("<script") && !page.contains("<img") && !page.contains("<link"));
        }
    }

    #[test]
    fn csp_allows_only_the_inline_style() {
        assert!(CSP.starts_with("default-src 'none'; style-src 'sha256-"));
        assert!(!CSP.contains("unsafe"));
        // The hash must be of the style block exactly as the page carries it.
        let page = render(PageKind::Connected, UiLanguage::En);
        let style = page
            .split("<style>")
            .nth(1)
            .and_then(|rest| rest.split("</style>").next())
            .unwrap_or_default();
        let hash =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(style.as_bytes()));
        assert!(CSP.contains(&format!("'sha256-{hash}'")));
    }
}
