//! `sia salesforce …`: step 2's sign-in and the org checks, through the same application calls
//! as the window (`sia_app::api::salesforce`), against the same keychain and data folder.

use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use serde::Serialize;
use serde_json::Value;
use sia_app::api::salesforce::SalesforceChecks;
use sia_app::events::{Events, SharedEvents};
use sia_app::{AppError, api};
use sia_salesforce::{ApiEnabledSource, PackageStatus, RemoteSiteState, SalesforceUser};
use tokio::sync::mpsc;

use crate::common::{self, say};
use crate::text::{Text, text};

#[derive(Subcommand)]
pub enum SalesforceCommand {
    /// Sign SIA Setup in to Salesforce (the saved login settings) and wait for the outcome.
    Login(LoginArgs),
    /// Check the MSI package and the Remote Site Settings in the connected org.
    Checks(OutputArgs),
    /// The connected org's users: email, active, API Enabled and where it comes from.
    Users(OutputArgs),
}

#[derive(Args)]
pub struct LoginArgs {
    /// Print the address only; do not try to open a browser.
    #[arg(long)]
    no_browser: bool,
    /// The built-in stand-ins and the demo's data folder.
    #[arg(long)]
    demo: bool,
}

#[derive(Args)]
pub struct OutputArgs {
    /// Print JSON instead of the human summary.
    #[arg(long)]
    json: bool,
    /// The built-in stand-ins and the demo's data folder.
    #[arg(long)]
    demo: bool,
}

pub fn run(command: SalesforceCommand) -> ExitCode {
    match command {
        SalesforceCommand::Login(args) => login(args),
        SalesforceCommand::Checks(args) => {
            let state = common::start(args.demo);
            let result = common::block_on(api::salesforce::salesforce_check(&state));
            common::finish(result, args.json, |o, checks| {
                print_checks(o, text(), checks)
            })
        }
        SalesforceCommand::Users(args) => {
            let state = common::start(args.demo);
            let result = common::block_on(async {
                let users = sia_app::salesforce::connected_client(&state)
                    .await?
                    .users()
                    .await
                    .map_err(AppError::from)?;
                Ok(UsersJson {
                    permission_sets_read: users.permission_sets_read(),
                    users: users.all().to_vec(),
                })
            });
            common::finish(result, args.json, |o, users| print_users(o, text(), users))
        }
    }
}

/// Forwards the app's events to the waiting command; never blocks the job that emits.
struct ChannelEvents(mpsc::UnboundedSender<(String, Value)>);

impl Events for ChannelEvents {
    fn emit_json(&self, event: &str, payload: Value) {
        // The receiver is gone only once the command has finished waiting.
        let _ = self.0.send((event.to_string(), payload));
    }
}

enum LoginOutcome {
    Connected(Value),
    Refused { error: AppError, keychain: bool },
    Cancelled,
}

fn login(args: LoginArgs) -> ExitCode {
    let t = text();
    let state = common::start(args.demo);
    let no_browser = args.no_browser;
    let result = common::block_on(async {
        let (sender, mut receiver) = mpsc::unbounded_channel();
        let events: SharedEvents = Arc::new(ChannelEvents(sender));
        let settings = api::salesforce::salesforce_overview(&state).await?.settings;
        let started = api::salesforce::salesforce_connect(&state, events, settings, |url| {
            !no_browser && open_browser(url)
        })
        .await?;
        println!("{}\n\n  {}\n", t.open_in_browser, started.authorize_url);
        if started.browser_opened {
            println!("{}", t.browser_opened);
        } else if !no_browser {
            println!("{}", t.browser_not_opened);
        }
        println!("{}", t.waiting);
        loop {
            tokio::select! {
                received = receiver.recv() => match received {
                    Some((event, payload)) if event == sia_app::salesforce::LOGIN_EVENT => {
                        return Ok(outcome(payload));
                    }
                    Some(_) => continue,
                    None => return Ok(LoginOutcome::Cancelled),
                },
                _ = tokio::signal::ctrl_c() => {
                    api::salesforce::salesforce_cancel(&state).await?;
                    return Ok(LoginOutcome::Cancelled);
                }
            }
        }
    });
    match result {
        Ok(LoginOutcome::Connected(session)) => {
            let field = |name: &str| session[name].as_str().unwrap_or_default().to_string();
            let who = match field("displayName") {
                name if name.is_empty() => field("email"),
                name => format!("{name} <{}>", field("email")),
            };
            println!(
                "{} {who} ({}, {}, {})",
                t.connected_as,
                field("username"),
                field("orgType"),
                field("instanceUrl")
            );
            ExitCode::SUCCESS
        }
        Ok(LoginOutcome::Refused { error, keychain }) => {
            let heading = if keychain {
                t.keychain_refused
            } else {
                t.sign_in_refused
            };
            eprintln!("{heading}.");
            common::fail(&error)
        }
        Ok(LoginOutcome::Cancelled) => {
            eprintln!("{}", t.cancelled);
            ExitCode::FAILURE
        }
        Err(error) => common::fail(&error),
    }
}

