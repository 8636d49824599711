//! Step 5's activation tracker (real product, no Actions API): for every address invited — by this
//! app's invite jobs (the journal) or, pasted by the admin, from the vendor's own UI — whether the
//! invitee has activated (their Salesforce user authorised the Actions connected app: an
//! `OauthToken` row), what blocks them (no Salesforce user with that email, inactive, no API
//! Enabled, the other kind of org), or that nothing blocks them yet (waiting).
//!
//! Reads the whole org at once, never one query per person: `users()` (users and the permission
//! sets granting API Enabled), `oauth_tokens()`, the session's org type, and the signed-in user's
//! own permissions (`UserPermissionAccess`). `OauthToken` lists everyone's grants only to a user
//! with Customize Application ("Otherwise, you see only your own tokens"): without it, an invitee
//! with no visible grant is not "waiting" but "cannot be seen", because their grant may exist.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sia_invite::InviteRowState;
use sia_salesforce::{OauthTokenRow, SalesforceOrgType, SalesforceUser, SalesforceUserStatus};
use ts_rs::TS;

use crate::error::{AppError, AppResult};
use crate::locale::UiLanguage;
use crate::state::AppState;
use crate::words::{Words, parse_time};

/// Where an invitee stands, as Salesforce shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export, rename = "ActivationState")]
pub enum ActivationState {
    /// The invitee's Salesforce user authorised the Actions app.
    #[serde(rename_all = "camelCase")]
    Activated {
        /// When the grant was made (`CreatedDate`, else `LastUsedDate`), as Salesforce sends it.
        at: Option<String>,
        last_used: Option<String>,
    },
    /// No Salesforce user has this email; `closest` is a user's email that looks meant.
    #[serde(rename_all = "camelCase")]
    NoSalesforceUser { closest: Option<String> },
    /// The Salesforce user with this email is deactivated.
    Inactive,
    /// Active, but neither the profile nor a permission set grants API Enabled.
    NoApiAccess,
    /// The connected org is not the kind (production / sandbox) the setup expects.
    #[serde(rename_all = "camelCase")]
    OtherOrgKind {
        expected: SalesforceOrgType,
        actual: SalesforceOrgType,
    },
    /// Nothing blocks the invitee; not activated yet.
    Waiting,
    /// Nothing blocks the invitee, but whether they activated cannot be seen: the signed-in
    /// Salesforce user lacks Customize Application, so `OauthToken` shows only their own grants.
    NotVisible,
}

impl ActivationState {
    pub fn is_blocked(&self) -> bool {
        !matches!(
            self,
            Self::Activated { .. } | Self::Waiting | Self::NotVisible
        )
    }
}

/// One invited address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActivationRow {
    pub email: String,
    /// When this app's invite job sent it (the job's start); `None` for pasted addresses.
    pub invited_at: Option<String>,
    /// `journal` (this app's invite jobs) or `pasted`.
    pub source: ActivationSource,
    pub state: ActivationState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ActivationSource {
    Journal,
    Pasted,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActivationSummary {
    pub activated: u32,
    pub waiting: u32,
    pub blocked: u32,
    /// Rows whose activation the signed-in user cannot see (neither waiting nor activated).
    /// Absent from a summary kept before this count existed: none then.
    #[serde(default)]
    pub not_visible: u32,
    pub total: u32,
}

/// The tracker: one row per invited address, and what it was read against.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActivationTracker {
    pub rows: Vec<ActivationRow>,
    pub summary: ActivationSummary,
    /// The connected app counted as Actions (chosen in step 2, else the one name that matches);
    /// `None`: none could be told, so nobody shows as activated — pick it in step 2.
    pub actions_app: Option<String>,
    /// False when permission set assignments could not be read: "no API access" then reflects
    /// profiles only and may be wrong for someone granted API Enabled by a permission set.
    pub permission_sets_read: bool,
    /// False when the signed-in Salesforce user lacks Customize Application
    /// (`UserPermissionAccess`): only their own app authorisations can be seen, so other
    /// invitees' rows say `notVisible` instead of waiting.
    pub others_grants_visible: bool,
    /// Pasted entries that are not email addresses (left out).
    pub ignored: Vec<String>,
    pub checked_at: String,
}

