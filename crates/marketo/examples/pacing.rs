//! Measures the default pacing against the stand-in at Marketo's real limits (100 per 20 s, 10 in flight):
//! `cargo run -p sia-marketo --example pacing -- [CALLS]` prints the busiest 20 s window and the refusals.

use std::time::Instant;

use sia_marketo::{ClientConfig, Credentials, Endpoint, MarketoClient};
use sia_sandbox::{Sandbox, SandboxConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let calls: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(120);
    let sb = Sandbox::start(SandboxConfig::for_tests()).await?;
    let c = sb.marketo_credentials();
    let config = ClientConfig::default();
    let client = MarketoClient::new(
        Endpoint::parse(sb.marketo_url())?,
        Credentials::new(c.client_id, c.client_secret),
        config.clone(),
    )?;
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..calls {
        let c = client.clone();
        tasks.spawn(async move { c.describe_leads().await.map(|_| ()) });
    }
    let mut failed = 0;
    while let Some(r) = tasks.join_next().await {
        if !matches!(r, Ok(Ok(()))) {
            failed += 1;
        }
    }
    let elapsed = start.elapsed();
    let times: Vec<i64> = sb
        .log()
        .for_service("marketo")
        .iter()
        .filter(|e| e.path.starts_with("/rest/"))
        .map(|e| e.at_ms)
        .collect();
    let window = config.rate.per.as_millis() as i64;
    let busiest = times
        .iter()
        .map(|t| {
            times
                .iter()
                .filter(|u| **u >= *t && **u < *t + window)
                .count()
        })
        .max()
        .unwrap_or(0);
    println!(
        "{calls} calls with the defaults ({} per {:?}, {} in flight): {:.1} s, {:.2} calls/s, busiest {:?} window {busiest} calls, REST requests {} (so {} refused and retried), failed {failed}",
        config.rate.calls,
        config.rate.per,
        config.max_in_flight,
        elapsed.as_secs_f64(),
        calls as f64 / elapsed.as_secs_f64(),
        config.rate.per,
        times.len(),
        times.len() - calls,
    );
    sb.shutdown().await;
    Ok(())
}
