//! `sia status` and `sia check`: the seven steps as the window shows them, from the same data
//! folder (the app's, or `SIA_DATA_DIR`), through the same application (`sia-app`).

use std::process::ExitCode;

use clap::Args;
use sia_app::state::{StartClock, data_dir, default_app_data_dir};
use sia_app::{AppState, Mode};
use sia_core::Dashboard;

#[derive(Args)]
pub struct StatusArgs {
    /// Print `{"mode": …, "steps": [...]}` instead of the human summary.
    #[arg(long)]
    json: bool,
    /// The demo's progress (its own data folder), not the real setup's.
    #[arg(long)]
    demo: bool,
}

/// `sia status`: reads the progress only; nothing is contacted.
pub fn status(args: StatusArgs) -> ExitCode {
    let mode = crate::common::run_mode(args.demo);
    let dir = data_dir(default_app_data_dir(), mode);
    let state = AppState::open(&dir, mode, sia_app::locale::os_locale());
    print(&state, args.json)
}

/// `sia check`: re-runs every check a real API can answer, then prints the status.
pub fn check(args: StatusArgs) -> ExitCode {
    let mode = crate::common::run_mode(args.demo);
    let state = AppState::start(default_app_data_dir(), mode, StartClock::now());
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("sia: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = runtime.block_on(sia_app::api::app::refresh_checks(&state)) {
        return crate::common::fail(&error);
    }
    print(&state, args.json)
}

fn print(state: &AppState, json: bool) -> ExitCode {
    if json {
        // The same report the diagnostics zip carries (`sia_app::api::app::status_report`).
        let report = match sia_app::api::app::status_report(state) {
            Ok(report) => report,
            Err(error) => {
                eprintln!("sia: the saved progress cannot be read ({})", error.code);
                return ExitCode::FAILURE;
            }
        };
        return match serde_json::to_string_pretty(&report) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(_) => ExitCode::FAILURE,
        };
    }
    let dashboard = match state.with_store(|s| s.dashboard()) {
        Ok(dashboard) => dashboard,
        Err(error) => {
            eprintln!("sia: the saved progress cannot be read ({})", error.code());
            return ExitCode::FAILURE;
        }
    };
    print_human(state.mode(), &dashboard);
    ExitCode::SUCCESS
}

fn print_human(mode: Mode, dashboard: &Dashboard) {
    let t = crate::text::text();
    println!("{}: {}", t.mode, mode.name());
    for step in &dashboard.steps {
        let how = match step.source {
            sia_core::StatusSource::Checked => t.checked,
            sia_core::StatusSource::Confirmed => t.confirmed,
            sia_core::StatusSource::Unknown => "",
        };
        let when = step.checked_at.as_deref().or(step.updated_at.as_deref());
        println!(
            "{}. {:<48} {:<16} {}{}",
            step.number,
            t.step(step.step),
            t.state(step.state),
            how,
            when.map(|w| format!(" ({w})")).unwrap_or_default()
        );
        if let Some(evidence) = &step.evidence {
            println!(
                "   {}: {}",
                t.evidence,
                serde_json::to_string(evidence).unwrap_or_default()
            );
        }
        if let Some(problem) = &step.check_problem {
            println!("   {}: {} ({})", t.check_failed, problem.code, problem.at);
        }
    }
}
