//! Keeps the setup's progress in a SQLite file in the app data folder, so the
//! dashboard shows the same thing after a restart or a crash.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use ts_rs::TS;

use crate::error::CoreError;
use crate::evidence::{CheckProblem, Evidence};
use crate::status::{Dashboard, PrerequisiteStatus, StepRecord, derive_dashboard};
use crate::steps::{CheckResult, PrerequisiteId, StepId};

/// The schema this build writes. Older files are migrated forward; a newer
/// one is refused rather than misread.
const SCHEMA_VERSION: i64 = 2;
pub const FILE_NAME: &str = "setup.db";

/// The UI language, as the i18n catalogue names it. (The admin's choice is kept in the
/// app's progress store; this type is shared so every crate names languages the same way.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum UiLanguage {
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-TW")]
    ZhTw,
}

/// How the window looks: as the OS says (`prefers-color-scheme`), or always light or dark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn tag(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Whether the window is dark, given whether the OS is.
    pub fn is_dark(self, os_dark: bool) -> bool {
        match self {
            Theme::System => os_dark,
            Theme::Light => false,
            Theme::Dark => true,
        }
    }

    /// The stored tag; a value this build does not know reads as "follow the OS".
    pub fn from_tag(tag: &str) -> Self {
        match tag {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }
}

/// Small settings that belong with the progress (not secrets: those live in the vault).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preference {
    /// The UI language the admin chose (`en`, `zh-TW`).
    Language,
    /// The look the admin chose (`system`, `light`, `dark`).
    Theme,
    /// The Salesforce sign-in settings (login host, consumer key, callback ports), as JSON.
    SalesforceLogin,
    /// How many people the step-4 preview counted with a Salesforce owner (to estimate time left).
    SyncExpectedPeople,
    /// Demo only: `guided` runs the demo as the real product (no Actions admin API), so the
    /// guided steps and their evidence can be tried against the stand-ins.
    DemoActionsAccess,
    /// Real-product mode, step 2: the connected app the admin chose as Actions, per Salesforce
    /// org, as a JSON object `{orgId: appName}`.
    ActionsAppByOrg,
    /// Real-product mode, steps 3 and 4: the Marketo API user the admin chose as Actions'.
    MarketoActionsUser,
    /// Whether the step-4 preview's count of people is a lower bound (`true`/`false`).
    SyncExpectedAtLeast,
    /// SIA Setup's own Marketo REST calls per instance and Marketo day, as JSON: subtracted from
    /// the usage statistics, which count them under the same API user as Actions'.
    MarketoOwnCalls,
    /// Step 5: the last activation tracker's counts and when it read them, as JSON, for the
    /// dashboard's step-5 card and the setup report (counts only: no invitee's address).
    ActivationLast,
}

impl Preference {
    fn key(self) -> &'static str {
        match self {
            Preference::Language => "language",
            Preference::Theme => "theme",
            Preference::SalesforceLogin => "salesforceLogin",
            Preference::SyncExpectedPeople => "syncExpectedPeople",
            Preference::DemoActionsAccess => "demoActionsAccess",
            Preference::ActionsAppByOrg => "actionsAppByOrg",
            Preference::MarketoActionsUser => "marketoActionsUser",
            Preference::SyncExpectedAtLeast => "syncExpectedAtLeast",
            Preference::MarketoOwnCalls => "marketoOwnCalls",
            Preference::ActivationLast => "activationLast",
        }
    }
}

pub struct SetupStore {
    conn: Connection,
}

impl SetupStore {
    /// Opens (or creates) `setup.db` in `dir`, creating the folder if needed.
    pub fn open(dir: &Path) -> Result<Self, CoreError> {
        std::fs::create_dir_all(dir).map_err(CoreError::DataDir)?;
        let conn = Connection::open(dir.join(FILE_NAME)).map_err(CoreError::StoreOpen)?;
        Self::init(conn)
    }

    /// A store that lives only in memory (tests, and "nothing may be written" runs).
    pub fn in_memory() -> Result<Self, CoreError> {
        Self::init(Connection::open_in_memory().map_err(CoreError::StoreOpen)?)
    }

