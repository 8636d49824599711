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

#[derive(Debug)]
struct Task {
    row: OpenRow,
    /// Ask the service before sending: an earlier request may have landed.
    needs_lookup: bool,
    not_before: Instant,
    lookups: u32,
    /// 401s are the token's fault, not the row's: they do not use up attempts.
    auth_retries: u32,
    last_code: String,
}

impl Task {
    fn counted_attempts(&self) -> u32 {
        self.row.attempts.saturating_sub(self.auth_retries)
    }
}

struct Queue {
    tasks: VecDeque<Task>,
    in_flight: usize,
}

enum Unit {
    Lookup(Task),
    Single(Task),
    Bulk(Vec<Task>),
}

impl Unit {
    fn cells(&self) -> u32 {
        match self {
            Unit::Bulk(v) => v.len() as u32,
            _ => 1,
        }
    }

    fn into_tasks(self) -> Vec<Task> {
        match self {
            Unit::Lookup(t) | Unit::Single(t) => vec![t],
            Unit::Bulk(v) => v,
        }
    }
}

struct ProgressState {
    p: InviteProgress,
    started: Instant,
    recent: VecDeque<Instant>,
}

struct Run {
    journal: Arc<Journal>,
    job_id: String,
    client: ScimClient,
    tokens: Arc<dyn TokenProvider>,
    cache: TokenCache,
    options: InviteOptions,
    limiter: Option<DefaultDirectRateLimiter>,
    /// Largest batch per request; 1 means single requests.
    bulk_max: AtomicU32,
    queue: Mutex<Queue>,
    wake: Notify,
    control: watch::Receiver<RunState>,
    progress: Mutex<ProgressState>,
    progress_tx: watch::Sender<InviteProgress>,
    on_progress: Option<ProgressFn>,
    fatal: Mutex<Option<InviteError>>,
    auth_failures: AtomicU32,
    /// The server said "wait" (Retry-After): nothing new is sent before this instant, by any
    /// worker, so one rate-limit answer does not turn into one rejected request per row.
    hold_until: Mutex<Option<Instant>>,
}

fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Which settled state a found user means for this row: ours if it was invited after our first
/// send (minus clock skew), otherwise it was there before.
fn classify(found: &FoundUser, first_sent_ms: Option<i64>) -> InviteRowState {
    match (found.invited_at_ms, first_sent_ms) {
        (Some(at), Some(first)) if at >= first - OWN_INVITE_SKEW_MS => InviteRowState::Invited,
        _ => InviteRowState::AlreadyThere,
    }
}

/// What processing a unit decided for each row.
enum Next {
    Settle(InviteRowState, Option<String>),
    Requeue { delay: Duration, lookup: bool },
}

impl Run {
    fn queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn queue_is_empty(&self) -> bool {
        self.queue().tasks.is_empty()
    }

    fn set_fatal(&self, e: InviteError) {
        let mut f = self.fatal.lock().unwrap_or_else(|p| p.into_inner());
        if f.is_none() {
            *f = Some(e);
        }
        drop(f);
        self.wake.notify_waiters();
    }

    fn hold(&self, after: Option<Duration>) {
        if let Some(d) = after.filter(|d| !d.is_zero()) {
            let until = Instant::now() + d;
            let mut h = self.hold_until.lock().unwrap_or_else(|p| p.into_inner());
            if h.is_none_or(|x| x < until) {
                *h = Some(until);
            }
        }
    }

    fn held_for(&self, now: Instant) -> Option<Duration> {
        let h = *self.hold_until.lock().unwrap_or_else(|p| p.into_inner());
        h.filter(|u| *u > now).map(|u| u - now)
    }

