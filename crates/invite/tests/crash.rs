//! Crash test: a child process runs a 2,000-invite job and is SIGKILLed at random points 20 times,
//! restarted on the same journal each time; the stand-in lives in this process, so its outbox survives.

mod support;

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::Duration;

use rand::{Rng, SeedableRng, rngs::StdRng};
use sia_actions_service::{ActionsConfig, ActionsService, RateLimit};
use sia_invite::{InviteJobStatus, Journal, scim::scim_base};
use sia_sandbox::{FaultRule, Sandbox, SandboxConfig};

const COUNT: u32 = 2_000;
const KILLS: u32 = 20;
const TOKEN: &str = "crash-test-token";

fn worker(
    journal: &std::path::Path,
    to: &str,
    token: &str,
    extra: &[&str],
    stderr: std::fs::File,
) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_sia-invite-worker"))
        .args([
            "--journal",
            &journal.display().to_string(),
            "--to",
            to,
            "--count",
            &COUNT.to_string(),
        ])
        .args(extra)
        .env("SIA_TOKEN", token)
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("worker starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_twenty_times_everyone_is_invited_exactly_once() {
    // The service answers 25 ms after it acted, and the harness holds each write 15 ms before it
    // reaches the service: kills land both before and after the service acted, unseen by the client.
    let config = ActionsConfig {
        tokens: vec![TOKEN.to_owned()],
        seat_limit: COUNT as usize + 10,
        rate_limit: RateLimit {
            requests: 1_000_000,
            window: Duration::from_secs(60),
        },
        ..ActionsConfig::default()
    };
    let service = ActionsService::new(config).expect("service");
    service.activate(&[support::ADMIN]).expect("activate");
    let router = service.router().layer(axum::middleware::from_fn(
        |req: axum::extract::Request, next: axum::middleware::Next| async move {
            let resp = next.run(req).await;
            tokio::time::sleep(Duration::from_millis(25)).await;
            resp
        },
    ));
    let mut c = SandboxConfig::for_tests().with_actions_router(router);
    c.actions = None;
    c.actions_faults = vec![
        FaultRule::on("/scim/v2/*")
            .method("POST")
            .latency(Duration::from_millis(15)),
    ];
    let sb = Sandbox::start(c).await.expect("sandbox");
    let invited = || -> Vec<String> {
        service
            .outbox()
            .into_iter()
            .map(|i| i.recipient)
            .filter(|r| r != support::ADMIN)
            .collect()
    };
    let to = sb.actions_url().expect("actions url").to_owned();
    let token = TOKEN.to_owned();
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = dir.path().join("invite.sqlite");
    let mut rng = StdRng::seed_from_u64(0x51A_C4A5);
    let mut progress = Vec::new();
    for round in 0..KILLS {
        // Alternate single requests and bulk, so both paths get killed mid-flight.
        // The client rate (burst 20, 100/s) keeps the job from finishing before the last kill.
        let bulk = if round % 2 == 0 { "1" } else { "20" };
        let log = std::fs::File::create(dir.path().join(format!("round{round}.err"))).expect("log");
        let mut child = worker(
            &journal,
            &to,
            &token,
            &["--bulk", bulk, "--concurrency", "6", "--rate", "20/0.2"],
            log,
        );
        let delay = rng.random_range(40..450u64);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        let early = child.try_wait().expect("wait");
        let err = std::fs::read_to_string(dir.path().join(format!("round{round}.err")))
            .unwrap_or_default();
        assert!(
            early.is_none(),
            "round {round}: the worker ended before it was killed ({early:?}): {err}"
        );
        child.kill().expect("SIGKILL");
        let _ = tokio::task::spawn_blocking(move || child.wait()).await;
        progress.push(invited().len());
    }
    // At least some kills landed mid-job with work done, and the job was not done before the last.
    assert!(progress.last().copied().unwrap_or(0) > 0, "{progress:?}");
    assert!(
        progress.last().copied().unwrap_or(0) < COUNT as usize,
        "{progress:?}"
    );

    let log = std::fs::File::create(dir.path().join("final.err")).expect("log");
    let mut last = worker(
        &journal,
        &to,
        &token,
        &["--bulk", "50", "--concurrency", "8"],
        log,
    );
    let status = tokio::task::spawn_blocking(move || last.wait())
        .await
        .expect("join")
        .expect("wait");
    let err = std::fs::read_to_string(dir.path().join("final.err")).unwrap_or_default();
    assert!(status.success(), "final run failed: {err}");

    let outbox = invited();
    let unique: HashSet<&String> = outbox.iter().collect();
    assert_eq!(
        outbox.len(),
        COUNT as usize,
        "every address invited once, no more"
    );
    assert_eq!(unique.len(), COUNT as usize);
    for i in 0..COUNT {
        assert!(
            unique.contains(&format!("crash{i:05}@example.com")),
            "{i} missing"
        );
    }

    let j = Journal::open(&journal).expect("journal");
    let base = scim_base(&to).expect("base");
    let job = j
        .find_job(&base, &format!("generated:{COUNT}"))
        .expect("read")
        .expect("job");
    assert_eq!(
        j.jobs().expect("jobs").len(),
        1,
        "restarts resumed the one job"
    );
    assert_eq!(job.status, InviteJobStatus::Completed);
    let s = j.summary(&job.job_id).expect("summary");
    // All invited by this job: even rows whose answer was lost to a kill are recognised as ours.
    assert_eq!(
        (s.total, s.invited, s.already_there, s.failed, s.unfinished),
        (COUNT, COUNT, 0, 0, 0),
        "{s:?}"
    );
    // Kills landed mid-request: restarts asked the service before resending those rows.
    let lookups = sb
        .log()
        .with_path("/scim/v2/Users")
        .into_iter()
        .filter(|e| e.method == "GET" && e.query.as_deref().is_some_and(|q| q.contains("filter")))
        .count();
    eprintln!("outbox after each kill: {progress:?}; lookups after restarts: {lookups}");
    assert!(
        lookups >= 5,
        "rows interrupted by kills were reconciled ({lookups} lookups)"
    );
    sb.shutdown().await;
}