    fn init(conn: Connection) -> Result<Self, CoreError> {
        // WAL keeps the file consistent if the app dies mid-write; a short busy
        // timeout covers a second window of the app touching the same file.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(2))?;
        let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(CoreError::StoreTooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if found < 1 {
            conn.execute_batch(
                "BEGIN;
                 CREATE TABLE IF NOT EXISTS step (
                     id TEXT PRIMARY KEY,
                     check_json TEXT,
                     checked_at TEXT,
                     confirmed_at TEXT,
                     started_at TEXT
                 );
                 CREATE TABLE IF NOT EXISTS prerequisite (
                     id TEXT PRIMARY KEY,
                     confirmed_at TEXT NOT NULL
                 );
                 CREATE TABLE IF NOT EXISTS preference (
                     key TEXT PRIMARY KEY,
                     value TEXT NOT NULL
                 );
                 PRAGMA user_version = 1;
                 COMMIT;",
            )?;
        }
        if found < 2 {
            // v2: what each check saw (evidence) and why the last attempt did not run.
            conn.execute_batch(
                "BEGIN;
                 ALTER TABLE step ADD COLUMN evidence_json TEXT;
                 ALTER TABLE step ADD COLUMN problem_json TEXT;
                 PRAGMA user_version = 2;
                 COMMIT;",
            )?;
        }
        Ok(Self { conn })
    }

    pub fn dashboard(&self) -> Result<Dashboard, CoreError> {
        let prerequisites = self.prerequisites()?;
        let mut records = std::collections::HashMap::new();
        let mut stmt = self
            .conn
            .prepare("SELECT id, check_json, checked_at, confirmed_at, started_at, evidence_json, problem_json FROM step")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        for row in rows {
            let (id, check_json, checked_at, confirmed_at, started_at, evidence_json, problem_json) =
                row?;
            // Rows written by a future build with step names we don't know are ignored,
            // as is a check we cannot read: the step then shows what it shows without it.
            let Some(step) = StepId::from_key(&id) else {
                continue;
            };
            let check = match (check_json, checked_at) {
                (Some(json), Some(at)) => serde_json::from_str::<CheckResult>(&json)
                    .ok()
                    .map(|c| (c, at)),
                _ => None,
            };
            records.insert(
                step,
                StepRecord {
                    check,
                    confirmed_at,
                    started_at,
                    // Unreadable JSON (a future build's evidence) shows as no evidence.
                    evidence: evidence_json.and_then(|j| serde_json::from_str(&j).ok()),
                    problem: problem_json.and_then(|j| serde_json::from_str(&j).ok()),
                },
            );
        }
        Ok(derive_dashboard(prerequisites, |s| {
            records.get(&s).cloned().unwrap_or_default()
        }))
    }

    fn prerequisites(&self) -> Result<Vec<PrerequisiteStatus>, CoreError> {
        PrerequisiteId::ALL
            .into_iter()
            .map(|id| {
                let confirmed_at: Option<String> = self
                    .conn
                    .query_row(
                        "SELECT confirmed_at FROM prerequisite WHERE id = ?1",
                        [id.key()],
                        |r| r.get(0),
                    )
                    .optional()?;
                Ok(PrerequisiteStatus {
                    id,
                    confirmed: confirmed_at.is_some(),
                    confirmed_at,
                })
            })
            .collect()
    }

    /// Records what a check of the services found. Replaces the previous check (and its evidence).
    pub fn record_check(&self, step: StepId, result: &CheckResult) -> Result<(), CoreError> {
        self.write_check(step, result, None)
    }

    /// Records a check with what the service answered, shown as the step's evidence.
    pub fn record_evidence(
        &self,
        step: StepId,
        result: &CheckResult,
        evidence: &Evidence,
    ) -> Result<(), CoreError> {
        self.write_check(step, result, Some(evidence))
    }

    fn write_check(
        &self,
        step: StepId,
        result: &CheckResult,
        evidence: Option<&Evidence>,
    ) -> Result<(), CoreError> {
        let json = to_json(result)?;
        let evidence = evidence.map(to_json).transpose()?;
        self.conn.execute(
            "INSERT INTO step (id, check_json, checked_at, evidence_json, problem_json)
             VALUES (?1, ?2, ?3, ?4, NULL)
             ON CONFLICT(id) DO UPDATE SET check_json = excluded.check_json,
                 checked_at = excluded.checked_at, evidence_json = excluded.evidence_json,
                 problem_json = NULL",
            params![step.key(), json, now(), evidence],
        )?;
        Ok(())
    }

    /// A check that could not run: the last result stays, with this problem beside it until
    /// a check runs again.
    pub fn record_check_problem(&self, step: StepId, code: &str) -> Result<(), CoreError> {
        let problem = to_json(&CheckProblem {
            code: code.to_owned(),
            at: now(),
        })?;
        self.conn.execute(
            "INSERT INTO step (id, problem_json) VALUES (?1, ?2)
             ON CONFLICT(id) DO UPDATE SET problem_json = excluded.problem_json",
            params![step.key(), problem],
        )?;
        Ok(())
    }

    /// Forgets the last check, e.g. when the connection it relied on is removed.
    pub fn clear_check(&self, step: StepId) -> Result<(), CoreError> {
        self.conn.execute(
            "UPDATE step SET check_json = NULL, checked_at = NULL, evidence_json = NULL,
                 problem_json = NULL WHERE id = ?1",
            [step.key()],
        )?;
        Ok(())
    }

    /// The admin says they did (or undid) a step the app cannot check.
    pub fn confirm_step(&self, step: StepId, confirmed: bool) -> Result<(), CoreError> {
        let value = confirmed.then(now);
        self.conn.execute(
            "INSERT INTO step (id, confirmed_at) VALUES (?1, ?2)
             ON CONFLICT(id) DO UPDATE SET confirmed_at = excluded.confirmed_at",
            params![step.key(), value],
        )?;
        Ok(())
    }

    /// The admin opened the step and began work on it. The first time counts.
    pub fn mark_started(&self, step: StepId) -> Result<(), CoreError> {
        self.conn.execute(
            "INSERT INTO step (id, started_at) VALUES (?1, ?2)
             ON CONFLICT(id) DO UPDATE SET started_at = COALESCE(step.started_at, excluded.started_at)",
            params![step.key(), now()],
        )?;
        Ok(())
    }

    pub fn confirm_prerequisite(
        &self,
        id: PrerequisiteId,
        confirmed: bool,
    ) -> Result<(), CoreError> {
        if confirmed {
            self.conn.execute(
                "INSERT INTO prerequisite (id, confirmed_at) VALUES (?1, ?2)
                 ON CONFLICT(id) DO NOTHING",
                params![id.key(), now()],
            )?;
        } else {
            self.conn
                .execute("DELETE FROM prerequisite WHERE id = ?1", [id.key()])?;
        }
        Ok(())
    }

    pub fn preference(&self, pref: Preference) -> Result<Option<String>, CoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM preference WHERE key = ?1",
                [pref.key()],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn set_preference(&self, pref: Preference, value: &str) -> Result<(), CoreError> {
        self.conn.execute(
            "INSERT INTO preference (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![pref.key(), value],
        )?;
        Ok(())
    }
}

/// Serialising our own types cannot fail; keep it an error rather than a panic.
fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, CoreError> {
    serde_json::to_string(value)
        .map_err(|e| CoreError::Store(rusqlite::Error::ToSqlConversionFailure(Box::new(e))))
}

fn now() -> String {
    // Formatting a valid UTC time as RFC 3339 does not fail; fall back to the epoch rather than panic.
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{StatusSource, StepState};
    use crate::steps::Attention;

    #[test]
    fn progress_survives_reopening_the_file() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = SetupStore::open(dir.path()).unwrap();
            store.confirm_step(StepId::ActivateAccount, true).unwrap();
            store
                .confirm_prerequisite(PrerequisiteId::ActionsEnabled, true)
                .unwrap();
            store
                .record_check(
                    StepId::InstallPackage,
                    &CheckResult::NeedsAttention {
                        reason: Attention::PackageOutdated {
                            installed: "1.2.0".into(),
                            required: "1.4.0".into(),
                        },
                    },
                )
                .unwrap();
            store.set_preference(Preference::Language, "zh-TW").unwrap();
        }
        let store = SetupStore::open(dir.path()).unwrap();
        let d = store.dashboard().unwrap();
        assert_eq!(d.steps[0].state, StepState::Done);
        assert_eq!(d.steps[0].source, StatusSource::Confirmed);
        assert!(d.prerequisites[0].confirmed);
        assert!(!d.prerequisites[1].confirmed);
        assert_eq!(d.steps[5].state, StepState::NeedsAttention);
        assert_eq!(
            d.steps[5].reason,
            Some(Attention::PackageOutdated {
                installed: "1.2.0".into(),
                required: "1.4.0".into()
            })
        );
        assert_eq!(
            store.preference(Preference::Language).unwrap().as_deref(),
            Some("zh-TW")
        );
    }

    #[test]
    fn the_theme_is_kept_and_an_unknown_one_follows_the_os() {
        let dir = tempfile::tempdir().unwrap();
        SetupStore::open(dir.path())
            .unwrap()
            .set_preference(Preference::Theme, Theme::Dark.tag())
            .unwrap();
        let store = SetupStore::open(dir.path()).unwrap();
        let saved = store.preference(Preference::Theme).unwrap().unwrap();
        assert_eq!(Theme::from_tag(&saved), Theme::Dark);
        for theme in [Theme::System, Theme::Light, Theme::Dark] {
            assert_eq!(Theme::from_tag(theme.tag()), theme);
        }
        assert_eq!(Theme::from_tag("sepia"), Theme::System);
        assert!(Theme::System.is_dark(true) && !Theme::System.is_dark(false));
        assert!(Theme::Dark.is_dark(false) && !Theme::Light.is_dark(true));
        // The tag is what crosses IPC too: one spelling everywhere.
        assert_eq!(serde_json::to_string(&Theme::Dark).unwrap(), "\"dark\"");
    }

    #[test]
    fn unconfirming_a_step_takes_it_back_to_not_started() {
        let store = SetupStore::in_memory().unwrap();
        store.confirm_step(StepId::InviteUsers, true).unwrap();
        store.confirm_step(StepId::InviteUsers, false).unwrap();
        assert_eq!(
            store.dashboard().unwrap().steps[4].state,
            StepState::NotStarted
        );
    }

    #[test]
    fn the_first_start_time_is_kept() {
        let store = SetupStore::in_memory().unwrap();
        store.mark_started(StepId::InstallPackage).unwrap();
        let first = store.dashboard().unwrap().steps[5].updated_at.clone();
        store.mark_started(StepId::InstallPackage).unwrap();
        assert_eq!(store.dashboard().unwrap().steps[5].updated_at, first);
        assert_eq!(
            store.dashboard().unwrap().steps[5].state,
            StepState::InProgress
        );
    }

    #[test]
    fn clearing_a_check_falls_back_to_the_confirmation() {
        let store = SetupStore::in_memory().unwrap();
        store.confirm_step(StepId::ConnectMarketo, true).unwrap();
        store
            .record_check(
                StepId::ConnectMarketo,
                &CheckResult::NeedsAttention {
                    reason: Attention::CredentialsRejected,
                },
            )
            .unwrap();
        assert_eq!(
            store.dashboard().unwrap().steps[2].state,
            StepState::NeedsAttention
        );
        store.clear_check(StepId::ConnectMarketo).unwrap();
        assert_eq!(store.dashboard().unwrap().steps[2].state, StepState::Done);
    }

    #[test]
    fn a_file_from_a_newer_version_is_refused_not_misread() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
            conn.pragma_update(None, "user_version", 99).unwrap();
        }
        let err = SetupStore::open(dir.path()).err().unwrap();
        assert_eq!(err.code(), "store_too_new");
    }

    #[test]
    fn a_corrupt_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE_NAME),
            b"this is not a database at all, not even close",
        )
        .unwrap();
        let err = SetupStore::open(dir.path()).err().unwrap();
        assert!(matches!(err.code(), "store_open_failed" | "store_failed"));
    }

    #[test]
    fn a_check_keeps_its_evidence_and_a_failed_check_keeps_the_last_result_beside_its_problem() {
        let store = SetupStore::in_memory().unwrap();
        let evidence = Evidence::MarketoApiCalls {
            api_user: "actions@example.com".into(),
            last_7_days: 1842,
            today: 12,
        };
        store
            .record_evidence(StepId::ConnectMarketo, &CheckResult::Done, &evidence)
            .unwrap();
        store
            .record_check_problem(StepId::ConnectMarketo, "marketo_unreachable")
            .unwrap();
        let step = store.dashboard().unwrap().steps[2].clone();
        assert_eq!(step.state, crate::StepState::Done);
        assert_eq!(step.evidence, Some(evidence));
        assert!(step.checked_at.is_some());
        assert_eq!(step.check_problem.unwrap().code, "marketo_unreachable");

        // A check that runs again clears the problem; one without evidence drops the old evidence.
        store
            .record_check(StepId::ConnectMarketo, &CheckResult::InProgress)
            .unwrap();
        let step = store.dashboard().unwrap().steps[2].clone();
        assert_eq!(step.evidence, None);
        assert_eq!(step.check_problem, None);
    }

    #[test]
    fn a_version_1_file_is_migrated_with_its_progress_kept() {
        let dir = tempfile::tempdir().unwrap();
        {
            let conn = Connection::open(dir.path().join(FILE_NAME)).unwrap();
            conn.execute_batch(
                "CREATE TABLE step (id TEXT PRIMARY KEY, check_json TEXT, checked_at TEXT,
                     confirmed_at TEXT, started_at TEXT);
                 CREATE TABLE prerequisite (id TEXT PRIMARY KEY, confirmed_at TEXT NOT NULL);
                 CREATE TABLE preference (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 INSERT INTO step (id, confirmed_at) VALUES ('activateAccount', '2026-11-01T00:00:00Z');
                 PRAGMA user_version = 1;",
            )
            .unwrap();
        }
        let store = SetupStore::open(dir.path()).unwrap();
        let step = store.dashboard().unwrap().steps[0].clone();
        assert_eq!(step.state, crate::StepState::Done);
        assert_eq!(step.source, crate::StatusSource::Confirmed);
        assert_eq!(step.evidence, None);
    }
}
