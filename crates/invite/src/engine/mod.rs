//! The engine: settles every open row of a job through the SCIM client, bounded, rate-limited, retried.
//! Order per row: journal `sending` → request → journal the outcome, so a kill never loses or doubles one.

use std::collections::{HashMap, VecDeque};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{Notify, watch};

use crate::backoff::retry_delay;
use crate::control::{InviteControl, RunState};
use crate::error::{InviteError, Result};
use crate::journal::{Journal, OpenRow, RowUpdate};
use crate::model::{
    InviteJobStatus, InviteJobSummary, InviteOptions, InviteProgress, InviteRowState, Invitee,
};
use crate::scim::{FoundUser, Outcome, ScimClient};
use crate::token::{TokenCache, TokenProvider};

mod queue;
mod run;
mod send;

use queue::{Queue, Task, Unit};
use run::{ProgressState, Run, now_ms};
use send::classify;

/// How far a found user's `invitedAt` may precede our first send and still be ours
/// (the service stamps whole seconds, and clocks drift a little).
const OWN_INVITE_SKEW_MS: i64 = 60_000;
/// Consecutive 401s, each after a fresh token, before the job stops as unauthorized.
const MAX_AUTH_FAILURES: u32 = 5;

type ProgressFn = Arc<dyn Fn(&InviteProgress) + Send + Sync>;

/// One job, ready to run (new or resumed).
pub struct Engine {
    journal: Arc<Journal>,
    job_id: String,
    target: String,
    options: InviteOptions,
    tokens: Arc<dyn TokenProvider>,
    control: InviteControl,
    progress: watch::Sender<InviteProgress>,
    on_progress: Option<ProgressFn>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("job_id", &self.job_id)
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Journals a new job (every row `pending`) and returns its engine; nothing is sent yet.
    pub fn create(
        journal: Arc<Journal>,
        target: &str,
        source: &str,
        invitees: &[Invitee],
        options: InviteOptions,
        tokens: Arc<dyn TokenProvider>,
    ) -> Result<Self> {
        let base = crate::scim::scim_base(target)?;
        let job_id = journal.create_job(&base, source, &options, invitees)?;
        Self::resume(journal, &job_id, tokens)
    }

    /// An engine for a job already in the journal (after a crash or a quit), with its stored options.
    pub fn resume(
        journal: Arc<Journal>,
        job_id: &str,
        tokens: Arc<dyn TokenProvider>,
    ) -> Result<Self> {
        let job = journal.job(job_id)?;
        let (progress, _) = watch::channel(InviteProgress {
            job_id: job.job_id.clone(),
            ..InviteProgress::default()
        });
        Ok(Self {
            journal,
            job_id: job.job_id,
            target: job.target,
            options: job.options,
            tokens,
            control: InviteControl::new(),
            progress,
            on_progress: None,
        })
    }

    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    pub fn options(&self) -> &InviteOptions {
        &self.options
    }

    /// Runs with other options (rate, concurrency …) and remembers them for the next resume.
    pub fn with_options(mut self, options: InviteOptions) -> Result<Self> {
        self.journal.set_options(&self.job_id, &options)?;
        self.options = options;
        Ok(self)
    }

    /// Pause / resume / cancel handle.
    pub fn control(&self) -> InviteControl {
        self.control.clone()
    }

    /// Live progress (the latest value; the UI forwards it as events).
    pub fn progress(&self) -> watch::Receiver<InviteProgress> {
        self.progress.subscribe()
    }

