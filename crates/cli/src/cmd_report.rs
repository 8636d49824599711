//! `sia report <path>`: the setup report (one HTML file to hand over), written by the same code as
//! the window's "Export setup report…" (`sia_app::report`), from the same data folder. Reads the
//! saved progress only: nothing is contacted (run `sia check` first for fresh evidence).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use sia_app::AppState;
use sia_app::state::{data_dir, default_app_data_dir};

#[derive(Args)]
pub struct ReportArgs {
    /// Where to write the report (an .html file).
    path: PathBuf,
    /// The demo's progress (its own data folder), not the real setup's.
    #[arg(long)]
    demo: bool,
}

pub fn run(args: ReportArgs) -> ExitCode {
    let mode = crate::common::run_mode(args.demo);
    let dir = data_dir(default_app_data_dir(), mode);
    let state = AppState::open(&dir, mode, sia_app::locale::os_locale());
    match sia_app::report::write(&state, &args.path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => crate::common::fail(&error),
    }
}
