//! `sia sandbox`: start the local stand-ins, print the URLs they serve, run until Ctrl-C.
//! Same `sia_sandbox::Sandbox::start` as tests and demo mode; this file only parses flags and prints.

use clap::Args;
use sia_sandbox::{OrgType, PackageVersion, Sandbox, SandboxConfig};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Args)]
pub struct SandboxArgs {
    /// Salesforce port (0 = any free port).
    #[arg(long, default_value_t = 47801)]
    salesforce_port: u16,
    /// Marketo port (0 = any free port).
    #[arg(long, default_value_t = 47802)]
    marketo_port: u16,
    /// Actions admin API port (0 = any free port).
    #[arg(long, default_value_t = 47803)]
    actions_port: u16,
    /// People in the Marketo database (generated on demand; 100000 is cheap).
    #[arg(long, default_value_t = 5_000)]
    people: u64,
    /// Users in the Salesforce org.
    #[arg(long, default_value_t = 300)]
    users: usize,
    /// Records per Salesforce query page (1..=2000).
    #[arg(long, default_value_t = 2000)]
    page_size: usize,
    /// Seed of the generated data.
    #[arg(long)]
    seed: Option<u64>,
    /// SQLite file that keeps grants and tokens across restarts.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Approve Salesforce logins without showing the login page.
    #[arg(long)]
    auto_approve: bool,
    /// Issue a new Salesforce refresh token on every refresh.
    #[arg(long)]
    rotate_refresh_tokens: bool,
    /// Play a Salesforce sandbox org instead of production.
    #[arg(long)]
    sandbox_org: bool,
    /// Salesforce access token lifetime in seconds.
    #[arg(long)]
    access_token_ttl: Option<u64>,
    /// Marketo access token lifetime in seconds.
    #[arg(long)]
    marketo_token_ttl: Option<u64>,
    /// Installed mkto_si version as MAJOR.MINOR.PATCH, or "none" for not installed.
    #[arg(long)]
    mkto_si: Option<String>,
    /// Marketo calls per 20 s before 606.
    #[arg(long)]
    rate_limit: Option<u32>,
    /// Marketo calls in flight before 615.
    #[arg(long)]
    max_concurrent: Option<u32>,
    /// Marketo calls per day before 607.
    #[arg(long)]
    daily_quota: Option<u64>,
    /// Do not serve the Actions admin API.
    #[arg(long)]
    no_actions: bool,
    /// Print one JSON object with the URLs instead of the human summary.
    #[arg(long)]
    json: bool,
}

fn parse_version(s: &str) -> Result<Option<PackageVersion>, String> {
    if s.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let parts: Vec<u32> = s
        .split('.')
        .map(|p| p.trim().parse::<u32>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("--mkto-si wants MAJOR.MINOR.PATCH or none, got '{s}'"))?;
    match parts[..] {
        [major, minor, patch] => Ok(Some(PackageVersion {
            major,
            minor,
            patch,
        })),
        _ => Err(format!(
            "--mkto-si wants MAJOR.MINOR.PATCH or none, got '{s}'"
        )),
    }
}

fn config(args: &SandboxArgs) -> Result<SandboxConfig, String> {
    let mut c = SandboxConfig::demo();
    c.ports.salesforce = args.salesforce_port;
    c.ports.marketo = args.marketo_port;
    c.ports.actions = args.actions_port;
    c.marketo.people = args.people;
    c.salesforce.user_count = args.users.max(1);
    c.salesforce.page_size = args.page_size.clamp(1, 2000);
    if let Some(seed) = args.seed {
        c.salesforce.seed = seed;
        c.marketo.seed = seed;
    }
    c.state_file = args.state.clone();
    c.salesforce.auto_approve = args.auto_approve;
    c.salesforce.rotate_refresh_tokens = args.rotate_refresh_tokens;
    if args.sandbox_org {
        c.salesforce.org_type = OrgType::Sandbox;
    }
    if let Some(s) = args.access_token_ttl {
        c.salesforce.access_token_ttl = Duration::from_secs(s.max(1));
    }
    if let Some(s) = args.marketo_token_ttl {
        c.marketo.token_ttl = Duration::from_secs(s.max(1));
    }
    if let Some(v) = &args.mkto_si {
        c.salesforce.package_version = parse_version(v)?;
    }
    if let Some(n) = args.rate_limit {
        c.marketo.rate_limit = n;
    }
    if let Some(n) = args.max_concurrent {
        c.marketo.max_concurrent = n;
    }
    if let Some(n) = args.daily_quota {
        c.marketo.daily_quota = n;
    }
    if args.no_actions {
        c.actions = None;
    }
    Ok(c)
}

