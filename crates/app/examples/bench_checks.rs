//! How long opening a step takes to show its evidence in real-product mode, with 200 ms of
//! latency injected on every route of the stand-ins (Salesforce, Marketo, Actions): the time of
//! `check_step` per step, and of `refresh_checks` (all steps, as at start). A benchmark: it
//! prints figures and asserts nothing. Run: `cargo run --release -p sia-app --example bench_checks`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sia_app::demo::DemoServices;
use sia_app::mode::ActionsAccess;
use sia_app::{AppError, api};
use sia_core::StepId;
use sia_sandbox::FaultRule;
use support::sign_in;

#[path = "../tests/support/mod.rs"]
mod support;

const LATENCY: Duration = Duration::from_millis(200);
const RUNS: usize = 5;

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = support::demo_state(dir.path(), sia_sandbox::SandboxConfig::for_tests());
    state
        .set_demo_actions_access(ActionsAccess::Guided)
        .expect("guided");
    let state = Arc::new(state);

    // The setup an admin has reached by step 4: Marketo saved, Salesforce signed in, the
    // Actions user chosen, the sync started in Actions.
    api::marketo::marketo_use_demo(&state, sia_vault::StorageMode::SessionOnly)
        .await
        .expect("marketo");
    sign_in(&state).await;
    api::marketo::marketo_sync_preview(&state)
        .await
        .expect("preview");
    api::actions::demo_play(&state, StepId::StartSync)
        .await
        .expect("sync");
    let usage = api::marketo::marketo_usage(&state).await.expect("usage");
    if let Some(user) = usage.chosen {
        api::marketo::marketo_choose_actions_user(&state, user)
            .await
            .expect("choose");
    }

    let Some(DemoServices::Running(running)) = state.demo.as_ref() else {
        panic!("the stand-ins did not start");
    };
    running
        .salesforce_faults()
        .add(FaultRule::on("*").latency(LATENCY));
    running
        .marketo_faults()
        .add(FaultRule::on("*").latency(LATENCY));
    if let Some(actions) = running.actions_faults() {
        actions.add(FaultRule::on("*").latency(LATENCY));
    }
    println!(
        "latency injected: {} ms on every route; {RUNS} runs each",
        LATENCY.as_millis()
    );
    for step in [
        StepId::ActivateAccount,
        StepId::ConnectSalesforce,
        StepId::ConnectMarketo,
        StepId::StartSync,
        StepId::InstallPackage,
    ] {
        let times = time(RUNS, || api::app::check_step(&state, step)).await;
        report(
            &format!("open step {} ({})", step.number(), step.key()),
            &times,
        );
    }
    // The admin's own "read again" on steps 3 and 4 always reads Marketo (3 calls in parallel);
    // back to back, the polite client's budget (50 calls / 20 s, burst 10) paces it.
    let times = time(RUNS, || api::marketo::marketo_usage(&state)).await;
    report("read Marketo usage again (steps 3-4 button)", &times);
    let times = time(RUNS, || api::app::refresh_checks(&state)).await;
    report("refresh_checks (every step, as at start)", &times);
    let dashboard = api::app::dashboard(&state).await.expect("dashboard");
    for step in &dashboard.steps {
        if let Some(problem) = &step.check_problem {
            println!(
                "step {}: the last check could not run: {}",
                step.number, problem.code
            );
        }
    }
}

async fn time<F, Fut, T>(runs: usize, mut f: F) -> Vec<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, AppError>>,
{
    let mut out = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        f().await.expect("check");
        out.push(started.elapsed());
    }
    out.sort();
    out
}

fn report(what: &str, times: &[Duration]) {
    let ms = |d: Duration| d.as_millis();
    println!(
        "{what}: median {} ms, min {} ms, max {} ms",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1])
    );
}
