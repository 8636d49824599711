//! Step 5's activation tracker against the stand-ins, through sia-app alone (no window, no Tauri):
//! addresses invited by the app's own jobs (the journal) and pasted ones, each read against the
//! Salesforce stand-in's seeded org in a few whole-org queries.

use std::sync::Arc;

use sia_app::AppState;
use sia_app::api;
use sia_app::tracker::{ActivationSource, ActivationState, ActivationTracker};
use sia_sandbox::RunningSandbox;
use sia_sandbox::salesforce::SeedUser;

mod support;
use support::{sandbox, sign_in};

struct Demo {
    state: Arc<AppState>,
    _dir: tempfile::TempDir,
}

/// Demo mode with the Actions admin API (so the app's own invite jobs can run) on OS ports.
fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let state = support::demo_state(dir.path(), sia_sandbox::SandboxConfig::for_tests());
    Demo {
        state: Arc::new(state),
        _dir: dir,
    }
}

/// Seeded users standing for each state.
struct Picks {
    admin: SeedUser,
    activated: SeedUser,
    inactive: SeedUser,
    no_api: SeedUser,
    waiting: SeedUser,
    via_permission_set: SeedUser,
}

fn picks(sandbox: &RunningSandbox) -> Picks {
    let sf = sandbox.salesforce();
    let users = sf.users();
    let with_actions: Vec<String> = sf
        .oauth_tokens()
        .into_iter()
        .filter(|t| t.app_name == sia_sandbox::salesforce::ACTIONS_APP_NAME)
        .map(|t| t.user_id)
        .collect();
    let find = |what: &str, f: &dyn Fn(&SeedUser) -> bool| {
        users
            .iter()
            .skip(1)
            .find(|u| f(u))
            .unwrap_or_else(|| panic!("the seeded org has no {what}"))
            .clone()
    };
    Picks {
        admin: users[0].clone(),
        activated: find("invitee who activated", &|u| with_actions.contains(&u.id)),
        inactive: find("inactive user", &|u| !u.is_active),
        no_api: find("user without API access", &|u| {
            u.is_active && !u.has_api_access()
        }),
        waiting: find("ready user without a token", &|u| {
            u.is_active && u.has_api_access() && !with_actions.contains(&u.id)
        }),
        via_permission_set: find("user with API from a permission set", &|u| {
            u.is_active && u.api_enabled_by_permission_set && !with_actions.contains(&u.id)
        }),
    }
}

fn row<'a>(tracker: &'a ActivationTracker, email: &str) -> &'a sia_app::tracker::ActivationRow {
    tracker
        .rows
        .iter()
        .find(|r| r.email.eq_ignore_ascii_case(email))
        .unwrap_or_else(|| panic!("no row for {email}: {tracker:#?}"))
}

