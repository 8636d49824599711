//! What the admin hands over, from a demo setup half done: the setup report (one HTML file, in
//! en and zh-TW) and the activation tracker's CSV. Three invitees, one of whom accepts in the
//! demo mailbox (which, as in Salesforce, leaves their grant to the Actions app in the org).

use std::sync::Arc;

use sia_app::api;
use sia_app::locale::UiLanguage;
use sia_app::tracker::ActivationState;
use sia_core::{CheckResult, Evidence, StepId};
use sia_sandbox::salesforce::SeedUser;
use sia_vault::Environment;

mod support;
use support::{sandbox, sign_in};

const HOSTILE: &str = "<script>alert('x')</script>";

/// Three users of the seeded org who can activate but have not: active, API access, no grant.
fn ready_users(state: &sia_app::AppState) -> Vec<SeedUser> {
    let sf = sandbox(state).salesforce();
    let granted: Vec<String> = sf.oauth_tokens().into_iter().map(|t| t.user_id).collect();
    sf.users()
        .iter()
        .skip(1)
        .filter(|u| u.is_active && u.has_api_access() && !granted.contains(&u.id))
        .take(3)
        .cloned()
        .collect()
}

/// Whether `text` holds a catalogue key under `prefix` (`report.title`), not prose ending a
/// sentence with the same word.
fn shows_key(text: &str, prefix: &str) -> bool {
    text.match_indices(prefix)
        .any(|(i, _)| text[i + prefix.len()..].starts_with(|c: char| c.is_ascii_alphabetic()))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_report_and_the_tracker_csv_hand_over_a_half_done_setup() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = sia_sandbox::SandboxConfig::for_tests();
    // An MSI package older than the minimum, so step 6 is left for the Salesforce admin.
    config.salesforce.package_version = Some(sia_sandbox::PackageVersion {
        major: 1,
        minor: 7000,
        patch: 0,
    });
    let state = Arc::new(support::demo_state(dir.path(), config));
    let actions = sandbox(&state)
        .actions_service()
        .expect("the demo serves Actions");
    actions.activate(&["admin@example.com"]).unwrap();

    // Nothing to say about activation before any tracker ran.
    assert_eq!(api::invite::activation_last(&state).await.unwrap(), None);

    // Step 5: three invitees; the tracker sees them waiting; one accepts in the demo mailbox.
    let people = ready_users(&state);
    assert_eq!(people.len(), 3, "the seeded org has three ready users");
    let emails: Vec<String> = people.iter().map(|u| u.invite_email.clone()).collect();
    support::invite(&state, &emails).await;
    sign_in(&state).await;
    let before = api::invite::activation_tracker(&state, vec![])
        .await
        .unwrap();
    let s = &before.summary;
    assert_eq!((s.activated, s.waiting, s.blocked, s.total), (0, 3, 0, 3));
    let outbox = api::actions::actions_outbox(&state).await.unwrap();
    let mail = outbox
        .iter()
        .find(|m| m.recipient.eq_ignore_ascii_case(&emails[0]))
        .expect("the invitation is in the demo mailbox");
    api::actions::actions_demo_accept(&state, mail.user_id.clone())
        .await
        .unwrap();
    let after = api::invite::activation_tracker(&state, vec![])
        .await
        .unwrap();
    let s = &after.summary;
    assert_eq!(
        (s.activated, s.waiting, s.blocked, s.total),
        (1, 2, 0, 3),
        "{after:#?}"
    );
    assert!(matches!(
        after
            .rows
            .iter()
            .find(|r| r.email == emails[0])
            .unwrap()
            .state,
        ActivationState::Activated { .. }
    ));
    let last = api::invite::activation_last(&state).await.unwrap().unwrap();
    assert_eq!(last.summary, after.summary);
    assert_eq!(last.checked_at, after.checked_at);

    // Steps 6 and 7 checked in the org; step 1 confirmed by hand; step 2's evidence names an app
    // whose name is hostile markup (a name comes from Salesforce: it is data, never markup).
    api::salesforce::salesforce_check(&state).await.unwrap();
    api::app::confirm_step(&state, StepId::ActivateAccount, true)
        .await
        .unwrap();
    state
        .with_store(|s| {
            s.record_evidence(
                StepId::ConnectSalesforce,
                &CheckResult::Done,
                &Evidence::SalesforceAppAuthorized {
                    app_name: HOSTILE.into(),
                    username: "jordan.lee@acme-demo.example".into(),
                    last_used: Some("2026-12-01T09:30:00.000+0000".into()),
                    use_count: Some(1842),
                },
            )
        })
        .unwrap();

    // The secrets the setup holds (the positive control: they exist, so their absence means something).
    let vault = state.vault().unwrap();
    let refresh = vault
        .salesforce(Environment::Demo)
        .unwrap()
        .expect("the refresh token is in the keychain")
        .refresh_token
        .expose()
        .to_string();
    assert!(refresh.len() >= 16);
    let demo = state.demo.as_ref().unwrap();
    let marketo_secret = demo.marketo().unwrap().client_secret;
    let data_dir = dir.path().to_string_lossy().to_string();

    // English.
    let en_path = dir.path().join("report-en.html");
    api::report::export_setup_report(&state, en_path.clone())
        .await
        .unwrap();
    let en = std::fs::read_to_string(&en_path).unwrap();
    assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    for title in [
        "Set up the Marketo Sales account",
        "Connect the Actions account to Salesforce",
        "Connect the Actions account to Marketo",
        "Start the data sync from Marketo",
        "Invite users to Actions",
        "Install or upgrade the MSI package in Salesforce",
        "Configure MSI Actions in Salesforce",
    ] {
        assert!(en.contains(title), "{title}");
    }
    assert_eq!(en.matches("<tr data-step=").count(), 7);
    for owner in [
        "Marketo admin",
        "Salesforce admin",
        "Marketo or Salesforce admin",
    ] {
        assert!(en.contains(&format!("<td>{owner}</td>")), "{owner}");
    }
    assert!(
        en.contains("For your Salesforce admin: steps 6 and 7"),
        "{en}"
    );
    assert!(en.contains("to version 1.8000 or newer"));
    assert!(
        en.contains("Version 1.7000.0 is installed"),
        "the check's own finding"
    );
    assert!(en.contains(sia_salesforce::APPEXCHANGE_LISTING_URL));
    for site in sia_salesforce::MSI_REMOTE_SITES {
        assert!(en.contains(&format!("<code>{site}</code>")), "{site}");
    }
    assert!(
        en.contains("For your Marketo admin: steps 3, 4 and 5"),
        "{en}"
    );
    assert!(
        en.contains("Marked done by hand"),
        "step 1 confirmed, not checked"
    );
    assert!(en.contains("1 of 3 activated · 2 waiting · 0 blocked"));
    assert!(en.contains("From the activation check of"));
    assert!(en.contains("used 1,842 times"));
    // The hostile name is shown as text, never as markup; the file loads and runs nothing.
    assert!(en.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    let lower = en.to_lowercase();
    for banned in [
        "<script",
        "<link",
        "<img",
        "<iframe",
        " src=",
        "@import",
        "url(",
        "javascript:",
    ] {
        assert!(!lower.contains(banned), "{banned}");
    }
    assert!(en.contains("@media print"));
    // Every key and placeholder was found: none shows itself.
    let body = en.split("</style>").nth(1).unwrap();
    for raw in [
        "report.",
        "step.",
        "evidence.",
        "activation.",
        "state.",
        "role.",
    ] {
        assert!(!shows_key(body, raw), "a raw catalogue key: {raw}");
    }
    assert!(!body.contains('{'), "a placeholder is left");
    for secret in [refresh.as_str(), marketo_secret.as_str(), data_dir.as_str()] {
        assert!(!en.contains(secret), "a secret or a path is in the report");
    }

    // Traditional Chinese: the admin's language.
    api::app::set_language(&state, UiLanguage::ZhTw)
        .await
        .unwrap();
    let zh_path = dir.path().join("report-zh.html");
    api::report::export_setup_report(&state, zh_path.clone())
        .await
        .unwrap();
    let zh = std::fs::read_to_string(&zh_path).unwrap();
    assert!(zh.starts_with("<!DOCTYPE html>\n<html lang=\"zh-TW\">"));
    for title in [
        "設定 Marketo 銷售帳戶",
        "在 Salesforce 中安裝或升級 MSI 套件",
        "在 Salesforce 中設定 MSI Actions",
    ] {
        assert!(zh.contains(title), "{title}");
    }
    assert!(zh.contains("請 Salesforce 管理員處理：步驟 6 和 7"), "{zh}");
    assert!(zh.contains("請 Marketo 管理員處理：步驟 3、4 和 5"), "{zh}");
    assert!(zh.contains("<td>Salesforce 管理員</td>"));
    assert!(zh.contains("3 人中 1 人已啟用"));
    assert!(zh.contains("1.8000"));
    assert!(zh.contains("&lt;script&gt;"));
    assert!(!zh.to_lowercase().contains("<script"));
    let body = zh.split("</style>").nth(1).unwrap();
    for raw in ["report.", "step.", "evidence.", "activation."] {
        assert!(!shows_key(body, raw), "a raw catalogue key: {raw}");
    }
    assert!(!body.contains('{'), "a placeholder is left");
    for secret in [refresh.as_str(), marketo_secret.as_str(), data_dir.as_str()] {
        assert!(!zh.contains(secret), "a secret or a path is in the report");
    }

    // The tracker's CSV, in the admin's language (zh-TW now), with a pasted address that would
    // run as a formula in a spreadsheet.
    let csv_path = dir.path().join("activation.csv");
    let written =
        api::invite::activation_export(&state, csv_path.clone(), vec!["=cmd@evil.example".into()])
            .await
            .unwrap();
    assert_eq!(written.rows.len(), 4);
    let bytes = std::fs::read(&csv_path).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with a BOM, for Excel"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert_eq!(lines[0], "電子郵件,邀請時間,分類,狀態,該怎麼做");
    let first = lines.iter().find(|l| l.starts_with(&emails[0])).unwrap();
    assert!(first.contains(",已啟用,已於 "), "{first}");
    assert!(first.ends_with(",無需任何動作。"), "{first}");
    let waiting = lines.iter().find(|l| l.starts_with(&emails[1])).unwrap();
    assert!(
        waiting.contains(",等待中,等待中,今天已邀請；沒有任何阻礙。"),
        "{waiting}"
    );
    // The same rule as the import's upload file: a leading `=` is neutralised.
    let hostile = lines
        .iter()
        .find(|l| l.contains("cmd@evil.example"))
        .unwrap();
    assert!(
        hostile.starts_with("'=cmd@evil.example,貼上的,受阻,"),
        "{hostile}"
    );
    assert!(!text.contains(&refresh));
}
