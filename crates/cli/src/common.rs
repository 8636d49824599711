//! What every subcommand that drives the application shares: the state the window would hold
//! (same data folder, same keychain), a runtime, and how errors and JSON are printed.

use std::process::ExitCode;
use std::sync::Arc;

use serde::Serialize;
use sia_app::state::{RunMode, StartClock, default_app_data_dir};
use sia_app::{AppError, AppState};

/// `--demo`, or `SIA_DEMO=1`: the built-in stand-ins and the demo's own data folder.
pub fn run_mode(demo: bool) -> RunMode {
    if demo || RunMode::from_env() == RunMode::Demo {
        RunMode::Demo
    } else {
        RunMode::Live
    }
}

/// The app as the window starts it (`SIA_DATA_DIR` or the app's data folder; the stand-ins
/// started in demo mode). Call it before entering the runtime: starting the stand-ins blocks.
pub fn start(demo: bool) -> Arc<AppState> {
    Arc::new(AppState::start(
        default_app_data_dir(),
        run_mode(demo),
        StartClock::now(),
    ))
}

/// Runs `work` to completion on a fresh runtime; a runtime that cannot start is an error.
pub fn block_on<T>(work: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|_| AppError::new("cli_runtime", "sia cannot start its async runtime."))?;
    runtime.block_on(work)
}

/// Prints the error's message and code to stderr (never a secret: `AppError` carries none).
pub fn fail(error: &AppError) -> ExitCode {
    eprintln!("sia: {} ({})", error.message, error.code);
    ExitCode::FAILURE
}

/// Appends one line to `out` (human output is built whole, then written once by `emit`).
macro_rules! say {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($out, $($arg)*);
    }};
}
pub(crate) use say;

/// Writes `text` to stdout; a closed pipe (`sia … | head`) is not an error worth a panic.
pub fn emit(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

pub fn print_json<T: Serialize + ?Sized>(value: &T) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(text) => {
            emit(&format!("{text}\n"));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("sia: the answer cannot be printed as JSON ({error})");
            ExitCode::FAILURE
        }
    }
}

/// Prints `value` as JSON, or with `human`; an error as `fail` does.
pub fn finish<T: Serialize>(
    result: Result<T, AppError>,
    json: bool,
    human: impl FnOnce(&mut String, &T),
) -> ExitCode {
    match result {
        Ok(value) if json => print_json(&value),
        Ok(value) => {
            let mut out = String::new();
            human(&mut out, &value);
            emit(&out);
            ExitCode::SUCCESS
        }
        Err(error) => fail(&error),
    }
}
