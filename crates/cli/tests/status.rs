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
