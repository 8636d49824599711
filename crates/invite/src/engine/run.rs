//! One running job: its shared state (queue, tokens, rate limit, progress, the first fatal error) and its workers.

use super::*;

pub(super) struct ProgressState {
    pub(super) p: InviteProgress,
    pub(super) started: Instant,
    pub(super) recent: VecDeque<Instant>,
}

pub(super) struct Run {
    pub(super) journal: Arc<Journal>,
    pub(super) job_id: String,
    pub(super) client: ScimClient,
    pub(super) tokens: Arc<dyn TokenProvider>,
    pub(super) cache: TokenCache,
    pub(super) options: InviteOptions,
    pub(super) limiter: Option<DefaultDirectRateLimiter>,
    /// Largest batch per request; 1 means single requests.
    pub(super) bulk_max: AtomicU32,
    pub(super) queue: Mutex<Queue>,
    pub(super) wake: Notify,
    pub(super) control: watch::Receiver<RunState>,
    pub(super) progress: Mutex<ProgressState>,
    pub(super) progress_tx: watch::Sender<InviteProgress>,
    pub(super) on_progress: Option<ProgressFn>,
    pub(super) fatal: Mutex<Option<InviteError>>,
    pub(super) auth_failures: AtomicU32,
    /// The server said "wait" (Retry-After): nothing new is sent before this instant, by any
    /// worker, so one rate-limit answer does not turn into one rejected request per row.
    pub(super) hold_until: Mutex<Option<Instant>>,
}

pub(super) fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

impl Run {
    pub(super) fn queue(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn queue_is_empty(&self) -> bool {
        self.queue().tasks.is_empty()
    }

    pub(super) fn set_fatal(&self, e: InviteError) {
        let mut f = self.fatal.lock().unwrap_or_else(|p| p.into_inner());
        if f.is_none() {
            *f = Some(e);
        }
        drop(f);
        self.wake.notify_waiters();
    }

    pub(super) fn hold(&self, after: Option<Duration>) {
        if let Some(d) = after.filter(|d| !d.is_zero()) {
            let until = Instant::now() + d;
            let mut h = self.hold_until.lock().unwrap_or_else(|p| p.into_inner());
            if h.is_none_or(|x| x < until) {
                *h = Some(until);
            }
        }
    }

    pub(super) fn held_for(&self, now: Instant) -> Option<Duration> {
        let h = *self.hold_until.lock().unwrap_or_else(|p| p.into_inner());
        h.filter(|u| *u > now).map(|u| u - now)
    }

    pub(super) fn has_fatal(&self) -> bool {
        self.fatal
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    pub(super) fn publish(&self, finished: bool) {
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

    pub(super) fn count(&self, state: &InviteRowState) {
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

    pub(super) async fn token(&self) -> Result<(crate::token::Secret, u64)> {
        self.cache.token(self.tokens.as_ref()).await
    }

    /// A 401: get a newer token (once for many requests rejected together); stop after repeats.
    /// Only refreshes count: many requests rejected with the same old token are one failure.
    pub(super) async fn unauthorized(&self, generation: u64) -> Result<()> {
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

    pub(super) fn authorized(&self) {
        self.auth_failures.store(0, Ordering::SeqCst);
    }

    pub(super) async fn discover_bulk(&self, burst: Option<u32>) -> Result<()> {
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

    pub(super) fn delay(&self, attempt: u32, after: Option<Duration>) -> Duration {
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

    pub(super) async fn worker(self: Arc<Self>) {
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
            // What is in flight shows while it is: a slow request must not read as an idle job.
            self.publish(false);
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

    /// After cancel: rows never sent are skipped; rows that may have landed are looked up once.
    pub(super) async fn settle_cancelled(&self) -> Result<()> {
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
