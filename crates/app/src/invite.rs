//! Step 5's invite jobs in the app: the journal file (`invites.sqlite` in the data folder), the one
//! job that runs at a time and its controls, progress forwarded to the window as events, and the
//! unfinished jobs of an earlier run, resumed only when the admin says so (docs/decisions.md).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use sia_csv::{Directory, InviteRow, PeopleCheck};
use sia_invite::{
    Engine, InviteControl, InviteJobInfo, InviteJobStatus, InviteJobSummary, InviteOptions,
    InviteProgress, InviteRowResult, InviteRowState, Invitee, Journal, StaticToken, TokenProvider,
};
use tokio::sync::watch;
use ts_rs::TS;

use crate::error::{AppError, AppResult};
use crate::events::{SharedEvents, emit};
use crate::state::AppState;

/// Event with the running job's `InviteProgress`, on every change.
pub const PROGRESS_EVENT: &str = "invite-progress";
/// Event with an `InviteFinished` when a job stops (completed, cancelled or failed).
pub const FINISHED_EVENT: &str = "invite-finished";

/// The journal's `source` for jobs from the individual-invite form.
pub const FORM_SOURCE: &str = "form";
/// Prefix of the journal's `source` for jobs from a CSV import (`csv:<file name>`).
pub const CSV_SOURCE_PREFIX: &str = "csv:";

/// A job that was just started (or resumed).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InviteStarted {
    pub job_id: String,
    pub total: u32,
}

/// How a job stopped, sent as the `invite-finished` event.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InviteFinished {
    pub job_id: String,
    /// The results, when the job completed or was cancelled.
    pub summary: Option<InviteJobSummary>,
    /// Why it stopped early (it stays unfinished and can be resumed).
    pub error: Option<AppError>,
}

/// A job of the journal with its counts, for "resume the unfinished job?" and the results list.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InviteJobEntry {
    pub job: InviteJobInfo,
    pub summary: InviteJobSummary,
}

/// Everything step 5 shows about invite jobs when it opens.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InviteOverview {
    /// The job running now, if any.
    pub running: Option<InviteProgress>,
    /// Unfinished jobs that are not running (an earlier run quit or crashed): offered for resuming.
    pub unfinished: Vec<InviteJobEntry>,
}

/// A checked list waiting for the admin's "Invite these people".
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InviteListCheck {
    /// Pass it to `invite_start_checked`; it is used once.
    pub check_id: u32,
    pub check: PeopleCheck,
}

/// What the form offers: the instance's teams and workspaces when known, and seats left.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InviteFormInfo {
    /// Known teams (Everyone first); empty when the instance's teams are not known.
    pub teams: Vec<String>,
    pub workspaces: Vec<String>,
    pub seats_left: Option<u32>,
    /// When the instance's directory was read (RFC 3339 UTC): the list checks that follow reuse it.
    pub directory_read_at: Option<String>,
}

/// A job's results screen.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InviteResults {
    pub job: InviteJobInfo,
    pub summary: InviteJobSummary,
    pub rows: Vec<InviteRowResult>,
}

struct Running {
    job_id: String,
    control: InviteControl,
    progress: watch::Receiver<InviteProgress>,
    task: Option<tokio::task::JoinHandle<()>>,
}

struct Checked {
    id: u32,
    invitees: Vec<Invitee>,
}

/// The app's invite jobs. Cloning shares the same journal and running job.
#[derive(Clone)]
pub struct InviteState {
    inner: Arc<Inner>,
}

struct Inner {
    /// None: no data folder (a store problem); the journal then lives in memory.
    journal_path: Option<PathBuf>,
    journal: Mutex<Option<Arc<Journal>>>,
    running: Mutex<Option<Running>>,
    checked: Mutex<Option<Checked>>,
    next_check: Mutex<u32>,
    options: Mutex<InviteOptions>,
}

/// The app's options: single requests fall back automatically; 4 workers; SCIM Bulk in batches of 50
/// so a pause or a cancel takes effect within one batch.
pub fn app_options() -> InviteOptions {
    InviteOptions {
        bulk_batch: 50,
        ..InviteOptions::default()
    }
}

impl InviteState {
    /// Jobs journaled in `journal_path` (opened on first use, so a problem shows as an error).
    pub fn new(journal_path: Option<PathBuf>) -> Self {
        Self {
            inner: Arc::new(Inner {
                journal_path,
                journal: Mutex::new(None),
                running: Mutex::new(None),
                checked: Mutex::new(None),
                next_check: Mutex::new(0),
                options: Mutex::new(app_options()),
            }),
        }
    }

    /// The options new jobs run with (tests slow them down to pause mid-job).
    pub fn set_options(&self, options: InviteOptions) {
        *lock(&self.inner.options) = options;
    }

    /// The journal, opened once.
    pub fn journal(&self) -> AppResult<Arc<Journal>> {
        let mut slot = lock(&self.inner.journal);
        if let Some(journal) = slot.as_ref() {
            return Ok(journal.clone());
        }
        let journal = match &self.inner.journal_path {
            Some(path) => Journal::open(path)?,
            None => Journal::in_memory()?,
        };
        let journal = Arc::new(journal);
        *slot = Some(journal.clone());
        Ok(journal)
    }

