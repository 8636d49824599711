//! Step 5's invites over IPC: check a typed list, start a job (from the form or the confirmed
//! import), pause / resume / cancel, resume an unfinished job, results, results file, revoke.

use std::path::PathBuf;

use sia_csv::{InvalidPolicy, InviteRow, PeopleDefaults, Role};
use sia_invite::{InviteRevokeSummary, Invitee};

use crate::directory::Read;
use crate::error::{AppError, AppResult};
use crate::events::SharedEvents;
use crate::invite::{
    self, CSV_SOURCE_PREFIX, FORM_SOURCE, InviteFormInfo, InviteListCheck, InviteOverview,
    InviteResults, InviteStarted,
};
use crate::state::AppState;

/// Runs `work` on a blocking thread: checking a long list and the journal's SQLite take a moment.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| AppError::new("invite_internal", "the invite step stopped unexpectedly"))?
}

/// Teams, workspaces and seats the form offers.
pub async fn invite_form_info(state: &AppState) -> AppResult<InviteFormInfo> {
    Ok(invite::form_info(
        &invite::directory(state, Read::Fresh).await?,
    ))
}

/// Checks a typed or pasted list with the import's cleaning and validation; keeps its valid people.
pub async fn invite_check(
    state: &AppState,
    list: String,
    teams: Vec<String>,
    role: Role,
    workspace: Option<String>,
) -> AppResult<InviteListCheck> {
    let directory = invite::directory(state, Read::FollowUp).await?;
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
pub async fn invite_start_checked(
    events: SharedEvents,
    state: &AppState,
    check_id: u32,
) -> AppResult<InviteStarted> {
    let target = invite::target(state)?;
    let invitees = state.invite.take_checked(check_id)?;
    state.directory.forget().await;
    state
        .invite
        .start(events, target, FORM_SOURCE, &invitees)
        .inspect_err(|e| tracing::warn!(code = %e.code, "invite job not started"))
}

/// Invites the import's confirmed rows (read from the open session here, never from the UI).
pub async fn invite_start_import(
    events: SharedEvents,
    state: &AppState,
    policy: InvalidPolicy,
) -> AppResult<InviteStarted> {
    let target = invite::target(state)?;
    let import = state.import.clone();
    let (file_name, invitees) = blocking(move || {
        import.with(|s| {
            let rows = s.confirmed_rows(policy)?;
            let invitees: Vec<Invitee> = rows.iter().map(InviteRow::invitee).collect();
            Ok((s.summary().file_name, invitees))
        })
    })
    .await?;
    let source = format!("{CSV_SOURCE_PREFIX}{file_name}");
    state.directory.forget().await;
    let started = state.invite.start(events, target, &source, &invitees)?;
    // The fixed rows are in the job's journal now, which outlives a kill on its own.
    state.import.discard_draft();
    Ok(started)
}

/// The running job and the unfinished ones an earlier run left.
pub async fn invite_overview(state: &AppState) -> AppResult<InviteOverview> {
    let invite = state.invite.clone();
    blocking(move || invite.overview()).await
}

pub async fn invite_pause(state: &AppState) -> AppResult<()> {
    state.invite.pause()
}

pub async fn invite_resume(state: &AppState) -> AppResult<()> {
    state.invite.resume()
}

pub async fn invite_cancel(state: &AppState) -> AppResult<()> {
    state.invite.cancel()
}

/// Resumes an unfinished job of an earlier run (or, with `cancel`, settles it as cancelled).
pub async fn invite_resume_job(
    events: SharedEvents,
    state: &AppState,
    job_id: String,
    cancel: bool,
) -> AppResult<InviteStarted> {
    let target = invite::target(state)?;
    state.directory.forget().await;
    state.invite.resume_job(events, target, &job_id, cancel)
}

pub async fn invite_results(state: &AppState, job_id: String) -> AppResult<InviteResults> {
    let invite = state.invite.clone();
    blocking(move || invite.results(&job_id)).await
}

/// Writes the results file (UTF-8 with BOM, formulas neutralised); returns the rows written.
pub async fn invite_export_results(
    state: &AppState,
    job_id: String,
    path: PathBuf,
) -> AppResult<u32> {
    let journal = state.invite.journal()?;
    blocking(move || Ok(sia_invite::export_results(&journal, &job_id, &path)?)).await
}

/// Saves a checked list's valid people as Actions' upload file, the same file the import's
/// "Save upload file" writes (Team(s) / Role / Workspace as the form set them); the list stays
/// available to invite. Returns the rows written.
pub async fn invite_export_upload(
    state: &AppState,
    check_id: u32,
    path: PathBuf,
) -> AppResult<u32> {
    let people = state.invite.peek_checked(check_id)?;
    blocking(move || {
        let columns = sia_csv::UploadColumns::for_list(&people);
        Ok(sia_csv::export_upload(&people, &columns, &path)?)
    })
    .await
}

/// Undo: deletes the job's invitations nobody accepted yet. Refused while the job runs.
pub async fn invite_revoke(state: &AppState, job_id: String) -> AppResult<InviteRevokeSummary> {
    if state.invite.is_running(&job_id) {
        return Err(AppError::new(
            "invite_job_running",
            "the job is still running; wait for it or cancel it first",
        ));
    }
    let target = invite::target(state)?;
    let journal = state.invite.journal()?;
    state.directory.forget().await;
    Ok(sia_invite::revoke_pending(&journal, &job_id, target.tokens).await?)
}

/// Step 5, real product: who of the invited (this app's jobs plus `extra`, addresses pasted from
/// invites sent in the vendor's UI) has activated, who is blocked and why, read from Salesforce
/// in a few whole-org queries.
pub async fn activation_tracker(
    state: &AppState,
    extra: Vec<String>,
) -> AppResult<crate::tracker::ActivationTracker> {
    crate::tracker::activation(state, extra).await
}

/// Reads the tracker again (the journal's invitees plus `extra`, as on screen) and writes it as a
/// CSV file in the admin's language (UTF-8 with BOM, formula-safe). Returns the tracker written,
/// so the panel shows exactly what the file holds.
pub async fn activation_export(
    state: &AppState,
    path: PathBuf,
    extra: Vec<String>,
) -> AppResult<crate::tracker::ActivationTracker> {
    let tracker = crate::tracker::activation(state, extra).await?;
    let language = state.language();
    blocking(move || {
        crate::tracker::export_csv(&tracker, language, &path)?;
        Ok(tracker)
    })
    .await
}

/// The last tracker's counts and when they were read (the dashboard's step-5 line); `None`
/// before any tracker ran.
pub async fn activation_last(
    state: &AppState,
) -> AppResult<Option<crate::tracker::ActivationLast>> {
    crate::tracker::last(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RunMode;
    use sia_csv::{Directory, check_people, parse_people_list};

    #[tokio::test]
    async fn a_checked_list_saves_as_the_upload_file_and_stays_available() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(dir.path(), RunMode::Demo, "en-US".into());
        let defaults = PeopleDefaults {
            teams: vec!["Sales".into()],
            role: Role::User,
            workspace: None,
        };
        let people = parse_people_list("Jane Doe <jane@x.com>, =sum@x.com, nope");
        let check = check_people(&people, &defaults, Directory::default());
        let id = state.invite.keep_checked(&check);

        let path = dir.path().join("upload.csv");
        let written = invite_export_upload(&state, id, path.clone())
            .await
            .unwrap();
        assert_eq!(written, 2);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "Email,First Name,Last Name,Team(s),Role\r\n\
             jane@x.com,Jane,Doe,Sales,User\r\n\
             '=sum@x.com,,,Sales,User\r\n"
        );
        // Saving does not use the list up; an unknown id is refused.
        assert_eq!(state.invite.take_checked(id).unwrap().len(), 2);
        let gone = invite_export_upload(&state, id, path).await.unwrap_err();
        assert_eq!(gone.code, "invite_check_expired");
    }
}
