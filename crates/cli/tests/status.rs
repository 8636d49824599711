//! `sia status --json` shows what the window shows for the same data folder: both read it through
//! sia-app, and `SIA_DATA_DIR` points both at one folder.

use std::process::Command;

use sia_app::{AppState, RunMode};
use sia_core::{CheckResult, Evidence, StepId};

#[test]
fn sia_status_json_matches_the_windows_dashboard() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(dir.path(), RunMode::Live, "en-US".into());
    state
        .with_store(|s| {
            s.confirm_step(StepId::InstallPackage, true)?;
            s.record_evidence(
                StepId::ActivateAccount,
                &CheckResult::Done,
                &Evidence::MarketoToken {
                    munchkin_id: "123-ABC-456".into(),
                    api_user: None,
                },
            )?;
            s.record_check_problem(StepId::ActivateAccount, "marketo_unreachable")
        })
        .unwrap();
    let window = state.with_store(|s| s.dashboard()).unwrap();
    drop(state);

    let out = Command::new(env!("CARGO_BIN_EXE_sia"))
        .args(["status", "--json"])
        .env("SIA_DATA_DIR", dir.path())
        .env_remove("SIA_DEMO")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["mode"], "real-product");
    assert_eq!(
        printed["steps"],
        serde_json::to_value(&window.steps).unwrap(),
        "the same seven statuses, evidence and ages"
    );
    assert_eq!(printed["steps"][0]["evidence"]["kind"], "marketoToken");
    assert_eq!(printed["steps"][5]["source"], "confirmed");
}

#[test]
fn sia_report_writes_the_windows_report_from_the_same_folder() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(dir.path(), RunMode::Live, "en-US".into());
    state
        .with_store(|s| {
            s.set_preference(sia_core::Preference::Language, "zh-TW")?;
            s.confirm_step(StepId::ActivateAccount, true)
        })
        .unwrap();
    drop(state);
    let path = dir.path().join("report.html");
    let out = Command::new(env!("CARGO_BIN_EXE_sia"))
        .arg("report")
        .arg(&path)
        .env("SIA_DATA_DIR", dir.path())
        .env_remove("SIA_DEMO")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&path).unwrap();
    // The admin's language, as the window would write it; step 1 done, 6 and 7 left for Salesforce.
    assert!(html.contains("<html lang=\"zh-TW\">"));
    assert!(html.contains("已完成 1 / 7 個步驟"));
    assert!(html.contains("請 Salesforce 管理員處理：步驟 6 和 7"));
}