    /// The running job's latest progress.
    pub fn running(&self) -> Option<InviteProgress> {
        lock(&self.inner.running)
            .as_ref()
            .map(|r| r.progress.borrow().clone())
    }

    fn running_id(&self) -> Option<String> {
        lock(&self.inner.running).as_ref().map(|r| r.job_id.clone())
    }

    /// The overview for step 5 and the dashboard.
    pub fn overview(&self) -> AppResult<InviteOverview> {
        let journal = self.journal()?;
        let running = self.running();
        let running_id = running.as_ref().map(|p| p.job_id.clone());
        let unfinished = journal
            .unfinished_jobs()?
            .into_iter()
            .filter(|job| Some(&job.job_id) != running_id.as_ref())
            .map(|job| {
                let summary = journal.summary(&job.job_id)?;
                Ok(InviteJobEntry { job, summary })
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(InviteOverview {
            running,
            unfinished,
        })
    }

    /// Addresses this app's jobs already invited (or found there): known even before the
    /// instance's own directory is read.
    pub fn known_emails(&self) -> AppResult<Vec<String>> {
        let journal = self.journal()?;
        let mut out = Vec::new();
        for job in journal.jobs()? {
            for row in journal.rows(&job.job_id)? {
                if matches!(
                    row.state,
                    InviteRowState::Invited | InviteRowState::AlreadyThere
                ) {
                    out.push(row.invitee.email);
                }
            }
        }
        Ok(out)
    }

    /// Keeps a checked list's valid people until the admin confirms; returns its id.
    pub fn keep_checked(&self, check: &PeopleCheck) -> u32 {
        let mut next = lock(&self.inner.next_check);
        *next = next.wrapping_add(1);
        *lock(&self.inner.checked) = Some(Checked {
            id: *next,
            invitees: check.rows.iter().map(InviteRow::invitee).collect(),
        });
        *next
    }

    /// The checked list with this id, left in place (saving it as a file does not use it up).
    pub fn peek_checked(&self, id: u32) -> AppResult<Vec<Invitee>> {
        match lock(&self.inner.checked).as_ref() {
            Some(checked) if checked.id == id => Ok(checked.invitees.clone()),
            _ => Err(AppError::new(
                "invite_check_expired",
                "this list was already sent or replaced; check it again",
            )),
        }
    }

    /// The checked list with this id, taken (a second click finds nothing to start).
    pub fn take_checked(&self, id: u32) -> AppResult<Vec<Invitee>> {
        let mut slot = lock(&self.inner.checked);
        match slot.take() {
            Some(checked) if checked.id == id => Ok(checked.invitees),
            other => {
                *slot = other;
                Err(AppError::new(
                    "invite_check_expired",
                    "this list was already sent or replaced; check it again",
                ))
            }
        }
    }

    pub fn pause(&self) -> AppResult<()> {
        self.control()?.pause();
        Ok(())
    }

    pub fn resume(&self) -> AppResult<()> {
        self.control()?.resume();
        Ok(())
    }

    pub fn cancel(&self) -> AppResult<()> {
        self.control()?.cancel();
        Ok(())
    }

    fn control(&self) -> AppResult<InviteControl> {
        lock(&self.inner.running)
            .as_ref()
            .map(|r| r.control.clone())
            .ok_or_else(|| AppError::new("invite_not_running", "no invite job is running"))
    }

    /// Journals a new job and starts it. Refused while another job runs (a second click).
    pub fn start(
        &self,
        events: SharedEvents,
        target: Target,
        source: &str,
        invitees: &[Invitee],
    ) -> AppResult<InviteStarted> {
        if invitees.is_empty() {
            return Err(AppError::new(
                "invite_nobody",
                "nobody on the list can be invited",
            ));
        }
        let mut running = lock(&self.inner.running);
        refuse_if_running(&running)?;
        let options = lock(&self.inner.options).clone();
        let engine = Engine::create(
            self.journal()?,
            &target.base_url,
            source,
            invitees,
            options,
            target.tokens,
        )?;
        Ok(self.launch(events, engine, &mut running))
    }

    /// Resumes an unfinished job of the journal against the current target (nobody is invited
    /// twice: the engine looks up every row whose request may have gone out).
    pub fn resume_job(
        &self,
        events: SharedEvents,
        target: Target,
        job_id: &str,
        cancel_first: bool,
    ) -> AppResult<InviteStarted> {
        let mut running = lock(&self.inner.running);
        refuse_if_running(&running)?;
        let journal = self.journal()?;
        let job = journal.job(job_id)?;
        if job.status != InviteJobStatus::Unfinished {
            return Err(AppError::new(
                "invite_job_finished",
                "this invite job has already finished",
            ));
        }
        if sia_invite::scim::scim_base(&target.base_url)? != job.target {
            return Err(AppError::new(
                "invite_target_changed",
                "this job was started against another Actions instance; connect to it to resume",
            ));
        }
        let mut options = lock(&self.inner.options).clone();
        options.rate = job.options.rate;
        let engine = Engine::resume(journal, job_id, target.tokens)?.with_options(options)?;
        if cancel_first {
            engine.control().cancel();
        }
        Ok(self.launch(events, engine, &mut running))
    }

    fn launch(
        &self,
        events: SharedEvents,
        engine: Engine,
        running: &mut MutexGuard<'_, Option<Running>>,
    ) -> InviteStarted {
        let job_id = engine.job_id().to_owned();
        let total = self
            .journal()
            .and_then(|j| Ok(j.summary(&job_id)?.total))
            .unwrap_or(0);
        let emitter = events.clone();
        let engine = engine.on_progress(move |p| emit(emitter.as_ref(), PROGRESS_EVENT, p));
        let control = engine.control();
        let progress = engine.progress();
        let state = self.clone();
        let id = job_id.clone();
        tracing::info!(total, "invite job started");
        let task = tokio::spawn(async move {
            let outcome = engine.run().await;
            {
                let mut slot = lock(&state.inner.running);
                if slot.as_ref().is_some_and(|r| r.job_id == id) {
                    *slot = None;
                }
            }
            let finished = match outcome {
                Ok(summary) => {
                    tracing::info!(
                        invited = summary.invited,
                        failed = summary.failed,
                        "invite job ended"
                    );
                    InviteFinished {
                        job_id: id,
                        summary: Some(summary),
                        error: None,
                    }
                }
                Err(error) => InviteFinished {
                    job_id: id,
                    summary: None,
                    error: Some(AppError::from(error)),
                },
            };
            emit(events.as_ref(), FINISHED_EVENT, &finished);
        });
        **running = Some(Running {
            job_id: job_id.clone(),
            control,
            progress,
            task: Some(task),
        });
        InviteStarted { job_id, total }
    }

    /// What quitting the app does to a running job: it stops where it is, as if the process
    /// ended (the journal keeps it `unfinished`; rows caught mid-request are looked up on resume).
    pub fn stop_for_quit(&self) {
        if let Some(mut running) = lock(&self.inner.running).take()
            && let Some(task) = running.task.take()
        {
            task.abort();
            tracing::info!("invite job left unfinished at quit");
        }
    }

    /// A job's results: its rows with their states and reasons.
    pub fn results(&self, job_id: &str) -> AppResult<InviteResults> {
        let journal = self.journal()?;
        Ok(InviteResults {
            job: journal.job(job_id)?,
            summary: journal.summary(job_id)?,
            rows: journal.rows(job_id)?,
        })
    }

    /// Whether `job_id` is running now (its results are not final, revoking must wait).
    pub fn is_running(&self, job_id: &str) -> bool {
        self.running_id().as_deref() == Some(job_id)
    }
}

fn refuse_if_running(running: &Option<Running>) -> AppResult<()> {
    match running {
        Some(_) => Err(AppError::new(
            "invite_job_running",
            "an invite job is already running; wait for it, pause it or cancel it",
        )),
        None => Ok(()),
    }
}

/// A poisoned lock (a panic while holding it) is recovered: the journal is the source of truth.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Where jobs go and the token they use (the engine's own `Secret`; it never leaves Rust).
pub struct Target {
    pub base_url: String,
    pub tokens: Arc<dyn TokenProvider>,
}

/// The Actions admin API the app works with now (`crate::actions::target`), for the engine.
pub fn target(state: &AppState) -> AppResult<Target> {
    let actions = crate::actions::target(state)?;
    let secret = sia_invite::Secret::new(actions.token.expose());
    Ok(Target {
        base_url: actions.base_url,
        tokens: Arc::new(StaticToken::new(secret)),
    })
}

/// What the checks know: the instance's directory (invited and active users, teams, workspaces,
/// seats; a service that cannot answer only leaves its checks out) plus the addresses this app's
/// own jobs settled (known even before the instance lists them). `how`: the form's opening reads
/// afresh, its checks follow up on that read.
pub async fn directory(state: &AppState, how: crate::directory::Read) -> AppResult<Directory> {
    let mut directory = state.directory.get(state, how).await?;
    directory.invited.extend(state.invite.known_emails()?);
    Ok(directory)
}

/// The form's choices: the directory's teams (Everyone first) and workspaces.
pub fn form_info(directory: &Directory) -> InviteFormInfo {
    let mut teams = vec![sia_everyone().to_owned()];
    for team in directory.teams.iter().flatten() {
        if !team.eq_ignore_ascii_case(sia_everyone()) {
            teams.push(team.clone());
        }
    }
    InviteFormInfo {
        teams,
        workspaces: directory.workspaces.clone().unwrap_or_default(),
        seats_left: directory.seats_left,
        directory_read_at: directory.read_at.clone(),
    }
}

/// The team every user belongs to (the service's spelling).
fn sia_everyone() -> &'static str {
    "Everyone"
}
