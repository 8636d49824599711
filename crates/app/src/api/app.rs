//! App-wide commands: what the app is, the dashboard, and the admin's own
//! confirmations and choices.

use serde::Serialize;
use ts_rs::TS;

use sia_core::{Dashboard, Preference, PrerequisiteId, StepId, StepStatus};

use crate::error::{AppError, AppResult};
use crate::locale::{self, UiLanguage};
use crate::mode::{ActionsAccess, Mode};
use crate::state::{AppState, RunMode};

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
