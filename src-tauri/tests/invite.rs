//! Step 5's invites on Tauri's mock runtime against the demo's real Actions stand-in over HTTP:
//! an individual invite (one already there, one malformed), pause / resume / cancel, an unfinished
//! job resumed after a restart without inviting anyone twice (checked in the stand-in's outbox),
//! the results file and revoke.

mod common;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{app_with, invoke};
use serde_json::{Value, json};
use sia_invite::{Engine, InviteOptions, Invitee, Journal, Secret, StaticToken};
use sia_sandbox::{FaultRule, Sandbox, SandboxConfig};
use sia_setup_lib::demo::DemoServices;
use sia_setup_lib::state::{AppState, RunMode};
use sia_vault::{ActionsCredentials, ConnectionInfo, Credentials, Environment, StorageMode};
use tauri::test::MockRuntime;
use tauri::{Manager, WebviewWindow};

/// An app in demo mode on OS-assigned ports, each SCIM create delayed by `latency`.
fn demo_app(
    dir: &Path,
    latency: Option<Duration>,
) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let mut config = SandboxConfig::for_tests();
    if let Some(latency) = latency {
        config.actions_faults = vec![
            FaultRule::on("/scim/v2/Users")
                .method("POST")
                .latency(latency),
        ];
    }
    let mut state = AppState::open(dir, RunMode::Demo, "en-US".into());
    state.demo = Some(DemoServices::start_with(config));
    if latency.is_some() {
        // One request at a time, no bulk: a pause lands between two invitations.
        state.invite.set_options(InviteOptions {
            use_bulk: false,
            concurrency: 1,
            ..sia_setup_lib::invite::app_options()
        });
    }
    app_with(state)
}

fn service(app: &tauri::App<MockRuntime>) -> sia_sandbox::ActionsService {
    let state = app.state::<std::sync::Arc<AppState>>();
    match state.demo.as_ref() {
        Some(DemoServices::Running(running)) => running
            .actions_service()
            .expect("the demo serves the Actions API")
            .clone(),
        Some(DemoServices::Failed(e)) => panic!("demo services did not start: {e:?}"),
        None => panic!("no demo services"),
    }
}

fn actions_url(app: &tauri::App<MockRuntime>) -> String {
    let state = app.state::<std::sync::Arc<AppState>>();
    state
        .demo
        .as_ref()
        .and_then(|d| d.info())
        .and_then(|i| i.actions_url)
        .expect("actions url")
}

/// Step 1 as the admin would have done it: the instance must be active before step 5.
fn activate(app: &tauri::App<MockRuntime>) {
    let results = service(app).activate(&["admin@example.com"]).unwrap();
    assert!(results[0].is_ok());
}

/// How many invitations each address got, from the stand-in's outbox.
fn outbox(app: &tauri::App<MockRuntime>) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for invitation in service(app).outbox() {
        *counts
            .entry(invitation.recipient.to_lowercase())
            .or_default() += 1;
    }
    counts
}