fn local(email: &str) -> &str {
    email.split('@').next().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_state_appears_for_journaled_and_pasted_invitees() {
    let d = demo();
    let sandbox = sandbox(&d.state);
    sandbox
        .actions_service()
        .expect("the demo serves the Actions API")
        .activate(&["admin@example.com"])
        .unwrap();
    let p = picks(sandbox);
    // The app's own job invites three; the admin pastes the rest (sent from the vendor's UI),
    // one of them again in other capitals, and something that is not an address.
    support::invite(
        &d.state,
        &[
            &p.activated.invite_email,
            &p.waiting.invite_email,
            &p.inactive.invite_email,
        ],
    )
    .await;
    sign_in(&d.state).await;
    let unknown = format!("{}@elsewhere.example", local(&p.waiting.invite_email));
    let extra = vec![
        format!(
            "{}, {}\n{}",
            p.admin.invite_email, p.no_api.invite_email, p.via_permission_set.invite_email
        ),
        format!("{}; not-an-address", p.waiting.invite_email.to_uppercase()),
        unknown.clone(),
        "zz.nobody@nowhere.example".into(),
    ];

    let before = sandbox.log().len();
    let tracker = api::invite::activation_tracker(&d.state, extra)
        .await
        .unwrap();
    let queries: Vec<String> = sandbox
        .log()
        .entries()
        .into_iter()
        .skip(before)
        .filter(|e| e.service == "salesforce" && e.path.ends_with("/query"))
        .map(|e| e.url())
        .collect();
    assert!(
        queries.len() <= 5,
        "users, permission sets, tokens, org type, the admin's own permissions — never one per \
         person: {queries:#?}"
    );

    assert_eq!(
        tracker.actions_app.as_deref(),
        Some("Sales Insight Actions")
    );
    assert!(tracker.permission_sets_read);
    assert!(
        tracker.others_grants_visible,
        "the demo's admin has Customize Application"
    );
    assert_eq!(tracker.ignored, ["not-an-address"]);
    assert_eq!(tracker.rows.len(), 8, "{tracker:#?}");

    for user in [&p.admin, &p.activated] {
        let r = row(&tracker, &user.invite_email);
        assert!(
            matches!(&r.state, ActivationState::Activated { at: Some(_), .. }),
            "{r:?}"
        );
    }
    let r = row(&tracker, &p.activated.invite_email);
    assert_eq!(r.source, ActivationSource::Journal);
    assert!(r.invited_at.is_some(), "the job's time");
    assert_eq!(row(&tracker, &p.admin.invite_email).invited_at, None);

    let r = row(&tracker, &p.inactive.invite_email);
    assert_eq!(r.state, ActivationState::Inactive);
    assert_eq!(r.source, ActivationSource::Journal);
    assert_eq!(
        row(&tracker, &p.no_api.invite_email).state,
        ActivationState::NoApiAccess
    );
    assert_eq!(
        row(&tracker, &p.via_permission_set.invite_email).state,
        ActivationState::Waiting,
        "API Enabled from a permission set counts"
    );
    let r = row(&tracker, &p.waiting.invite_email);
    assert_eq!(r.state, ActivationState::Waiting);
    assert_eq!(r.source, ActivationSource::Journal, "pasted again: one row");
    assert_eq!(
        row(&tracker, &unknown).state,
        ActivationState::NoSalesforceUser {
            closest: Some(p.waiting.email.clone())
        }
    );
    assert_eq!(
        row(&tracker, "zz.nobody@nowhere.example").state,
        ActivationState::NoSalesforceUser { closest: None }
    );
    let s = &tracker.summary;
    assert_eq!(
        (s.activated, s.waiting, s.blocked, s.total),
        (2, 2, 4, 8),
        "{s:?}"
    );
    assert!(!tracker.checked_at.is_empty());

    // The waiting invitee connects Actions to Salesforce: the next read shows them activated.
    d.state
        .demo
        .as_ref()
        .unwrap()
        .authorize_actions_app(&p.waiting.id)
        .unwrap();
    let tracker = api::invite::activation_tracker(&d.state, Vec::new())
        .await
        .unwrap();
    assert_eq!(tracker.rows.len(), 3, "the journal's three alone");
    assert!(matches!(
        row(&tracker, &p.waiting.invite_email).state,
        ActivationState::Activated { .. }
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_other_kind_of_org_blocks_everyone() {
    let d = demo();
    sign_in(&d.state).await;
    let admin = picks(sandbox(&d.state)).admin;
    // The settings now say sandbox; the org SIA Setup is signed in to is production.
    let mut settings = api::salesforce::salesforce_overview(&d.state)
        .await
        .unwrap()
        .settings;
    settings.expected_org_type = Some(sia_salesforce::SalesforceOrgType::Sandbox);
    api::salesforce::save_salesforce_settings(&d.state, settings)
        .await
        .unwrap();
    let tracker = api::invite::activation_tracker(&d.state, vec![admin.invite_email.clone()])
        .await
        .unwrap();
    assert_eq!(
        tracker.rows[0].state,
        ActivationState::OtherOrgKind {
            expected: sia_salesforce::SalesforceOrgType::Sandbox,
            actual: sia_salesforce::SalesforceOrgType::Production,
        }
    );
    assert_eq!(tracker.summary.blocked, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn without_salesforce_the_tracker_says_so() {
    let d = demo();
    let error = api::invite::activation_tracker(&d.state, vec!["a@b.example".into()])
        .await
        .unwrap_err();
    assert_eq!(error.code, "salesforce_not_connected");
}

/// One intent reads the directory once: the form's opening reads Actions and Salesforce, the
/// list checks that follow reuse that read (and say when it was taken); sending invites ends it.
#[tokio::test(flavor = "multi_thread")]
async fn the_invite_form_reads_the_directory_once_per_intent() {
    let d = demo();
    let sandbox = sandbox(&d.state);
    sign_in(&d.state).await;
    let p = picks(sandbox);
    let reads = |from: usize| {
        sandbox
            .log()
            .entries()
            .into_iter()
            .skip(from)
            .filter(|e| {
                (e.service == "actions" && e.method == "GET")
                    || (e.service == "salesforce" && e.path.ends_with("/query"))
            })
            .count()
    };

    let before = sandbox.log().len();
    let form = api::invite::invite_form_info(&d.state).await.unwrap();
    let on_opening = reads(before);
    assert!(on_opening > 0, "opening the form reads the directory");
    let read_at = form.directory_read_at.expect("the form says when it read");

    let after_form = sandbox.log().len();
    for list in ["a.one@example.com", "a.one@example.com\nb.two@example.com"] {
        let check = api::invite::invite_check(
            &d.state,
            list.into(),
            vec!["Everyone".into()],
            sia_csv::Role::User,
            None,
        )
        .await
        .unwrap();
        assert_eq!(check.check.directory_read_at.as_deref(), Some(&*read_at));
    }
    assert_eq!(reads(after_form), 0, "the checks reuse the form's read");

    // Sending changes seats and invitees: the next check reads again.
    support::invite(&d.state, &[&p.waiting.invite_email]).await;
    let after_job = sandbox.log().len();
    api::invite::invite_check(
        &d.state,
        "d.four@example.com".into(),
        vec!["Everyone".into()],
        sia_csv::Role::User,
        None,
    )
    .await
    .unwrap();
    assert!(
        reads(after_job) > 0,
        "after a job the directory is read again"
    );
}

/// An admin whose Salesforce user lacks Customize Application sees only their own `OauthToken`
/// rows: everyone else with nothing blocking them "cannot be seen" — never "waiting", and an
/// invitee who did activate is not passed off as waiting either. Blockers that do not depend on
/// `OauthToken` still show, and so does the admin's own activation. Given the permission back,
/// the same list reads as it always did.
#[tokio::test(flavor = "multi_thread")]
async fn without_customize_application_others_cannot_be_seen() {
    let d = demo();
    let sandbox = sandbox(&d.state);
    sign_in(&d.state).await;
    let p = picks(sandbox);
    assert!(
        sandbox
            .salesforce()
            .set_customize_application(&p.admin.id, false)
    );
    let nobody = "zz.nobody@nowhere.example".to_string();
    let extra = vec![
        [
            &p.admin.invite_email,
            &p.activated.invite_email,
            &p.waiting.invite_email,
            &p.inactive.invite_email,
            &p.no_api.invite_email,
            &nobody,
        ]
        .map(String::as_str)
        .join("\n"),
    ];

    let before = sandbox.log().len();
    let tracker = api::invite::activation_tracker(&d.state, extra.clone())
        .await
        .unwrap();
    let queries = sandbox
        .log()
        .entries()
        .into_iter()
        .skip(before)
        .filter(|e| e.service == "salesforce" && e.path.ends_with("/query"))
        .count();
    assert!(
        queries <= 5,
        "one more query for the permissions, never one per person: {queries}"
    );
    assert!(!tracker.others_grants_visible);
    assert!(tracker.permission_sets_read, "View Setup is untouched");
    assert!(matches!(
        row(&tracker, &p.admin.invite_email).state,
        ActivationState::Activated { .. }
    ));
    for user in [&p.activated, &p.waiting] {
        assert_eq!(
            row(&tracker, &user.invite_email).state,
            ActivationState::NotVisible,
            "{}",
            user.invite_email
        );
    }
    assert_eq!(
        row(&tracker, &p.inactive.invite_email).state,
        ActivationState::Inactive
    );
    assert_eq!(
        row(&tracker, &p.no_api.invite_email).state,
        ActivationState::NoApiAccess
    );
    assert!(matches!(
        row(&tracker, &nobody).state,
        ActivationState::NoSalesforceUser { .. }
    ));
    let s = &tracker.summary;
    assert_eq!(
        (s.activated, s.waiting, s.not_visible, s.blocked, s.total),
        (1, 0, 2, 3, 6),
        "{s:?}"
    );
    // The dashboard's line and the report read the same counts.
    let last = api::invite::activation_last(&d.state)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(last.summary, tracker.summary);

    // The CSV says it in words, in its own group.
    let csv_path = d._dir.path().join("activation.csv");
    api::invite::activation_export(&d.state, csv_path.clone(), extra.clone())
        .await
        .unwrap();
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let line = csv
        .lines()
        .find(|l| l.starts_with(&p.waiting.invite_email))
        .expect("the waiting invitee's line");
    assert!(line.contains("Cannot be seen"), "{line}");
    assert!(line.contains("Activation cannot be seen"), "{line}");
    assert!(!line.contains("Waiting"), "{line}");

    // With Customize Application the same list reads as it always did.
    assert!(
        sandbox
            .salesforce()
            .set_customize_application(&p.admin.id, true)
    );
    let tracker = api::invite::activation_tracker(&d.state, extra)
        .await
        .unwrap();
    assert!(tracker.others_grants_visible);
    assert!(matches!(
        row(&tracker, &p.activated.invite_email).state,
        ActivationState::Activated { .. }
    ));
    assert_eq!(
        row(&tracker, &p.waiting.invite_email).state,
        ActivationState::Waiting
    );
    let s = &tracker.summary;
    assert_eq!(
        (s.activated, s.waiting, s.not_visible, s.blocked, s.total),
        (2, 1, 0, 3, 6),
        "{s:?}"
    );
}
