//! The engine's vocabulary: invitees in, row states, options, progress and summaries out.
//! Types the UI receives derive Serialize + ts_rs::TS, camelCase, prefixed `Invite…`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{InviteError, Result};

/// Who is invited and as what: the contract's, shared with the import and the stand-in service.
/// (`InviteRole` is the contract's `Role`; its TS name is `InviteRole`.)
pub use sia_actions_contract::{Invitee, Role as InviteRole};

/// Where one invitee stands. Terminal: invited, alreadyThere, failed, skipped, revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum InviteRowState {
    /// Journaled, not sent yet (or to be retried).
    Pending,
    /// A request is (or was, when the process died) on its way.
    Sending,
    /// This job created the user: an invitation went out.
    Invited,
    /// The user was already in the instance; nothing was sent.
    AlreadyThere,
    /// The service refused for good (seat limit, invalid value …) or retries ran out.
    Failed { reason: String },
    /// Not sent on purpose (duplicate in this job, cancelled).
    Skipped { reason: String },
    /// Invited by this job, then revoked by "undo" before the invitee accepted.
    Revoked,
}

impl InviteRowState {
    pub fn is_terminal(&self) -> bool {
        !matches!(self, Self::Pending | Self::Sending)
    }

    /// Done means nobody needs to send anything for this row again.
    pub fn is_done(&self) -> bool {
        matches!(self, Self::Invited | Self::AlreadyThere | Self::Revoked)
    }

    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Invited => "invited",
            Self::AlreadyThere => "alreadyThere",
            Self::Failed { .. } => "failed",
            Self::Skipped { .. } => "skipped",
            Self::Revoked => "revoked",
        }
    }

    pub(crate) fn reason(&self) -> Option<&str> {
        match self {
            Self::Failed { reason } | Self::Skipped { reason } => Some(reason),
            _ => None,
        }
    }

    pub(crate) fn from_parts(kind: &str, reason: Option<String>) -> Option<Self> {
        Some(match kind {
            "pending" => Self::Pending,
            "sending" => Self::Sending,
            "invited" => Self::Invited,
            "alreadyThere" => Self::AlreadyThere,
            "failed" => Self::Failed {
                reason: reason.unwrap_or_default(),
            },
            "skipped" => Self::Skipped {
                reason: reason.unwrap_or_default(),
            },
            "revoked" => Self::Revoked,
            _ => return None,
        })
    }
}

/// A client-side rate: at most `count` requests-worth of invitations per `per_secs` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InviteRate {
    pub count: u32,
    pub per_secs: f64,
}

impl InviteRate {
    /// `"50/1"`, `"600/60"`, or `"20"` (per second).
    pub fn parse(s: &str) -> Result<Self> {
        let (n, secs) = match s.trim().split_once('/') {
            Some((n, d)) => (n.trim(), d.trim()),
            None => (s.trim(), "1"),
        };
        let count: u32 = n.parse().map_err(|_| InviteError::InvalidRate)?;
        let per_secs: f64 = secs.parse().map_err(|_| InviteError::InvalidRate)?;
        if count == 0 || !(per_secs.is_finite() && per_secs > 0.0) {
            return Err(InviteError::InvalidRate);
        }
        Ok(Self { count, per_secs })
    }

    pub fn per_second(self) -> f64 {
        f64::from(self.count) / self.per_secs
    }
}

/// How a job runs. Stored with the job; a resumed run may override it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct InviteOptions {
    /// Requests in flight at once.
    pub concurrency: u32,
    /// Client-side limit; `None` sends as fast as the service answers (still honouring 429).
    pub rate: Option<InviteRate>,
    /// Use SCIM Bulk when the service offers it.
    pub use_bulk: bool,
    /// Largest bulk batch (also capped by the service's maxOperations and the rate's burst).
    pub bulk_batch: u32,
    /// Attempts per row before it is marked failed (lookups do not count).
    pub max_attempts: u32,
    /// First retry delay; doubles each attempt up to `backoff_max_ms`, with full jitter.
    // JSON carries these as plain numbers (the UI receives them in `InviteJobInfo`).
    #[ts(type = "number")]
    pub backoff_base_ms: u64,
    #[ts(type = "number")]
    pub backoff_max_ms: u64,
    /// Per-request timeout.
    #[ts(type = "number")]
    pub request_timeout_ms: u64,
}

