//! Re-runs the checks a real API can answer and records what each saw (`sia_core::Evidence`), or
//! why it could not run (`record_check_problem`: the last result stays, with its age). Runs at
//! start (off the first paint), when a step opens, and from `sia check`. Every check has a
//! timeout and they run concurrently; a service that is not connected is skipped, not a problem.

use std::collections::BTreeMap;
use std::time::Duration;

use sia_core::{CheckResult, Dashboard, Evidence, Preference, StepId};

use crate::error::{AppError, AppResult};
use crate::guided::{
    ActionsAppCheck, AppAuthorization, DailyCalls, MarketoApiUser, MarketoUsageCheck,
};
use crate::state::AppState;

/// How long one check may take before it counts as "could not check".
const CHECK_TIMEOUT: Duration = Duration::from_secs(12);

/// How long a background check of Marketo's usage stays fresh: opening step 3 and then step 4
/// (or the dashboard's check at start) reads it once, sparing the customer's shared API budget.
/// The admin's own "read again" always reads.
const USAGE_FRESH_FOR: Duration = Duration::from_secs(30);

/// People the Actions sync reads per Marketo call: Marketo's REST API pages leads 300 at a time
/// (`batchSize` maximum), so calls × 300 bounds what a first sync has read. An estimate.
pub const PEOPLE_PER_CALL: u64 = 300;

/// Every check that can run now; the dashboard afterwards.
pub async fn refresh_all(state: &AppState) -> AppResult<Dashboard> {
    let mode = state.mode();
    if mode.is_guided() {
        tokio::join!(
            guarded(
                state,
                &[StepId::ActivateAccount],
                check_marketo_token(state)
            ),
            guarded(state, &[StepId::ConnectSalesforce], async {
                actions_app(state).await.map(drop)
            }),
            guarded(state, &[StepId::ConnectMarketo, StepId::StartSync], async {
                fresh_marketo_usage(state).await.map(drop)
            }),
            guarded(
                state,
                &[StepId::InstallPackage, StepId::ConfigureSalesforce],
                async {
                    crate::api::salesforce::salesforce_check(state)
                        .await
                        .map(drop)
                },
            ),
        );
    } else {
        tokio::join!(
            guarded(
                state,
                &[StepId::ActivateAccount, StepId::ConnectMarketo],
                async { crate::api::actions::actions_overview(state).await.map(drop) }
            ),
            guarded(state, &[StepId::StartSync], async {
                crate::api::actions::sync_progress(state).await.map(drop)
            }),
            guarded(
                state,
                &[StepId::InstallPackage, StepId::ConfigureSalesforce],
                async {
                    crate::api::salesforce::salesforce_check(state)
                        .await
                        .map(drop)
                },
            ),
        );
    }
    Ok(state.with_store(|s| s.dashboard())?)
}

/// The checks of one step (when its screen opens); the dashboard afterwards.
pub async fn check_step(state: &AppState, step: StepId) -> AppResult<Dashboard> {
    let guided = state.mode().is_guided();
    match step {
        StepId::ActivateAccount if guided => {
            guarded(state, &[step], check_marketo_token(state)).await
        }
        StepId::ConnectSalesforce if guided => {
            guarded(state, &[step], async { actions_app(state).await.map(drop) }).await
        }
        StepId::ConnectMarketo | StepId::StartSync if guided => {
            guarded(state, &[step], async {
                fresh_marketo_usage(state).await.map(drop)
            })
            .await
        }
        StepId::ActivateAccount | StepId::ConnectMarketo => {
            guarded(state, &[step], async {
                crate::api::actions::actions_overview(state).await.map(drop)
            })
            .await
        }
        StepId::StartSync => {
            guarded(state, &[step], async {
                crate::api::actions::sync_progress(state).await.map(drop)
            })
            .await
        }
        StepId::InstallPackage | StepId::ConfigureSalesforce => {
            guarded(state, &[step], async {
                crate::api::salesforce::salesforce_check(state)
                    .await
                    .map(drop)
            })
            .await
        }
        StepId::InviteUsers | StepId::ConnectSalesforce => {}
    }
    Ok(state.with_store(|s| s.dashboard())?)
}