    fn has_fatal(&self) -> bool {
        self.fatal
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    fn publish(&self, finished: bool) {
        let snapshot = {
            let mut g = self.progress.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let window = Duration::from_secs(10);
            while g
                .recent
                .front()
                .is_some_and(|t| now.duration_since(*t) > window)
            {
                g.recent.pop_front();
            }
            let span = now.duration_since(g.started).min(window).as_secs_f64();
            let p = &mut g.p;
            p.done = p.invited + p.already_there;
            let settled = p.done + p.failed + p.skipped;
            p.remaining = p.total.saturating_sub(settled);
            let n = g.recent.len() as f64;
            let rate = if span > 0.05 { n / span } else { 0.0 };
            let p = &mut g.p;
            p.rate_per_sec = (rate * 100.0).round() / 100.0;
            p.eta_secs =
                (rate > 0.0).then(|| (f64::from(p.remaining) / rate * 10.0).round() / 10.0);
            p.paused = *self.control.borrow() == RunState::Paused;
            p.in_flight = self.queue().in_flight as u32;
            p.finished = finished;
            p.clone()
        };
        if let Some(f) = &self.on_progress {
            f(&snapshot);
        }
        self.progress_tx.send_replace(snapshot);
    }

    fn count(&self, state: &InviteRowState) {
        let mut g = self.progress.lock().unwrap_or_else(|p| p.into_inner());
        match state {
            InviteRowState::Invited => g.p.invited += 1,
            InviteRowState::AlreadyThere | InviteRowState::Revoked => g.p.already_there += 1,
            InviteRowState::Failed { .. } => g.p.failed += 1,
            InviteRowState::Skipped { .. } => g.p.skipped += 1,
            _ => return,
        }
        g.recent.push_back(Instant::now());
    }

    async fn token(&self) -> Result<(crate::token::Secret, u64)> {
        self.cache.token(self.tokens.as_ref()).await
    }

    /// A 401: get a newer token (once for many requests rejected together); stop after repeats.
    /// Only refreshes count: many requests rejected with the same old token are one failure.
    async fn unauthorized(&self, generation: u64) -> Result<()> {
        if self
            .cache
            .rejected(self.tokens.as_ref(), generation)
            .await?
            && self.auth_failures.fetch_add(1, Ordering::SeqCst) + 1 > MAX_AUTH_FAILURES
        {
            return Err(InviteError::Unauthorized);
        }
        Ok(())
    }

    fn authorized(&self) {
        self.auth_failures.store(0, Ordering::SeqCst);
    }

    async fn discover_bulk(&self, burst: Option<u32>) -> Result<()> {
        let o = &self.options;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (tok, generation) = self.token().await?;
            match self.client.bulk_support(&tok).await {
                Outcome::Ok(b) => {
                    self.authorized();
                    if b.supported && b.max_operations > 1 {
                        let mut max = o.bulk_batch.min(b.max_operations);
                        if b.max_payload_bytes > 0 {
                            // A user operation is well under 1 KiB; 413 halves the batch if not.
                            max = max.min((b.max_payload_bytes / 1024).max(1) as u32);
                        }
                        if let Some(burst) = burst {
                            max = max.min(burst);
                        }
                        self.bulk_max.store(max.max(1), Ordering::SeqCst);
                    }
                    return Ok(());
                }
                Outcome::Unauthorized => self.unauthorized(generation).await?,
                Outcome::Refused(_) | Outcome::Exists => return Ok(()),
                Outcome::Retry { after, .. } | Outcome::Unknown { after, .. } => {
                    if attempt >= o.max_attempts.max(1) {
                        return Ok(()); // no discovery: single requests still work
                    }
                    tokio::time::sleep(self.delay(attempt, after)).await;
                }
            }
        }
    }

    fn delay(&self, attempt: u32, after: Option<Duration>) -> Duration {
        retry_delay(
            attempt,
            Duration::from_millis(self.options.backoff_base_ms),
            Duration::from_millis(
                self.options
                    .backoff_max_ms
                    .max(self.options.backoff_base_ms),
            ),
            after,
        )
    }

    /// Takes the next unit of work, or `None` when there is none left (or the run must stop).
    async fn next_unit(&self) -> Option<Unit> {
        let mut control = self.control.clone();
        loop {
            if self.has_fatal() {
                return None;
            }
            let state = *control.borrow_and_update();
            match state {
                RunState::Cancelled => return None,
                RunState::Paused => {
                    self.publish(false);
                    let _ = control.changed().await;
                    continue;
                }
                RunState::Running => {}
            }
            let wake = self.wake.notified();
            tokio::pin!(wake);
            wake.as_mut().enable();
            let wait = {
                let mut q = self.queue();
                if q.tasks.is_empty() && q.in_flight == 0 {
                    drop(q);
                    self.wake.notify_waiters();
                    return None;
                }
                let now = Instant::now();
                if let Some(held) = self.held_for(now) {
                    Some(held)
                } else if let Some(unit) = self.pick(&mut q, now) {
                    q.in_flight += 1;
                    return Some(unit);
                } else {
                    q.tasks
                        .iter()
                        .map(|t| t.not_before.saturating_duration_since(now))
                        .min()
                }
            };
            let wait = wait
                .unwrap_or(Duration::from_millis(100))
                .min(Duration::from_millis(100));
            tokio::select! {
                _ = &mut wake => {}
                _ = tokio::time::sleep(wait) => {}
                _ = control.changed() => {}
            }
        }
    }

