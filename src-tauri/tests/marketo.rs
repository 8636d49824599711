//! Steps 1, 3 and 4 through IPC against the stand-ins (real HTTP, real Marketo client, real
//! Actions service): Marketo access, activation, the connection and its owner, the sync.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{app_with, invoke};
use serde_json::{Value, json};
use sia_setup_lib::demo::DemoServices;
use sia_setup_lib::error::AppError;
use sia_setup_lib::state::{AppState, RunMode};
use sia_vault::Vault;
use sia_vault::testing::FaultyStore;
use tauri::test::MockRuntime;
use tauri::{App, WebviewWindow};

struct Demo {
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

fn demo() -> Demo {
    demo_with(sia_sandbox::SandboxConfig::for_tests())
}

fn demo_with(config: sia_sandbox::SandboxConfig) -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let (store, _faults) = FaultyStore::create().unwrap();
    let vault = Vault::with_store(store, "mock keychain", dir.path())
        .map(Arc::new)
        .map_err(AppError::from);
    let mut state = AppState::open_with_vault(dir.path(), RunMode::Demo, "en-US".into(), vault);
    state.demo = Some(DemoServices::start_with(config));
    let (app, window) = app_with(state);
    Demo {
        _app: app,
        window,
        _dir: dir,
    }
}