/// Reads a `salesforce-login` payload (`SalesforceLoginEvent` as the window receives it).
fn outcome(payload: Value) -> LoginOutcome {
    let kind = payload["kind"].as_str().unwrap_or_default().to_string();
    if kind == "connected" {
        return LoginOutcome::Connected(payload["session"].clone());
    }
    let error = &payload["error"];
    let text = |name: &str| error[name].as_str().unwrap_or_default().to_string();
    let error = if error.is_object() {
        AppError::new(text("code"), text("message"))
    } else {
        AppError::new(
            "salesforce_login_unknown",
            "The sign-in ended without saying how.",
        )
    };
    LoginOutcome::Refused {
        error,
        keychain: kind == "keychainRefused",
    }
}

/// Opens `url` in the default browser; false when no opener exists or it failed at once.
fn open_browser(url: &str) -> bool {
    let mut command = if cfg!(target_os = "macos") {
        Command::new("open")
    } else if cfg!(windows) {
        // `cmd /C start` would split the URL at its `&`s; this handler takes it whole.
        let mut command = Command::new("rundll32");
        command.arg("url.dll,FileProtocolHandler");
        command
    } else {
        Command::new("xdg-open")
    };
    let spawned = command
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = spawned else {
        return false;
    };
    // Openers usually exit at once; one that keeps running (a browser started in the
    // foreground) has opened it.
    let deadline = Instant::now() + Duration::from_secs(3);
    while Instant::now() < deadline {
        match child.try_wait() {
            Ok(Some(status)) => return status.success(),
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(_) => return false,
        }
    }
    true
}

fn print_checks(o: &mut String, t: &Text, checks: &SalesforceChecks) {
    match &checks.package {
        PackageStatus::Installed { version } => {
            say!(o, "{}: {} ({version})", t.package, t.package_installed)
        }
        PackageStatus::Missing { listing_url } => {
            say!(o, "{}: {} — {listing_url}", t.package, t.package_missing)
        }
        PackageStatus::Outdated {
            installed,
            required,
            listing_url,
        } => say!(
            o,
            "{}: {} ({installed} < {required}) — {listing_url}",
            t.package,
            t.package_outdated
        ),
    }
    say!(o, "{}:", t.remote_sites);
    for site in &checks.remote_sites.sites {
        let state = match site.state {
            RemoteSiteState::Active => t.site_active,
            RemoteSiteState::Inactive => t.site_inactive,
            RemoteSiteState::Missing => t.site_missing,
        };
        let name = site
            .site_name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        say!(o, "  {:<10} {}{name}", state, site.url);
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UsersJson {
    /// False when API Enabled comes from profiles only (permission sets were not readable).
    permission_sets_read: bool,
    users: Vec<SalesforceUser>,
}

fn print_users(o: &mut String, t: &Text, users: &UsersJson) {
    say!(o, "{} ({}):", t.users, users.users.len());
    for user in &users.users {
        let active = if user.active { t.active } else { t.inactive };
        let api = match user.api_enabled_source {
            Some(ApiEnabledSource::Profile) => t.api_profile,
            Some(ApiEnabledSource::PermissionSet) => t.api_permission_set,
            None => t.api_off,
        };
        say!(o, "  {:<40} {:<10} {api}", user.email, active);
    }
    if !users.permission_sets_read {
        say!(o, "{}", t.profiles_only);
    }
}
