//! Where the app's log lines go: stderr and, for support, a daily file per mode.

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::state::{RunMode, default_app_log_dir, log_dir};

/// Logs to stderr, as always, and to a daily file in this mode's log folder for support
/// (`sia_app::state::log_dir`: per mode like the data folder), kept a week. INFO for the app's own
/// crates, WARN for the rest, unless `SIA_LOG` says otherwise. The file gets the very same lines
/// as stderr: secrets redact themselves in every `Debug`/`Display` (`sia-secret`), and
/// "Export diagnostics…" redacts paths and other people's addresses on the way out.
/// The writer is synchronous on purpose: a line logged just before a crash or a kill is on disk.
pub fn start(mode: RunMode) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SIA_LOG")
        .unwrap_or_else(|_| "warn,sia=info".into());
    let stderr = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let dir = log_dir(default_app_log_dir(), mode);
    let file = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(crate::diagnostics::LOG_PREFIX)
        .filename_suffix("log")
        .max_log_files(crate::diagnostics::LOG_FILES)
        .build(&dir);
    let registry = tracing_subscriber::registry().with(filter).with(stderr);
    match file {
        Ok(file) => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(file),
            )
            .init(),
        Err(error) => {
            registry.init();
            tracing::warn!("no log file this run: {error}");
        }
    }
}
