//! Every human (non-JSON) heading `sia` prints, in English and Traditional Chinese: one table
//! per language, chosen once from the OS locale as the window does. JSON output is never translated.
//! Step titles and states use the window's own wording (ui/src/lib/i18n/*.json).

use sia_app::locale::{UiLanguage, from_os_locale, os_locale};
use sia_core::{StepId, StepState};

pub struct Text {
    pub mode: &'static str,
    /// In `StepId::ALL` order.
    pub steps: [&'static str; 7],
    pub not_started: &'static str,
    pub in_progress: &'static str,
    pub done: &'static str,
    pub needs_attention: &'static str,
    pub checked: &'static str,
    pub confirmed: &'static str,
    pub evidence: &'static str,
    pub check_failed: &'static str,
    pub open_in_browser: &'static str,
    pub browser_opened: &'static str,
    pub browser_not_opened: &'static str,
    pub waiting: &'static str,
    pub connected_as: &'static str,
    pub sign_in_refused: &'static str,
    pub keychain_refused: &'static str,
    pub cancelled: &'static str,
    pub package: &'static str,
    pub package_installed: &'static str,
    pub package_missing: &'static str,
    pub package_outdated: &'static str,
    pub remote_sites: &'static str,
    pub site_active: &'static str,
    pub site_inactive: &'static str,
    pub site_missing: &'static str,
    pub users: &'static str,
    pub active: &'static str,
    pub inactive: &'static str,
    pub api_profile: &'static str,
    pub api_permission_set: &'static str,
    pub api_off: &'static str,
    pub profiles_only: &'static str,
    pub marketo_ok: &'static str,
    pub endpoint: &'static str,
    pub api_user: &'static str,
    pub token_expires: &'static str,
    pub admins: &'static str,
    pub locked: &'static str,
    pub fields: &'static str,
    pub field_present: &'static str,
    pub field_missing: &'static str,
    pub field_read_only: &'static str,
    pub people: &'static str,
    pub with_owner: &'static str,
    pub without_owner: &'static str,
    pub at_least: &'static str,
    pub api_only_users: &'static str,
    pub suggested: &'static str,
    pub chosen: &'static str,
    pub none_chosen: &'static str,
    pub calls_today: &'static str,
    pub calls_7_days: &'static str,
    pub demo_saved: &'static str,
}

pub static EN: Text = Text {
    mode: "Mode",
    steps: [
        "Set up the Marketo Sales account",
        "Connect the Actions account to Salesforce",
        "Connect the Actions account to Marketo",
        "Start the data sync from Marketo",
        "Invite users to Actions",
        "Install or upgrade the MSI package in Salesforce",
        "Configure MSI Actions in Salesforce",
    ],
    not_started: "Not started",
    in_progress: "In progress",
    done: "Done",
    needs_attention: "Needs attention",
    checked: "checked",
    confirmed: "confirmed by you",
    evidence: "evidence",
    check_failed: "last check could not run",
    open_in_browser: "Sign in to Salesforce at:",
    browser_opened: "Your browser was opened.",
    browser_not_opened: "No browser could be opened: open the address above yourself.",
    waiting: "Waiting for the sign-in to finish (Ctrl+C to cancel)…",
    connected_as: "Connected to Salesforce as",
    sign_in_refused: "The sign-in did not succeed",
    keychain_refused: "Signed in, but the keychain refused the token",
    cancelled: "Sign-in cancelled.",
    package: "MSI package",
    package_installed: "installed",
    package_missing: "not installed",
    package_outdated: "outdated",
    remote_sites: "Remote Site Settings",
    site_active: "active",
    site_inactive: "inactive",
    site_missing: "missing",
    users: "Salesforce users",
    active: "active",
    inactive: "inactive",
    api_profile: "API Enabled (profile)",
    api_permission_set: "API Enabled (permission set)",
    api_off: "no API Enabled",
    profiles_only: "Permission sets could not be read: API Enabled is from profiles only.",
    marketo_ok: "Marketo issued a token for the saved credentials.",
    endpoint: "Endpoint",
    api_user: "API user",
    token_expires: "Token expires in (s)",
    admins: "Marketo admins",
    locked: "locked",
    fields: "Synced fields",
    field_present: "present",
    field_missing: "missing",
    field_read_only: "read-only (still syncs)",
    people: "People",
    with_owner: "with a Salesforce owner",
    without_owner: "without one",
    at_least: "at least",
    api_only_users: "Marketo API-only users",
    suggested: "suggested",
    chosen: "chosen",
    none_chosen: "No API-only user is chosen yet: pass --choose USER_ID.",
    calls_today: "Calls today",
    calls_7_days: "Calls in the last 7 days",
    demo_saved: "The demo's Marketo credentials are saved.",
};

pub static ZH_TW: Text = Text {
    mode: "模式",
    steps: [
        "設定 Marketo 銷售帳戶",
        "將 Actions 帳戶連接到 Salesforce",
        "將 Actions 帳戶連接到 Marketo",
        "從 Marketo 啟動資料同步",
        "邀請使用者加入 Actions",
        "在 Salesforce 中安裝或升級 MSI 套件",
        "在 Salesforce 中設定 MSI Actions",
    ],
    not_started: "尚未開始",
    in_progress: "進行中",
    done: "已完成",
    needs_attention: "需要處理",
    checked: "已檢查",
    confirmed: "由您確認",
    evidence: "證據",
    check_failed: "上次檢查無法執行",
    open_in_browser: "請在以下網址登入 Salesforce：",
    browser_opened: "已開啟您的瀏覽器。",
    browser_not_opened: "無法開啟瀏覽器：請自行開啟上方的網址。",
    waiting: "正在等待登入完成（按 Ctrl+C 取消）…",
    connected_as: "已連接到 Salesforce，身分為",
    sign_in_refused: "登入未成功",
    keychain_refused: "已登入，但鑰匙圈拒絕儲存權杖",
    cancelled: "已取消登入。",
    package: "MSI 套件",
    package_installed: "已安裝",
    package_missing: "未安裝",
    package_outdated: "版本過舊",
    remote_sites: "遠端網站設定",
    site_active: "已啟用",
    site_inactive: "未啟用",
    site_missing: "缺少",
    users: "Salesforce 使用者",
    active: "使用中",
    inactive: "已停用",
    api_profile: "已啟用 API（設定檔）",
    api_permission_set: "已啟用 API（權限集）",
    api_off: "未啟用 API",
    profiles_only: "無法讀取權限集：「已啟用 API」僅依設定檔判斷。",
    marketo_ok: "Marketo 已為儲存的憑證核發權杖。",
    endpoint: "端點",
    api_user: "API 使用者",
    token_expires: "權杖剩餘秒數",
    admins: "Marketo 管理員",
    locked: "已鎖定",
    fields: "同步欄位",
    field_present: "存在",
    field_missing: "缺少",
    field_read_only: "唯讀（仍會同步）",
    people: "人員",
    with_owner: "有 Salesforce 擁有者",
    without_owner: "沒有擁有者",
    at_least: "至少",
    api_only_users: "Marketo 僅限 API 的使用者",
    suggested: "建議",
    chosen: "已選擇",
    none_chosen: "尚未選擇僅限 API 的使用者：請加上 --choose USER_ID。",
    calls_today: "今日呼叫次數",
    calls_7_days: "過去 7 天呼叫次數",
    demo_saved: "已儲存示範的 Marketo 憑證。",
};

/// The table for the OS locale: Traditional Chinese locales get zh-TW, everything else English.
pub fn text() -> &'static Text {
    for_language(from_os_locale(&os_locale()))
}

pub fn for_language(language: UiLanguage) -> &'static Text {
    match language {
        UiLanguage::ZhTw => &ZH_TW,
        UiLanguage::En => &EN,
    }
}

impl Text {
    pub fn step(&self, step: StepId) -> &'static str {
        let index = StepId::ALL.iter().position(|s| *s == step).unwrap_or(0);
        self.steps[index]
    }

    pub fn state(&self, state: StepState) -> &'static str {
        match state {
            StepState::NotStarted => self.not_started,
            StepState::InProgress => self.in_progress,
            StepState::Done => self.done,
            StepState::NeedsAttention => self.needs_attention,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_tables_name_every_step_differently() {
        for text in [&EN, &ZH_TW] {
            let mut names: Vec<_> = StepId::ALL.iter().map(|s| text.step(*s)).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), 7);
        }
    }

    #[test]
    fn traditional_chinese_picks_the_zh_tw_table() {
        assert!(std::ptr::eq(
            for_language(from_os_locale("zh_TW.UTF-8")),
            &ZH_TW
        ));
        assert!(std::ptr::eq(for_language(from_os_locale("en-US")), &EN));
        assert!(std::ptr::eq(for_language(from_os_locale("zh-CN")), &EN));
    }
}