/// One address to track, before Salesforce is read.
#[derive(Debug, Clone)]
struct Invited {
    email: String,
    invited_at: Option<String>,
    source: ActivationSource,
}

/// The tracker for the journal's invitees plus `extra` (pasted; any separators).
pub async fn activation(state: &AppState, extra: Vec<String>) -> AppResult<ActivationTracker> {
    let journal = state.invite.journal()?;
    let journaled = tokio::task::spawn_blocking(move || journaled(&journal))
        .await
        .map_err(|_| AppError::new("tracker_internal", "the tracker stopped unexpectedly"))??;
    let (pasted, ignored) = parse_pasted(&extra);
    let invited = merge(journaled, pasted);

    let expected = crate::api::salesforce::settings(state)?.expected_org_type;
    let client = crate::salesforce::connected_client(state).await?;
    let (session, users, tokens, permissions) = tokio::try_join!(
        async { client.session_summary().await.map_err(AppError::from) },
        async { client.users().await.map_err(AppError::from) },
        async { client.oauth_tokens().await.map_err(AppError::from) },
        async { client.user_permissions().await.map_err(AppError::from) },
    )?;
    // Without Customize Application the tokens read are the signed-in user's own.
    let only_own = (!permissions.customize_application).then_some(session.user_id.as_str());
    let actions_app = crate::checks::actions_app_name(
        state,
        &session.org_id,
        tokens.iter().map(|t| t.app_name.as_str()),
    )?;
    let org_mismatch = expected
        .filter(|e| *e != session.org_type)
        .map(|e| (e, session.org_type));
    let rows = classify(
        &invited,
        &users,
        &tokens,
        actions_app.as_deref(),
        org_mismatch,
        only_own,
    );
    let tracker = ActivationTracker {
        summary: summarize(&rows),
        rows,
        actions_app,
        permission_sets_read: users.permission_sets_read(),
        others_grants_visible: permissions.customize_application,
        ignored,
        checked_at: now(),
    };
    remember(state, &tracker);
    Ok(tracker)
}

/// The last tracker's counts and when it read them: the dashboard's step-5 line and the setup
/// report's summary. Kept in `setup.db` so they survive a restart; counts only, no address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActivationLast {
    pub summary: ActivationSummary,
    /// RFC 3339, UTC: when Salesforce was read.
    pub checked_at: String,
}

fn remember(state: &AppState, tracker: &ActivationTracker) {
    let last = ActivationLast {
        summary: tracker.summary.clone(),
        checked_at: tracker.checked_at.clone(),
    };
    let saved = serde_json::to_string(&last).ok().map(|json| {
        state.with_store(|s| s.set_preference(sia_core::Preference::ActivationLast, &json))
    });
    // The tracker's answer stands even if its summary cannot be kept for the dashboard.
    if let Some(Err(error)) = saved {
        tracing::warn!(
            code = error.code(),
            "the tracker's summary could not be kept"
        );
    }
}

/// The last tracker's summary, if one ever ran (an unreadable one counts as none).
pub fn last(state: &AppState) -> AppResult<Option<ActivationLast>> {
    let saved = state.with_store(|s| s.preference(sia_core::Preference::ActivationLast))?;
    Ok(saved.and_then(|json| serde_json::from_str(&json).ok()))
}

/// Writes the tracker as a CSV file in `language`: UTF-8 with a BOM, the panel's columns and
/// words, plus the group (activated / waiting / blocked) to filter on in a spreadsheet; every cell
/// through the import's formula rule (`sia_csv::neutralize`). Returns the rows written.
pub fn export_csv(
    tracker: &ActivationTracker,
    language: UiLanguage,
    path: &Path,
) -> AppResult<u32> {
    let w = Words::for_language(language);
    let header = [
        w.t("activation.column.email", &[]),
        w.t("activation.column.invited", &[]),
        w.t("activation.group", &[]),
        w.t("activation.column.state", &[]),
        w.t("activation.column.todo", &[]),
    ];
    let rows = tracker.rows.iter().map(|row| {
        vec![
            row.email.clone(),
            match &row.invited_at {
                Some(at) => w.date(at),
                None => w.t("activation.pasted", &[]),
            },
            w.t(&format!("activation.filter.{}", group(&row.state)), &[]),
            state_text(w, &row.state),
            todo_text(w, row, &tracker.checked_at),
        ]
    });
    Ok(sia_csv::export_table(path, &header, rows)?)
}

