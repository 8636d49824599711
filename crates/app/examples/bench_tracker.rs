//! Step 5's activation tracker at scale: 2,000 invitees against a 10,000-user org on the
//! Salesforce stand-in (2,000 records a page, Salesforce's default; then 200 a page and 50 ms of
//! latency per request, a slow link). Prints the time of each read and the queries sent; asserts
//! nothing. Run: `cargo run --release -p sia-app --example bench_tracker`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sia_app::demo::DemoServices;
use sia_app::mode::ActionsAccess;
use sia_app::{AppState, api};
use sia_sandbox::{FaultRule, RunningSandbox};
use support::sign_in;

#[path = "../tests/support/mod.rs"]
mod support;

const USERS: usize = 10_000;
const INVITEES: usize = 2_000;
const RUNS: usize = 3;

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = sia_sandbox::SandboxConfig::for_tests();
    config.salesforce.user_count = USERS;
    config.salesforce.page_size = 2000;
    let started = Instant::now();
    let state = support::demo_state(dir.path(), config);
    println!(
        "stand-ins with a {USERS}-user org started in {} ms",
        started.elapsed().as_millis()
    );
    state
        .set_demo_actions_access(ActionsAccess::Guided)
        .expect("guided");
    let state = Arc::new(state);
    sign_in(&state).await;
    let Some(DemoServices::Running(running)) = state.demo.as_ref() else {
        panic!("the stand-ins did not start");
    };

    // Every fifth seeded user invited (active, inactive, without API, activated alike); every
    // twentieth invitee typed at the wrong domain; a tenth of the invitees activated meanwhile.
    let users = running.salesforce().users();
    let mut extra = Vec::with_capacity(INVITEES);
    for (n, u) in users
        .iter()
        .step_by(USERS / INVITEES)
        .take(INVITEES)
        .enumerate()
    {
        if n % 20 == 19 {
            let local = u.invite_email.split('@').next().unwrap_or_default();
            extra.push(format!("{local}@typo-domain.example"));
        } else {
            extra.push(u.invite_email.clone());
        }
        if n % 10 == 3 && u.is_active {
            running.authorize_actions_app(&u.id);
        }
    }
    let extra = vec![extra.join("\n")];

    measure(&state, running, &extra, "2,000 records a page").await;
    // The admin's user without Customize Application: one more query, the tokens their own.
    let admin = running
        .salesforce()
        .default_user()
        .expect("an admin")
        .id
        .clone();
    running
        .salesforce()
        .set_customize_application(&admin, false);
    measure(
        &state,
        running,
        &extra,
        "2,000 records a page, without Customize Application",
    )
    .await;
    running.salesforce().set_customize_application(&admin, true);
    running.salesforce().set_page_size(200);
    running
        .salesforce_faults()
        .add(FaultRule::on("*").latency(Duration::from_millis(50)));
    measure(&state, running, &extra, "200 a page, 50 ms a request").await;
}

async fn measure(state: &Arc<AppState>, running: &RunningSandbox, extra: &[String], what: &str) {
    println!("\n{what}:");
    for run in 1..=RUNS {
        let before = running.log().len();
        let started = Instant::now();
        let tracker = api::invite::activation_tracker(state, extra.to_vec())
            .await
            .expect("tracker");
        let took = started.elapsed();
        let requests: Vec<String> = running
            .log()
            .entries()
            .into_iter()
            .skip(before)
            .filter(|e| e.service == "salesforce")
            .map(|e| e.path)
            .collect();
        let queries = requests.iter().filter(|p| p.ends_with("/query")).count();
        let pages = requests.iter().filter(|p| p.contains("/query/")).count();
        let s = &tracker.summary;
        println!(
            "  run {run}: {} ms — {} rows ({} activated, {} waiting, {} cannot be seen, {} blocked); \
             {} Salesforce requests: {queries} queries + {pages} further pages",
            took.as_millis(),
            s.total,
            s.activated,
            s.waiting,
            s.not_visible,
            s.blocked,
            requests.len(),
        );
    }
}
