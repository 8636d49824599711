//! Step 5's invites over IPC: check a typed list, start a job (from the form or the confirmed
//! import), pause / resume / cancel, resume an unfinished job, results, results file, revoke.

use std::path::PathBuf;

use sia_csv::{InvalidPolicy, PeopleDefaults, Role};
use sia_invite::{InviteRevokeSummary, Invitee};
use tauri::{AppHandle, Runtime, State};

use crate::error::{IpcError, IpcResult};
use crate::invite::{
    self, CSV_SOURCE_PREFIX, FORM_SOURCE, InviteFormInfo, InviteListCheck, InviteOverview,
    InviteResults, InviteStarted,
};
use crate::state::AppState;

/// Runs `work` on a blocking thread: checking a long list and the journal's SQLite take a moment.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> IpcResult<T> + Send + 'static,
) -> IpcResult<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|_| IpcError::new("invite_internal", "the invite step stopped unexpectedly"))?
}

/// Teams, workspaces and seats the form offers.
#[tauri::command]
pub async fn invite_form_info(state: State<'_, AppState>) -> IpcResult<InviteFormInfo> {
    Ok(invite::form_info(&invite::directory(&state).await?))
}

/// Checks a typed or pasted list with the import's cleaning and validation; keeps its valid people.
#[tauri::command]
pub async fn invite_check(
    state: State<'_, AppState>,
    list: String,
    teams: Vec<String>,
    role: Role,
    workspace: Option<String>,
) -> IpcResult<InviteListCheck> {
    let directory = invite::directory(&state).await?;
    let defaults = PeopleDefaults {
        teams,
        role,
        workspace: workspace.filter(|w| !w.trim().is_empty()),
    };
    let check = blocking(move || {
        let people = sia_csv::parse_people_list(&list);
        Ok(sia_csv::check_people(&people, &defaults, directory))
    })
    .await?;
    let check_id = state.invite.keep_checked(&check);
    Ok(InviteListCheck { check_id, check })
}

/// Invites the valid people of a checked list (once: a second call finds nothing to start).
#[tauri::command]
pub async fn invite_start_checked<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    check_id: u32,
) -> IpcResult<InviteStarted> {
    let target = invite::target(&state)?;
    let invitees = state.invite.take_checked(check_id)?;
    state
        .invite
        .start(app, target, FORM_SOURCE, &invitees)
        .inspect_err(|e| tracing::warn!(code = %e.code, "invite job not started"))
}

/// Invites the import's confirmed rows (read from the open session here, never from the UI).
#[tauri::command]
pub async fn invite_start_import<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    policy: InvalidPolicy,
) -> IpcResult<InviteStarted> {
    let target = invite::target(&state)?;
    let import = state.import.clone();
    let (file_name, invitees) = blocking(move || {
        import.with(|s| {
            let rows = s.confirmed_rows(policy)?;
            let invitees: Vec<Invitee> = rows.iter().map(invite::invitee).collect();
            Ok((s.summary().file_name, invitees))
        })
    })
    .await?;
    let source = format!("{CSV_SOURCE_PREFIX}{file_name}");
    state.invite.start(app, target, &source, &invitees)
}

/// The running job and the unfinished ones an earlier run left.
#[tauri::command]
pub async fn invite_overview(state: State<'_, AppState>) -> IpcResult<InviteOverview> {
    let invite = state.invite.clone();
    blocking(move || invite.overview()).await
}

#[tauri::command]
pub async fn invite_pause(state: State<'_, AppState>) -> IpcResult<()> {
    state.invite.pause()
}

#[tauri::command]
pub async fn invite_resume(state: State<'_, AppState>) -> IpcResult<()> {
    state.invite.resume()
}

#[tauri::command]
pub async fn invite_cancel(state: State<'_, AppState>) -> IpcResult<()> {
    state.invite.cancel()
}

/// Resumes an unfinished job of an earlier run (or, with `cancel`, settles it as cancelled).
#[tauri::command]
pub async fn invite_resume_job<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    job_id: String,
    cancel: bool,
) -> IpcResult<InviteStarted> {
    let target = invite::target(&state)?;
    state.invite.resume_job(app, target, &job_id, cancel)
}

#[tauri::command]
pub async fn invite_results(
    state: State<'_, AppState>,
    job_id: String,
) -> IpcResult<InviteResults> {
    let invite = state.invite.clone();
    blocking(move || invite.results(&job_id)).await
}

/// Writes the results file (UTF-8 with BOM, formulas neutralised); returns the rows written.
#[tauri::command]
pub async fn invite_export_results(
    state: State<'_, AppState>,
    job_id: String,
    path: PathBuf,
) -> IpcResult<u32> {
    let journal = state.invite.journal()?;
    blocking(move || Ok(sia_invite::export_results(&journal, &job_id, &path)?)).await
}

/// Undo: deletes the job's invitations nobody accepted yet. Refused while the job runs.
#[tauri::command]
pub async fn invite_revoke(
    state: State<'_, AppState>,
    job_id: String,
) -> IpcResult<InviteRevokeSummary> {
    if state.invite.is_running(&job_id) {
        return Err(IpcError::new(
            "invite_job_running",
            "the job is still running; wait for it or cancel it first",
        ));
    }
    let target = invite::target(&state)?;
    let journal = state.invite.journal()?;
    Ok(sia_invite::revoke_pending(&journal, &job_id, target.tokens).await?)
}