/// `activated`, `waiting`, `notVisible` or `blocked`: the panel's filter groups.
pub fn group(state: &ActivationState) -> &'static str {
    match state {
        ActivationState::Activated { .. } => "activated",
        ActivationState::Waiting => "waiting",
        ActivationState::NotVisible => "notVisible",
        _ => "blocked",
    }
}

/// The summary line in words (the panel's, the report's): the longer form only when some rows
/// cannot be seen, so an admin with Customize Application reads what they always read.
pub fn summary_text(w: &Words, s: &ActivationSummary) -> String {
    let counts = [
        ("activated", s.activated.to_string()),
        ("total", s.total.to_string()),
        ("waiting", s.waiting.to_string()),
        ("blocked", s.blocked.to_string()),
        ("notVisible", s.not_visible.to_string()),
    ];
    let args: Vec<(&str, &str)> = counts.iter().map(|(k, v)| (*k, v.as_str())).collect();
    if s.not_visible > 0 {
        w.t("activation.summaryNotVisible", &args)
    } else {
        w.t("activation.summary", &args)
    }
}

/// The state in words, as the panel says it (`ui/src/lib/activation.ts`).
fn state_text(w: &Words, state: &ActivationState) -> String {
    match state {
        ActivationState::Activated { at, last_used } => match at.as_ref().or(last_used.as_ref()) {
            Some(at) => w.t("activation.state.activatedOn", &[("date", &w.date(at))]),
            None => w.t("activation.state.activated", &[]),
        },
        ActivationState::NoSalesforceUser { .. } => w.t("activation.state.noSalesforceUser", &[]),
        ActivationState::Inactive => w.t("activation.state.inactive", &[]),
        ActivationState::NoApiAccess => w.t("activation.state.noApiAccess", &[]),
        ActivationState::OtherOrgKind { expected, actual } => w.t(
            "activation.state.otherOrgKind",
            &[
                ("expected", &org_word(w, *expected)),
                ("actual", &org_word(w, *actual)),
            ],
        ),
        ActivationState::Waiting => w.t("activation.state.waiting", &[]),
        ActivationState::NotVisible => w.t("activation.state.notVisible", &[]),
    }
}

/// What the admin does about a row, as of the tracker's read (as the panel says it).
fn todo_text(w: &Words, row: &ActivationRow, checked_at: &str) -> String {
    match &row.state {
        ActivationState::Activated { .. } => w.t("activation.todo.activated", &[]),
        ActivationState::NoSalesforceUser { closest: Some(c) } => {
            w.t("activation.todo.didYouMean", &[("closest", c)])
        }
        ActivationState::NoSalesforceUser { closest: None } => {
            w.t("activation.todo.noSalesforceUser", &[])
        }
        ActivationState::Inactive => w.t("activation.todo.inactive", &[]),
        ActivationState::NoApiAccess => w.t("activation.todo.noApiAccess", &[]),
        ActivationState::NotVisible => w.t("activation.todo.notVisible", &[]),
        ActivationState::OtherOrgKind { expected, .. } => w.t(
            "activation.todo.otherOrgKind",
            &[("expected", &org_word(w, *expected))],
        ),
        ActivationState::Waiting => {
            let days = row
                .invited_at
                .as_deref()
                .and_then(parse_time)
                .zip(parse_time(checked_at))
                .map(|(from, to)| (to - from).whole_days().max(0));
            match days {
                None => w.t("activation.todo.waitingPasted", &[]),
                Some(0) => w.t("activation.todo.waitingToday", &[]),
                Some(1) => w.t("activation.todo.waitingOneDay", &[]),
                Some(n) => w.t("activation.todo.waitingDays", &[("days", &n.to_string())]),
            }
        }
    }
}

fn org_word(w: &Words, org: SalesforceOrgType) -> String {
    let key = match org {
        SalesforceOrgType::Production => "activation.org.production",
        SalesforceOrgType::Sandbox => "activation.org.sandbox",
    };
    w.t(key, &[])
}