    fn pick(&self, q: &mut Queue, now: Instant) -> Option<Unit> {
        let ready = |t: &Task| t.not_before <= now;
        if let Some(pos) = q.tasks.iter().position(|t| ready(t) && t.needs_lookup) {
            return q.tasks.remove(pos).map(Unit::Lookup);
        }
        let max = self.bulk_max.load(Ordering::SeqCst).max(1) as usize;
        let mut batch = Vec::new();
        let mut i = 0;
        while i < q.tasks.len() && batch.len() < max {
            if ready(&q.tasks[i]) {
                if let Some(t) = q.tasks.remove(i) {
                    batch.push(t);
                }
            } else {
                i += 1;
            }
        }
        match batch.len() {
            0 => None,
            1 if max == 1 => batch.pop().map(Unit::Single),
            _ => Some(Unit::Bulk(batch)),
        }
    }

    fn give_back(&self, tasks: Vec<Task>) {
        let mut q = self.queue();
        q.in_flight = q.in_flight.saturating_sub(1);
        q.tasks.extend(tasks);
        drop(q);
        self.wake.notify_waiters();
    }

    async fn worker(self: Arc<Self>) {
        while let Some(unit) = self.next_unit().await {
            if let Some(limiter) = &self.limiter
                && let Some(n) = NonZeroU32::new(unit.cells())
            {
                let mut control = self.control.clone();
                let admitted = tokio::select! {
                    r = limiter.until_n_ready(n) => r.is_ok(),
                    _ = async {
                        loop {
                            if *control.borrow_and_update() == RunState::Cancelled { break; }
                            if control.changed().await.is_err() { std::future::pending::<()>().await; }
                        }
                    } => false,
                };
                if !admitted {
                    self.give_back(unit.into_tasks());
                    continue;
                }
            }
            // Paused (or cancelled) while waiting for the limiter: do not send after all.
            if *self.control.borrow() != RunState::Running {
                self.give_back(unit.into_tasks());
                self.publish(false);
                continue;
            }
            let back = match self.process(unit).await {
                Ok(back) => back,
                Err((e, back)) => {
                    self.set_fatal(e);
                    back
                }
            };
            self.give_back(back);
            self.publish(false);
        }
    }

    /// Runs one unit; returns the tasks to try again. A journal or auth failure is fatal.
    async fn process(
        &self,
        unit: Unit,
    ) -> std::result::Result<Vec<Task>, (InviteError, Vec<Task>)> {
        match unit {
            Unit::Lookup(t) => self.lookup(t).await,
            Unit::Single(t) => self.send(vec![t], false).await,
            Unit::Bulk(v) => self.send(v, true).await,
        }
    }

    fn apply(&self, updates: &[RowUpdate]) -> Result<()> {
        self.journal.apply(&self.job_id, updates)?;
        for u in updates {
            self.count(&u.state);
        }
        Ok(())
    }

    async fn lookup(
        &self,
        mut t: Task,
    ) -> std::result::Result<Vec<Task>, (InviteError, Vec<Task>)> {
        let (tok, generation) = match self.token().await {
            Ok(x) => x,
            Err(e) => return Err((e, vec![t])),
        };
        let outcome = self.client.find_user(&tok, &t.row.invitee.email).await;
        if !matches!(outcome, Outcome::Unauthorized) {
            self.authorized();
        }
        let settle = |state: InviteRowState, user_id: Option<String>| RowUpdate {
            index: t.row.index,
            state,
            uncertain: true,
            user_id,
        };
        match outcome {
            Outcome::Ok(Some(found)) => {
                let state = classify(&found, t.row.first_sent_ms);
                let u = settle(state, Some(found.id));
                self.apply(&[u]).map_err(|e| (e, Vec::new()))?;
                Ok(Vec::new())
            }
            Outcome::Ok(None) => {
                t.needs_lookup = false;
                Ok(vec![t])
            }
            Outcome::Unauthorized => match self.unauthorized(generation).await {
                Ok(()) => Ok(vec![t]),
                Err(e) => Err((e, vec![t])),
            },
            Outcome::Retry { code, after } | Outcome::Unknown { code, after } => {
                self.hold(after);
                t.lookups += 1;
                if t.lookups >= self.options.max_attempts.max(1) * 2 {
                    let u = settle(
                        InviteRowState::Failed {
                            reason: "outcome_unknown".into(),
                        },
                        None,
                    );
                    self.apply(&[u]).map_err(|e| (e, Vec::new()))?;
                    return Ok(Vec::new());
                }
                t.last_code = code;
                t.not_before = Instant::now() + self.delay(t.lookups, after);
                Ok(vec![t])
            }
            // The service cannot answer "does this user exist?": resending could invite twice.
            Outcome::Refused(code) => {
                let u = settle(
                    InviteRowState::Failed {
                        reason: format!("lookup_{code}"),
                    },
                    None,
                );
                self.apply(&[u]).map_err(|e| (e, Vec::new()))?;
                Ok(Vec::new())
            }
            Outcome::Exists => {
                t.not_before = Instant::now() + self.delay(1, None);
                Ok(vec![t])
            }
        }
    }