/// Runs one check with a timeout. A service that is not connected yet is not a problem (there is
/// nothing to check); any other failure is recorded beside the last result of `steps`.
async fn guarded(state: &AppState, steps: &[StepId], check: impl Future<Output = AppResult<()>>) {
    let outcome = match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(outcome) => outcome,
        Err(_) => Err(AppError::new(
            "check_timed_out",
            "The service did not answer in time.",
        )),
    };
    let Err(error) = outcome else { return };
    if is_not_set_up(&error.code) {
        return;
    }
    tracing::info!(code = %error.code, "a check could not run; the last result is kept");
    for step in steps {
        if let Err(store) = state.with_store(|s| s.record_check_problem(*step, &error.code)) {
            tracing::warn!(code = store.code(), "a check problem could not be recorded");
        }
    }
}

/// Codes that mean "nothing to check yet", not "the check failed".
fn is_not_set_up(code: &str) -> bool {
    matches!(
        code,
        "marketo_not_connected"
            | "salesforce_not_connected"
            | "actions_not_connected"
            | "actions_guided"
            | "marketo_no_api_user_chosen"
    )
}

/// Step 1, real product: a Marketo token for the saved Integration Information proves the
/// Actions instance is active (the card exists only after the first invite).
async fn check_marketo_token(state: &AppState) -> AppResult<()> {
    let client = crate::marketo::client(state)?;
    let test = client.test_credentials().await?;
    record_marketo_token(state, &test)
}

/// Records step 1 from a successful Marketo token request (also called by "Test and save").
pub fn record_marketo_token(
    state: &AppState,
    test: &sia_marketo::MarketoConnectionTest,
) -> AppResult<()> {
    let munchkin_id = test
        .munchkin_id
        .clone()
        .or_else(|| crate::marketo::saved_munchkin_id(state))
        .unwrap_or_default();
    let evidence = Evidence::MarketoToken {
        munchkin_id,
        api_user: (!test.api_user.is_empty()).then(|| test.api_user.clone()),
    };
    state.with_store(|s| {
        s.record_evidence(StepId::ActivateAccount, &CheckResult::Done, &evidence)
    })?;
    Ok(())
}

/// Step 2, real product: which connected app is Actions, and whether the signed-in admin has
/// authorised it (`OauthToken`). Records step 2 done only on that authorisation — never on SIA
/// Setup's own sign-in.
pub async fn actions_app(state: &AppState) -> AppResult<ActionsAppCheck> {
    let client = crate::salesforce::connected_client(state).await?;
    let session = client.session_summary().await?;
    let tokens = client.oauth_tokens().await?;
    let mut app_names: Vec<String> = tokens.iter().map(|t| t.app_name.clone()).collect();
    app_names.sort();
    app_names.dedup();
    let suggested = suggested_app(&app_names);
    let chosen = chosen_app(state, &session.org_id)?.or_else(|| suggested.clone());
    let admin_token = chosen.as_ref().and_then(|app| {
        tokens
            .iter()
            .filter(|t| t.user_id == session.user_id && t.app_name.eq_ignore_ascii_case(app))
            .max_by(|a, b| a.last_used_date.cmp(&b.last_used_date))
            .map(|t| AppAuthorization {
                app_name: t.app_name.clone(),
                created: t.created_date.clone(),
                last_used: t.last_used_date.clone(),
                use_count: t.use_count.map(u64::from),
            })
    });
    state.with_store(|s| match &admin_token {
        Some(token) => s.record_evidence(
            StepId::ConnectSalesforce,
            &CheckResult::Done,
            &Evidence::SalesforceAppAuthorized {
                app_name: token.app_name.clone(),
                username: session.username.clone(),
                last_used: token.last_used.clone(),
                use_count: token.use_count,
            },
        ),
        None => s.record_check(StepId::ConnectSalesforce, &CheckResult::InProgress),
    })?;
    Ok(ActionsAppCheck {
        app_names,
        suggested,
        chosen,
        admin_token,
        username: session.username,
        checked_at: now(),
    })
}

