//! `sia activation`: step 5's activation tracker — who of the invited has activated Actions, who is
//! blocked and why — through the same application call as the window
//! (`sia_app::api::invite::activation_tracker`), against the same keychain and data folder.

use std::process::ExitCode;

use clap::Args;
use sia_app::api;
use sia_app::locale::{UiLanguage, from_os_locale, os_locale};
use sia_app::tracker::{ActivationState, ActivationTracker};

use crate::common::{self, say};

#[derive(Args)]
pub struct ActivationArgs {
    /// Print JSON instead of the human summary.
    #[arg(long)]
    json: bool,
    /// The built-in stand-ins and the demo's data folder.
    #[arg(long)]
    demo: bool,
    /// More invited addresses (invites sent from the vendor's UI): separated by commas,
    /// semicolons or spaces; the option may repeat.
    #[arg(long, value_name = "EMAILS")]
    extra: Vec<String>,
}

pub fn run(args: ActivationArgs) -> ExitCode {
    let state = common::start(args.demo);
    let result = common::block_on(api::invite::activation_tracker(&state, args.extra));
    common::finish(result, args.json, |o, tracker| {
        print(o, words(from_os_locale(&os_locale())), tracker)
    })
}

struct Words {
    title: &'static str,
    activated: &'static str,
    waiting: &'static str,
    blocked: &'static str,
    not_visible: &'static str,
    not_visible_row: &'static str,
    not_visible_note: &'static str,
    no_user: &'static str,
    closest: &'static str,
    inactive: &'static str,
    no_api: &'static str,
    other_org: &'static str,
    invited: &'static str,
    app: &'static str,
    no_app: &'static str,
    profiles_only: &'static str,
    ignored: &'static str,
    nobody: &'static str,
}

static EN: Words = Words {
    title: "Invitees in Salesforce",
    activated: "activated",
    waiting: "waiting",
    blocked: "blocked",
    not_visible: "cannot be seen",
    not_visible_row: "activation cannot be seen (needs Customize Application)",
    not_visible_note: "Your Salesforce user cannot see other people's app authorisations: it needs the Customize Application permission. Ask a Salesforce admin with it to run this, or give your user that permission.",
    no_user: "no Salesforce user with this email",
    closest: "did you mean",
    inactive: "Salesforce user inactive",
    no_api: "no API Enabled (profile or permission set)",
    other_org: "other kind of org",
    invited: "invited",
    app: "Actions app",
    no_app: "not known: choose it in step 2; nobody counts as activated",
    profiles_only: "Permission sets could not be read: API Enabled from profiles only.",
    ignored: "Not an email address (left out)",
    nobody: "Nobody invited yet: invite people, or pass addresses with --extra.",
};

static ZH_TW: Words = Words {
    title: "受邀者在 Salesforce 的狀態",
    activated: "已啟用",
    waiting: "等待中",
    blocked: "受阻",
    not_visible: "無法查看",
    not_visible_row: "無法查看是否已啟用（需要「自訂應用程式」權限）",
    not_visible_note: "您的 Salesforce 使用者無法查看其他人的應用程式授權：需要「自訂應用程式」（Customize Application）權限。請具有此權限的 Salesforce 管理員執行，或為您的使用者加上此權限。",
    no_user: "沒有使用此電子郵件的 Salesforce 使用者",
    closest: "是否指",
    inactive: "Salesforce 使用者已停用",
    no_api: "沒有 API Enabled（設定檔或權限集）",
    other_org: "組織類型不符",
    invited: "邀請於",
    app: "Actions 應用程式",
    no_app: "未知：請在步驟 2 選擇；目前無人算作已啟用",
    profiles_only: "無法讀取權限集：API Enabled 僅依設定檔判斷。",
    ignored: "不是電子郵件地址（已略過）",
    nobody: "尚未邀請任何人：請先邀請，或以 --extra 提供地址。",
};

fn words(language: UiLanguage) -> &'static Words {
    match language {
        UiLanguage::ZhTw => &ZH_TW,
        UiLanguage::En => &EN,
    }
}