/// Rows this app's jobs invited (or found already there), latest job's time per address.
fn journaled(journal: &sia_invite::Journal) -> AppResult<Vec<Invited>> {
    let mut out: Vec<Invited> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for job in journal.jobs()? {
        for row in journal.rows(&job.job_id)? {
            if !matches!(
                row.state,
                InviteRowState::Invited | InviteRowState::AlreadyThere
            ) {
                continue;
            }
            let email = row.invitee.email.trim().to_owned();
            let key = email.to_lowercase();
            match seen.get(&key) {
                Some(&i) => {
                    // RFC 3339 UTC strings compare in time order: keep the latest invite.
                    if out[i].invited_at.as_deref() < Some(job.created_at.as_str()) {
                        out[i].invited_at = Some(job.created_at.clone());
                    }
                }
                None => {
                    seen.insert(key, out.len());
                    out.push(Invited {
                        email,
                        invited_at: Some(job.created_at.clone()),
                        source: ActivationSource::Journal,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// Splits pasted text into addresses (commas, semicolons, spaces, line breaks, `Name <a@b>`);
/// returns the addresses and the entries that are not addresses.
pub fn parse_pasted(extra: &[String]) -> (Vec<String>, Vec<String>) {
    let mut emails = Vec::new();
    let mut ignored = Vec::new();
    for entry in extra {
        for piece in entry.split([',', ';', '\n', '\r']) {
            // `"Ann Lee" <ann@acme.example>`: the address between the angle brackets.
            let piece = match (piece.find('<'), piece.rfind('>')) {
                (Some(open), Some(close)) if open < close => &piece[open + 1..close],
                _ => piece,
            };
            for token in piece.split_whitespace() {
                let token = token.trim_matches(|c: char| "\"'()[]<>".contains(c));
                if token.is_empty() {
                    continue;
                }
                if looks_like_email(token) {
                    emails.push(token.to_owned());
                } else {
                    ignored.push(token.to_owned());
                }
            }
        }
    }
    (emails, ignored)
}

fn looks_like_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
}

/// The journal's addresses, then the pasted ones not already there (case-insensitively).
fn merge(journaled: Vec<Invited>, pasted: Vec<String>) -> Vec<Invited> {
    let mut seen: std::collections::HashSet<String> =
        journaled.iter().map(|i| i.email.to_lowercase()).collect();
    let mut out = journaled;
    for email in pasted {
        if seen.insert(email.to_lowercase()) {
            out.push(Invited {
                email,
                invited_at: None,
                source: ActivationSource::Pasted,
            });
        }
    }
    out
}

/// Each address's state from the org read once (pure: the benchmark and tests call it too).
/// `only_own`: the signed-in user's ID when the tokens read are theirs alone (no Customize
/// Application); then no grant means "cannot be seen" for anyone else, and "waiting" for them.
fn classify(
    invited: &[Invited],
    users: &sia_salesforce::SalesforceUsers,
    tokens: &[OauthTokenRow],
    actions_app: Option<&str>,
    org_mismatch: Option<(SalesforceOrgType, SalesforceOrgType)>,
    only_own: Option<&str>,
) -> Vec<ActivationRow> {
    // The earliest grant to Actions per user (the activation), with its latest use.
    let mut grants: HashMap<&str, (Option<&str>, Option<&str>)> = HashMap::new();
    if let Some(app) = actions_app {
        for t in tokens
            .iter()
            .filter(|t| t.app_name.eq_ignore_ascii_case(app))
        {
            let created = t.created_date.as_deref().or(t.last_used_date.as_deref());
            let entry = grants.entry(t.user_id.as_str()).or_insert((created, None));
            if created.is_some() && (entry.0.is_none() || created < entry.0) {
                entry.0 = created;
            }
            if t.last_used_date.as_deref() > entry.1 {
                entry.1 = t.last_used_date.as_deref();
            }
        }
    }
    let closest = Closest::new(users.all());
    invited
        .iter()
        .map(|i| {
            let state = match org_mismatch {
                Some((expected, actual)) => ActivationState::OtherOrgKind { expected, actual },
                None => match users.status(&i.email) {
                    SalesforceUserStatus::Missing => ActivationState::NoSalesforceUser {
                        closest: closest.find(&i.email),
                    },
                    SalesforceUserStatus::Inactive { .. } => ActivationState::Inactive,
                    SalesforceUserStatus::ApiDisabled { .. } => ActivationState::NoApiAccess,
                    SalesforceUserStatus::Ready { .. } => {
                        // Any usable user with this address counts (emails may repeat).
                        let ready: Vec<&SalesforceUser> = users
                            .by_email(&i.email)
                            .into_iter()
                            .filter(|u| u.active && u.api_enabled)
                            .collect();
                        let grant = ready.iter().find_map(|u| grants.get(u.id.as_str()));
                        match (grant, only_own) {
                            (Some((at, last_used)), _) => ActivationState::Activated {
                                at: at.map(str::to_owned),
                                last_used: last_used.map(str::to_owned),
                            },
                            (None, None) => ActivationState::Waiting,
                            // The signed-in user's own grants are always listed: their absence
                            // is a fact for them, and unknown for everyone else.
                            (None, Some(me)) if ready.iter().any(|u| same_id(&u.id, me)) => {
                                ActivationState::Waiting
                            }
                            (None, Some(_)) => ActivationState::NotVisible,
                        }
                    }
                },
            };
            ActivationRow {
                email: i.email.clone(),
                invited_at: i.invited_at.clone(),
                source: i.source,
                state,
            }
        })
        .collect()
}

/// Salesforce IDs come in a 15-letter case-sensitive form and an 18-letter one that adds a
/// checksum: the same record either way.
fn same_id(a: &str, b: &str) -> bool {
    a == b || (a.len() != b.len() && a.len().min(b.len()) == 15 && a.get(..15) == b.get(..15))
}

fn summarize(rows: &[ActivationRow]) -> ActivationSummary {
    let mut s = ActivationSummary {
        total: rows.len() as u32,
        ..Default::default()
    };
    for row in rows {
        match row.state {
            ActivationState::Activated { .. } => s.activated += 1,
            ActivationState::Waiting => s.waiting += 1,
            ActivationState::NotVisible => s.not_visible += 1,
            _ => s.blocked += 1,
        }
    }
    s
}

/// Suggestions for an address no user has: a user with the same local part at another domain,
/// else one whose name spells the local part (`ann.lee`, `annlee`, `lee.ann`, `alee`).
/// Active users first. Built once per tracker: lookups are hash lookups, not scans.
struct Closest<'a> {
    by_local: HashMap<String, &'a SalesforceUser>,
    by_name: HashMap<String, &'a SalesforceUser>,
}

impl<'a> Closest<'a> {
    fn new(users: &'a [SalesforceUser]) -> Self {
        let mut by_local: HashMap<String, &SalesforceUser> = HashMap::new();
        let mut by_name: HashMap<String, &SalesforceUser> = HashMap::new();
        let better = |old: &SalesforceUser, new: &SalesforceUser| new.active && !old.active;
        for u in users {
            if let Some((local, _)) = u.email.rsplit_once('@') {
                let key = squash(local);
                match by_local.get(&key) {
                    Some(old) if !better(old, u) => {}
                    _ => {
                        by_local.insert(key, u);
                    }
                }
            }
            let (first, last) = (squash(&u.first_name), squash(&u.last_name));
            if last.is_empty() {
                continue;
            }
            let mut keys = vec![format!("{first}{last}"), format!("{last}{first}")];
            if let Some(initial) = first.chars().next() {
                keys.push(format!("{initial}{last}"));
            }
            for key in keys {
                match by_name.get(&key) {
                    Some(old) if !better(old, u) => {}
                    _ => {
                        by_name.insert(key, u);
                    }
                }
            }
        }
        Closest { by_local, by_name }
    }

    fn find(&self, email: &str) -> Option<String> {
        let local = squash(email.rsplit_once('@').map_or(email, |(l, _)| l));
        if local.is_empty() {
            return None;
        }
        self.by_local
            .get(&local)
            .or_else(|| self.by_name.get(&local))
            .map(|u| u.email.clone())
    }
}

/// Lower case, letters and digits only: `Ann.Lee-2` → `annlee2`.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sia_salesforce::{ApiEnabledSource, SalesforceUsers};

    /// `user_id`'s grant to the Actions app, as `OauthToken` lists it.
    fn actions_grant(user_id: &str) -> OauthTokenRow {
        OauthTokenRow {
            app_name: "Sales Insight Actions".into(),
            user_id: user_id.into(),
            created_date: Some("2025-01-02T03:04:05.000+0000".into()),
            last_used_date: None,
            use_count: Some(1),
        }
    }

    fn user(
        id: &str,
        email: &str,
        first: &str,
        last: &str,
        active: bool,
        api: bool,
    ) -> SalesforceUser {
        SalesforceUser {
            id: id.into(),
            username: email.into(),
            email: email.into(),
            first_name: first.into(),
            last_name: last.into(),
            active,
            api_enabled: api,
            api_enabled_source: api.then_some(ApiEnabledSource::Profile),
        }
    }

    fn invited(email: &str) -> Invited {
        Invited {
            email: email.into(),
            invited_at: None,
            source: ActivationSource::Pasted,
        }
    }

    #[test]
    fn pasted_lists_split_and_keep_what_is_not_an_address_aside() {
        let (emails, ignored) = parse_pasted(&[
            "ann@acme.example, bo@acme.example;\n\"Cy Lee\" <cy@acme.example>".into(),
            "nonsense".into(),
        ]);
        assert_eq!(
            emails,
            ["ann@acme.example", "bo@acme.example", "cy@acme.example"]
        );
        assert_eq!(ignored, ["nonsense"]);
    }

    #[test]
    fn merge_dedupes_ignoring_case_and_keeps_the_journal_time() {
        let journal = vec![Invited {
            email: "Ann@Acme.example".into(),
            invited_at: Some("2026-01-01T00:00:00Z".into()),
            source: ActivationSource::Journal,
        }];
        let merged = merge(
            journal,
            vec!["ann@acme.example".into(), "bo@x.example".into()],
        );
        assert_eq!(merged.len(), 2);
        assert_eq!(
            merged[0].invited_at.as_deref(),
            Some("2026-01-01T00:00:00Z")
        );
    }

    #[test]
    fn every_state_from_one_read() {
        let users = SalesforceUsers::new(vec![
            user("005A", "ann.lee@acme.example", "Ann", "Lee", true, true),
            user("005B", "bo.wu@acme.example", "Bo", "Wu", false, true),
            user("005C", "cy.lin@acme.example", "Cy", "Lin", true, false),
            user("005D", "di.ho@acme.example", "Di", "Ho", true, true),
        ]);
        let tokens = vec![actions_grant("005A")];
        let list: Vec<Invited> = [
            "ANN.LEE@acme.example",
            "bo.wu@acme.example",
            "cy.lin@acme.example",
            "di.ho@acme.example",
            "di.ho@gmail.example",
            "dho@elsewhere.example",
            "zz@nowhere.example",
        ]
        .into_iter()
        .map(invited)
        .collect();
        let rows = classify(
            &list,
            &users,
            &tokens,
            Some("sales insight actions"),
            None,
            None,
        );
        let states: Vec<_> = rows.iter().map(|r| r.state.clone()).collect();
        assert_eq!(
            states,
            [
                ActivationState::Activated {
                    at: Some("2025-01-02T03:04:05.000+0000".into()),
                    last_used: None
                },
                ActivationState::Inactive,
                ActivationState::NoApiAccess,
                ActivationState::Waiting,
                ActivationState::NoSalesforceUser {
                    closest: Some("di.ho@acme.example".into())
                },
                ActivationState::NoSalesforceUser {
                    closest: Some("di.ho@acme.example".into())
                },
                ActivationState::NoSalesforceUser { closest: None },
            ]
        );
        let s = summarize(&rows);
        assert_eq!((s.activated, s.waiting, s.blocked, s.total), (1, 1, 5, 7));

        // Without a known Actions app nobody is activated.
        let rows = classify(&list[..1], &users, &tokens, None, None, None);
        assert_eq!(rows[0].state, ActivationState::Waiting);

        let mismatch = Some((SalesforceOrgType::Production, SalesforceOrgType::Sandbox));
        let rows = classify(
            &list,
            &users,
            &tokens,
            Some("Sales Insight Actions"),
            mismatch,
            None,
        );
        assert!(
            rows.iter()
                .all(|r| matches!(r.state, ActivationState::OtherOrgKind { .. }))
        );
    }

    #[test]
    fn without_customize_application_others_cannot_be_seen_but_blockers_still_show() {
        let users = SalesforceUsers::new(vec![
            user("005A", "me@acme.example", "Me", "Admin", true, true),
            user("005B", "bo.wu@acme.example", "Bo", "Wu", false, true),
            user("005C", "cy.lin@acme.example", "Cy", "Lin", true, false),
            user("005D", "di.ho@acme.example", "Di", "Ho", true, true),
        ]);
        // Salesforce lists only the signed-in user's own grant.
        let tokens = vec![actions_grant("005A")];
        let list: Vec<Invited> = [
            "me@acme.example",
            "bo.wu@acme.example",
            "cy.lin@acme.example",
            "di.ho@acme.example",
            "zz@nowhere.example",
        ]
        .into_iter()
        .map(invited)
        .collect();
        let app = Some("Sales Insight Actions");
        let states = |only_own| -> Vec<ActivationState> {
            classify(&list, &users, &tokens, app, None, only_own)
                .into_iter()
                .map(|r| r.state)
                .collect()
        };
        let limited = states(Some("005A"));
        assert!(matches!(limited[0], ActivationState::Activated { .. }));
        assert_eq!(
            limited[1..],
            [
                ActivationState::Inactive,
                ActivationState::NoApiAccess,
                ActivationState::NotVisible,
                ActivationState::NoSalesforceUser { closest: None },
            ]
        );
        let rows = classify(&list, &users, &tokens, app, None, Some("005A"));
        let s = summarize(&rows);
        assert_eq!(
            (s.activated, s.waiting, s.not_visible, s.blocked, s.total),
            (1, 0, 1, 3, 5)
        );
        assert_eq!(group(&ActivationState::NotVisible), "notVisible");
        assert!(!ActivationState::NotVisible.is_blocked());

        // The signed-in user without a grant of their own is waiting: that much is visible.
        let rows = classify(&list[..1], &users, &[], app, None, Some("005A"));
        assert_eq!(rows[0].state, ActivationState::Waiting);

        // With Customize Application the same read says waiting, as before.
        assert_eq!(states(None)[3], ActivationState::Waiting);
        assert!(same_id("005000000000001AAA", "005000000000001"));
        assert!(!same_id("005000000000002AAA", "005000000000001"));
    }

    #[test]
    fn a_summary_kept_before_the_count_existed_reads_as_none_unseen() {
        let old = r#"{"activated":1,"waiting":2,"blocked":0,"total":3}"#;
        let s: ActivationSummary = serde_json::from_str(old).unwrap();
        assert_eq!(s.not_visible, 0);
        assert_eq!(s.total, 3);
    }

    #[test]
    fn the_summary_names_rows_that_cannot_be_seen_only_when_there_are_some() {
        for lang in [UiLanguage::En, UiLanguage::ZhTw] {
            let w = Words::for_language(lang);
            let mut s = ActivationSummary {
                activated: 1,
                waiting: 2,
                blocked: 0,
                not_visible: 0,
                total: 3,
            };
            assert_eq!(
                summary_text(w, &s),
                w.t(
                    "activation.summary",
                    &[
                        ("activated", "1"),
                        ("total", "3"),
                        ("waiting", "2"),
                        ("blocked", "0")
                    ]
                )
            );
            s.waiting = 0;
            s.not_visible = 2;
            let text = summary_text(w, &s);
            assert!(text.contains('2') && !text.contains('{'), "{text}");
            assert_ne!(text, w.t("activation.summary", &[]));
        }
        assert_eq!(
            summary_text(
                Words::for_language(UiLanguage::En),
                &ActivationSummary {
                    activated: 1,
                    waiting: 0,
                    blocked: 0,
                    not_visible: 2,
                    total: 3
                }
            ),
            "1 of 3 activated · 2 cannot be seen · 0 waiting · 0 blocked"
        );
    }
}
