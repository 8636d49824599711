//! The setup in real-product mode (no Actions admin API) against the stand-ins, through sia-app
//! alone: no window, no Tauri. Every Actions step is guided; each check reads a real, documented
//! endpoint of the Marketo or Salesforce stand-in and records what it saw.

use std::sync::Arc;

use sia_app::api;
use sia_app::demo::DemoServices;
use sia_app::mode::ActionsAccess;
use sia_app::{AppError, AppState, RunMode};
use sia_core::{Evidence, StatusSource, StepId, StepState};
use sia_vault::Vault;
use sia_vault::testing::FaultyStore;

struct Guided {
    state: Arc<AppState>,
    _dir: tempfile::TempDir,
}

fn guided() -> Guided {
    let dir = tempfile::tempdir().unwrap();
    let (store, _faults) = FaultyStore::create().unwrap();
    let vault = Vault::with_store(store, "mock keychain", dir.path())
        .map(Arc::new)
        .map_err(AppError::from);
    let mut state = AppState::open_with_vault(dir.path(), RunMode::Demo, "en-US".into(), vault);
    state.demo = Some(DemoServices::start_with(
        sia_sandbox::SandboxConfig::for_tests(),
    ));
    let mode = state
        .set_demo_actions_access(ActionsAccess::Guided)
        .unwrap();
    assert!(mode.is_guided() && mode.demo);
    Guided {
        state: Arc::new(state),
        _dir: dir,
    }
}

fn step(state: &AppState, step: StepId) -> sia_core::StepStatus {
    let dashboard = state.with_store(|s| s.dashboard()).unwrap();
    dashboard
        .steps
        .into_iter()
        .find(|s| s.step == step)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_actions_steps_are_guided_and_never_reach_for_an_actions_api() {
    let g = guided();
    let error = api::actions::actions_overview(&g.state).await.unwrap_err();
    assert_eq!(error.code, "actions_guided");
    let error = api::actions::sync_start(&g.state, None).await.unwrap_err();
    assert_eq!(error.code, "actions_guided");
    // Checking everything with nothing connected yet records no problem: nothing to check.
    let dashboard = api::app::refresh_checks(&g.state).await.unwrap();
    assert!(dashboard.steps.iter().all(|s| s.check_problem.is_none()));
}

#[tokio::test(flavor = "multi_thread")]
async fn step_1_is_checked_by_a_marketo_token_for_the_integration_information() {
    let g = guided();
    api::marketo::marketo_use_demo(&g.state, sia_vault::StorageMode::Keychain)
        .await
        .unwrap();
    let status = step(&g.state, StepId::ActivateAccount);
    assert_eq!(status.state, StepState::Done);
    assert_eq!(status.source, StatusSource::Checked);
    assert!(matches!(status.evidence, Some(Evidence::MarketoToken { .. })));
    assert!(status.checked_at.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn steps_3_and_4_are_checked_by_the_chosen_api_users_calls() {
    let g = guided();
    api::marketo::marketo_use_demo(&g.state, sia_vault::StorageMode::Keychain)
        .await
        .unwrap();
    // The preview counts the people with a Salesforce owner (the estimate's denominator).
    let preview = api::marketo::marketo_sync_preview(&g.state).await.unwrap();
    assert!(preview.with_owner > 0);

    let usage = api::marketo::marketo_usage(&g.state).await.unwrap();
    assert!(!usage.api_users.is_empty(), "the API-only users are listed");
    let user = usage
        .chosen
        .clone()
        .unwrap_or_else(|| usage.api_users[0].user_id.clone());
    let usage = api::marketo::marketo_choose_actions_user(&g.state, user.clone())
        .await
        .unwrap();
    assert_eq!(usage.chosen.as_deref(), Some(user.as_str()));
    assert!(usage.calls_today > 0, "calls by {user} are counted");
    let status = step(&g.state, StepId::ConnectMarketo);
    assert_eq!(status.source, StatusSource::Checked);
    match status.evidence {
        Some(Evidence::MarketoApiCalls { api_user, today, .. }) => {
            assert_eq!(api_user, user);
            assert!(today > 0);
        }
        other => panic!("step 3's evidence: {other:?}"),
    }
    match step(&g.state, StepId::StartSync).evidence {
        Some(Evidence::SyncEstimate {
            people_expected,
            people_per_call,
            ..
        }) => {
            assert_eq!(people_expected, Some(preview.with_owner));
            assert_eq!(people_per_call, sia_app::checks::PEOPLE_PER_CALL);
        }
        other => panic!("step 4's evidence: {other:?}"),
    }

    let error = api::marketo::marketo_choose_actions_user(&g.state, "  ".into())
        .await
        .unwrap_err();
    assert_eq!(error.code, "marketo_no_api_user_chosen");
}
