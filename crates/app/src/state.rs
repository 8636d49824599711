//! What the running app holds: the progress store, whether this is a demo,
//! and the problem to show if the saved progress could not be opened.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use std::sync::Arc;

use sia_core::{Preference, SetupStore, Theme};
use sia_vault::{Environment, Vault};

use crate::demo::DemoServices;
use crate::error::AppError;
use crate::launch::{Launch, LaunchSource};
use crate::locale::{self, UiLanguage};
use crate::salesforce::SalesforceState;

/// Whether the app talks to the real services or to the built-in stand-ins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    Live,
    Demo,
}

impl RunMode {
    /// `--demo` on the command line, or `SIA_DEMO=1` in the environment (`sia`, which does not
    /// follow the window's remembered choice: a script says what it runs against).
    pub fn from_env() -> Self {
        let env = std::env::var("SIA_DEMO").ok();
        crate::launch::resolve(std::env::args(), env.as_deref(), None).mode
    }
}

pub struct AppState {
    pub store: Mutex<SetupStore>,
    /// Stand-ins or real services; `mode()` adds how Actions is reached.
    pub run_mode: RunMode,
    /// Why this run has its mode (a flag, the environment, the admin's choice), for the window's
    /// switch between the demo and the real setup.
    pub launch: Launch,
    /// The base data folder (both modes' folders hang off it), where the chosen mode is
    /// remembered; unknown for a state opened on a bare folder (tests), which cannot switch.
    pub base_dir: Option<PathBuf>,
    pub os_locale: String,
    /// Set when the progress file could not be opened: the app then runs on an
    /// in-memory store and says so, instead of refusing to start or overwriting the file.
    pub store_problem: Option<AppError>,
    pub started: StartClock,
    /// The in-process stand-ins, in demo mode only.
    pub demo: Option<DemoServices>,
    /// Secrets in the OS keychain; an error if the vault's settings file is unreadable.
    pub vault: Result<Arc<Vault>, AppError>,
    pub salesforce: SalesforceState,
    /// The open CSV import of step 5, if any.
    pub import: crate::import::ImportState,
    /// A pasted Marketo Client Secret not yet saved.
    pub marketo: crate::marketo::MarketoState,
    /// Step 5's invite jobs, journaled in `invites.sqlite` in the data folder.
    pub invite: crate::invite::InviteState,
    /// The last read of who is in Actions and Salesforce, for the checks of one intent.
    pub directory: crate::directory::DirectoryCache,
    /// The data folder this state works in (diagnostics write it as `<data>`, never in full).
    pub data_dir: PathBuf,
    /// Where this mode's log files are written (`log_dir`), when the shell writes any.
    pub log_dir: Option<PathBuf>,
    /// The codes of the last errors returned to the window, for the diagnostics.
    pub recent_errors: crate::error::RecentErrors,
}

/// When the process started, and whether the first paint was reported yet.
#[derive(Debug, Clone)]
pub struct StartClock {
    at: Instant,
    painted: std::sync::Arc<AtomicBool>,
}

impl StartClock {
    pub fn now() -> Self {
        Self {
            at: Instant::now(),
            painted: Default::default(),
        }
    }

    /// The time since start, the first time only: a reload of the page is not a start.
    pub fn mark_painted(&self) -> Option<Duration> {
        (!self.painted.swap(true, Ordering::SeqCst)).then(|| self.at.elapsed())
    }
}

impl AppState {
    /// The app as a window or `sia` starts it: the data folder for `mode` under `app_data_dir`
    /// (or `SIA_DATA_DIR`), the demo's stand-ins started in demo mode, remembered mappings loaded.
    pub fn start(app_data_dir: PathBuf, mode: RunMode, started: StartClock) -> Self {
        let base = base_dir(app_data_dir);
        let dir = mode_dir(&base, mode);
        let mut state = AppState::open(&dir, mode, locale::os_locale());
        state.base_dir = Some(base);
        state.started = started;
        state.log_dir = Some(log_dir(default_app_log_dir(), mode));
        if mode == RunMode::Demo {
            state.demo = Some(DemoServices::start(&dir));
        }
        if let Some(problem) = &state.store_problem {
            tracing::warn!(code = %problem.code, "running without saved progress");
        }
        state
            .import
            .remember_mappings_in(dir.join("import-mappings.json"));
        state.import.keep_drafts_in(dir.join("import-draft.json"));
        state
    }

    pub fn open(data_dir: &Path, mode: RunMode, os_locale: String) -> Self {
        let vault = Vault::open(data_dir).map(Arc::new).map_err(AppError::from);
        Self::open_with_vault(data_dir, mode, os_locale, vault)
    }