    /// Sends one row (single) or several (bulk): journal `sending`, request, journal outcomes.
    async fn send(
        &self,
        tasks: Vec<Task>,
        bulk: bool,
    ) -> std::result::Result<Vec<Task>, (InviteError, Vec<Task>)> {
        // Rows out of attempts fail here, before anything else is sent for them.
        let max = self.options.max_attempts.max(1);
        let (spent, mut tasks): (Vec<Task>, Vec<Task>) =
            tasks.into_iter().partition(|t| t.counted_attempts() >= max);
        if !spent.is_empty() {
            let ups: Vec<RowUpdate> = spent
                .iter()
                .map(|t| RowUpdate {
                    index: t.row.index,
                    state: InviteRowState::Failed {
                        reason: if t.last_code.is_empty() {
                            "retries_exhausted".into()
                        } else {
                            t.last_code.clone()
                        },
                    },
                    uncertain: false,
                    user_id: None,
                })
                .collect();
            self.apply(&ups).map_err(|e| (e, Vec::new()))?;
        }
        if tasks.is_empty() {
            return Ok(Vec::new());
        }
        let (tok, generation) = match self.token().await {
            Ok(x) => x,
            Err(e) => return Err((e, tasks)),
        };
        let indices: Vec<u32> = tasks.iter().map(|t| t.row.index).collect();
        let sent_at = now_ms();
        if let Err(e) = self.journal.mark_sending(&self.job_id, &indices, sent_at) {
            return Err((e, tasks));
        }
        for t in &mut tasks {
            t.row.attempts += 1;
            t.row.first_sent_ms.get_or_insert(sent_at);
        }
        // Per row: what the service said.
        let outcomes: Vec<Outcome<Option<String>>> = if bulk {
            let items: Vec<(String, &Invitee)> = tasks
                .iter()
                .map(|t| (t.row.index.to_string(), &t.row.invitee))
                .collect();
            match self.client.bulk_create(&tok, &items).await {
                Outcome::Ok(results) => {
                    let mut by_id: HashMap<String, Outcome<Option<String>>> = results
                        .into_iter()
                        .map(|r| (r.bulk_id, r.outcome))
                        .collect();
                    tasks
                        .iter()
                        .map(|t| {
                            by_id
                                .remove(&t.row.index.to_string())
                                .unwrap_or(Outcome::Unknown {
                                    code: "missing_in_bulk_response".into(),
                                    after: None,
                                })
                        })
                        .collect()
                }
                Outcome::Refused(code)
                    if code == "payload_too_large"
                        || code == "too_many_operations"
                        || code == "http_413" =>
                {
                    let now = self.bulk_max.load(Ordering::SeqCst);
                    self.bulk_max.store((now / 2).max(1), Ordering::SeqCst);
                    tasks
                        .iter()
                        .map(|_| Outcome::Retry {
                            code: code.clone(),
                            after: Some(Duration::ZERO),
                        })
                        .collect()
                }
                Outcome::Refused(code) => {
                    // The service will not take this bulk: go on with single requests.
                    self.bulk_max.store(1, Ordering::SeqCst);
                    tasks
                        .iter()
                        .map(|_| Outcome::Retry {
                            code: code.clone(),
                            after: Some(Duration::ZERO),
                        })
                        .collect()
                }
                other => {
                    let o: Outcome<Option<String>> = match other {
                        Outcome::Unauthorized => Outcome::Unauthorized,
                        Outcome::Retry { code, after } => Outcome::Retry { code, after },
                        Outcome::Unknown { code, after } => Outcome::Unknown { code, after },
                        // A 2xx, a 409 or a refusal of the whole bulk is handled above or
                        // makes no sense for it: treat as unknown and look each row up.
                        _ => Outcome::Unknown {
                            code: "unexpected_bulk_answer".into(),
                            after: None,
                        },
                    };
                    tasks.iter().map(|_| o.clone()).collect()
                }
            }
        } else {
            vec![self.client.create_user(&tok, &tasks[0].row.invitee).await]
        };
        let mut saw_401 = false;
        let mut nexts = Vec::with_capacity(tasks.len());
        for (t, outcome) in tasks.iter_mut().zip(outcomes) {
            let next = match outcome {
                Outcome::Ok(id) => Next::Settle(InviteRowState::Invited, id),
                Outcome::Exists if t.row.uncertain => {
                    // Maybe our own earlier request: ask who it is before calling it "already there".
                    Next::Requeue {
                        delay: Duration::ZERO,
                        lookup: true,
                    }
                }
                Outcome::Exists => Next::Settle(InviteRowState::AlreadyThere, None),
                Outcome::Refused(code) => {
                    Next::Settle(InviteRowState::Failed { reason: code }, None)
                }
                Outcome::Unauthorized => {
                    saw_401 = true;
                    t.auth_retries += 1;
                    Next::Requeue {
                        delay: Duration::ZERO,
                        lookup: false,
                    }
                }
                Outcome::Retry { code, after } => {
                    self.hold(after);
                    let d = self.delay(t.counted_attempts(), after);
                    t.last_code = code;
                    Next::Requeue {
                        delay: d,
                        lookup: false,
                    }
                }
                Outcome::Unknown { code, after } => {
                    self.hold(after);
                    t.row.uncertain = true;
                    let d = self.delay(t.counted_attempts(), after);
                    t.last_code = code;
                    Next::Requeue {
                        delay: d,
                        lookup: true,
                    }
                }
            };
            nexts.push(next);
        }
        if !saw_401 {
            self.authorized();
        }
        let updates: Vec<RowUpdate> = tasks
            .iter()
            .zip(&nexts)
            .map(|(t, n)| match n {
                Next::Settle(state, id) => RowUpdate {
                    index: t.row.index,
                    state: state.clone(),
                    uncertain: t.row.uncertain,
                    user_id: id.clone(),
                },
                Next::Requeue { .. } => RowUpdate {
                    index: t.row.index,
                    state: InviteRowState::Pending,
                    uncertain: t.row.uncertain,
                    user_id: None,
                },
            })
            .collect();
        let now = Instant::now();
        let mut back = Vec::new();
        for (mut t, n) in tasks.into_iter().zip(nexts) {
            if let Next::Requeue { delay, lookup } = n {
                t.not_before = now + delay;
                t.needs_lookup = lookup;
                back.push(t);
            }
        }
        if let Err(e) = self.apply(&updates) {
            return Err((e, back));
        }
        if saw_401 && let Err(e) = self.unauthorized(generation).await {
            return Err((e, back));
        }
        Ok(back)
    }

    /// After cancel: rows never sent are skipped; rows that may have landed are looked up once.
    async fn settle_cancelled(&self) -> Result<()> {
        let tasks: Vec<Task> = self.queue().tasks.drain(..).collect();
        for t in tasks {
            let mut state = InviteRowState::Skipped {
                reason: "cancelled".into(),
            };
            let mut user_id = None;
            if t.row.uncertain {
                state = InviteRowState::Skipped {
                    reason: "cancelled_unverified".into(),
                };
                if let Ok((tok, _)) = self.token().await {
                    match self.client.find_user(&tok, &t.row.invitee.email).await {
                        Outcome::Ok(Some(found)) => {
                            state = classify(&found, t.row.first_sent_ms);
                            user_id = Some(found.id);
                        }
                        Outcome::Ok(None) => {
                            state = InviteRowState::Skipped {
                                reason: "cancelled".into(),
                            }
                        }
                        _ => {}
                    }
                }
            }
            self.apply(&[RowUpdate {
                index: t.row.index,
                state,
                uncertain: t.row.uncertain,
                user_id,
            }])?;
        }
        Ok(())
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
