//! "Export diagnostics…" through the real command on the mock runtime: one zip with the logs, the
//! versions, the mode, the seven statuses and the codes of the errors the window was given; no
//! full path and no e-mail local part but the admin's. (The canary test adds the secrets.)

mod common;

use std::path::Path;

use common::{app_with, invoke, unzip};
use serde_json::{Value, json};
use sia_setup_lib::state::{AppState, RunMode};

#[test]
fn the_zip_holds_logs_versions_mode_statuses_and_error_codes_without_paths_or_addresses() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let data_text = data.to_string_lossy().to_string();
    std::fs::write(
        logs.join("sia-setup.2026-12-04.log"),
        format!(
            "INFO sia_app: progress in {data_text}/setup.db\n\
             INFO sia_app: invited mei.lin@example.com from /home/someone/people.csv\n"
        ),
    )
    .unwrap();
    std::fs::write(logs.join("unrelated.txt"), "not ours").unwrap();
    let mut state = AppState::open(&data, RunMode::Live, "en-US".into());
    state.log_dir = Some(logs.clone());
    let (_app, window) = app_with(state);

    invoke(
        &window,
        "confirm_step",
        json!({"step": "installPackage", "confirmed": true}),
    )
    .unwrap();
    // Two errors the window is given: their codes, and nothing else, go to support.
    let refused = invoke(
        &window,
        "import_page",
        json!({"offset": 0, "limit": 10, "filter": "all"}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "csv_no_session");
    let missing = dir.path().join("nobody@example.org/none.csv");
    let refused = invoke(&window, "import_open", json!({"path": missing})).unwrap_err();
    let open_code = refused["code"].as_str().unwrap().to_string();

    let zip_path = dir.path().join("out").join("diagnostics.zip");
    std::fs::create_dir_all(zip_path.parent().unwrap()).unwrap();
    let done = invoke(&window, "export_diagnostics", json!({"path": zip_path})).unwrap();
    assert_eq!(done["logFiles"], 1);
    assert_eq!(done["errorCodes"], 2);

    let entries = unzip(&zip_path);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "sia-diagnostics/about.json",
            "sia-diagnostics/status.json",
            "sia-diagnostics/recent-errors.json",
            "sia-diagnostics/logs/sia-setup.2026-12-04.log",
        ]
    );
    let text = |name: &str| {
        entries
            .iter()
            .find(|(n, _)| n.ends_with(name))
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    let about: Value = serde_json::from_str(&text("about.json")).unwrap();
    assert_eq!(about["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(about["os"], std::env::consts::OS);
    assert!(!about["osVersion"].as_str().unwrap().is_empty());
    assert_eq!(about["mode"], "real-product");

    // The same report `sia status --json` prints.
    let status: Value = serde_json::from_str(&text("status.json")).unwrap();
    assert_eq!(status["mode"], "real-product");
    let steps = status["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 7);
    assert_eq!(steps[5]["state"], "done");
    assert_eq!(steps[5]["source"], "confirmed");
    assert!(steps[5]["updatedAt"].is_string(), "with its age");

    let errors: Value = serde_json::from_str(&text("recent-errors.json")).unwrap();
    let codes: Vec<&str> = errors
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["csv_no_session", open_code.as_str()]);
    assert!(errors[0]["at"].is_string());
    assert_eq!(
        errors[0].as_object().unwrap().len(),
        2,
        "a code and a time, no message"
    );

    let log = text("sia-setup.2026-12-04.log");
    assert!(log.contains("progress in <data>/setup.db"), "{log}");
    assert!(log.contains("invited ***@example.com from <path>"), "{log}");
    let all: String = entries.iter().map(|(_, t)| t.as_str()).collect();
    for leak in [
        data_text.as_str(),
        &dir.path().to_string_lossy(),
        "mei.lin",
        "/home/someone",
        "nobody@",
    ] {
        assert!(!all.contains(leak), "{leak} is in the zip");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| h.len() > 1) {
        assert!(
            !all.contains(&*home.to_string_lossy()),
            "the home folder is in the zip"
        );
    }
    // Nothing half-written is left beside it.
    let left: Vec<_> = std::fs::read_dir(zip_path.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

#[test]
fn a_folder_that_cannot_be_written_is_an_error_with_no_path() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, window) = app_with(AppState::open(dir.path(), RunMode::Live, "en-US".into()));
    let target = dir.path().join("setup.db").join("no-such-folder/d.zip");
    let error = invoke(&window, "export_diagnostics", json!({"path": target})).unwrap_err();
    assert_eq!(error["code"], "diagnostics_write_failed");
    assert!(
        !error["message"]
            .as_str()
            .unwrap()
            .contains(&*dir.path().to_string_lossy())
    );
}

/// The IPC edge records each error it returns: every command that can fail passes its result
/// through `Returned::returned` (a new command that forgets is caught here).
#[test]
fn every_command_records_the_errors_it_returns() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for command in text.split("#[tauri::command]").skip(1) {
            let body = &command[..command.find("\n}\n").unwrap_or(command.len())];
            if body.contains("-> AppResult<") {
                checked += 1;
                assert!(
                    body.contains(".returned(&state)"),
                    "{} does not record its errors:\n{body}",
                    entry.path().display()
                );
            }
        }
    }
    assert!(checked > 60, "the scan found the commands ({checked})");
}
