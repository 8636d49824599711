//! Pause, resume and cancel for a running job: a cloneable handle over a watch channel.
//! Cooperative: requests already on their way finish and are journaled; nothing new starts.

use std::sync::Arc;

use tokio::sync::watch;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunState {
    Running,
    Paused,
    Cancelled,
}

/// The UI's buttons. Cheap to clone; every clone steers the same job.
#[derive(Clone, Debug)]
pub struct InviteControl {
    tx: Arc<watch::Sender<RunState>>,
}

impl Default for InviteControl {
    fn default() -> Self {
        Self::new()
    }
}

impl InviteControl {
    pub fn new() -> Self {
        Self {
            tx: Arc::new(watch::channel(RunState::Running).0),
        }
    }

    /// Stop starting new requests; in-flight ones complete.
    pub fn pause(&self) {
        self.tx.send_if_modified(|s| {
            let change = *s == RunState::Running;
            if change {
                *s = RunState::Paused;
            }
            change
        });
    }

    pub fn resume(&self) {
        self.tx.send_if_modified(|s| {
            let change = *s == RunState::Paused;
            if change {
                *s = RunState::Running;
            }
            change
        });
    }

    /// Ends the job: nothing new is sent, unsent rows become `skipped` (cancelled). Final.
    pub fn cancel(&self) {
        self.tx.send_replace(RunState::Cancelled);
    }

    pub fn is_paused(&self) -> bool {
        *self.tx.borrow() == RunState::Paused
    }

    pub fn is_cancelled(&self) -> bool {
        *self.tx.borrow() == RunState::Cancelled
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<RunState> {
        self.tx.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_is_final() {
        let c = InviteControl::new();
        c.pause();
        assert!(c.is_paused());
        c.resume();
        assert!(!c.is_paused());
        c.cancel();
        c.resume();
        c.pause();
        assert!(c.is_cancelled());
    }
}