fn ok(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Value {
    invoke(window, cmd, args).unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
}

/// Polls the overview until `done` says so (the job runs on its own task).
fn wait_until(window: &WebviewWindow<MockRuntime>, what: &str, done: impl Fn(&Value) -> bool) {
    let start = Instant::now();
    loop {
        let overview = ok(window, "invite_overview", json!({}));
        if done(&overview) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}: {overview}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn not_running(o: &Value) -> bool {
    o["running"].is_null()
}

fn check_and_start(window: &WebviewWindow<MockRuntime>, list: &str) -> (Value, String) {
    let check = ok(
        window,
        "invite_check",
        json!({ "list": list, "teams": ["Everyone"], "role": "User", "workspace": null }),
    );
    let started = ok(
        window,
        "invite_start_checked",
        json!({ "checkId": check["checkId"] }),
    );
    let job = started["jobId"].as_str().unwrap().to_owned();
    (check, job)
}

fn list_of(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("person{i:02}@example.com"))
        .collect()
}

#[test]
fn an_individual_invite_sorts_three_addresses_then_downloads_and_revokes() {
    let dir = tempfile::tempdir().unwrap();
    let (app, window) = demo_app(dir.path(), None);
    activate(&app);

    // Someone invited outside this app (another admin, the vendor's own page) before the check:
    // the instance's directory says so, and the check leaves them out.
    let seed = |email: &str| {
        let engine = Engine::create(
            Arc::new(Journal::in_memory().unwrap()),
            &actions_url(&app),
            "elsewhere",
            &[Invitee {
                email: email.into(),
                ..Invitee::default()
            }],
            InviteOptions::default(),
            Arc::new(StaticToken::new(Secret::new(
                sia_sandbox::DEMO_ACTIONS_TOKEN,
            ))),
        )
        .unwrap();
        assert_eq!(
            tauri::async_runtime::block_on(engine.run())
                .unwrap()
                .invited,
            1
        );
    };
    seed("old@example.com");

    let check = ok(
        &window,
        "invite_check",
        json!({
            "list": "Ann Lee <Ann@Example.com>, old@example.com;\nnot-an-address\nbob@example.com",
            "teams": ["Everyone"], "role": "User", "workspace": null
        }),
    );
    let people = check["check"]["people"].as_array().unwrap();
    assert_eq!(people.len(), 4);
    assert_eq!(people[0]["email"], "Ann@example.com");
    assert_eq!(people[0]["firstName"], "Ann");
    assert_eq!(people[0]["valid"], true);
    assert_eq!(people[1]["valid"], false);
    assert_eq!(people[1]["problems"][0]["code"], "already_invited");
    assert_eq!(people[2]["valid"], false);
    assert_eq!(people[2]["problems"][0]["code"], "email_invalid");
    assert_eq!(people[3]["valid"], true);
    assert_eq!(check["check"]["counts"]["valid"], 2);

    // Bob is invited elsewhere between the check and the click: the engine finds him there.
    seed("bob@example.com");
    let started = ok(
        &window,
        "invite_start_checked",
        json!({ "checkId": check["checkId"] }),
    );
    let job = started["jobId"].as_str().unwrap().to_owned();

    // A second click on "Invite" finds nothing left to start.
    let again = invoke(
        &window,
        "invite_start_checked",
        json!({ "checkId": check["checkId"] }),
    )
    .unwrap_err();
    assert_eq!(again["code"], "invite_check_expired");

    wait_until(&window, "the job to end", not_running);
    let results = ok(&window, "invite_results", json!({ "jobId": job }));
    assert_eq!(results["summary"]["status"], "completed");
    assert_eq!(results["summary"]["invited"], 1);
    assert_eq!(results["summary"]["alreadyThere"], 1);
    let rows = results["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["invitee"]["email"], "Ann@example.com");
    assert_eq!(rows[0]["invitee"]["teams"], json!(["Everyone"]));
    assert_eq!(rows[0]["state"]["kind"], "invited");
    assert_eq!(rows[1]["invitee"]["email"], "bob@example.com");
    assert_eq!(rows[1]["state"]["kind"], "alreadyThere");

    let sent = outbox(&app);
    assert_eq!(sent.get("ann@example.com"), Some(&1));
    assert_eq!(sent.get("bob@example.com"), Some(&1));
    assert_eq!(
        sent.get("old@example.com"),
        Some(&1),
        "nobody invited twice"
    );
    assert!(!sent.keys().any(|k| k.contains("not-an-address")));

    // The app now knows Ann: checking her again says so before anything is sent.
    let recheck = ok(
        &window,
        "invite_check",
        json!({ "list": "ann@example.com", "teams": ["Everyone"], "role": "User", "workspace": null }),
    );
    assert_eq!(
        recheck["check"]["people"][0]["problems"][0]["code"],
        "already_invited"
    );

    // Results file through the same path the save dialog returns.
    let out = dir.path().join("results.csv");
    let written = ok(
        &window,
        "invite_export_results",
        json!({ "jobId": job, "path": out }),
    );
    assert_eq!(written, 2);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with('\u{feff}'));
    assert!(text.contains("Ann@example.com"));

    // Undo: Ann's pending invitation goes; old@ (not this job's) stays.
    let revoked = ok(&window, "invite_revoke", json!({ "jobId": job }));
    assert_eq!(revoked["revoked"], 1);
    let users: Vec<String> = service(&app)
        .users()
        .iter()
        .map(|u| u.user_name.to_lowercase())
        .collect();
    assert!(!users.contains(&"ann@example.com".to_owned()));
    assert!(users.contains(&"old@example.com".to_owned()));
    assert!(
        users.contains(&"bob@example.com".to_owned()),
        "not this job's invitation"
    );
    let results = ok(&window, "invite_results", json!({ "jobId": job }));
    assert_eq!(results["rows"][0]["state"]["kind"], "revoked");
    assert_eq!(results["summary"]["revoked"], 1);
}

#[test]
fn pause_stops_sending_resume_continues_and_cancel_skips_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let (app, window) = demo_app(dir.path(), Some(Duration::from_millis(60)));
    activate(&app);
    let before = outbox(&app).len();
    let emails = list_of(30);
    let (_, job) = check_and_start(&window, &emails.join("\n"));

    // Only one job at a time, whatever is clicked.
    let second = invoke(
        &window,
        "invite_start_import",
        json!({ "policy": "skipInvalid" }),
    )
    .unwrap_err();
    assert!(["invite_job_running", "csv_no_session"].contains(&second["code"].as_str().unwrap()));
    let (check, _) = (
        ok(
            &window,
            "invite_check",
            json!({ "list": "x@example.com", "teams": [], "role": "User", "workspace": null }),
        ),
        (),
    );
    let refused = invoke(
        &window,
        "invite_start_checked",
        json!({ "checkId": check["checkId"] }),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "invite_job_running");

    wait_until(&window, "two invitations", |o| {
        o["running"]["invited"].as_u64().unwrap_or(0) >= 2
    });
    ok(&window, "invite_pause", json!({}));
    wait_until(&window, "the pause to settle", |o| {
        o["running"]["paused"] == true && o["running"]["inFlight"] == 0
    });
    let paused_at = outbox(&app).len();
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        outbox(&app).len(),
        paused_at,
        "nothing is sent while paused"
    );
    assert!(paused_at - before < 30);

    ok(&window, "invite_resume", json!({}));
    wait_until(&window, "more invitations", |o| {
        o["running"]["invited"].as_u64().unwrap_or(0) as usize >= paused_at - before + 2
    });
    ok(&window, "invite_cancel", json!({}));
    wait_until(&window, "the cancelled job to end", not_running);
    assert_eq!(
        invoke(&window, "invite_pause", json!({})).unwrap_err()["code"],
        "invite_not_running"
    );

    let results = ok(&window, "invite_results", json!({ "jobId": job }));
    assert_eq!(results["summary"]["status"], "cancelled");
    let invited = results["summary"]["invited"].as_u64().unwrap() as usize;
    let skipped = results["summary"]["skipped"].as_u64().unwrap() as usize;
    assert!(skipped > 0, "cancel left people out");
    assert_eq!(invited + skipped, 30);
    let sent = outbox(&app);
    for row in results["rows"].as_array().unwrap() {
        let email = row["invitee"]["email"].as_str().unwrap();
        let expected = usize::from(row["state"]["kind"] == "invited");
        assert_eq!(sent.get(email).copied().unwrap_or(0), expected, "{email}");
        if row["state"]["kind"] == "skipped" {
            assert_eq!(row["state"]["reason"], "cancelled");
        }
    }
}

