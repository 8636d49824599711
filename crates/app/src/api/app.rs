//! App-wide commands: what the app is, the dashboard, and the admin's own
//! confirmations and choices.

use serde::Serialize;
use ts_rs::TS;

use sia_core::{Dashboard, Preference, PrerequisiteId, StepId, StepStatus, Theme};

use crate::error::{AppError, AppResult};
use crate::launch::{self, LaunchSource};
use crate::locale::{self, UiLanguage};
use crate::mode::{ActionsAccess, Mode};
use crate::state::{AppState, RunMode, mode_dir};

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub demo: bool,
    /// Which services, and how Actions is reached (`crate::mode`): every screen shows it.
    pub mode: Mode,
    /// The language to show: the admin's choice, else the OS locale's.
    pub language: UiLanguage,
    /// The look the admin chose (the window resolves "system" itself, live).
    pub theme: Theme,
    /// Why this run is demo or real: started with `--demo`/`SIA_DEMO` (the window cannot switch
    /// then), the admin's choice, or nothing said.
    pub launch: LaunchSource,
    pub os_locale: String,
    /// Set when the saved progress could not be opened and this session keeps it in memory only.
    pub store_problem: Option<AppError>,
    /// Set when the credential settings file could not be read: connecting is refused until fixed.
    pub vault_problem: Option<AppError>,
    /// In demo mode: where the stand-in services listen (never a secret).
    #[cfg(feature = "demo")]
    pub demo_services: Option<sia_sandbox::SandboxInfo>,
    /// In demo mode: why the stand-in services could not start.
    pub demo_problem: Option<AppError>,
    /// The app was launched with a file to import: open on step 5's import (once).
    pub open_import: bool,
}

pub async fn app_info(state: &AppState) -> AppResult<AppInfo> {
    let language = state.language();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        demo: state.run_mode == RunMode::Demo,
        mode: state.mode(),
        language,
        theme: state.theme(),
        launch: state.launch.source,
        os_locale: state.os_locale.clone(),
        store_problem: state.store_problem.clone(),
        vault_problem: state.vault.as_ref().err().cloned(),
        #[cfg(feature = "demo")]
        demo_services: state.demo.as_ref().and_then(|d| d.info()),
        demo_problem: state.demo.as_ref().and_then(|d| d.problem()),
        open_import: state.import.take_show_request(),
    })
}

/// The seven steps with their status, evidence and age, and the mode: what `sia status --json`
/// prints and the diagnostics carry, so support reads one shape wherever it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct StatusReport {
    pub mode: &'static str,
    pub steps: Vec<StepStatus>,
}

pub fn status_report(state: &AppState) -> AppResult<StatusReport> {
    let dashboard = state.with_store(|s| s.dashboard())?;
    Ok(StatusReport {
        mode: state.mode().name(),
        steps: dashboard.steps,
    })
}

pub async fn dashboard(state: &AppState) -> AppResult<Dashboard> {
    Ok(state.with_store(|s| s.dashboard())?)
}

pub async fn start_step(state: &AppState, step: StepId) -> AppResult<Dashboard> {
    Ok(state.with_store(|s| {
        s.mark_started(step)?;
        s.dashboard()
    })?)
}

pub async fn confirm_step(state: &AppState, step: StepId, confirmed: bool) -> AppResult<Dashboard> {
    Ok(state.with_store(|s| {
        s.confirm_step(step, confirmed)?;
        s.dashboard()
    })?)
}

pub async fn confirm_prerequisite(
    state: &AppState,
    id: PrerequisiteId,
    confirmed: bool,
) -> AppResult<Dashboard> {
    Ok(state.with_store(|s| {
        s.confirm_prerequisite(id, confirmed)?;
        s.dashboard()
    })?)
}

pub async fn set_language(state: &AppState, language: UiLanguage) -> AppResult<()> {
    Ok(state.with_store(|s| s.set_preference(Preference::Language, locale::tag(language)))?)
}

pub async fn set_theme(state: &AppState, theme: Theme) -> AppResult<()> {
    Ok(state.with_store(|s| s.set_preference(Preference::Theme, theme.tag()))?)
}

/// Remembers the demo (or the real setup) for the next start; the window then restarts into it.
/// Refused when this run's mode came from `--demo` or `SIA_DEMO`, which the restart would keep.
/// The admin's language and look go with them, so the other mode opens as they left this one.
pub async fn switch_launch_mode(state: &AppState, demo: bool) -> AppResult<()> {
    if state.launch.is_forced() {
        return Err(AppError::new(
            "app_launch_forced",
            "This run was started with --demo or SIA_DEMO, which decide the mode. Start SIA Setup without them to switch from the window.",
        ));
    }
    let Some(base) = &state.base_dir else {
        return Err(AppError::new(
            "app_launch_unavailable",
            "This run cannot switch between the demo and the real setup.",
        ));
    };
    let target = if demo { RunMode::Demo } else { RunMode::Live };
    // Best effort: a mode whose progress cannot be opened keeps its own language and look.
    match sia_core::SetupStore::open(&mode_dir(base, target)) {
        Ok(other) => {
            let carry = [
                (Preference::Language, locale::tag(state.language())),
                (Preference::Theme, state.theme().tag()),
            ];
            for (pref, value) in carry {
                if let Err(error) = other.set_preference(pref, value) {
                    let code = AppError::from(error).code;
                    tracing::warn!(%code, "the other mode keeps its own preferences");
                }
            }
        }
        Err(error) => {
            let code = AppError::from(error).code;
            tracing::warn!(%code, "the other mode keeps its own preferences");
        }
    }
    launch::remember(base, target).map_err(|_| {
        AppError::new(
            "app_launch_not_saved",
            "SIA Setup could not remember the mode to start in (the data folder is not writable).",
        )
    })?;
    tracing::info!(demo, "switching mode: restarting");
    Ok(())
}

/// The UI calls this once, after the first dashboard is painted: the shell logs
/// how long start-up took (the start-up benchmark reads this line).
pub async fn ui_ready(state: &AppState) -> AppResult<()> {
    if let Some(elapsed) = state.started.mark_painted() {
        tracing::info!(
            target: "sia::startup",
            "dashboard painted {} ms after start",
            elapsed.as_millis()
        );
    }
    Ok(())
}

/// Demo only: runs the demo with the stand-in's Actions admin API, or guided as the real product.
pub async fn set_demo_actions_access(state: &AppState, access: ActionsAccess) -> AppResult<Mode> {
    state.set_demo_actions_access(access)
}

/// Re-runs every check a real API can answer (at start, off the first paint); the dashboard.
pub async fn refresh_checks(state: &AppState) -> AppResult<Dashboard> {
    crate::checks::refresh_all(state).await
}

/// Re-runs the checks of `step` (when its screen opens); the dashboard.
pub async fn check_step(state: &AppState, step: StepId) -> AppResult<Dashboard> {
    crate::checks::check_step(state, step).await
}