    /// Also call `f` on every progress change.
    pub fn on_progress(mut self, f: impl Fn(&InviteProgress) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(f));
        self
    }

    /// Settles every open row. Returns the summary when the job completed or was cancelled;
    /// an error (unauthorized, journal failure) leaves the job unfinished and resumable.
    pub async fn run(self) -> Result<InviteJobSummary> {
        let job = self.journal.job(&self.job_id)?;
        if job.status != InviteJobStatus::Unfinished {
            return self.journal.summary(&self.job_id);
        }
        self.journal.recover(&self.job_id)?;
        let open = self.journal.open_rows(&self.job_id)?;
        let summary = self.journal.summary(&self.job_id)?;
        let o = &self.options;
        let client = ScimClient::new(
            &self.target,
            Duration::from_millis(o.request_timeout_ms.max(1)),
        )?;
        let burst = o.rate.map(|r| r.count.max(1));
        let limiter = match o.rate {
            Some(r) => {
                let period = Duration::from_secs_f64(r.per_secs / f64::from(r.count.max(1)));
                let quota = Quota::with_period(period.max(Duration::from_nanos(1)))
                    .ok_or(InviteError::InvalidRate)?
                    .allow_burst(
                        NonZeroU32::new(burst.unwrap_or(1)).ok_or(InviteError::InvalidRate)?,
                    );
                Some(RateLimiter::direct(quota))
            }
            None => None,
        };
        let now = Instant::now();
        let tasks: VecDeque<Task> = open
            .into_iter()
            .map(|row| Task {
                needs_lookup: row.uncertain,
                row,
                not_before: now,
                lookups: 0,
                auth_retries: 0,
                last_code: String::new(),
            })
            .collect();
        let progress = InviteProgress {
            job_id: self.job_id.clone(),
            total: summary.total,
            invited: summary.invited,
            already_there: summary.already_there + summary.revoked,
            failed: summary.failed,
            skipped: summary.skipped,
            ..InviteProgress::default()
        };
        let run = Arc::new(Run {
            journal: self.journal.clone(),
            job_id: self.job_id.clone(),
            client,
            tokens: self.tokens.clone(),
            cache: TokenCache::new(),
            options: self.options.clone(),
            limiter,
            bulk_max: AtomicU32::new(1),
            queue: Mutex::new(Queue {
                tasks,
                in_flight: 0,
            }),
            wake: Notify::new(),
            control: self.control.subscribe(),
            progress: Mutex::new(ProgressState {
                p: progress,
                started: now,
                recent: VecDeque::new(),
            }),
            progress_tx: self.progress.clone(),
            on_progress: self.on_progress.clone(),
            fatal: Mutex::new(None),
            auth_failures: AtomicU32::new(0),
            hold_until: Mutex::new(None),
        });
        run.publish(false);
        if self.options.use_bulk && !run.queue_is_empty() {
            run.discover_bulk(burst).await?;
        }
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..self.options.concurrency.max(1) {
            let r = run.clone();
            workers.spawn(async move { r.worker().await });
        }
        while workers.join_next().await.is_some() {}
        if let Some(e) = run.fatal.lock().unwrap_or_else(|p| p.into_inner()).take() {
            run.publish(false);
            return Err(e);
        }
        let cancelled = *run.control.borrow() == RunState::Cancelled;
        if cancelled {
            run.settle_cancelled().await?;
            self.journal
                .set_status(&self.job_id, InviteJobStatus::Cancelled)?;
        } else if self.journal.open_rows(&self.job_id)?.is_empty() {
            self.journal
                .set_status(&self.job_id, InviteJobStatus::Completed)?;
        }
        run.publish(true);
        self.journal.summary(&self.job_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_found_user_is_ours_only_if_invited_after_our_first_send() {
        let u = |at: Option<i64>| FoundUser {
            id: "u".into(),
            invitation_status: None,
            invited_at_ms: at,
        };
        let first = Some(1_700_000_000_500);
        // The service stamps whole seconds: 0.5 s "before" our send is still ours.
        assert_eq!(
            classify(&u(Some(1_700_000_000_000)), first),
            InviteRowState::Invited
        );
        assert_eq!(
            classify(&u(Some(1_700_000_100_000)), first),
            InviteRowState::Invited
        );
        assert_eq!(
            classify(&u(Some(1_600_000_000_000)), first),
            InviteRowState::AlreadyThere
        );
        assert_eq!(classify(&u(None), first), InviteRowState::AlreadyThere);
        assert_eq!(
            classify(&u(Some(1_700_000_000_000)), None),
            InviteRowState::AlreadyThere
        );
    }
}
