//! What the tests and benchmarks of sia-app share: the app in demo mode over a mock keychain and
//! stand-ins on OS-assigned ports, and SIA Setup's Salesforce sign-in played as a browser would.
//! (Examples include this file by path.)

#![allow(dead_code)] // each test file or example uses its part

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sia_app::demo::DemoServices;
use sia_app::{AppError, AppState, RunMode, api};
use sia_sandbox::{RunningSandbox, SandboxConfig};
use sia_vault::Vault;
use sia_vault::testing::FaultyStore;

/// The app in demo mode in `dir`, its secrets in a mock keychain, the stand-ins from `config`.
pub fn demo_state(dir: &Path, config: SandboxConfig) -> AppState {
    let (store, _faults) = FaultyStore::create().expect("mock keychain");
    let vault = Vault::with_store(store, "mock keychain", dir)
        .map(Arc::new)
        .map_err(AppError::from);
    let mut state = AppState::open_with_vault(dir, RunMode::Demo, "en-US".into(), vault);
    state.demo = Some(DemoServices::start_with(config));
    state
}

/// The running stand-ins of a demo state.
pub fn sandbox(state: &AppState) -> &RunningSandbox {
    match state.demo.as_ref() {
        Some(DemoServices::Running(running)) => running,
        _ => panic!("the demo services did not start"),
    }
}

/// Signs SIA Setup in to the Salesforce stand-in as the admin would: the app listens on loopback,
/// a client playing the browser follows the authorize URL back to it. Returns once the sign-in's
/// own check of step 2 (`OauthToken`) has run too, so what follows sees only its own requests.
pub async fn sign_in(state: &Arc<AppState>) {
    let settings = api::salesforce::salesforce_overview(state)
        .await
        .expect("overview")
        .settings;
    let started = api::salesforce::salesforce_connect(
        state,
        Arc::new(sia_app::events::NoEvents),
        settings,
        |_| false,
    )
    .await
    .expect("sign-in starts");
    let answer = reqwest::get(&started.authorize_url)
        .await
        .expect("the browser's part");
    assert!(answer.status().is_success());
    let deadline = Instant::now() + Duration::from_secs(60);
    while api::salesforce::salesforce_overview(state)
        .await
        .expect("overview")
        .connection
        .is_none()
    {
        assert!(Instant::now() < deadline, "the sign-in did not finish");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    while state
        .with_store(|s| s.dashboard())
        .expect("dashboard")
        .steps
        .iter()
        .all(|s| s.step != sia_core::StepId::ConnectSalesforce || s.checked_at.is_none())
    {
        assert!(
            Instant::now() < deadline,
            "step 2's check after sign-in did not finish"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Invites `emails` with the app's own invite job (the form's check, then send) and waits for the
/// job to end.
pub async fn invite(state: &AppState, emails: &[impl AsRef<str>]) {
    let list: Vec<&str> = emails.iter().map(AsRef::as_ref).collect();
    let check = api::invite::invite_check(
        state,
        list.join("\n"),
        vec!["Everyone".into()],
        sia_csv::Role::User,
        None,
    )
    .await
    .unwrap();
    api::invite::invite_start_checked(Arc::new(sia_app::events::NoEvents), state, check.check_id)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while api::invite::invite_overview(state)
        .await
        .unwrap()
        .running
        .is_some()
    {
        assert!(Instant::now() < deadline, "the invite job did not end");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