pub fn run(args: SandboxArgs) -> ExitCode {
    let cfg = match config(&args) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(_) => {
            eprintln!("error: could not start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(serve(cfg, args.json))
}

async fn serve(cfg: SandboxConfig, json: bool) -> ExitCode {
    let running = match Sandbox::start(cfg).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error [{}]: {e}", e.code());
            return ExitCode::FAILURE;
        }
    };
    let info = running.info();
    let creds = running.marketo_credentials();
    if json {
        let out = serde_json::json!({
            "info": info,
            "salesforceConsumerKey": running.salesforce_consumer_key(),
            "marketoClientId": creds.client_id,
            "marketoClientSecret": creds.client_secret,
            "actionsToken": running.actions_token(),
        });
        println!("{out}");
    } else {
        println!("SIA Setup sandbox (local stand-ins, 127.0.0.1 only)");
        println!();
        println!("Salesforce ({:?} org)", info.salesforce_org_type);
        println!("  login host / instance_url  {}", info.salesforce_url);
        println!(
            "  consumer key               {}",
            running.salesforce_consumer_key()
        );
        println!(
            "  registered callbacks       {}",
            info.salesforce_redirect_uris.join(", ")
        );
        println!("Marketo");
        println!("  REST                       {}", info.marketo_rest_url);
        println!("  identity                   {}", info.marketo_identity_url);
        println!("  Munchkin ID                {}", info.munchkin_id);
        println!("  client id                  {}", creds.client_id);
        println!("  client secret (demo)       {}", creds.client_secret);
        match &info.actions_url {
            Some(url) => {
                println!("Actions admin API");
                println!("  base                       {url}");
                println!(
                    "  bearer token (demo)        {}",
                    running.actions_token().unwrap_or("-")
                );
            }
            None => println!("Actions admin API            (not served)"),
        }
        println!();
        println!("Press Ctrl-C to stop.");
    }
    wait_for_stop().await;
    running.shutdown().await;
    if !json {
        println!("stopped");
    }
    ExitCode::SUCCESS
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(clap::Parser)]
    struct Wrapper {
        #[command(flatten)]
        args: SandboxArgs,
    }

    fn parse(flags: &[&str]) -> SandboxArgs {
        use clap::Parser;
        let mut argv = vec!["sandbox"];
        argv.extend_from_slice(flags);
        Wrapper::try_parse_from(argv).expect("flags parse").args
    }

    #[test]
    fn defaults_are_the_demo_preset() {
        let c = config(&parse(&[])).unwrap();
        assert_eq!(c.ports, sia_sandbox::SandboxPorts::DEMO);
        assert!(!c.salesforce.auto_approve);
        assert!(c.actions.is_some());
        assert_eq!(c.state_file, None);
    }

    #[test]
    fn flags_reach_the_config() {
        let c = config(&parse(&[
            "--salesforce-port",
            "0",
            "--marketo-port",
            "0",
            "--actions-port",
            "0",
            "--people",
            "100000",
            "--users",
            "50",
            "--page-size",
            "5000",
            "--seed",
            "7",
            "--state",
            "x.sqlite",
            "--auto-approve",
            "--rotate-refresh-tokens",
            "--sandbox-org",
            "--access-token-ttl",
            "60",
            "--marketo-token-ttl",
            "30",
            "--mkto-si",
            "none",
            "--rate-limit",
            "10",
            "--max-concurrent",
            "2",
            "--daily-quota",
            "99",
            "--no-actions",
        ]))
        .unwrap();
        assert_eq!(c.ports, sia_sandbox::SandboxPorts::ANY);
        assert_eq!(c.marketo.people, 100_000);
        assert_eq!(c.salesforce.user_count, 50);
        assert_eq!(
            c.salesforce.page_size, 2000,
            "clamped to Salesforce's maximum"
        );
        assert_eq!((c.salesforce.seed, c.marketo.seed), (7, 7));
        assert!(c.salesforce.auto_approve && c.salesforce.rotate_refresh_tokens);
        assert_eq!(c.salesforce.org_type, OrgType::Sandbox);
        assert_eq!(c.salesforce.access_token_ttl, Duration::from_secs(60));
        assert_eq!(c.marketo.token_ttl, Duration::from_secs(30));
        assert_eq!(c.salesforce.package_version, None);
        assert_eq!(
            (
                c.marketo.rate_limit,
                c.marketo.max_concurrent,
                c.marketo.daily_quota
            ),
            (10, 2, 99)
        );
        assert!(c.actions.is_none());
        assert!(config(&parse(&["--mkto-si", "1.x"])).is_err());
    }

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("none"), Ok(None));
        assert_eq!(
            parse_version("1.229.0"),
            Ok(Some(PackageVersion {
                major: 1,
                minor: 229,
                patch: 0
            }))
        );
        assert!(parse_version("1.2").is_err());
        assert!(parse_version("x.y.z").is_err());
    }
}
