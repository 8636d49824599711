//! The crash test's child: runs (or resumes) one generated job of N invitees until done or killed.
//! Usage: sia-invite-worker --journal PATH --to URL --count N [--bulk B] [--concurrency C] [--rate N/SECS]
//! The token comes from SIA_TOKEN. Exit 0 when the job is complete, 1 otherwise.

use std::process::ExitCode;
use std::sync::Arc;

use sia_invite::{
    Engine, InviteJobStatus, InviteOptions, InviteRate, Invitee, Journal, Secret, StaticToken,
    scim::scim_base,
};

struct Args {
    journal: String,
    to: String,
    count: u32,
    bulk: u32,
    concurrency: u32,
    rate: Option<InviteRate>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        journal: String::new(),
        to: String::new(),
        count: 0,
        bulk: 1,
        concurrency: 4,
        rate: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--journal" => a.journal = v,
            "--to" => a.to = v,
            "--count" => a.count = v.parse().map_err(|_| "bad --count")?,
            "--bulk" => a.bulk = v.parse().map_err(|_| "bad --bulk")?,
            "--concurrency" => a.concurrency = v.parse().map_err(|_| "bad --concurrency")?,
            "--rate" => a.rate = Some(InviteRate::parse(&v).map_err(|e| e.to_string())?),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if a.journal.is_empty() || a.to.is_empty() || a.count == 0 {
        return Err("--journal, --to and --count are required".into());
    }
    Ok(a)
}

/// The generated invitees: `crash00000@example.com` …
pub fn invitees(count: u32) -> Vec<Invitee> {
    (0..count)
        .map(|i| Invitee {
            email: format!("crash{i:05}@example.com"),
            first_name: format!("First{i}"),
            last_name: "Crash".into(),
            ..Invitee::default()
        })
        .collect()
}

async fn run(a: Args) -> Result<bool, String> {
    let token = std::env::var("SIA_TOKEN").map_err(|_| "SIA_TOKEN is not set".to_owned())?;
    let tokens = Arc::new(StaticToken::new(Secret::new(token)));
    let journal =
        Arc::new(Journal::open(std::path::Path::new(&a.journal)).map_err(|e| e.to_string())?);
    let base = scim_base(&a.to).map_err(|e| e.to_string())?;
    let source = format!("generated:{}", a.count);
    let options = InviteOptions {
        concurrency: a.concurrency,
        rate: a.rate,
        use_bulk: a.bulk > 1,
        bulk_batch: a.bulk.max(1),
        max_attempts: 20,
        backoff_base_ms: 20,
        backoff_max_ms: 500,
        request_timeout_ms: 5_000,
    };
    let engine = match journal
        .find_job(&base, &source)
        .map_err(|e| e.to_string())?
    {
        Some(job) if job.status == InviteJobStatus::Completed => return Ok(true),
        Some(job) => {
            Engine::resume(journal.clone(), &job.job_id, tokens).map_err(|e| e.to_string())?
        }
        None => Engine::create(
            journal.clone(),
            &base,
            &source,
            &invitees(a.count),
            options.clone(),
            tokens,
        )
        .map_err(|e| e.to_string())?,
    };
    let engine = engine.with_options(options).map_err(|e| e.to_string())?;
    let summary = engine
        .run()
        .await
        .map_err(|e| format!("{} ({})", e, e.code()))?;
    println!("{}", serde_json::to_string(&summary).unwrap_or_default());
    Ok(summary.status == InviteJobStatus::Completed && summary.failed == 0)
}

fn main() -> ExitCode {
    let a = match args() {
        Ok(a) => a,
        Err(m) => {
            eprintln!("sia-invite-worker: {m}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(_) => return ExitCode::from(2),
    };
    match rt.block_on(run(a)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(m) => {
            eprintln!("sia-invite-worker: {m}");
            ExitCode::FAILURE
        }
    }
}
