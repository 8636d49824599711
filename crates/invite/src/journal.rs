//! The SQLite journal (WAL): one job row and one row per invitee, written before anything is sent.
//! Every state change is its own committed transaction, so a killed process resumes from the file.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{InviteError, Result};
use crate::model::{
    InviteJobInfo, InviteJobStatus, InviteJobSummary, InviteOptions, InviteReasonCount, InviteRole,
    InviteRowResult, InviteRowState, Invitee,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    target TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    options TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS rows (
    job_id TEXT NOT NULL REFERENCES jobs(id),
    idx INTEGER NOT NULL,
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    teams TEXT NOT NULL,
    role TEXT NOT NULL,
    workspace TEXT,
    state TEXT NOT NULL,
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    -- 1 once a request for this row may have reached the service without us seeing the answer.
    uncertain INTEGER NOT NULL DEFAULT 0,
    -- client clock (ms) of the first send: tells our own invitation from an older one on lookup.
    first_sent_ms INTEGER,
    user_id TEXT,
    PRIMARY KEY (job_id, idx)
);
CREATE INDEX IF NOT EXISTS rows_state ON rows(job_id, state);
";

/// A row the engine still has to settle.
#[derive(Debug, Clone)]
pub(crate) struct OpenRow {
    pub index: u32,
    pub invitee: Invitee,
    pub attempts: u32,
    pub uncertain: bool,
    pub first_sent_ms: Option<i64>,
}

/// One state change for [`Journal::apply`].
#[derive(Debug, Clone)]
pub(crate) struct RowUpdate {
    pub index: u32,
    pub state: InviteRowState,
    /// Sets the uncertain flag (it is never cleared once a send may have landed).
    pub uncertain: bool,
    pub user_id: Option<String>,
}

/// Which moves a row may make. Anything else is a bug, refused rather than written.
pub fn transition_allowed(from: &InviteRowState, to: &InviteRowState) -> bool {
    use InviteRowState as S;
    match (from, to) {
        (S::Pending, S::Sending | S::Pending | S::Skipped { .. } | S::Failed { .. }) => true,
        // A lookup (before a retry) can settle a pending row without sending.
        (S::Pending, S::Invited | S::AlreadyThere) => true,
        (S::Sending, S::Pending | S::Invited | S::AlreadyThere | S::Failed { .. }) => true,
        (S::Invited, S::Revoked) => true,
        _ => false,
    }
}

pub struct Journal {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Journal")
    }
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

fn new_job_id() -> String {
    let b: [u8; 12] = rand::random();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl Journal {
    /// Opens (or creates) the journal file in WAL mode.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    /// A journal that lives in memory only (previews and tests; it survives nothing).
    pub fn in_memory() -> Result<Self> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // WAL + NORMAL: a commit is in the OS once `COMMIT` returns, so it survives the process
        // being killed (only a power cut could lose the last commits).
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes a new job with every invitee `pending` (duplicates of an earlier row and rows
    /// without an email are `skipped`), in one transaction. Returns the job id.
    pub fn create_job(
        &self,
        target: &str,
        source: &str,
        options: &InviteOptions,
        invitees: &[Invitee],
    ) -> Result<String> {
        let id = new_job_id();
        let opts =
            serde_json::to_string(options).map_err(|e| InviteError::Protocol(e.to_string()))?;
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO jobs (id, target, source, created_at, options, status) VALUES (?1, ?2, ?3, ?4, ?5, 'unfinished')",
            params![id, target, source, now_rfc3339(), opts],
        )?;
        {
            let mut ins = tx.prepare(
                "INSERT INTO rows (job_id, idx, email, first_name, last_name, teams, role, workspace, state, reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            let mut seen = HashSet::new();
            for (i, p) in invitees.iter().enumerate() {
                let email = p.email.trim();
                let state = if email.is_empty() {
                    InviteRowState::Skipped {
                        reason: "missing_email".into(),
                    }
                } else if !seen.insert(email.to_lowercase()) {
                    InviteRowState::Skipped {
                        reason: "duplicate_in_job".into(),
                    }
                } else {
                    InviteRowState::Pending
                };
                let teams = serde_json::to_string(&p.teams).unwrap_or_else(|_| "[]".into());
                ins.execute(params![
                    id,
                    i as i64,
                    email,
                    p.first_name,
                    p.last_name,
                    teams,
                    p.role.as_str(),
                    p.workspace,
                    state.kind(),
                    state.reason(),
                ])?;
            }
        }
        tx.commit()?;
        Ok(id)
    }

    fn info_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<InviteJobInfo> {
        let options: String = row.get(4)?;
        let status: String = row.get(5)?;
        Ok(InviteJobInfo {
            job_id: row.get(0)?,
            target: row.get(1)?,
            source: row.get(2)?,
            created_at: row.get(3)?,
            options: serde_json::from_str(&options).unwrap_or_default(),
            status: InviteJobStatus::parse(&status),
        })
    }

    pub fn job(&self, job_id: &str) -> Result<InviteJobInfo> {
        self.lock()
            .query_row(
                "SELECT id, target, source, created_at, options, status FROM jobs WHERE id = ?1",
                [job_id],
                Self::info_from,
            )
            .optional()?
            .ok_or(InviteError::JobNotFound)
    }

    /// Every job, oldest first.
    pub fn jobs(&self) -> Result<Vec<InviteJobInfo>> {
        let conn = self.lock();
        let mut st = conn.prepare(
            "SELECT id, target, source, created_at, options, status FROM jobs ORDER BY created_at, rowid",
        )?;
        let out = st
            .query_map([], Self::info_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(out)
    }

    /// Jobs to offer for resuming: neither completed nor cancelled.
    pub fn unfinished_jobs(&self) -> Result<Vec<InviteJobInfo>> {
        Ok(self
            .jobs()?
            .into_iter()
            .filter(|j| j.status == InviteJobStatus::Unfinished)
            .collect())
    }

    /// The newest job made from `source` for `target`, whatever its status.
    pub fn find_job(&self, target: &str, source: &str) -> Result<Option<InviteJobInfo>> {
        Ok(self
            .jobs()?
            .into_iter()
            .rev()
            .find(|j| j.target == target && j.source == source))
    }

    pub fn set_options(&self, job_id: &str, options: &InviteOptions) -> Result<()> {
        let opts =
            serde_json::to_string(options).map_err(|e| InviteError::Protocol(e.to_string()))?;
        self.lock().execute(
            "UPDATE jobs SET options = ?2 WHERE id = ?1",
            params![job_id, opts],
        )?;
        Ok(())
    }

    pub(crate) fn set_status(&self, job_id: &str, status: InviteJobStatus) -> Result<()> {
        self.lock().execute(
            "UPDATE jobs SET status = ?2 WHERE id = ?1",
            params![job_id, status.as_str()],
        )?;
        Ok(())
    }

    fn row_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<(InviteRowResult, bool, Option<i64>)> {
        let teams: String = row.get(5)?;
        let role: String = row.get(6)?;
        let state: String = row.get(8)?;
        let reason: Option<String> = row.get(9)?;
        let state = InviteRowState::from_parts(&state, reason).unwrap_or(InviteRowState::Failed {
            reason: "journal_unreadable".into(),
        });
        Ok((
            InviteRowResult {
                index: row.get::<_, i64>(1)? as u32,
                invitee: Invitee {
                    email: row.get(2)?,
                    first_name: row.get(3)?,
                    last_name: row.get(4)?,
                    teams: serde_json::from_str(&teams).unwrap_or_default(),
                    role: InviteRole::parse(&role).unwrap_or_default(),
                    workspace: row.get(7)?,
                },
                state,
                attempts: row.get::<_, i64>(10)? as u32,
                user_id: row.get(13)?,
            },
            row.get::<_, i64>(11)? != 0,
            row.get(12)?,
        ))
    }

    const ROW_COLUMNS: &'static str = "job_id, idx, email, first_name, last_name, teams, role, workspace, state, reason, attempts, uncertain, first_sent_ms, user_id";

    /// Every row of a job, in input order.
    pub fn rows(&self, job_id: &str) -> Result<Vec<InviteRowResult>> {
        self.job(job_id)?;
        let conn = self.lock();
        let mut st = conn.prepare(&format!(
            "SELECT {} FROM rows WHERE job_id = ?1 ORDER BY idx",
            Self::ROW_COLUMNS
        ))?;
        let out = st
            .query_map([job_id], Self::row_from)?
            .map(|r| r.map(|(row, ..)| row))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(out)
    }

    /// After a crash or quit: a row left `sending` may or may not have reached the service.
    /// It goes back to `pending`, flagged uncertain, so the engine asks before sending again.
    pub(crate) fn recover(&self, job_id: &str) -> Result<u32> {
        let n = self.lock().execute(
            "UPDATE rows SET state = 'pending', uncertain = 1 WHERE job_id = ?1 AND state = 'sending'",
            [job_id],
        )?;
        Ok(n as u32)
    }

    pub(crate) fn open_rows(&self, job_id: &str) -> Result<Vec<OpenRow>> {
        let conn = self.lock();
        let mut st = conn.prepare(&format!(
            "SELECT {} FROM rows WHERE job_id = ?1 AND state IN ('pending', 'sending') ORDER BY idx",
            Self::ROW_COLUMNS
        ))?;
        let out = st
            .query_map([job_id], Self::row_from)?
            .map(|r| {
                r.map(|(row, uncertain, first_sent_ms)| OpenRow {
                    index: row.index,
                    invitee: row.invitee,
                    attempts: row.attempts,
                    uncertain,
                    first_sent_ms,
                })
            })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(out)
    }

    fn current(tx: &rusqlite::Transaction<'_>, job_id: &str, index: u32) -> Result<InviteRowState> {
        let (state, reason): (String, Option<String>) = tx
            .query_row(
                "SELECT state, reason FROM rows WHERE job_id = ?1 AND idx = ?2",
                params![job_id, index as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or(InviteError::JobNotFound)?;
        InviteRowState::from_parts(&state, reason)
            .ok_or_else(|| InviteError::Protocol("unknown row state in the journal".into()))
    }

    /// Marks rows `sending` (attempts + 1, first send time kept) in one commit, before the request.
    pub(crate) fn mark_sending(&self, job_id: &str, indices: &[u32], now_ms: i64) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        for &i in indices {
            let from = Self::current(&tx, job_id, i)?;
            if !transition_allowed(&from, &InviteRowState::Sending) {
                return Err(InviteError::Protocol(format!(
                    "row {i} cannot go from {} to sending",
                    from.kind()
                )));
            }
            tx.execute(
                "UPDATE rows SET state = 'sending', attempts = attempts + 1,
                 first_sent_ms = COALESCE(first_sent_ms, ?3) WHERE job_id = ?1 AND idx = ?2",
                params![job_id, i as i64, now_ms],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Applies state changes in one commit; refuses a move [`transition_allowed`] forbids.
    pub(crate) fn apply(&self, job_id: &str, updates: &[RowUpdate]) -> Result<()> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        for u in updates {
            let from = Self::current(&tx, job_id, u.index)?;
            if !transition_allowed(&from, &u.state) {
                return Err(InviteError::Protocol(format!(
                    "row {} cannot go from {} to {}",
                    u.index,
                    from.kind(),
                    u.state.kind()
                )));
            }
            tx.execute(
                "UPDATE rows SET state = ?3, reason = ?4, uncertain = MAX(uncertain, ?5),
                 user_id = COALESCE(?6, user_id) WHERE job_id = ?1 AND idx = ?2",
                params![
                    job_id,
                    u.index as i64,
                    u.state.kind(),
                    u.state.reason(),
                    u.uncertain as i64,
                    u.user_id
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Counts for the results screen.
    pub fn summary(&self, job_id: &str) -> Result<InviteJobSummary> {
        let job = self.job(job_id)?;
        let rows = self.rows(job_id)?;
        let mut s = InviteJobSummary {
            job_id: job.job_id,
            status: job.status,
            total: rows.len() as u32,
            invited: 0,
            already_there: 0,
            failed: 0,
            skipped: 0,
            revoked: 0,
            unfinished: 0,
            failures: Vec::new(),
        };
        let mut reasons: std::collections::BTreeMap<String, u32> = Default::default();
        for r in &rows {
            match &r.state {
                InviteRowState::Pending | InviteRowState::Sending => s.unfinished += 1,
                InviteRowState::Invited => s.invited += 1,
                InviteRowState::AlreadyThere => s.already_there += 1,
                InviteRowState::Failed { reason } => {
                    s.failed += 1;
                    *reasons.entry(reason.clone()).or_default() += 1;
                }
                InviteRowState::Skipped { .. } => s.skipped += 1,
                InviteRowState::Revoked => s.revoked += 1,
            }
        }
        let mut failures: Vec<_> = reasons
            .into_iter()
            .map(|(reason, count)| InviteReasonCount { reason, count })
            .collect();
        failures.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
        s.failures = failures;
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use InviteRowState as S;

    fn people(emails: &[&str]) -> Vec<Invitee> {
        emails
            .iter()
            .map(|e| Invitee {
                email: (*e).into(),
                ..Invitee::default()
            })
            .collect()
    }

    fn up(index: u32, state: InviteRowState) -> RowUpdate {
        RowUpdate {
            index,
            state,
            uncertain: false,
            user_id: None,
        }
    }

    #[test]
    fn the_allowed_moves() {
        let failed = S::Failed { reason: "x".into() };
        let skipped = S::Skipped { reason: "x".into() };
        assert!(transition_allowed(&S::Pending, &S::Sending));
        assert!(transition_allowed(&S::Sending, &S::Invited));
        assert!(transition_allowed(&S::Sending, &S::AlreadyThere));
        assert!(transition_allowed(&S::Sending, &failed));
        assert!(transition_allowed(&S::Sending, &S::Pending));
        assert!(transition_allowed(&S::Pending, &S::Invited));
        assert!(transition_allowed(&S::Pending, &skipped));
        assert!(transition_allowed(&S::Invited, &S::Revoked));
        for terminal in [
            S::Invited,
            S::AlreadyThere,
            failed.clone(),
            skipped.clone(),
            S::Revoked,
        ] {
            assert!(!transition_allowed(&terminal, &S::Sending), "{terminal:?}");
            assert!(!transition_allowed(&terminal, &S::Pending), "{terminal:?}");
        }
        assert!(!transition_allowed(&S::Sending, &S::Sending));
        assert!(!transition_allowed(&S::Sending, &skipped));
        assert!(!transition_allowed(&S::AlreadyThere, &S::Revoked));
        assert!(!transition_allowed(&S::Pending, &S::Revoked));
    }

    #[test]
    fn a_job_is_journaled_before_sending_and_survives_reopening() -> Result<()> {
        let dir = tempfile::tempdir().map_err(InviteError::Export)?;
        let path = dir.path().join("j.sqlite");
        let id = {
            let j = Journal::open(&path)?;
            let id = j.create_job(
                "http://127.0.0.1:1",
                "file.csv#1",
                &InviteOptions::default(),
                &people(&["a@x.io", "B@x.io", "b@X.io", " "]),
            )?;
            j.mark_sending(&id, &[0, 1], 1000)?;
            j.apply(
                &id,
                &[RowUpdate {
                    user_id: Some("u1".into()),
                    ..up(0, S::Invited)
                }],
            )?;
            id
        };
        let j = Journal::open(&path)?;
        let rows = j.rows(&id)?;
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].state, S::Invited);
        assert_eq!(rows[0].user_id.as_deref(), Some("u1"));
        assert_eq!(rows[1].state, S::Sending);
        assert_eq!(
            rows[2].state,
            S::Skipped {
                reason: "duplicate_in_job".into()
            }
        );
        assert_eq!(
            rows[3].state,
            S::Skipped {
                reason: "missing_email".into()
            }
        );
        assert_eq!(j.unfinished_jobs()?.len(), 1);
        // The process died while row 1 was on its way: it comes back pending and uncertain.
        assert_eq!(j.recover(&id)?, 1);
        let open = j.open_rows(&id)?;
        assert_eq!(open.len(), 1);
        assert!(open[0].uncertain);
        assert_eq!(open[0].attempts, 1);
        assert_eq!(open[0].first_sent_ms, Some(1000));
        j.mark_sending(&id, &[1], 2000)?;
        let open = j.open_rows(&id)?;
        assert_eq!((open[0].attempts, open[0].first_sent_ms), (2, Some(1000)));
        j.apply(&id, &[up(1, S::AlreadyThere)])?;
        assert!(j.open_rows(&id)?.is_empty());
        j.set_status(&id, InviteJobStatus::Completed)?;
        assert!(j.unfinished_jobs()?.is_empty());
        assert_eq!(
            j.find_job("http://127.0.0.1:1", "file.csv#1")?
                .map(|x| x.status),
            Some(InviteJobStatus::Completed)
        );
        let s = j.summary(&id)?;
        assert_eq!(
            (s.total, s.invited, s.already_there, s.skipped, s.unfinished),
            (4, 1, 1, 2, 0)
        );
        Ok(())
    }

    #[test]
    fn forbidden_moves_are_refused_and_change_nothing() -> Result<()> {
        let j = Journal::in_memory()?;
        let id = j.create_job(
            "t",
            "s",
            &InviteOptions::default(),
            &people(&["a@x.io", "b@x.io"]),
        )?;
        j.mark_sending(&id, &[0], 1)?;
        j.apply(&id, &[up(0, S::Invited)])?;
        assert!(j.mark_sending(&id, &[1, 0], 2).is_err());
        // The whole commit was refused: row 1 is still pending, not sending.
        assert_eq!(j.rows(&id)?[1].state, S::Pending);
        assert!(j.apply(&id, &[up(1, S::Revoked)]).is_err());
        assert!(matches!(j.rows("nope"), Err(InviteError::JobNotFound)));
        Ok(())
    }
}