/// Step 2: the admin picks the connected app that is Actions in this org (kept per org).
pub async fn choose_actions_app(state: &AppState, app_name: &str) -> AppResult<ActionsAppCheck> {
    let client = crate::salesforce::connected_client(state).await?;
    let org_id = client.session_summary().await?.org_id;
    let mut choices = app_choices(state)?;
    choices.insert(org_id, app_name.trim().to_owned());
    let json = serde_json::to_string(&choices)
        .map_err(|_| AppError::new("invalid_settings", "This choice cannot be saved."))?;
    state.with_store(|s| s.set_preference(Preference::ActionsAppByOrg, &json))?;
    actions_app(state).await
}

fn app_choices(state: &AppState) -> AppResult<BTreeMap<String, String>> {
    let saved = state.with_store(|s| s.preference(Preference::ActionsAppByOrg))?;
    Ok(saved
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

fn chosen_app(state: &AppState, org_id: &str) -> AppResult<Option<String>> {
    Ok(app_choices(state)?.remove(org_id))
}

/// The one connected app whose name plainly is Actions, if exactly one is.
fn suggested_app<S: AsRef<str>>(app_names: impl IntoIterator<Item = S>) -> Option<String> {
    match sia_salesforce::match_actions_apps(app_names) {
        sia_salesforce::ActionsAppMatch::One { name } => Some(name),
        _ => None,
    }
}

/// The connected app counted as Actions in this org: the admin's choice, else the one match.
pub(crate) fn actions_app_name<S: AsRef<str>>(
    state: &AppState,
    org_id: &str,
    app_names: impl IntoIterator<Item = S>,
) -> AppResult<Option<String>> {
    Ok(chosen_app(state, org_id)?.or_else(|| suggested_app(app_names)))
}

/// Steps 3 and 4, real product: the Actions API user's calls in Marketo's usage statistics (two
/// calls for every user, plus the user list). Calls in the last 7 days evidence step 3; calls
/// today, at about 300 people a call, estimate the first sync's progress for step 4.
pub async fn marketo_usage(state: &AppState) -> AppResult<MarketoUsageCheck> {
    let client = crate::marketo::client(state)?;
    let (users, week, today) = tokio::try_join!(
        client.api_only_users(),
        client.usage_last_7_days(),
        client.usage_today()
    )?;
    // The three calls just made count too (Marketo counted them before answering the last one).
    let own = crate::marketo::own_calls(state, &client)?;
    let own_user = crate::marketo::saved_api_user(state);
    let suggested = sia_marketo::suggest_actions_api_user(&users);
    let saved = state.with_store(|s| s.preference(Preference::MarketoActionsUser))?;
    let chosen = saved
        .filter(|u| users.iter().any(|x| x.userid.eq_ignore_ascii_case(u)))
        .or_else(|| suggested.clone());
    let api_users = users
        .iter()
        .map(|u| MarketoApiUser {
            user_id: u.userid.clone(),
            name: format!("{} {}", u.first_name, u.last_name)
                .trim()
                .to_owned(),
        })
        .collect();
    let mut check = MarketoUsageCheck {
        api_users,
        suggested,
        chosen: chosen.clone(),
        days: Vec::new(),
        calls_today: 0,
        calls_last_7_days: 0,
        sync_estimate: None,
        checked_at: now(),
    };
    state.marketo.usage_read_now();
    let Some(user) = chosen else {
        return Ok(check);
    };
    // When SIA Setup signs in as the same API user, its own calls are not Actions'.
    let is_own_user = own_user
        .as_deref()
        .is_some_and(|u| u.eq_ignore_ascii_case(&user));
    let calls_on = |day: &sia_marketo::ApiUsageDay| -> u64 {
        let all: u64 = day
            .users
            .iter()
            .filter(|u| u.user_id.eq_ignore_ascii_case(&user))
            .map(|u| u.count)
            .sum();
        let mine = if is_own_user {
            own.get(&day.date).copied().unwrap_or(0)
        } else {
            0
        };
        all.saturating_sub(mine)
    };
    // Whether `last7days` includes today is not documented: today's own answer wins for today.
    let mut by_day: BTreeMap<String, u64> = week
        .days
        .iter()
        .map(|d| (d.date.clone(), calls_on(d)))
        .collect();
    for day in &today.days {
        by_day.insert(day.date.clone(), calls_on(day));
    }
    check.calls_today = today.days.iter().map(calls_on).sum();
    check.days = by_day
        .into_iter()
        .rev()
        .map(|(date, calls)| DailyCalls { date, calls })
        .collect();
    check.calls_last_7_days = check.days.iter().map(|d| d.calls).sum();
    let step3 = if check.calls_last_7_days > 0 || check.calls_today > 0 {
        CheckResult::Done
    } else {
        CheckResult::InProgress
    };
    let calls = Evidence::MarketoApiCalls {
        api_user: user.clone(),
        last_7_days: check.calls_last_7_days,
        today: check.calls_today,
    };
    state.with_store(|s| s.record_evidence(StepId::ConnectMarketo, &step3, &calls))?;
    if check.calls_today > 0 {
        let estimate = sync_estimate(state, &user, check.calls_today)?;
        let done = matches!(
            estimate,
            Evidence::SyncEstimate { people_estimated, people_expected: Some(expected), .. }
                if people_estimated >= expected
        );
        let result = if done {
            CheckResult::Done
        } else {
            CheckResult::InProgress
        };
        state.with_store(|s| s.record_evidence(StepId::StartSync, &result, &estimate))?;
        check.sync_estimate = Some(estimate);
    }
    Ok(check)
}

/// The usage check unless one ran less than `USAGE_FRESH_FOR` ago (its results are recorded).
async fn fresh_marketo_usage(state: &AppState) -> AppResult<()> {
    if state.marketo.usage_read_within(USAGE_FRESH_FOR) {
        return Ok(());
    }
    marketo_usage(state).await.map(drop)
}

/// Steps 3 and 4: the admin picks which API-only Marketo user is Actions'.
pub async fn choose_marketo_user(state: &AppState, user_id: &str) -> AppResult<MarketoUsageCheck> {
    let user_id = user_id.trim();
    if user_id.is_empty() {
        return Err(AppError::new(
            "marketo_no_api_user_chosen",
            "Choose the Marketo API user that Actions uses.",
        ));
    }
    state.with_store(|s| s.set_preference(Preference::MarketoActionsUser, user_id))?;
    marketo_usage(state).await
}

fn sync_estimate(state: &AppState, user: &str, calls_today: u64) -> AppResult<Evidence> {
    let (expected, at_least) = state.with_store(|s| {
        let expected = s
            .preference(Preference::SyncExpectedPeople)?
            .and_then(|v| v.parse::<u64>().ok());
        let at_least = s.preference(Preference::SyncExpectedAtLeast)?.as_deref() == Some("true");
        Ok::<_, sia_core::CoreError>((expected, at_least))
    })?;
    let read = calls_today.saturating_mul(PEOPLE_PER_CALL);
    Ok(Evidence::SyncEstimate {
        api_user: user.to_owned(),
        calls_today,
        // Never more than expected when the expected count is exact.
        people_estimated: match expected {
            Some(expected) if !at_least => read.min(expected),
            _ => read,
        },
        people_expected: expected,
        expected_at_least: at_least,
        people_per_call: PEOPLE_PER_CALL,
    })
}

/// Now, as the RFC 3339 UTC text every "checked at" carries.
pub(crate) fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
