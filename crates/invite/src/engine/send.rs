//! Settling rows: look a row up, send one or a bulk, and turn each answer into the row's next state.

use super::*;

/// The rows to try again, or the error that stops the run (with the rows it leaves unsettled).
pub(super) type Settled = std::result::Result<Vec<Task>, (InviteError, Vec<Task>)>;

/// Which settled state a found user means for this row: ours if it was invited after our first
/// send (minus clock skew), otherwise it was there before.
pub(super) fn classify(found: &FoundUser, first_sent_ms: Option<i64>) -> InviteRowState {
    match (found.invited_at_ms, first_sent_ms) {
        (Some(at), Some(first)) if at >= first - OWN_INVITE_SKEW_MS => InviteRowState::Invited,
        _ => InviteRowState::AlreadyThere,
    }
}

/// What processing a unit decided for each row.
pub(super) enum Next {
    Settle(InviteRowState, Option<String>),
    Requeue { delay: Duration, lookup: bool },
}

impl Run {
    /// Runs one unit; returns the tasks to try again. A journal or auth failure is fatal.
    pub(super) async fn process(&self, unit: Unit) -> Settled {
        match unit {
            Unit::Lookup(t) => self.lookup(t).await,
            Unit::Single(t) => self.send(vec![t], false).await,
            Unit::Bulk(v) => self.send(v, true).await,
        }
    }

    pub(super) fn apply(&self, updates: &[RowUpdate]) -> Result<()> {
        self.journal.apply(&self.job_id, updates)?;
        for u in updates {
            self.count(&u.state);
        }
        Ok(())
    }

    pub(super) async fn lookup(&self, mut t: Task) -> Settled {
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
    pub(super) async fn send(&self, tasks: Vec<Task>, bulk: bool) -> Settled {
        let mut tasks = self.fail_spent(tasks)?;
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
        let outcomes = if bulk {
            self.send_bulk(&tok, &tasks).await
        } else {
            vec![self.client.create_user(&tok, &tasks[0].row.invitee).await]
        };
        let mut saw_401 = false;
        let nexts: Vec<Next> = tasks
            .iter_mut()
            .zip(outcomes)
            .map(|(t, outcome)| self.next_for(t, outcome, &mut saw_401))
            .collect();
        if !saw_401 {
            self.authorized();
        }
        let updates = row_updates(&tasks, &nexts);
        let back = requeue(tasks, nexts);
        if let Err(e) = self.apply(&updates) {
            return Err((e, back));
        }
        if saw_401 && let Err(e) = self.unauthorized(generation).await {
            return Err((e, back));
        }
        Ok(back)
    }

    /// Rows out of attempts fail here, before anything else is sent for them; returns the rest.
    fn fail_spent(&self, tasks: Vec<Task>) -> Settled {
        let max = self.options.max_attempts.max(1);
        let (spent, tasks): (Vec<Task>, Vec<Task>) =
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
        Ok(tasks)
    }

    /// One bulk request; what the service said for each row, in the tasks' order. A bulk the
    /// service finds too big halves the batch size; one it refuses outright means single requests.
    async fn send_bulk(
        &self,
        tok: &crate::token::Secret,
        tasks: &[Task],
    ) -> Vec<Outcome<Option<String>>> {
        let items: Vec<(String, &Invitee)> = tasks
            .iter()
            .map(|t| (t.row.index.to_string(), &t.row.invitee))
            .collect();
        let every = |o: Outcome<Option<String>>| tasks.iter().map(|_| o.clone()).collect();
        match self.client.bulk_create(tok, &items).await {
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
            Outcome::Refused(code) => {
                let too_big = code == "payload_too_large"
                    || code == "too_many_operations"
                    || code == "http_413";
                let now = self.bulk_max.load(Ordering::SeqCst);
                // Too big: halve the batch. Refused outright: go on with single requests.
                let smaller = if too_big { (now / 2).max(1) } else { 1 };
                self.bulk_max.store(smaller, Ordering::SeqCst);
                every(Outcome::Retry {
                    code,
                    after: Some(Duration::ZERO),
                })
            }
            Outcome::Unauthorized => every(Outcome::Unauthorized),
            Outcome::Retry { code, after } => every(Outcome::Retry { code, after }),
            Outcome::Unknown { code, after } => every(Outcome::Unknown { code, after }),
            // A 2xx without results or a 409 makes no sense for a whole bulk: treat as unknown
            // and look each row up.
            Outcome::Exists => every(Outcome::Unknown {
                code: "unexpected_bulk_answer".into(),
                after: None,
            }),
        }
    }

    /// What one row's answer means: settle it, or queue it again (after a delay, maybe with a
    /// lookup first). A 401 is noted in `saw_401`: the token is renewed once for the whole unit.
    fn next_for(&self, t: &mut Task, outcome: Outcome<Option<String>>, saw_401: &mut bool) -> Next {
        match outcome {
            Outcome::Ok(id) => Next::Settle(InviteRowState::Invited, id),
            // Maybe our own earlier request: ask who it is before calling it "already there".
            Outcome::Exists if t.row.uncertain => Next::Requeue {
                delay: Duration::ZERO,
                lookup: true,
            },
            Outcome::Exists => Next::Settle(InviteRowState::AlreadyThere, None),
            Outcome::Refused(code) => Next::Settle(InviteRowState::Failed { reason: code }, None),
            Outcome::Unauthorized => {
                *saw_401 = true;
                t.auth_retries += 1;
                Next::Requeue {
                    delay: Duration::ZERO,
                    lookup: false,
                }
            }
            Outcome::Retry { code, after } => {
                self.hold(after);
                let delay = self.delay(t.counted_attempts(), after);
                t.last_code = code;
                Next::Requeue {
                    delay,
                    lookup: false,
                }
            }
            Outcome::Unknown { code, after } => {
                self.hold(after);
                t.row.uncertain = true;
                let delay = self.delay(t.counted_attempts(), after);
                t.last_code = code;
                Next::Requeue {
                    delay,
                    lookup: true,
                }
            }
        }
    }
}

/// The journal's view of each row after a unit: settled, or pending again.
fn row_updates(tasks: &[Task], nexts: &[Next]) -> Vec<RowUpdate> {
    tasks
        .iter()
        .zip(nexts)
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
        .collect()
}

/// The rows to try again, each with the time it may go and whether to look it up first.
fn requeue(tasks: Vec<Task>, nexts: Vec<Next>) -> Vec<Task> {
    let now = Instant::now();
    tasks
        .into_iter()
        .zip(nexts)
        .filter_map(|(mut t, n)| match n {
            Next::Requeue { delay, lookup } => {
                t.not_before = now + delay;
                t.needs_lookup = lookup;
                Some(t)
            }
            Next::Settle(..) => None,
        })
        .collect()
}