fn print(o: &mut String, w: &Words, t: &ActivationTracker) {
    let s = &t.summary;
    // Rows that cannot be seen are named only when there are some, as in the window.
    let unseen = if s.not_visible > 0 {
        format!(", {} {}", s.not_visible, w.not_visible)
    } else {
        String::new()
    };
    say!(
        o,
        "{} ({}): {} {}{unseen}, {} {}, {} {} / {}",
        w.title,
        t.checked_at,
        s.activated,
        w.activated,
        s.waiting,
        w.waiting,
        s.blocked,
        w.blocked,
        s.total
    );
    say!(
        o,
        "{}: {}",
        w.app,
        t.actions_app.as_deref().unwrap_or(w.no_app)
    );
    if !t.permission_sets_read {
        say!(o, "{}", w.profiles_only);
    }
    if !t.others_grants_visible {
        say!(o, "{}", w.not_visible_note);
    }
    if t.rows.is_empty() {
        say!(o, "{}", w.nobody);
    }
    for row in &t.rows {
        let state = match &row.state {
            ActivationState::Activated { at, .. } => match at {
                Some(at) => format!("✓ {} {at}", w.activated),
                None => format!("✓ {}", w.activated),
            },
            ActivationState::Waiting => format!("… {}", w.waiting),
            ActivationState::NotVisible => format!("? {}", w.not_visible_row),
            ActivationState::NoSalesforceUser { closest } => match closest {
                Some(c) => format!("✗ {} ({} {c}?)", w.no_user, w.closest),
                None => format!("✗ {}", w.no_user),
            },
            ActivationState::Inactive => format!("✗ {}", w.inactive),
            ActivationState::NoApiAccess => format!("✗ {}", w.no_api),
            ActivationState::OtherOrgKind { expected, actual } => {
                format!("✗ {} ({actual} ≠ {expected})", w.other_org)
            }
        };
        match &row.invited_at {
            Some(at) => say!(o, "  {}  {state}  ({} {at})", row.email, w.invited),
            None => say!(o, "  {}  {state}", row.email),
        }
    }
    if !t.ignored.is_empty() {
        say!(o, "{}: {}", w.ignored, t.ignored.join(", "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sia_app::tracker::{ActivationRow, ActivationSource, ActivationSummary};

    fn tracker(
        visible: bool,
        state: ActivationState,
        summary: ActivationSummary,
    ) -> ActivationTracker {
        ActivationTracker {
            rows: vec![ActivationRow {
                email: "bo@acme.example".into(),
                invited_at: None,
                source: ActivationSource::Pasted,
                state,
            }],
            summary,
            actions_app: Some("Sales Insight Actions".into()),
            permission_sets_read: true,
            others_grants_visible: visible,
            ignored: vec![],
            checked_at: "2026-12-05T04:00:00Z".into(),
        }
    }

    #[test]
    fn rows_that_cannot_be_seen_are_neither_waiting_nor_activated() {
        let t = tracker(
            false,
            ActivationState::NotVisible,
            ActivationSummary {
                not_visible: 1,
                total: 1,
                ..Default::default()
            },
        );
        for (w, unseen) in [(&EN, "1 cannot be seen"), (&ZH_TW, "1 無法查看")] {
            let mut o = String::new();
            print(&mut o, w, &t);
            assert!(o.lines().next().is_some_and(|l| l.contains(unseen)), "{o}");
            assert!(o.contains(w.not_visible_note), "{o}");
            assert!(
                o.contains(&format!("bo@acme.example  ? {}", w.not_visible_row)),
                "{o}"
            );
        }
    }

    #[test]
    fn with_customize_application_the_output_is_as_before() {
        let t = tracker(
            true,
            ActivationState::Waiting,
            ActivationSummary {
                waiting: 1,
                total: 1,
                ..Default::default()
            },
        );
        let mut o = String::new();
        print(&mut o, &EN, &t);
        assert!(o.starts_with(
            "Invitees in Salesforce (2026-12-05T04:00:00Z): 0 activated, 1 waiting, 0 blocked / 1\n"
        ));
        assert!(!o.contains("Customize Application"), "{o}");
        assert!(!o.contains("cannot be seen"), "{o}");
    }
}
