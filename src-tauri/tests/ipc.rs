//! The IPC surface on Tauri's mock runtime (no display needed): commands
//! answer with the domain's data, errors arrive as `{code, message}`, and the
//! capability grants exactly the commands the app declares.

mod common;

use common::{app_with, invoke};
use serde_json::{Value, json};
use sia_setup_lib::demo::DemoServices;
use sia_setup_lib::state::{AppState, RunMode};
use tauri::Manager;

#[test]
fn the_dashboard_lists_seven_steps_and_confirmations_are_kept_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (_app, window) = app_with(AppState::open(dir.path(), RunMode::Live, "en-US".into()));
        let dashboard = invoke(&window, "dashboard", json!({})).unwrap();
        assert_eq!(dashboard["steps"].as_array().unwrap().len(), 7);
        assert_eq!(dashboard["nextStep"], "activateAccount");

        let after = invoke(
            &window,
            "confirm_step",
            json!({"step": "activateAccount", "confirmed": true}),
        )
        .unwrap();
        assert_eq!(after["steps"][0]["state"], "done");
        assert_eq!(after["steps"][0]["source"], "confirmed");
        invoke(&window, "set_language", json!({"language": "zh-TW"})).unwrap();
    }
    // A new app on the same folder: a restart.
    let (_app, window) = app_with(AppState::open(dir.path(), RunMode::Live, "en-US".into()));
    let dashboard = invoke(&window, "dashboard", json!({})).unwrap();
    assert_eq!(dashboard["steps"][0]["state"], "done");
    let info = invoke(&window, "app_info", json!({})).unwrap();
    assert_eq!(info["language"], "zh-TW");
    assert_eq!(info["demo"], false);
    assert_eq!(info["storeProblem"], Value::Null);
}

#[test]
fn the_os_locale_picks_the_language_until_the_admin_chooses() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = app_with(AppState::open(
        dir.path(),
        RunMode::Demo,
        "zh_TW.UTF-8".into(),
    ));
    let info = invoke(&window, "app_info", json!({})).unwrap();
    assert_eq!(info["language"], "zh-TW");
    assert_eq!(info["demo"], true);
}

#[test]
fn an_unreadable_progress_file_is_reported_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("setup.db");
    let garbage = b"definitely not sqlite, and it must still be here afterwards".repeat(100);
    std::fs::write(&file, &garbage).unwrap();

    let (_app, window) = app_with(AppState::open(dir.path(), RunMode::Live, "en-US".into()));
    let info = invoke(&window, "app_info", json!({})).unwrap();
    let code = info["storeProblem"]["code"].as_str().unwrap();
    assert!(
        matches!(code, "store_open_failed" | "store_failed"),
        "{code}"
    );
    let message = info["storeProblem"]["message"].as_str().unwrap();
    assert!(
        !message.contains(dir.path().to_str().unwrap()),
        "no path in messages"
    );
    // The session still works, in memory.
    let after = invoke(
        &window,
        "confirm_step",
        json!({"step": "installPackage", "confirmed": true}),
    )
    .unwrap();
    assert_eq!(after["steps"][5]["state"], "done");
    assert_eq!(std::fs::read(&file).unwrap(), garbage);
}

#[test]
fn bad_arguments_are_an_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = app_with(AppState::open(dir.path(), RunMode::Live, "en-US".into()));
    let error = invoke(
        &window,
        "confirm_step",
        json!({"step": "noSuchStep", "confirmed": true}),
    )
    .unwrap_err();
    assert!(
        error.as_str().is_some_and(|e| e.contains("step")),
        "{error}"
    );
}

#[test]
fn the_capability_grants_each_app_command_and_nothing_undeclared() {
    let capability: Value = serde_json::from_str(include_str!("../capabilities/main-window.json"))
        .expect("capability is JSON");
    let granted: Vec<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .filter(|p| p.starts_with("allow-"))
        .map(|p| p.trim_start_matches("allow-").replace('-', "_"))
        .collect();
    let mut declared: Vec<String> = sia_setup_lib::command_names::COMMANDS
        .iter()
        .map(|c| c.to_string())
        .collect();
    let mut granted_sorted = granted.clone();
    granted_sorted.sort();
    declared.sort();
    assert_eq!(granted_sorted, declared);
    // Nothing broad: no core:default, no fs, no shell. Nothing of the updater plugin's own: the
    // window checks and installs only through `update_check`/`update_install`, on a click.
    let text = capability["permissions"].to_string();
    for broad in [
        "core:default",
        "fs:",
        "shell:",
        "opener:default",
        "updater:",
    ] {
        assert!(!text.contains(broad), "capability must not grant {broad}");
    }
}

