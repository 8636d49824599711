//! Benchmark: N invites against the in-process stand-in with a client rate limit; prints the total
//! time, the minimum the limit allows, and their ratio (target ≤ 1.10). See scripts/bench-invite.sh.
//! Run: cargo run -p sia-invite --example bench_invite -- [--count 2000] [--rate 50/1] [--mode single|bulk|both]

use std::sync::Arc;
use std::time::{Duration, Instant};

use sia_actions_service::RateLimit;
use sia_invite::{Engine, InviteOptions, InviteRate, Invitee, Journal, Secret, StaticToken};
use sia_sandbox::{Sandbox, SandboxConfig};

struct Args {
    count: u32,
    rate: InviteRate,
    concurrency: u32,
    modes: Vec<bool>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        count: 2000,
        rate: InviteRate {
            count: 50,
            per_secs: 1.0,
        },
        concurrency: 4,
        modes: vec![false, true],
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--count" => a.count = v.parse().map_err(|_| "bad --count")?,
            "--rate" => a.rate = InviteRate::parse(&v).map_err(|e| e.to_string())?,
            "--concurrency" => a.concurrency = v.parse().map_err(|_| "bad --concurrency")?,
            "--mode" => {
                a.modes = match v.as_str() {
                    "single" => vec![false],
                    "bulk" => vec![true],
                    "both" => vec![false, true],
                    _ => return Err("--mode is single, bulk or both".into()),
                }
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(a)
}

async fn one(a: &Args, bulk: bool) -> Result<f64, Box<dyn std::error::Error>> {
    let mut c = SandboxConfig::for_tests();
    let mut ac = c.actions.take().unwrap_or_default();
    ac.seat_limit = a.count as usize + 10;
    // The service's own window is lifted: this measures the client's pacing, not 429s.
    ac.rate_limit = RateLimit {
        requests: 10_000_000,
        window: Duration::from_secs(60),
    };
    c.actions = Some(ac);
    let sb = Sandbox::start(c).await?;
    let service = sb.actions_service().ok_or("no actions service")?;
    service.activate(&["admin@example.com"])?;
    let token = sb.actions_token().unwrap_or_default().to_owned();
    let people: Vec<Invitee> = (0..a.count)
        .map(|i| Invitee {
            email: format!("bench{i:05}@example.com"),
            ..Invitee::default()
        })
        .collect();
    let journal = Arc::new(Journal::in_memory()?);
    let options = InviteOptions {
        concurrency: a.concurrency,
        rate: Some(a.rate),
        use_bulk: bulk,
        bulk_batch: 1000,
        ..InviteOptions::default()
    };
    let url = sb.actions_url().unwrap_or_default().to_owned();
    let engine = Engine::create(
        journal,
        &url,
        "bench",
        &people,
        options,
        Arc::new(StaticToken::new(Secret::new(token))),
    )?;
    let started = Instant::now();
    let s = engine.run().await?;
    let total = started.elapsed().as_secs_f64();
    let sent = service.outbox().len() - 1;
    let requests = sb.log().for_service("actions").len();
    if s.invited != a.count || sent != a.count as usize {
        return Err(format!("invited {} (outbox {sent}) of {}", s.invited, a.count).into());
    }
    // GCRA admits `burst` cells at once, then one every 1/rate s.
    let burst = a.rate.count.min(a.count);
    let minimum = f64::from(a.count - burst) / a.rate.per_second();
    let ratio = if minimum > 0.0 {
        total / minimum
    } else {
        f64::NAN
    };
    println!(
        "{:<6} {} invites, rate {}/{} s: total {:.2} s, minimum {:.2} s, ratio {:.3} ({} requests)",
        if bulk { "bulk" } else { "single" },
        a.count,
        a.rate.count,
        a.rate.per_secs,
        total,
        minimum,
        ratio,
        requests
    );
    sb.shutdown().await;
    Ok(ratio)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let a = match args() {
        Ok(a) => a,
        Err(m) => {
            eprintln!("bench_invite: {m}");
            return std::process::ExitCode::from(2);
        }
    };
    let mut worst: f64 = 0.0;
    for &bulk in &a.modes {
        match one(&a, bulk).await {
            Ok(r) => worst = worst.max(r),
            Err(e) => {
                eprintln!("bench_invite: {e}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    println!("worst ratio {worst:.3} (target <= 1.10)");
    if worst <= 1.10 {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