    /// As `open`, with a given vault (tests pass one over a mock keychain).
    pub fn open_with_vault(
        data_dir: &Path,
        mode: RunMode,
        os_locale: String,
        vault: Result<Arc<Vault>, AppError>,
    ) -> Self {
        let (store, store_problem) = match SetupStore::open(data_dir) {
            Ok(store) => (store, None),
            Err(error) => {
                let problem = AppError::from(error);
                match SetupStore::in_memory() {
                    Ok(store) => (store, Some(problem)),
                    Err(_) => unreachable_in_memory(),
                }
            }
        };
        Self {
            store: Mutex::new(store),
            run_mode: mode,
            launch: Launch {
                mode,
                source: LaunchSource::Default,
            },
            base_dir: None,
            os_locale,
            store_problem,
            started: StartClock::now(),
            demo: None,
            vault,
            salesforce: SalesforceState::default(),
            import: Default::default(),
            marketo: Default::default(),
            invite: crate::invite::InviteState::new(Some(data_dir.join(INVITE_JOURNAL))),
            directory: Default::default(),
            data_dir: data_dir.to_path_buf(),
            log_dir: None,
            recent_errors: Default::default(),
        }
    }

    /// The language to show: the admin's choice, else the OS locale's.
    pub fn language(&self) -> UiLanguage {
        self.with_store(|s| s.preference(Preference::Language))
            .ok()
            .flatten()
            .as_deref()
            .and_then(locale::from_tag)
            .unwrap_or_else(|| locale::from_os_locale(&self.os_locale))
    }

    /// As the window started: why it has its mode (see `launch::for_window`).
    pub fn launched(mut self, launch: Launch) -> Self {
        self.launch = launch;
        self
    }

    /// The look the admin chose; "follow the OS" until they choose.
    pub fn theme(&self) -> Theme {
        self.with_store(|s| s.preference(Preference::Theme))
            .ok()
            .flatten()
            .map(|tag| Theme::from_tag(&tag))
            .unwrap_or_default()
    }

    /// Which set of credentials the app works with: the demo's own in demo mode,
    /// else the one the admin last chose (production unless they chose sandbox).
    pub fn environment(&self) -> Environment {
        match (self.run_mode, &self.vault) {
            (RunMode::Demo, _) => Environment::Demo,
            (RunMode::Live, Ok(vault)) => vault
                .preferences()
                .environment
                .filter(|e| *e != Environment::Demo)
                .unwrap_or(Environment::Production),
            (RunMode::Live, Err(_)) => Environment::Production,
        }
    }

    pub fn vault(&self) -> Result<Arc<Vault>, AppError> {
        self.vault.clone()
    }

    /// Runs `f` with the store. A poisoned lock (a panic while holding it) is
    /// recovered: the store is SQLite, whose own transactions keep it consistent.
    pub fn with_store<T>(&self, f: impl FnOnce(&SetupStore) -> T) -> T {
        let guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        f(&guard)
    }
}

/// The invite journal's file name in the data folder.
pub const INVITE_JOURNAL: &str = "invites.sqlite";

/// An in-memory SQLite database only fails to open when the process is out of memory.
fn unreachable_in_memory() -> ! {
    eprintln!("SIA Setup cannot start: not enough memory to open even an in-memory database.");
    std::process::exit(70)
}

/// The window's bundle identifier (`tauri.conf.json`): its data folder's name.
pub const APP_IDENTIFIER: &str = "app.siasetup.desktop";

/// The OS app-data folder Tauri gives the window (`{data dir}/{identifier}`), for `sia`, which has
/// no Tauri to ask: both then read the same progress.
pub fn default_app_data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_IDENTIFIER)
}

/// Where the progress file lives: `SIA_DATA_DIR` if set (tests point it at a
/// temporary folder), else the OS app-data folder; demo runs keep their own subfolder
/// so trying the demo never touches a real setup's progress.
pub fn data_dir(app_data_dir: PathBuf, mode: RunMode) -> PathBuf {
    mode_dir(&base_dir(app_data_dir), mode)
}

/// The folder both modes hang off: `SIA_DATA_DIR` if set, else the OS app-data folder.
pub fn base_dir(app_data_dir: PathBuf) -> PathBuf {
    std::env::var_os("SIA_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or(app_data_dir)
}

/// One mode's folder under the base folder.
pub fn mode_dir(base: &Path, mode: RunMode) -> PathBuf {
    let base = base.to_path_buf();
    match mode {
        RunMode::Demo => base.join("demo"),
        RunMode::Live => base,
    }
}

/// The OS log folder Tauri gives the window (`app_log_dir`): `~/Library/Logs/{identifier}` on
/// macOS, `{local data dir}/{identifier}/logs` elsewhere.
pub fn default_app_log_dir() -> PathBuf {
    if cfg!(target_os = "macos") {
        dirs::home_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("Library/Logs")
            .join(APP_IDENTIFIER)
    } else {
        dirs::data_local_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join(APP_IDENTIFIER)
            .join("logs")
    }
}

/// Where this mode's log files go. Per mode, like the data folder: the demo's lines (stand-in
/// people, stand-in errors) would otherwise be exported with a real setup's diagnostics and send
/// support after problems that never happened, and a switch of mode (a restart) would interleave
/// two runs in one file. With `SIA_DATA_DIR` (tests, a second setup kept apart) the logs stay
/// inside that folder, so one run's files never land in the OS folder of another.
pub fn log_dir(app_log_dir: PathBuf, mode: RunMode) -> PathBuf {
    if std::env::var_os("SIA_DATA_DIR").is_some() {
        return data_dir(PathBuf::new(), mode).join("logs");
    }
    match mode {
        RunMode::Demo => app_log_dir.join("demo"),
        RunMode::Live => app_log_dir,
    }
}
