//! `sia invite FILE --to URL`: send the invitations in a spreadsheet through the invite engine.
//! The token comes from SIA_TOKEN only; the journal makes a second run resume, never resend.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use sia_csv::{ImportSession, InvalidPolicy, OpenOptions};
use sia_invite::{
    Engine, InviteJobStatus, InviteJobSummary, InviteOptions, InviteRate, Invitee, Journal, Secret,
    StaticToken, export_results, scim::scim_base, scim::user_body,
};

#[derive(Args)]
pub struct InviteArgs {
    /// The spreadsheet: .csv, .tsv, .txt or .xlsx (read like the app's CSV import).
    file: PathBuf,
    /// SCIM base URL of the service, e.g. http://127.0.0.1:47803/scim/v2 (a bare host means /scim/v2).
    #[arg(long = "to", value_name = "SCIM_BASE_URL")]
    to: String,
    /// Print what would be sent, send nothing (no token needed).
    #[arg(long)]
    dry_run: bool,
    /// The job journal (SQLite); a later run with the same file and target resumes from it.
    #[arg(long, default_value = "sia-invite-journal.sqlite")]
    journal: PathBuf,
    /// Client-side rate limit, N/SECS (e.g. 50/1, 600/60).
    #[arg(long, value_name = "N/SECS")]
    rate: Option<String>,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 4)]
    concurrency: u32,
    /// Also write the results file (CSV, UTF-8 with BOM) here.
    #[arg(long)]
    results: Option<PathBuf>,
    /// Locale hint for legacy encodings (e.g. zh-TW).
    #[arg(long)]
    locale: Option<String>,
    /// Refused: a token on the command line lands in shell history and the process list.
    #[arg(long, hide = true, num_args = 0..=1, value_name = "TOKEN")]
    token: Option<Option<String>>,
}

fn fail(code: &str, message: &str) -> ExitCode {
    eprintln!("sia invite: {message} ({code})");
    ExitCode::from(2)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "input".into())
}

/// The valid rows of the file, mapped as the app's import maps them; and how many were left out.
fn read_invitees(args: &InviteArgs) -> Result<(Vec<Invitee>, u32), (String, String)> {
    let opts = OpenOptions {
        locale: args.locale.clone(),
        ..OpenOptions::default()
    };
    let session =
        ImportSession::open(&args.file, opts).map_err(|e| (e.code().to_owned(), e.to_string()))?;
    let rows = session
        .confirmed_rows(InvalidPolicy::SkipInvalid)
        .map_err(|e| (e.code().to_owned(), e.to_string()))?;
    let left_out = session.counts().rows.saturating_sub(rows.len() as u32);
    let people = rows.into_iter().map(Invitee::from).collect();
    Ok((people, left_out))
}

fn print_summary(s: &InviteJobSummary) {
    let status = match s.status {
        InviteJobStatus::Completed => "completed",
        InviteJobStatus::Cancelled => "cancelled",
        InviteJobStatus::Unfinished => "unfinished",
    };
    println!("job {} {status}", s.job_id);
    println!("  invited        {}", s.invited);
    println!("  already there  {}", s.already_there);
    println!("  failed         {}", s.failed);
    println!("  skipped        {}", s.skipped);
    if s.revoked > 0 {
        println!("  revoked        {}", s.revoked);
    }
    if s.unfinished > 0 {
        println!("  not finished   {}", s.unfinished);
    }
    for f in &s.failures {
        println!("    {} × {}", f.count, f.reason);
    }
}

