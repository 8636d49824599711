//! The work queue: rows waiting, what is in flight, and how the next unit (a lookup, one row or a bulk) is picked.

use super::*;

#[derive(Debug)]
pub(super) struct Task {
    pub(super) row: OpenRow,
    /// Ask the service before sending: an earlier request may have landed.
    pub(super) needs_lookup: bool,
    pub(super) not_before: Instant,
    pub(super) lookups: u32,
    /// 401s are the token's fault, not the row's: they do not use up attempts.
    pub(super) auth_retries: u32,
    pub(super) last_code: String,
}

impl Task {
    pub(super) fn counted_attempts(&self) -> u32 {
        self.row.attempts.saturating_sub(self.auth_retries)
    }
}

pub(super) struct Queue {
    pub(super) tasks: VecDeque<Task>,
    pub(super) in_flight: usize,
}

pub(super) enum Unit {
    Lookup(Task),
    Single(Task),
    Bulk(Vec<Task>),
}

impl Unit {
    pub(super) fn cells(&self) -> u32 {
        match self {
            Unit::Bulk(v) => v.len() as u32,
            _ => 1,
        }
    }

    pub(super) fn into_tasks(self) -> Vec<Task> {
        match self {
            Unit::Lookup(t) | Unit::Single(t) => vec![t],
            Unit::Bulk(v) => v,
        }
    }
}

impl Run {
    /// Takes the next unit of work, or `None` when there is none left (or the run must stop).
    pub(super) async fn next_unit(&self) -> Option<Unit> {
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

    pub(super) fn pick(&self, q: &mut Queue, now: Instant) -> Option<Unit> {
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

    pub(super) fn give_back(&self, tasks: Vec<Task>) {
        let mut q = self.queue();
        q.in_flight = q.in_flight.saturating_sub(1);
        q.tasks.extend(tasks);
        drop(q);
        self.wake.notify_waiters();
    }
}