impl Demo {
    fn ok(&self, cmd: &str, args: Value) -> Value {
        invoke(&self.window, cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    fn err(&self, cmd: &str, args: Value) -> Value {
        invoke(&self.window, cmd, args).expect_err(cmd)
    }

    fn step_state(&self, step: &str) -> (String, String) {
        let dashboard = self.ok("dashboard", json!({}));
        let s = dashboard["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["step"] == step)
            .unwrap()
            .clone();
        (
            s["state"].as_str().unwrap().to_string(),
            s["source"].as_str().unwrap_or("").to_string(),
        )
    }
}

#[test]
fn the_marketo_side_of_the_setup_runs_end_to_end_against_the_stand_ins() {
    let d = demo();
    // Step 1: Marketo API access, then the admins to invite.
    let saved = d.ok("marketo_use_demo", json!({"storage": "keychain"}));
    assert_eq!(saved["connection"]["service"], "marketo");
    assert_eq!(saved["connection"]["storedIn"], "keychain");
    let admins = d.ok("marketo_admins", json!({}));
    let emails: Vec<String> = admins
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["locked"] == false)
        .take(2)
        .map(|a| a["email"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(emails.len(), 2, "the stand-in seeds unlocked admins");
    let before = d.ok("actions_overview", json!({}));
    assert_ne!(before["instance"]["status"], "active");
    assert_eq!(before["instance"]["integrationInformationAvailable"], false);

    let activation = d.ok("actions_activate", json!({"emails": emails}));
    assert!(
        activation["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["outcome"] == "invited")
    );
    assert_eq!(activation["originalUserEmail"], emails[0].as_str());
    assert_eq!(
        d.step_state("activateAccount"),
        ("done".into(), "checked".into())
    );

    // Inviting the same admin again is reported per admin, never sent twice.
    let again = d.ok(
        "actions_activate",
        json!({"emails": [emails[0].to_uppercase()]}),
    );
    assert_eq!(again["results"][0]["outcome"], "failed");
    let outbox = d.ok("actions_outbox", json!({}));
    assert_eq!(outbox.as_array().unwrap().len(), 2);

    // The original user accepts (the demo plays the invitee).
    let active = d.ok("actions_overview", json!({}));
    assert_eq!(active["instance"]["integrationInformationAvailable"], true);
    assert!(
        !active["integration"]["clientId"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        active["integration"].as_object().unwrap().len(),
        2,
        "no secret: {active}"
    );
    let original = active["originalUser"].clone();
    assert_eq!(original["email"], emails[0].as_str());
    d.ok(
        "actions_demo_accept",
        json!({"userId": original["id"].as_str().unwrap()}),
    );

    // Step 3: the Integration Information fills the form; its secret never reaches the page.
    let view = d.ok("actions_fill_from_integration", json!({}));
    assert!(view["clientSecretLength"].as_u64().unwrap() > 0);
    assert_eq!(
        view.as_object().unwrap().len(),
        4,
        "no field carries the secret: {view}"
    );
    let form = json!({
        "munchkinOrEndpoint": view["munchkinOrEndpoint"],
        "clientId": view["clientId"],
    });
    d.ok(
        "marketo_test_and_save",
        json!({"form": form, "storage": "keychain"}),
    );
    let connection = d.ok("actions_connect_marketo", json!({"ownerEmail": emails[0]}));
    assert_eq!(connection["status"], "connected");
    let overview = d.ok("actions_overview", json!({}));
    assert_eq!(overview["marketoOwner"]["email"], emails[0].as_str());
    assert_eq!(
        d.step_state("connectMarketo"),
        ("done".into(), "checked".into())
    );

    // Step 4: the preview, then the sync to its end.
    let preview = d.ok("marketo_sync_preview", json!({}));
    assert_eq!(preview["fields"].as_array().unwrap().len(), 13);
    assert_eq!(preview["missingFields"], 0);
    let with_owner = preview["withOwner"].as_u64().unwrap();
    assert!(with_owner > 0 && preview["withoutOwner"].as_u64().unwrap() > 0);
    d.ok("sync_start", json!({"expected": with_owner}));
    let deadline = Instant::now() + Duration::from_secs(120);
    let progress = loop {
        let p = d.ok("sync_progress", json!({}));
        if p["status"]["state"] != "running" {
            break p;
        }
        assert!(Instant::now() < deadline, "the sync did not finish: {p}");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(progress["status"]["state"], "completed", "{progress}");
    assert_eq!(progress["expected"], with_owner);
    if preview["complete"] == true {
        assert_eq!(progress["status"]["peopleSynced"], with_owner);
    }
    assert_eq!(d.step_state("startSync"), ("done".into(), "checked".into()));

    // Disconnecting takes step 3's check back: the dashboard no longer says it is done.
    d.ok("actions_disconnect_marketo", json!({}));
    assert_ne!(d.step_state("connectMarketo").1, "checked");
    assert_eq!(
        d.ok("actions_overview", json!({}))["connections"]["marketo"],
        Value::Null
    );
}

#[test]
fn wrong_marketo_credentials_are_refused_in_words_and_nothing_is_saved() {
    let d = demo();
    let address = d.ok("marketo_overview", json!({}))["demoAddress"].clone();
    let form =
        json!({"munchkinOrEndpoint": address, "clientId": "nobody", "clientSecret": "wrong"});
    let error = d.err(
        "marketo_test_and_save",
        json!({"form": form, "storage": "keychain"}),
    );
    assert_eq!(error["code"], "marketo_credentials_rejected");
    assert_eq!(
        d.ok("marketo_overview", json!({}))["connection"],
        Value::Null
    );
    let empty = json!({"munchkinOrEndpoint": address, "clientId": " ", "clientSecret": "x"});
    let error = d.err(
        "marketo_test_and_save",
        json!({"form": empty, "storage": "keychain"}),
    );
    assert_eq!(error["code"], "marketo_field_empty");
    assert_eq!(error["params"]["field"], "clientId");
}

#[test]
fn a_pasted_block_fills_the_form_and_its_secret_stays_in_rust() {
    let d = demo();
    let secret = "Zq9\u{200B}SecretFromTheCard 42";
    let block =
        format!("Munchkin ID: 123-ABC-456\nClient ID: 5f0c1b7e-aaaa\nClient Secret: {secret}\n");
    let view = d.ok("marketo_paste", json!({"field": "clientId", "text": block}));
    assert_eq!(view["munchkinOrEndpoint"], "123-ABC-456");
    assert_eq!(view["clientId"], "5f0c1b7e-aaaa");
    assert_eq!(view["clientSecretLength"], "Zq9SecretFromTheCard42".len());
    assert!(!view.to_string().contains("SecretFromTheCard"));
    // A single value pasted into one field fills only that field, cleaned, and says so.
    let one = d.ok(
        "marketo_paste",
        json!({"field": "munchkinId", "text": " １２３-abc-456\n"}),
    );
    assert_eq!(one["munchkinOrEndpoint"], "123-ABC-456");
    assert_eq!(one["clientId"], "");
    assert_eq!(one["report"]["fields"].as_array().unwrap().len(), 1);
}

#[test]
fn steps_that_need_a_missing_connection_say_which() {
    let d = demo();
    assert_eq!(
        d.err("marketo_admins", json!({}))["code"],
        "marketo_not_connected"
    );
    assert_eq!(
        d.err("marketo_sync_preview", json!({}))["code"],
        "marketo_not_connected"
    );
    assert_eq!(
        d.err("actions_activate", json!({"emails": [" "]}))["code"],
        "actions_no_admin_chosen"
    );
    assert_eq!(
        d.err("actions_fill_from_integration", json!({}))["code"],
        "actions_instance_not_active"
    );
    let live = tempfile::tempdir().unwrap();
    let (_app, window) = app_with(AppState::open(live.path(), RunMode::Live, "en-US".into()));
    // Live without an Actions admin API is the real product: Actions is guided, not "connect one".
    let error = invoke(&window, "actions_overview", json!({})).unwrap_err();
    assert!(
        ["actions_guided", "vault_keychain_unavailable"].contains(&error["code"].as_str().unwrap()),
        "{error}"
    );
}

impl Demo {
    fn sandbox(&self) -> &sia_sandbox::RunningSandbox {
        use tauri::Manager;
        let state: &AppState = self._app.state::<std::sync::Arc<AppState>>().inner();
        match state.demo.as_ref() {
            Some(DemoServices::Running(running)) => running,
            _ => panic!("the stand-ins run"),
        }
    }
}

#[test]
fn a_used_up_daily_quota_stops_with_the_reset_time_in_words() {
    let mut config = sia_sandbox::SandboxConfig::for_tests();
    config.marketo.daily_quota = 1;
    let d = demo_with(config);
    d.ok("marketo_use_demo", json!({"storage": "keychain"}));
    // The quota runs out within the first few calls; the preview then stops, never retrying.
    let error = (0..5)
        .find_map(|_| invoke(&d.window, "marketo_sync_preview", json!({})).err())
        .expect("the quota ran out");
    assert_eq!(error["code"], "marketo_daily_quota_exceeded", "{error}");
    let resets_at = error["params"]["resetsAt"].as_str().unwrap();
    assert!(
        time::OffsetDateTime::parse(resets_at, &time::format_description::well_known::Rfc3339)
            .is_ok(),
        "{resets_at}"
    );
}

#[test]
fn a_dropped_connection_and_a_rate_limit_burst_are_ridden_out() {
    let d = demo();
    d.ok("marketo_use_demo", json!({"storage": "keychain"}));
    let faults = d.sandbox().marketo_faults();
    faults.add(
        sia_sandbox::FaultRule::on("/rest/v1/leads/describe2.json")
            .drop_connection()
            .times(1),
    );
    faults.add(
        sia_sandbox::FaultRule::on("/rest/v1/leads.json")
            .status_with_retry_after(429, 1)
            .times(2),
    );
    let preview = d.ok("marketo_sync_preview", json!({}));
    assert_eq!(preview["fields"].as_array().unwrap().len(), 13);
    assert!(preview["withOwner"].as_u64().unwrap() > 0);
}

#[test]
fn step_two_connects_the_salesforce_user_to_the_actions_user_with_the_same_email() {
    let d = demo();
    let (login_host, consumer_key) = (
        d.sandbox().salesforce_url().to_string(),
        d.sandbox().salesforce_consumer_key().to_string(),
    );
    common::sign_in_to_salesforce(&d.window, &login_host, &consumer_key);
    // Not invited yet: the refusal names the email to invite.
    let error = d.err("actions_connect_salesforce", json!({}));
    assert_eq!(
        error["code"], "actions_salesforce_user_not_invited",
        "{error}"
    );
    let email = error["params"]["email"].as_str().unwrap().to_string();
    d.ok("actions_activate", json!({"emails": [email]}));
    let user = d.ok("actions_overview", json!({}))["originalUser"].clone();
    assert_eq!(user["invitationStatus"], "invited");
    // Connecting Salesforce with the same email is how an invitee activates.
    let linked = d.ok("actions_connect_salesforce", json!({}));
    assert_eq!(linked["email"], email.as_str());
    assert_eq!(linked["userId"], user["id"]);
    let connections = d.ok("actions_overview", json!({}))["connections"]["salesforce"].clone();
    assert_eq!(connections.as_array().unwrap().len(), 1);
    let user = d.ok("actions_overview", json!({}))["originalUser"].clone();
    assert_eq!(user["invitationStatus"], "active");
    // One Salesforce connection per user: a second one is refused, in words.
    let again = d.err("actions_connect_salesforce", json!({}));
    assert_eq!(
        again["code"], "actions_salesforce_already_connected",
        "{again}"
    );
}