pub fn run(args: InviteArgs) -> ExitCode {
    if args.token.is_some() {
        return fail(
            "token_on_command_line",
            "a token is never taken on the command line; set the SIA_TOKEN environment variable",
        );
    }
    let base = match scim_base(&args.to) {
        Ok(b) => b,
        Err(e) => return fail(e.code(), &e.to_string()),
    };
    let rate = match args.rate.as_deref().map(InviteRate::parse).transpose() {
        Ok(r) => r,
        Err(e) => return fail(e.code(), &e.to_string()),
    };
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(_) => return fail("file_unreadable", "the file cannot be read"),
    };
    let source = format!(
        "{}#{}",
        file_name(&args.file),
        sia_invite::fingerprint(&bytes)
    );
    let (people, left_out) = match read_invitees(&args) {
        Ok(x) => x,
        Err((code, message)) => return fail(&code, &message),
    };
    eprintln!(
        "{} people to invite ({left_out} rows left out as invalid, duplicate or blank)",
        people.len()
    );

    if args.dry_run {
        println!("would send to {base}/Users (or {base}/Bulk when the service offers it):");
        for p in &people {
            println!("{}", user_body(p));
        }
        if let Ok(j) = Journal::open(&args.journal)
            && let Ok(Some(job)) = j.find_job(&base, &source)
            && job.status == InviteJobStatus::Unfinished
            && let Ok(s) = j.summary(&job.job_id)
        {
            println!(
                "an unfinished job {} for this file would resume: {} of {} left",
                job.job_id, s.unfinished, s.total
            );
        }
        return ExitCode::SUCCESS;
    }

    let token = match std::env::var("SIA_TOKEN") {
        Ok(t) if !t.trim().is_empty() => Secret::new(t.trim().to_owned()),
        _ => {
            return fail(
                "token_missing",
                "set the SIA_TOKEN environment variable to the service's bearer token",
            );
        }
    };
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(_) => return fail("runtime", "the async runtime could not start"),
    };
    rt.block_on(async move {
        let journal = match Journal::open(&args.journal) {
            Ok(j) => Arc::new(j),
            Err(e) => return fail(e.code(), &e.to_string()),
        };
        let tokens = Arc::new(StaticToken::new(token));
        let options = InviteOptions {
            concurrency: args.concurrency.max(1),
            rate,
            ..InviteOptions::default()
        };
        let engine = match journal.find_job(&base, &source) {
            Ok(Some(job)) if job.status == InviteJobStatus::Unfinished => {
                eprintln!("resuming the unfinished job {} for this file and target", job.job_id);
                Engine::resume(journal.clone(), &job.job_id, tokens)
            }
            Ok(_) => Engine::create(journal.clone(), &base, &source, &people, options.clone(), tokens),
            Err(e) => Err(e),
        };
        let engine = match engine.and_then(|e| e.with_options(options)) {
            Ok(e) => e,
            Err(e) => return fail(e.code(), &e.to_string()),
        };
        let job_id = engine.job_id().to_owned();
        let mut progress = engine.progress();
        let ticker = tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                if progress.has_changed().is_err() {
                    break;
                }
                let p = progress.borrow_and_update().clone();
                let eta = p.eta_secs.map(|s| format!(", about {s:.0} s left")).unwrap_or_default();
                eprintln!(
                    "{}/{} done, {} failed, {:.1}/s{eta}",
                    p.done, p.total, p.failed, p.rate_per_sec
                );
            }
        });
        let outcome = engine.run().await;
        ticker.abort();
        let summary = match outcome {
            Ok(s) => s,
            Err(e) => {
                eprintln!("sia invite: {e} ({}); the job stays in the journal and resumes on the next run", e.code());
                if let Ok(s) = journal.summary(&job_id) {
                    print_summary(&s);
                }
                return ExitCode::FAILURE;
            }
        };
        print_summary(&summary);
        if let Some(path) = &args.results {
            match export_results(&journal, &job_id, path) {
                Ok(n) => eprintln!("results file written ({n} rows)"),
                Err(e) => eprintln!("sia invite: {e} ({})", e.code()),
            }
        }
        if summary.failed > 0 || summary.status != InviteJobStatus::Completed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: InviteArgs,
    }

    fn parse(argv: &[&str]) -> Option<InviteArgs> {
        Cli::try_parse_from(std::iter::once("sia-invite").chain(argv.iter().copied()))
            .ok()
            .map(|c| c.args)
    }

    #[test]
    fn a_token_on_the_command_line_is_refused_before_anything_runs() {
        for argv in [
            &["f.csv", "--to", "http://127.0.0.1:1", "--token", "s3cret"][..],
            &["f.csv", "--to", "http://127.0.0.1:1", "--token=s3cret"][..],
            &["f.csv", "--to", "http://127.0.0.1:1", "--token"][..],
        ] {
            let args = parse(argv).expect("parses");
            assert_eq!(run(args), ExitCode::from(2), "{argv:?}");
        }
    }

    #[test]
    fn flags_reach_the_args() {
        let a = parse(&[
            "f.csv",
            "--to",
            "http://x.io/scim/v2",
            "--dry-run",
            "--rate",
            "50/1",
            "--concurrency",
            "8",
        ])
        .expect("parses");
        assert!(a.dry_run);
        assert_eq!(a.rate.as_deref(), Some("50/1"));
        assert_eq!(a.concurrency, 8);
        assert_eq!(a.journal, PathBuf::from("sia-invite-journal.sqlite"));
        assert!(parse(&["f.csv"]).is_none(), "--to is required");
        // A bad rate is refused with a code, before the file is read.
        let a = parse(&["missing.csv", "--to", "http://x.io", "--rate", "0/1"]).expect("parses");
        assert_eq!(run(a), ExitCode::from(2));
    }

    #[test]
    fn dry_run_reads_the_file_and_sends_nothing() {
        let dir = std::env::temp_dir().join(format!("sia-invite-dry-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("people.csv");
        std::fs::write(&file, "Email,First Name\nmei@example.com,Mei\n").expect("write");
        let a = parse(&[
            &file.display().to_string(),
            "--to",
            "http://127.0.0.1:9",
            "--dry-run",
            "--journal",
            &dir.join("j.sqlite").display().to_string(),
        ])
        .expect("parses");
        // Port 9 has no service: success proves no request was made.
        assert_eq!(run(a), ExitCode::SUCCESS);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