/// The UI's wrappers (`call<T>("name", …)` in ui/src) name only commands the shell declares: a
/// renamed or removed command fails here, not in front of an admin.
#[test]
fn the_ui_calls_only_declared_commands() {
    let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src");
    let mut called = std::collections::BTreeSet::new();
    let mut stack = vec![ui];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                if name != "bindings" {
                    stack.push(path);
                }
            } else if (name.ends_with(".ts") || name.ends_with(".svelte"))
                && !name.contains(".test.")
            {
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, _) in text.match_indices("call<") {
                    let rest = &text[i..];
                    let Some(open) = rest.find("(\"") else {
                        continue;
                    };
                    let name_start = &rest[open + 2..];
                    if let Some(end) = name_start.find('"') {
                        called.insert(name_start[..end].to_string());
                    }
                }
            }
        }
    }
    assert!(
        called.len() > 40,
        "the scan found the UI's calls: {called:?}"
    );
    let declared: std::collections::BTreeSet<String> = sia_setup_lib::command_names::COMMANDS
        .iter()
        .map(|c| c.to_string())
        .collect();
    let unknown: Vec<_> = called.difference(&declared).collect();
    assert!(
        unknown.is_empty(),
        "the UI calls undeclared commands: {unknown:?}"
    );
}

#[test]
fn managed_state_is_reachable_from_the_app_handle() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _window) = app_with(AppState::open(dir.path(), RunMode::Live, "en-US".into()));
    let state = app.state::<std::sync::Arc<AppState>>();
    assert!(state.store_problem.is_none());
}

#[test]
fn demo_mode_reports_where_the_stand_ins_listen_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = AppState::open(dir.path(), RunMode::Demo, "en-US".into());
    state.demo = Some(DemoServices::start_with(
        sia_sandbox::SandboxConfig::for_tests(),
    ));
    let (_app, window) = app_with(state);
    let info = invoke(&window, "app_info", json!({})).unwrap();
    assert_eq!(info["demo"], true);
    assert_eq!(info["demoProblem"], Value::Null);
    for url in ["salesforceUrl", "marketoUrl", "actionsUrl"] {
        let value = info["demoServices"][url].as_str().unwrap();
        assert!(value.starts_with("http://127.0.0.1:"), "{url}: {value}");
    }
    let text = info.to_string();
    assert!(
        !text.contains(sia_sandbox::DEMO_ACTIONS_TOKEN),
        "no token crosses IPC"
    );
}

#[test]
fn demo_services_on_a_busy_port_are_a_clear_error_not_a_crash() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut config = sia_sandbox::SandboxConfig::for_tests();
    config.ports.salesforce = busy.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let mut state = AppState::open(dir.path(), RunMode::Demo, "en-US".into());
    state.demo = Some(DemoServices::start_with(config));
    let (_app, window) = app_with(state);
    let info = invoke(&window, "app_info", json!({})).unwrap();
    assert_eq!(info["demoProblem"]["code"], "demo_bind_failed");
    assert_eq!(info["demoServices"], Value::Null);
}

#[test]
fn salesforce_settings_default_to_the_demo_stand_in_and_checks_need_a_connection() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = AppState::open(dir.path(), RunMode::Demo, "en-US".into());
    state.demo = Some(DemoServices::start_with(
        sia_sandbox::SandboxConfig::for_tests(),
    ));
    let (_app, window) = app_with(state);
    let overview = invoke(&window, "salesforce_overview", json!({})).unwrap();
    let host = overview["settings"]["loginHost"].as_str().unwrap();
    assert!(host.starts_with("http://127.0.0.1:"), "{host}");
    assert!(
        !overview["settings"]["consumerKey"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    assert!(
        overview["callbackUrls"][0]
            .as_str()
            .unwrap()
            .ends_with("/callback")
    );
    assert_eq!(overview["connection"], Value::Null);

    let error = invoke(&window, "salesforce_check", json!({})).unwrap_err();
    assert_eq!(error["code"], "salesforce_not_connected");
}

#[test]
fn a_login_host_that_is_not_https_is_refused_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = app_with(AppState::open(dir.path(), RunMode::Live, "en-US".into()));
    let error = invoke(
        &window,
        "save_salesforce_settings",
        json!({"settings": {"loginHost": "http://login.example.com", "consumerKey": "3MVG9"}}),
    )
    .unwrap_err();
    assert_eq!(error["code"], "salesforce_invalid_login_host");
}

#[test]
fn forgetting_everything_with_nothing_stored_is_calm() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = app_with(AppState::open(dir.path(), RunMode::Live, "en-US".into()));
    let summary = invoke(&window, "forget_everything", json!({})).unwrap();
    assert_eq!(summary["removed"], json!([]));
    assert_eq!(summary["revoked"], 0);
    assert_eq!(summary["status"]["credentials"], json!([]));
}