/// A live-mode app on `dir` connected to the Actions API at `url` (URL in the vault's settings,
/// token kept for this session, as the admin enters it), invites slowed to one at a time.
fn live_app(dir: &Path, url: &str) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let state = AppState::open(dir, RunMode::Live, "en-US".into());
    let vault = state.vault().expect("vault settings readable");
    vault
        .save(
            Environment::Production,
            ConnectionInfo {
                account: "admin@example.com".into(),
                base_url: Some(url.to_owned()),
                ..ConnectionInfo::default()
            },
            Credentials::Actions(ActionsCredentials {
                api_token: sia_vault::Secret::new(sia_sandbox::DEMO_ACTIONS_TOKEN),
            }),
            StorageMode::SessionOnly,
        )
        .expect("connection saved");
    state.invite.set_options(InviteOptions {
        use_bulk: false,
        concurrency: 1,
        ..sia_setup_lib::invite::app_options()
    });
    app_with(state)
}

#[test]
fn an_unfinished_job_resumes_after_a_restart_without_inviting_anyone_twice() {
    let dir = tempfile::tempdir().unwrap();
    // The service outlives both runs of the app, as a real instance does.
    let mut config = SandboxConfig::for_tests();
    config.actions_faults = vec![
        FaultRule::on("/scim/v2/Users")
            .method("POST")
            .latency(Duration::from_millis(60)),
    ];
    let sandbox = tauri::async_runtime::block_on(Sandbox::start(config)).unwrap();
    let service = sandbox.actions_service().unwrap().clone();
    let url = sandbox.actions_url().unwrap().to_owned();
    assert!(service.activate(&["admin@example.com"]).unwrap()[0].is_ok());
    let sent_to = |email: &str| {
        service
            .outbox()
            .iter()
            .filter(|i| i.recipient.eq_ignore_ascii_case(email))
            .count()
    };
    let emails = list_of(20);

    let job = {
        let (app, window) = live_app(dir.path(), &url);
        let (_, job) = check_and_start(&window, &emails.join(", "));
        wait_until(&window, "a few invitations", |o| {
            o["running"]["invited"].as_u64().unwrap_or(0) >= 3
        });
        // The admin quits mid-job: the job stops where it is, as when the process ends.
        app.state::<std::sync::Arc<AppState>>()
            .invite
            .stop_for_quit();
        assert!(ok(&window, "invite_overview", json!({}))["running"].is_null());
        job
    };
    // A request caught by the quit may still land; wait for the service to be quiet.
    std::thread::sleep(Duration::from_millis(300));
    let first_count = emails.iter().filter(|e| sent_to(e) > 0).count();
    assert!(
        (3..20).contains(&first_count),
        "{first_count} sent before quitting"
    );
    let outbox_before = service.outbox().len();

    // A new run on the same data folder: the job is offered, not resumed on its own.
    let (_app, window) = live_app(dir.path(), &url);
    let overview = ok(&window, "invite_overview", json!({}));
    assert!(overview["running"].is_null());
    let unfinished = overview["unfinished"].as_array().unwrap();
    assert_eq!(unfinished.len(), 1);
    assert_eq!(unfinished[0]["job"]["jobId"], job);
    assert_eq!(unfinished[0]["job"]["source"], "form");
    assert!(unfinished[0]["summary"]["unfinished"].as_u64().unwrap() > 0);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        service.outbox().len(),
        outbox_before,
        "nothing resumes unasked"
    );

    let started = ok(
        &window,
        "invite_resume_job",
        json!({ "jobId": job, "cancel": false }),
    );
    assert_eq!(started["total"], 20);
    wait_until(&window, "the resumed job to end", not_running);

    let results = ok(&window, "invite_results", json!({ "jobId": job }));
    assert_eq!(results["summary"]["status"], "completed");
    assert_eq!(results["summary"]["invited"], 20);
    for email in &emails {
        assert_eq!(sent_to(email), 1, "{email} invited exactly once");
    }
    let overview = ok(&window, "invite_overview", json!({}));
    assert!(overview["unfinished"].as_array().unwrap().is_empty());
    let finished = invoke(
        &window,
        "invite_resume_job",
        json!({ "jobId": job, "cancel": false }),
    )
    .unwrap_err();
    assert_eq!(finished["code"], "invite_job_finished");
}

#[test]
fn without_a_demo_or_a_saved_connection_inviting_says_it_is_done_in_actions() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = app_with(AppState::open(dir.path(), RunMode::Live, "en-US".into()));
    let check = ok(
        &window,
        "invite_check",
        json!({ "list": "a@example.com", "teams": ["Everyone"], "role": "Admin", "workspace": "" }),
    );
    let error = invoke(
        &window,
        "invite_start_checked",
        json!({ "checkId": check["checkId"] }),
    )
    .unwrap_err();
    // Real-product mode: no Actions admin API exists, so the app does not point at Settings for
    // one; it says the invites are sent from Actions (with the upload file the import writes).
    assert_eq!(error["code"], "actions_guided");
    assert!(
        ok(&window, "invite_overview", json!({}))["unfinished"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let info = ok(&window, "invite_form_info", json!({}));
    assert_eq!(info["teams"], json!(["Everyone"]));
}
