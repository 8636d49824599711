//! The setup in real-product mode (no Actions admin API) against the stand-ins, through sia-app
//! alone: no window, no Tauri. Every Actions step is guided; each check reads a real, documented
//! endpoint of the Marketo or Salesforce stand-in and records what it saw.

use std::sync::Arc;

use sia_app::AppState;
use sia_app::api;
use sia_app::mode::ActionsAccess;
use sia_core::{Evidence, StatusSource, StepId, StepState};

mod support;

struct Guided {
    state: Arc<AppState>,
    _dir: tempfile::TempDir,
}

fn guided() -> Guided {
    let dir = tempfile::tempdir().unwrap();
    let state = support::demo_state(dir.path(), sia_sandbox::SandboxConfig::for_tests());
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
    assert!(matches!(
        status.evidence,
        Some(Evidence::MarketoToken { .. })
    ));
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
        .expect("the Integration user is preselected");
    let usage = api::marketo::marketo_choose_actions_user(&g.state, user.clone())
        .await
        .unwrap();
    assert_eq!(usage.chosen.as_deref(), Some(user.as_str()));
    // SIA Setup signs in as the same API user: its own calls are not Actions' calls.
    assert_eq!(usage.calls_today, 0, "the app's own calls are not evidence");
    let status = step(&g.state, StepId::ConnectMarketo);
    assert_ne!(status.state, StepState::Done);

    // The admin connects Marketo in Actions and starts the sync (the demo plays those clicks):
    // now Actions' own calls show in Marketo's usage statistics.
    api::actions::demo_play(&g.state, StepId::StartSync)
        .await
        .unwrap();
    // The stand-in's sync and this test share the polite client's budget for the instance: poll
    // gently, and allow for a slow machine.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let usage = loop {
        let usage = api::marketo::marketo_usage(&g.state).await.unwrap();
        if usage.calls_today > 0 {
            break usage;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "Actions' calls never showed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert!(usage.calls_last_7_days >= usage.calls_today);
    let status = step(&g.state, StepId::ConnectMarketo);
    assert_eq!(status.state, StepState::Done);
    assert_eq!(status.source, StatusSource::Checked);
    match status.evidence {
        Some(Evidence::MarketoApiCalls {
            api_user, today, ..
        }) => {
            assert_eq!(api_user, user);
            assert_eq!(today, usage.calls_today);
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

#[tokio::test(flavor = "multi_thread")]
async fn step_2_is_checked_by_the_admins_oauth_token_for_actions_never_by_the_apps_sign_in() {
    let g = guided();
    support::sign_in(&g.state).await;
    let check = api::salesforce::salesforce_actions_app(&g.state)
        .await
        .unwrap();
    assert!(check.app_names.len() > 1, "{:?}", check.app_names);
    assert_eq!(check.suggested.as_deref(), Some("Sales Insight Actions"));

    // An app only other users authorised: SIA Setup's own sign-in must not make step 2 done.
    let other = check
        .app_names
        .iter()
        .find(|n| !["Sales Insight Actions", "Salesforce CLI"].contains(&n.as_str()))
        .unwrap()
        .clone();
    let check = api::salesforce::salesforce_choose_actions_app(&g.state, other.clone())
        .await
        .unwrap();
    assert_eq!(check.chosen.as_deref(), Some(other.as_str()));
    assert!(check.admin_token.is_none());
    assert_ne!(
        step(&g.state, StepId::ConnectSalesforce).state,
        StepState::Done
    );

    let check =
        api::salesforce::salesforce_choose_actions_app(&g.state, "Sales Insight Actions".into())
            .await
            .unwrap();
    let token = check.admin_token.expect("the admin authorised Actions");
    assert!(token.last_used.is_some());
    let status = step(&g.state, StepId::ConnectSalesforce);
    assert_eq!(status.state, StepState::Done);
    assert_eq!(status.source, StatusSource::Checked);
    assert!(matches!(
        status.evidence,
        Some(Evidence::SalesforceAppAuthorized { ref app_name, .. }) if app_name == "Sales Insight Actions"
    ));

    // Steps 6 and 7 keep their Tooling checks, now with what was found.
    let dashboard = api::app::check_step(&g.state, StepId::InstallPackage)
        .await
        .unwrap();
    let package = &dashboard.steps[5];
    assert!(
        matches!(
            package.evidence,
            Some(Evidence::MsiPackage { ref required, .. }) if required == "1.8000.0"
        ),
        "{package:?}"
    );
}
