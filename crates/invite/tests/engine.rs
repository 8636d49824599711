//! The engine over real HTTP against the stand-in: bulk and single sends, the service's refusals,
//! progress, pause / resume / cancel, the results file and "revoke the pending invitations".

mod support;

use std::sync::Arc;
use std::time::Duration;

use sia_invite::{
    Engine, InviteJobStatus, InviteOptions, InviteRate, InviteRowState, Invitee, Journal,
    export_results, revoke_pending,
};

fn opts(bulk: bool) -> InviteOptions {
    InviteOptions {
        concurrency: 4,
        use_bulk: bulk,
        bulk_batch: 25,
        backoff_base_ms: 10,
        backoff_max_ms: 200,
        ..InviteOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_job_reports_each_outcome_and_its_results_file() {
    // 60 seats: the admin plus 59 of the 70 new people fit.
    let sb = support::sandbox(60).await;
    let url = sb.actions_url().unwrap_or_default().to_owned();
    let mut people = support::people("bulk", 70);
    people.push(Invitee {
        email: support::ADMIN.to_uppercase(),
        ..Invitee::default()
    });
    people.push(Invitee {
        email: "BULK00001@example.com".into(),
        ..Invitee::default()
    });
    people[0].teams = vec!["No Such Team".into()];
    people[2].first_name = "=cmd|' /C calc'!A0".into();
    let journal = Arc::new(Journal::in_memory().expect("journal"));
    let engine = Engine::create(
        journal.clone(),
        &url,
        "test",
        &people,
        opts(true),
        support::fixed(&sb),
    )
    .expect("job");
    let progress = engine.progress();
    let s = engine.run().await.expect("runs");
    assert_eq!(s.status, InviteJobStatus::Completed);
    assert_eq!(
        (s.total, s.invited, s.already_there, s.skipped, s.failed),
        (72, 59, 1, 1, 11),
        "{s:?}"
    );
    let reasons: Vec<(&str, u32)> = s
        .failures
        .iter()
        .map(|f| (f.reason.as_str(), f.count))
        .collect();
    assert_eq!(
        reasons,
        vec![("seat_limit_reached", 10), ("invalid_value", 1)]
    );
    let p = progress.borrow().clone();
    assert!(p.finished);
    assert_eq!((p.done, p.failed, p.skipped, p.remaining), (60, 11, 1, 0));
    assert!(
        sb.log().with_path("/scim/v2/Bulk").len() >= 3,
        "sent in batches of at most 25"
    );
    assert!(
        sb.log()
            .with_path("/scim/v2/Users")
            .iter()
            .all(|e| e.method != "POST")
    );
    assert_eq!(support::invited(&sb).len(), 59);

    let rows = journal.rows(&s.job_id).expect("rows");
    assert_eq!(
        rows[71].state,
        InviteRowState::Skipped {
            reason: "duplicate_in_job".into()
        }
    );
    assert_eq!(rows[70].state, InviteRowState::AlreadyThere);
    assert!(
        rows.iter()
            .filter(|r| r.state == InviteRowState::Invited)
            .all(|r| r.user_id.is_some())
    );

    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("results.csv");
    assert_eq!(
        export_results(&journal, &s.job_id, &file).expect("export"),
        72
    );
    let bytes = std::fs::read(&file).expect("read");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("'=cmd|"), "formula neutralised");
    assert!(text.contains("failed,seat_limit_reached"));
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_requests_then_revoke_keeps_accepted_users() {
    let sb = support::sandbox(100).await;
    let url = sb.actions_url().unwrap_or_default().to_owned();
    let journal = Arc::new(Journal::in_memory().expect("journal"));
    let people = support::people("one", 12);
    let engine = Engine::create(
        journal.clone(),
        &url,
        "t",
        &people,
        opts(false),
        support::fixed(&sb),
    )
    .expect("job");
    let s = engine.run().await.expect("runs");
    assert_eq!(s.invited, 12);
    assert!(sb.log().with_path("/scim/v2/Bulk").is_empty());
    assert_eq!(
        sb.log()
            .with_path("/scim/v2/Users")
            .iter()
            .filter(|e| e.method == "POST")
            .count(),
        12
    );

    // Two invitees accept before the admin clicks "undo": they stay.
    let service = sb.actions_service().expect("service");
    let rows = journal.rows(&s.job_id).expect("rows");
    for r in &rows[..2] {
        service
            .accept_invitation(r.user_id.as_deref().unwrap_or_default())
            .expect("accept");
    }
    let r = revoke_pending(&journal, &s.job_id, support::fixed(&sb))
        .await
        .expect("revoke");
    assert_eq!((r.revoked, r.kept_active, r.failed), (10, 2, 0));
    let left: Vec<String> = service.users().into_iter().map(|u| u.user_name).collect();
    assert_eq!(left.len(), 3, "admin and the two who accepted: {left:?}");
    let s = journal.summary(&s.job_id).expect("summary");
    assert_eq!((s.invited, s.revoked), (2, 10));
    // A second undo finds nothing left to revoke.
    let r = revoke_pending(&journal, &s.job_id, support::fixed(&sb))
        .await
        .expect("revoke");
    assert_eq!((r.revoked, r.kept_active), (0, 2));
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_holds_sending_and_cancel_skips_the_rest() {
    let sb = support::sandbox(500).await;
    let url = sb.actions_url().unwrap_or_default().to_owned();
    let journal = Arc::new(Journal::in_memory().expect("journal"));
    let mut o = opts(false);
    o.rate = Some(InviteRate {
        count: 1,
        per_secs: 0.02,
    }); // 50/s, burst 1
    let engine = Engine::create(
        journal.clone(),
        &url,
        "t",
        &support::people("p", 300),
        o,
        support::fixed(&sb),
    )
    .expect("job");
    let control = engine.control();
    let mut progress = engine.progress();
    let job = engine.job_id().to_owned();
    let run = tokio::spawn(engine.run());
    progress.wait_for(|p| p.done >= 10).await.expect("progress");
    control.pause();
    // Paused, and the requests already on their way have landed and been journaled.
    progress
        .wait_for(|p| p.paused && p.in_flight == 0)
        .await
        .expect("paused");
    let held = support::invited(&sb).len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        support::invited(&sb).len(),
        held,
        "nothing is sent while paused"
    );
    control.resume();
    progress
        .wait_for(|p| p.done >= held as u32 + 5)
        .await
        .expect("resumed");
    control.cancel();
    let s = run.await.expect("join").expect("runs");
    assert_eq!(s.status, InviteJobStatus::Cancelled);
    assert_eq!(s.invited as usize, support::invited(&sb).len());
    assert_eq!(s.invited + s.skipped, 300, "{s:?}");
    assert!(s.skipped > 0);
    assert!(
        journal.unfinished_jobs().expect("jobs").is_empty(),
        "a cancelled job is not offered for resuming"
    );
    let rows = journal.rows(&job).expect("rows");
    assert!(rows.iter().any(|r| r.state
        == InviteRowState::Skipped {
            reason: "cancelled".into()
        }));
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_stops_the_job_resumably() {
    let sb = support::sandbox(100).await;
    let url = sb.actions_url().unwrap_or_default().to_owned();
    let journal = Arc::new(Journal::in_memory().expect("journal"));
    let bad: Arc<dyn sia_invite::TokenProvider> = Arc::new(support::Fixed("wrong".into()));
    let engine = Engine::create(
        journal.clone(),
        &url,
        "t",
        &support::people("a", 5),
        opts(true),
        bad,
    )
    .expect("job");
    let job = engine.job_id().to_owned();
    let err = engine.run().await.err().map(|e| e.code());
    assert_eq!(err, Some("unauthorized"));
    assert_eq!(journal.unfinished_jobs().expect("jobs").len(), 1);
    assert!(support::invited(&sb).is_empty());
    // With the right token the same job resumes and finishes.
    let s = Engine::resume(journal.clone(), &job, support::fixed(&sb))
        .expect("resume")
        .run()
        .await
        .expect("runs");
    assert_eq!((s.invited, s.status), (5, InviteJobStatus::Completed));
    let token = sb.actions_token().unwrap_or_default().to_owned();
    assert!(
        !sb.log().any_url_contains(&token),
        "the token only travels in the Authorization header"
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_services_rate_limit_pauses_every_worker_not_just_one_row() {
    // The service allows 40 requests a second per token; the client has no limit of its own.
    let mut c = sia_sandbox::SandboxConfig::for_tests();
    let mut ac = c.actions.take().unwrap_or_default();
    ac.rate_limit = sia_actions_service::RateLimit {
        requests: 40,
        window: Duration::from_secs(1),
    };
    ac.seat_limit = 200;
    c.actions = Some(ac);
    let sb = sia_sandbox::Sandbox::start(c).await.expect("sandbox");
    sb.actions_service()
        .expect("service")
        .activate(&[support::ADMIN])
        .expect("activate");
    let url = sb.actions_url().unwrap_or_default().to_owned();
    let journal = Arc::new(Journal::in_memory().expect("journal"));
    let s = Engine::create(
        journal,
        &url,
        "t",
        &support::people("r", 100),
        opts(false),
        support::fixed(&sb),
    )
    .expect("job")
    .run()
    .await
    .expect("runs");
    assert_eq!(s.invited, 100, "{s:?}");
    let limited = sb
        .log()
        .entries()
        .iter()
        .filter(|e| e.status == Some(429))
        .count();
    eprintln!("{limited} requests answered 429");
    // Three windows; each costs at most the requests already in flight when the 429 came.
    assert!(
        (1..=12).contains(&limited),
        "{limited} requests answered 429"
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_shows_the_requests_in_flight_while_they_are() {
    let sb = support::sandbox(20).await;
    let url = sb.actions_url().unwrap_or_default().to_owned();
    // Every invitation takes a second to be answered.
    sb.actions_faults().expect("faults").add(
        sia_sandbox::FaultRule::on("/scim/v2/Users")
            .method("POST")
            .latency(Duration::from_secs(1)),
    );
    let journal = Arc::new(Journal::in_memory().expect("journal"));
    let engine = Engine::create(
        journal,
        &url,
        "t",
        &support::people("slow", 3),
        opts(false),
        support::fixed(&sb),
    )
    .expect("job");
    let mut progress = engine.progress();
    let run = tokio::spawn(engine.run());
    let seen = tokio::time::timeout(
        Duration::from_millis(800),
        progress.wait_for(|p| p.in_flight > 0),
    )
    .await
    .expect("the requests on their way show before any is answered")
    .expect("progress")
    .clone();
    assert_eq!(seen.done, 0, "{seen:?}");
    let s = run.await.expect("joins").expect("runs");
    assert_eq!(s.invited, 3);
    assert_eq!(progress.borrow().in_flight, 0, "nothing left in flight");
}
