//! Fault test: 20 % of SCIM requests fail (429, 5xx, dropped connections, via the harness's fault
//! rules), some answers are lost after the service acted, and the token expires every 150 requests.

mod support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sia_actions_service::{ActionsConfig, ActionsService, RateLimit};
use sia_invite::{Engine, InviteOptions, Journal, Result, Secret, TokenProvider};
use sia_sandbox::{FaultControl, FaultRule, Sandbox, SandboxConfig};

const USES_PER_TOKEN: u32 = 150;

/// Plays the authorization server: one live token at a time, expiring after some uses.
#[derive(Default)]
struct Authority {
    current: AtomicUsize,
    uses: AtomicU32,
    refreshes: AtomicU32,
    rejected: AtomicU32,
    lost: AtomicU32,
}

impl Authority {
    fn token(&self) -> String {
        format!("tok-{}", self.current.load(Ordering::SeqCst))
    }
}

struct Rotating(Arc<Authority>);

#[async_trait::async_trait]
impl TokenProvider for Rotating {
    async fn token(&self) -> Result<Secret> {
        Ok(Secret::new(self.0.token()))
    }
    async fn refresh(&self, _rejected: &Secret) -> Result<Secret> {
        self.0.refreshes.fetch_add(1, Ordering::SeqCst);
        self.0.current.fetch_add(1, Ordering::SeqCst);
        self.0.uses.store(0, Ordering::SeqCst);
        Ok(Secret::new(self.0.token()))
    }
}

async fn expiring_tokens(auth: Arc<Authority>, req: Request, next: Next) -> Response {
    let sent = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned();
    if sent != auth.token() || auth.uses.fetch_add(1, Ordering::SeqCst) >= USES_PER_TOKEN {
        auth.rejected.fetch_add(1, Ordering::SeqCst);
        return (StatusCode::UNAUTHORIZED, [("www-authenticate", "Bearer")]).into_response();
    }
    next.run(req).await
}

/// The service acts, then the answer is lost (the worst case for idempotency).
async fn lost_answers(
    state: (Arc<Authority>, Arc<Mutex<StdRng>>),
    req: Request,
    next: Next,
) -> Response {
    let write = req.method() == "POST";
    let lose = write
        && state
            .1
            .lock()
            .map(|mut r| r.random_bool(0.05))
            .unwrap_or(false);
    let resp = next.run(req).await;
    if lose {
        state.0.lost.fetch_add(1, Ordering::SeqCst);
        return StatusCode::BAD_GATEWAY.into_response();
    }
    resp
}

/// Keeps the fault list stocked: runs of passing requests (geometric, mean 4) between single
/// faults, so one SCIM request in five fails.
fn stock_faults(faults: FaultControl, seed: u64) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut rng = StdRng::seed_from_u64(seed);
        loop {
            if faults.rules().len() < 200 {
                for _ in 0..400 {
                    let mut pass = 0;
                    while rng.random_bool(0.8) {
                        pass += 1;
                    }
                    if pass > 0 {
                        faults.add(FaultRule::on("/scim/v2/*").times(pass));
                    }
                    let rule = match rng.random_range(0..4) {
                        // A 429 that asks for a full second pauses every worker (the engine
                        // honours it globally): keep those rare so the test stays quick.
                        0 if rng.random_bool(0.02) => FaultRule::on("/scim/v2/*").status(429),
                        0 => FaultRule::on("/scim/v2/*").status_with_retry_after(429, 0),
                        1 => FaultRule::on("/scim/v2/*").status(500),
                        2 => FaultRule::on("/scim/v2/*").status(503),
                        _ => FaultRule::on("/scim/v2/*").drop_connection(),
                    };
                    faults.add(rule.times(1));
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_invite_completes_once_through_faults_and_token_expiry() {
    let auth = Arc::new(Authority::default());
    let config = ActionsConfig {
        tokens: (0..2000).map(|i| format!("tok-{i}")).collect(),
        seat_limit: 3000,
        rate_limit: RateLimit {
            requests: 1_000_000,
            window: Duration::from_secs(60),
        },
        ..ActionsConfig::default()
    };
    let service = ActionsService::new(config).expect("service");
    service.activate(&[support::ADMIN]).expect("activate");
    let rng = Arc::new(Mutex::new(StdRng::seed_from_u64(7)));
    let router = service
        .router()
        .layer(middleware::from_fn({
            let state = (auth.clone(), rng);
            move |req, next| lost_answers(state.clone(), req, next)
        }))
        .layer(middleware::from_fn({
            let auth = auth.clone();
            move |req, next| expiring_tokens(auth.clone(), req, next)
        }));
    let mut c = SandboxConfig::for_tests().with_actions_router(router);
    c.actions = None;
    let sb = Sandbox::start(c).await.expect("sandbox");
    let faults = sb.actions_faults().expect("faults").clone();
    let feeder = stock_faults(faults.clone(), 0xFA_17);
    tokio::time::sleep(Duration::from_millis(50)).await;

    let to = sb.actions_url().expect("url").to_owned();
    let journal = Arc::new(Journal::in_memory().expect("journal"));
    let tokens: Arc<dyn TokenProvider> = Arc::new(Rotating(auth.clone()));
    let options = |bulk: bool| InviteOptions {
        concurrency: 8,
        rate: None,
        use_bulk: bulk,
        bulk_batch: 40,
        max_attempts: 30,
        backoff_base_ms: 10,
        backoff_max_ms: 300,
        request_timeout_ms: 5_000,
    };
    let mut summaries = Vec::new();
    for (prefix, bulk) in [("single", false), ("bulk", true)] {
        let engine = Engine::create(
            journal.clone(),
            &to,
            prefix,
            &support::people(prefix, 1000),
            options(bulk),
            tokens.clone(),
        )
        .expect("job");
        summaries.push(engine.run().await.expect("job runs to the end"));
    }
    feeder.abort();
    faults.clear();

    for s in &summaries {
        assert_eq!(
            (s.total, s.invited, s.already_there, s.failed, s.unfinished),
            (1000, 1000, 0, 0, 0),
            "{s:?}"
        );
    }
    let outbox: Vec<String> = service
        .outbox()
        .into_iter()
        .map(|i| i.recipient)
        .filter(|r| r != support::ADMIN)
        .collect();
    let unique: HashSet<&String> = outbox.iter().collect();
    assert_eq!(outbox.len(), 2000, "no duplicates");
    assert_eq!(unique.len(), 2000);

    // The faults really happened: about one SCIM request in five, and the token did expire.
    let scim: Vec<_> = sb
        .log()
        .for_service("actions")
        .into_iter()
        .filter(|e| e.path.starts_with("/scim/v2"))
        .collect();
    let injected = scim
        .iter()
        .filter(|e| !matches!(e.outcome, sia_sandbox::Outcome::Answered))
        .count();
    let share = injected as f64 / scim.len() as f64;
    assert!(
        (0.12..0.28).contains(&share),
        "{injected} of {} injected",
        scim.len()
    );
    assert!(
        scim.iter().any(|e| e.path == "/scim/v2/Bulk"),
        "the bulk job used SCIM Bulk"
    );
    assert!(
        auth.refreshes.load(Ordering::SeqCst) >= 3,
        "token refreshed mid-job"
    );
    assert!(
        auth.rejected.load(Ordering::SeqCst) >= 3,
        "expired tokens were rejected"
    );
    assert!(
        auth.lost.load(Ordering::SeqCst) >= 5,
        "some answers were lost after the service acted"
    );
    sb.shutdown().await;
}
