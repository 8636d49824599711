//! The import's directory on Tauri's mock runtime: in demo mode an email already invited in the
//! Actions stand-in is flagged; without an Actions service the import still opens and says which
//! checks did not run.

mod common;

use common::{app_with, invoke};
use serde_json::{Value, json};
use sia_actions::{ActionsClient, ActionsNewUser};
use sia_setup_lib::demo::DemoServices;
use sia_setup_lib::state::{AppState, RunMode};

fn csv(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("people.csv");
    std::fs::write(
        &path,
        "Email,First Name,Last Name\nALREADY@Example.com,Al,Ready\nnew.person@example.com,New,Person\n",
    )
    .unwrap();
    path
}

fn skipped(summary: &Value) -> Vec<(String, String)> {
    summary["skippedChecks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["check"].as_str().unwrap().to_owned(),
                s["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn problem_codes(page: &Value, row: usize) -> Vec<String> {
    page["rows"][row]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_demo_import_flags_an_email_already_invited_in_the_stand_in() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = AppState::open(dir.path(), RunMode::Demo, "en-US".into());
    state.demo = Some(DemoServices::start_with(
        sia_sandbox::SandboxConfig::for_tests(),
    ));
    // Someone was invited before the file was opened (step 1, then one invite).
    let target = sia_setup_lib::actions::target(&state).unwrap();
    let client = ActionsClient::new(&target.base_url, target.token).unwrap();
    tauri::async_runtime::block_on(async {
        client
            .activate(&["jordan.lee@acme-demo.example"])
            .await
            .unwrap();
        client
            .invite_user(&ActionsNewUser {
                email: "already@example.com".into(),
                ..ActionsNewUser::default()
            })
            .await
            .unwrap();
    });

    let (_app, window) = app_with(state);
    let summary = invoke(&window, "import_open", json!({ "path": csv(dir.path()) })).unwrap();
    assert_eq!(summary["counts"]["rows"], 2);
    assert_eq!(summary["counts"]["invalid"], 1, "{summary}");
    assert_eq!(summary["seatsLeft"], 98);
    // Actions answered; only Salesforce (not connected in this test) was left out.
    assert_eq!(
        skipped(&summary),
        [(
            "salesforce".to_owned(),
            "salesforce_not_connected".to_owned()
        )]
    );
    let page = invoke(
        &window,
        "import_page",
        json!({ "offset": 0, "limit": 10, "filter": "errorsOnly" }),
    )
    .unwrap();
    assert_eq!(page["total"], 1);
    assert!(
        problem_codes(&page, 0).contains(&"already_invited".to_owned()),
        "{page}"
    );

    // Invited elsewhere meanwhile: a refresh re-checks every row.
    tauri::async_runtime::block_on(async {
        client
            .invite_user(&ActionsNewUser {
                email: "new.person@example.com".into(),
                ..ActionsNewUser::default()
            })
            .await
            .unwrap();
    });
    let refreshed = invoke(&window, "import_refresh_directory", json!({})).unwrap();
    assert_eq!(refreshed["counts"]["invalid"], 2, "{refreshed}");
    assert_eq!(refreshed["seatsLeft"], 97);
}

#[test]
fn without_an_actions_service_the_import_opens_and_names_the_checks_not_run() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = app_with(AppState::open(dir.path(), RunMode::Live, "en-US".into()));
    let summary = invoke(&window, "import_open", json!({ "path": csv(dir.path()) })).unwrap();
    assert_eq!(summary["counts"]["valid"], 2, "{summary}");
    assert_eq!(summary["seatsLeft"], Value::Null);
    let skipped = skipped(&summary);
    let checks: Vec<&str> = skipped.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        checks,
        ["alreadyInActions", "seatsLeft", "teamsExist", "salesforce"]
    );
    assert!(
        skipped[..3].iter().all(|(_, r)| r.starts_with("actions_")),
        "{skipped:?}"
    );
}

#[test]
fn an_unreachable_demo_service_does_not_block_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = AppState::open(dir.path(), RunMode::Demo, "en-US".into());
    let mut config = sia_sandbox::SandboxConfig::for_tests();
    // Every Actions call is dropped: the service is there but never answers.
    config.actions_faults = vec![sia_sandbox::FaultRule::on("*").drop_connection()];
    state.demo = Some(DemoServices::start_with(config));
    let (_app, window) = app_with(state);
    let summary = invoke(&window, "import_open", json!({ "path": csv(dir.path()) })).unwrap();
    assert_eq!(summary["counts"]["valid"], 2, "{summary}");
    let skipped = skipped(&summary);
    assert_eq!(skipped.len(), 4, "{skipped:?}");
    assert!(
        skipped[..3].iter().all(|(_, r)| r == "actions_unreachable"),
        "{skipped:?}"
    );
}