impl Default for InviteOptions {
    fn default() -> Self {
        Self {
            concurrency: 4,
            rate: None,
            use_bulk: true,
            bulk_batch: 100,
            max_attempts: 8,
            backoff_base_ms: 250,
            backoff_max_ms: 30_000,
            request_timeout_ms: 30_000,
        }
    }
}

/// Where a job stands overall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum InviteJobStatus {
    /// Not finished: runs now, or resumes on the next start.
    Unfinished,
    Completed,
    Cancelled,
}

impl InviteJobStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Unfinished => "unfinished",
            Self::Completed => "completed",
            Self::Cancelled => "cancelled",
        }
    }

    pub(crate) fn parse(s: &str) -> Self {
        match s {
            "completed" => Self::Completed,
            "cancelled" => Self::Cancelled,
            _ => Self::Unfinished,
        }
    }
}

/// Live progress, for the UI's progress bar and the CLI.
#[derive(Debug, Clone, PartialEq, Serialize, TS, Default)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InviteProgress {
    pub job_id: String,
    pub total: u32,
    pub invited: u32,
    pub already_there: u32,
    pub failed: u32,
    pub skipped: u32,
    /// invited + alreadyThere (+ revoked).
    pub done: u32,
    pub remaining: u32,
    /// Rows settled per second over the last few seconds of this run.
    pub rate_per_sec: f64,
    /// Seconds left at that rate; `None` until there is a rate.
    pub eta_secs: Option<f64>,
    pub paused: bool,
    /// Requests on their way; after a pause, 0 means nothing more will arrive until resume.
    pub in_flight: u32,
    pub finished: bool,
}

/// A job as the journal lists it (for "resume the unfinished job?").
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InviteJobInfo {
    pub job_id: String,
    /// The service base URL (never a token).
    pub target: String,
    /// What the job was made from (e.g. a file name and its fingerprint).
    pub source: String,
    pub created_at: String,
    pub status: InviteJobStatus,
    pub options: InviteOptions,
}

/// The results screen: counts, and how the job ended.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InviteJobSummary {
    pub job_id: String,
    pub status: InviteJobStatus,
    pub total: u32,
    pub invited: u32,
    pub already_there: u32,
    pub failed: u32,
    pub skipped: u32,
    pub revoked: u32,
    /// Still pending or sending (a cancelled or interrupted job).
    pub unfinished: u32,
    /// Failure reason codes with their counts, most frequent first.
    pub failures: Vec<InviteReasonCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InviteReasonCount {
    pub reason: String,
    pub count: u32,
}

/// One row of the results screen and the results file.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InviteRowResult {
    /// Position in the job's input, from 0.
    pub index: u32,
    pub invitee: Invitee,
    pub state: InviteRowState,
    pub attempts: u32,
    /// The service's user id, when known.
    pub user_id: Option<String>,
}

/// What "revoke the pending invitations of this job" did.
#[derive(Debug, Clone, PartialEq, Serialize, TS, Default)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InviteRevokeSummary {
    pub revoked: u32,
    /// Already accepted (active): left alone.
    pub kept_active: u32,
    /// Gone from the service already.
    pub already_gone: u32,
    /// Could not be revoked (service refused or unreachable); they stay `invited`.
    pub failed: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_or_refuse() {
        let r = InviteRate::parse("50/1").ok();
        assert_eq!(r.map(|r| r.per_second()), Some(50.0));
        assert_eq!(
            InviteRate::parse("600/60").ok().map(|r| r.per_second()),
            Some(10.0)
        );
        assert_eq!(InviteRate::parse(" 20 ").ok().map(|r| r.count), Some(20));
        for bad in ["", "0/1", "5/0", "x/1", "5/-1", "5/inf"] {
            assert!(InviteRate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn row_states_round_trip_through_their_parts() {
        for s in [
            InviteRowState::Pending,
            InviteRowState::Sending,
            InviteRowState::Invited,
            InviteRowState::AlreadyThere,
            InviteRowState::Failed {
                reason: "seat_limit_reached".into(),
            },
            InviteRowState::Skipped {
                reason: "duplicate_in_job".into(),
            },
            InviteRowState::Revoked,
        ] {
            let back = InviteRowState::from_parts(s.kind(), s.reason().map(str::to_owned));
            assert_eq!(back.as_ref(), Some(&s));
        }
        let json = serde_json::to_string(&InviteRowState::Failed { reason: "x".into() })
            .unwrap_or_default();
        assert_eq!(json, r#"{"kind":"failed","reason":"x"}"#);
    }
}
