//! Per-row checks: strict email syntax, role, teams, workspace, and the instance's own facts.
//! The `Directory` is plain data the caller fills from the Actions and Salesforce APIs: no HTTP here.

use crate::clean::clean;
use crate::fields::{Problem, ProblemCode, TargetField};
use crate::names::split_full_name;
use crate::table::{RowRef, Table};
use email_address::{EmailAddress, Options};
use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::hash::Hasher;
use ts_rs::TS;

/// What the instance already knows; `None` means "not known, do not check".
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Directory {
    /// Emails with a pending invitation.
    pub invited: Vec<String>,
    /// Emails of active users.
    pub active: Vec<String>,
    pub teams: Option<Vec<String>>,
    pub workspaces: Option<Vec<String>>,
    pub seats_left: Option<u32>,
    /// Present when Salesforce is connected.
    pub salesforce_users: Option<Vec<SalesforceUser>>,
    /// Checks the caller could not fill (a service unreachable or not connected), so the UI can
    /// say which problems this import cannot see. The matching fields above are empty or `None`.
    pub skipped_checks: Vec<SkippedCheck>,
    /// When the services were read (RFC 3339 UTC), so the UI can say how old the checks' facts are.
    pub read_at: Option<String>,
}

/// A group of checks that needs a service's facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvDirectoryCheck")]
pub enum DirectoryCheck {
    /// Already invited or active in the Actions instance.
    AlreadyInActions,
    SeatsLeft,
    TeamsExist,
    /// A Salesforce user with the email exists, is active and has API Enabled.
    Salesforce,
}

/// One group of checks that did not run, and why (an error code the UI translates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvSkippedCheck")]
pub struct SkippedCheck {
    pub check: DirectoryCheck,
    /// e.g. `actions_unreachable`, `actions_not_connected`, `salesforce_not_connected`.
    pub reason: String,
}

/// One Salesforce user, active or not: inactive users are reported as inactive, not missing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SalesforceUser {
    pub email: String,
    pub is_active: bool,
    pub api_enabled: bool,
}

/// The directory in lookup form (lower-cased keys).
#[derive(Debug, Default)]
pub(crate) struct DirIndex {
    invited: FxHashSet<String>,
    active: FxHashSet<String>,
    teams: Option<FxHashSet<String>>,
    workspaces: Option<FxHashSet<String>>,
    pub seats_left: Option<u32>,
    salesforce: Option<FxHashMap<String, (bool, bool)>>,
}

impl DirIndex {
    pub fn new(d: &Directory) -> Self {
        let lower = |v: &[String]| {
            v.iter()
                .map(|s| s.trim().to_lowercase())
                .collect::<FxHashSet<_>>()
        };
        Self {
            invited: lower(&d.invited),
            active: lower(&d.active),
            teams: d.teams.as_deref().map(lower),
            workspaces: d.workspaces.as_deref().map(lower),
            seats_left: d.seats_left,
            salesforce: d.salesforce_users.as_ref().map(|us| {
                // Salesforce users include inactive ones, and several may share an address:
                // keep the most usable (active with API Enabled, then active, then inactive).
                let mut m: FxHashMap<String, (bool, bool)> = FxHashMap::default();
                for u in us {
                    let state = (u.is_active, u.is_active && u.api_enabled);
                    m.entry(u.email.trim().to_lowercase())
                        .and_modify(|best| *best = (*best).max(state))
                        .or_insert(state);
                }
                m
            }),
        }
    }
}

/// The contract's role (`Admin`/`User` on the wire, TS `InviteRole`).
pub use sia_actions_contract::Role;

/// Role words in the supported languages; an empty cell means the default, User.
pub fn parse_role(s: &str) -> Option<Role> {
    let t = s.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("user") {
        return Some(Role::User);
    }
    if t.eq_ignore_ascii_case("admin") {
        return Some(Role::Admin);
    }
    let n = crate::mapping::normalize_header(s);
    match n.as_str() {
        "" | "user" | "standard" | "member" | "standarduser" | "使用者" | "用戶" | "用户"
        | "一般使用者" | "成員" | "成员" | "ユーザー" | "一般" | "benutzer" | "nutzer"
        | "utilisateur" | "usuario" => Some(Role::User),
        "admin" | "administrator" | "管理員" | "管理员" | "管理者" | "系統管理員"
        | "系统管理员" | "administrateur" | "administrador" => Some(Role::Admin),
        _ => None,
    }
}

/// Splits a Team(s) cell: "Sales; EMEA", "業務、行銷".
pub fn split_teams(s: &str) -> impl Iterator<Item = &str> {
    s.split([',', ';', '|', '、', '，', '；'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Plain ASCII `dot-atom@label.label…`: a strict subset of what `email_address` accepts, checked
/// without allocating. Anything else goes to `email_address` for the verdict.
fn simple_ascii_email(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(at) = b.iter().rposition(|&c| c == b'@') else {
        return false;
    };
    let (local, domain) = (&b[..at], &b[at + 1..]);
    let atext = |c: u8| c.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&c);
    if local.is_empty() || local.len() > 64 || domain.len() > 254 || b.len() > 254 {
        return false;
    }
    if local.first() == Some(&b'.')
        || local.last() == Some(&b'.')
        || local.windows(2).any(|w| w == b"..")
    {
        return false;
    }
    if !local.iter().all(|&c| c == b'.' || atext(c)) {
        return false;
    }
    let mut labels = 0;
    for label in domain.split(|&c| c == b'.') {
        let ok = !label.is_empty()
            && label.len() <= 63
            && label[0].is_ascii_alphanumeric()
            && label[label.len() - 1].is_ascii_alphanumeric()
            && label
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || c == b'-');
        if !ok {
            return false;
        }
        labels += 1;
    }
    labels >= 2
}

/// For the fuzzer: the allocation-free path may only accept what `email_address` accepts.
pub(crate) fn email_fast_path_agrees(s: &str) -> bool {
    !simple_ascii_email(s)
        || EmailAddress::parse_with_options(
            s,
            Options::default()
                .with_required_tld()
                .without_domain_literal()
                .without_display_text(),
        )
        .is_ok()
}

pub(crate) fn strict_email(s: &str) -> bool {
    if simple_ascii_email(s) {
        return true;
    }
    s.len() <= 254
        && EmailAddress::parse_with_options(
            s,
            Options::default()
                .with_required_tld()
                .without_domain_literal()
                .without_display_text(),
        )
        .is_ok()
}

/// Where a row's values come from: the table through the mapping, overridden by the admin's edits.
pub(crate) struct RowSource<'a> {
    pub table: &'a Table,
    pub row: usize,
    pub cells: RowRef<'a>,
    pub cols: &'a [Option<usize>; 7],
    pub edits: Option<&'a [(TargetField, String)]>,
    pub expected_cols: usize,
}

impl<'a> RowSource<'a> {
    fn raw(&self, f: TargetField) -> Option<&'a str> {
        if let Some(v) = self
            .edits
            .and_then(|e| e.iter().rev().find(|(ef, _)| *ef == f))
        {
            return Some(v.1.as_str());
        }
        self.cols[f.index()].map(|c| self.cells.get(c))
    }
}

/// A row's cleaned values and the warnings that cleaning raised.
pub(crate) struct Resolved<'a> {
    pub values: [Cow<'a, str>; 7],
    pub field_bits: [u32; 7],
    pub bits: u32,
}

impl Resolved<'_> {
    pub fn get(&self, f: TargetField) -> &str {
        &self.values[f.index()]
    }
}

pub(crate) fn resolve<'a>(src: &RowSource<'a>) -> Resolved<'a> {
    let mut values: [Cow<'a, str>; 7] = Default::default();
    let mut field_bits = [0u32; 7];
    let mut bits = 0u32;
    for f in TargetField::ALL {
        if let Some(raw) = src.raw(f) {
            let (v, mut b) = clean(f, raw);
            if !v.is_ascii() && v.contains('\u{FFFD}') {
                b |= ProblemCode::UndecodableText.bit();
            }
            values[f.index()] = v;
            field_bits[f.index()] = b;
            bits |= b;
        }
    }
    let full = &values[TargetField::FullName.index()];
    if !full.is_empty()
        && values[TargetField::FirstName.index()].is_empty()
        && values[TargetField::LastName.index()].is_empty()
    {
        let (first, last) = split_full_name(full);
        values[TargetField::FirstName.index()] = Cow::Owned(first);
        values[TargetField::LastName.index()] = Cow::Owned(last);
        bits |= ProblemCode::NameSplit.bit();
    }
    if src.expected_cols > 0 && src.cells.len() > src.expected_cols {
        let extra =
            (src.expected_cols..src.cells.len()).any(|c| !src.cells.get(c).trim().is_empty());
        if extra {
            bits |= ProblemCode::RaggedRow.bit();
        }
    }
    Resolved {
        values,
        field_bits,
        bits,
    }
}

/// Lower-cased email (the dedupe and lookup key); borrowed when already lower-case ASCII.
pub(crate) fn email_key(email: &str) -> Cow<'_, str> {
    if email
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        Cow::Owned(email.to_lowercase())
    } else {
        Cow::Borrowed(email)
    }
}

pub(crate) fn key_hash(key: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(key.as_bytes());
    h.finish().max(1)
}

/// Checks a resolved row; returns the error bits and, for a valid syntax, the dedupe hash (else 0).
/// With `detail`, also writes each problem and warning with its parameters.
pub(crate) fn check(
    res: &Resolved,
    src: &RowSource,
    dir: &DirIndex,
    mut detail: Option<&mut Vec<Problem>>,
) -> (u32, u64) {
    let mut bits = res.bits;
    let mut hash = 0;
    let want_detail = detail.is_some();
    let mut push = |p: Problem| {
        if let Some(d) = detail.as_deref_mut() {
            d.push(p);
        }
    };
    let email = res.get(TargetField::Email);
    let ef = Some(TargetField::Email);
    if email.is_empty() {
        bits |= ProblemCode::EmailMissing.bit();
        push(Problem::new(ProblemCode::EmailMissing, ef));
    } else if !strict_email(email) {
        bits |= ProblemCode::EmailInvalid.bit();
        push(Problem::new(ProblemCode::EmailInvalid, ef).with("value", email));
    } else {
        let key = email_key(email);
        hash = key_hash(&key);
        if !dir.active.is_empty() && dir.active.contains(key.as_ref()) {
            bits |= ProblemCode::AlreadyActive.bit();
            push(Problem::new(ProblemCode::AlreadyActive, ef).with("email", email));
        } else if !dir.invited.is_empty() && dir.invited.contains(key.as_ref()) {
            bits |= ProblemCode::AlreadyInvited.bit();
            push(Problem::new(ProblemCode::AlreadyInvited, ef).with("email", email));
        }
        if let Some(sf) = &dir.salesforce {
            match sf.get(key.as_ref()) {
                None => {
                    bits |= ProblemCode::SalesforceUserMissing.bit();
                    push(Problem::new(ProblemCode::SalesforceUserMissing, ef).with("email", email));
                }
                Some((false, _)) => {
                    bits |= ProblemCode::SalesforceUserInactive.bit();
                    push(
                        Problem::new(ProblemCode::SalesforceUserInactive, ef).with("email", email),
                    );
                }
                Some((true, false)) => {
                    bits |= ProblemCode::SalesforceApiDisabled.bit();
                    push(Problem::new(ProblemCode::SalesforceApiDisabled, ef).with("email", email));
                }
                Some((true, true)) => {}
            }
        }
    }
    let role = res.get(TargetField::Role);
    if parse_role(role).is_none() {
        bits |= ProblemCode::RoleInvalid.bit();
        push(
            Problem::new(ProblemCode::RoleInvalid, Some(TargetField::Role))
                .with("value", role)
                .with("allowed", "Admin, User"),
        );
    }
    if let Some(teams) = &dir.teams {
        for t in split_teams(res.get(TargetField::Teams)) {
            let lower = t.to_lowercase();
            if lower != "everyone" && !teams.contains(&lower) {
                bits |= ProblemCode::TeamUnknown.bit();
                push(
                    Problem::new(ProblemCode::TeamUnknown, Some(TargetField::Teams))
                        .with("team", t),
                );
            }
        }
    }
    if let Some(ws) = &dir.workspaces {
        let w = res.get(TargetField::Workspace);
        if !w.is_empty() && !ws.contains(&w.to_lowercase()) {
            bits |= ProblemCode::WorkspaceUnknown.bit();
            push(
                Problem::new(ProblemCode::WorkspaceUnknown, Some(TargetField::Workspace))
                    .with("value", w),
            );
        }
    }
    if want_detail {
        for f in TargetField::ALL {
            let fb = res.field_bits[f.index()];
            for code in ProblemCode::ALL.iter().filter(|c| fb & c.bit() != 0) {
                let original = src.raw(f).unwrap_or_default();
                push(
                    Problem::new(*code, Some(f))
                        .with("value", res.get(f))
                        .with("original", original),
                );
            }
        }
        if res.bits & ProblemCode::NameSplit.bit() != 0 {
            push(
                Problem::new(ProblemCode::NameSplit, Some(TargetField::FullName))
                    .with("first", res.get(TargetField::FirstName))
                    .with("last", res.get(TargetField::LastName)),
            );
        }
        if res.bits & ProblemCode::RaggedRow.bit() != 0 {
            push(
                Problem::new(ProblemCode::RaggedRow, None)
                    .with("expected", src.expected_cols.to_string())
                    .with("found", src.table.row_len(src.row).to_string()),
            );
        }
    }
    (bits, hash)
}

const FOOTER_WORDS: [&str; 22] = [
    "total",
    "totals",
    "count",
    "sum",
    "generated",
    "report",
    "exported",
    "printed",
    "page",
    "records",
    "rows",
    "合計",
    "總計",
    "总计",
    "小計",
    "小计",
    "共",
    "筆",
    "件数",
    "summe",
    "gesamt",
    "anzahl",
];

/// A trailing line that is not a person: a report footer, a total, a title.
pub(crate) fn is_footer_like(table: &Table, row: usize, expected_cols: usize) -> bool {
    let mut non_empty = 0;
    let mut first = None;
    for cell in table.row(row) {
        if crate::dialect::looks_like_email(cell) {
            return false;
        }
        if !cell.trim().is_empty() {
            non_empty += 1;
            first.get_or_insert(cell);
        }
    }
    let n = first.map(|f| f.trim().to_lowercase()).unwrap_or_default();
    let keyword = FOOTER_WORDS.iter().any(|w| n.starts_with(w));
    keyword || non_empty * 2 <= expected_cols.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_syntax() {
        for ok in [
            "jane@example.com",
            "a.b+c@sub.example.co.uk",
            "陳@example.tw",
        ] {
            assert!(strict_email(ok), "{ok}");
        }
        for bad in [
            "jane",
            "jane@",
            "@x.com",
            "jane@localhost",
            "Jane <jane@x.com>",
            "a@[1.2.3.4]",
            "a b@x.com",
            "a@@x.com",
        ] {
            assert!(!strict_email(bad), "{bad}");
        }
    }

    #[test]
    fn fast_path_never_accepts_what_email_address_rejects() {
        let parts = [
            "a", "A.b", "x+y", "-", "_", "a..b", ".a", "a.", "1", "ü", "\"q\"", "a b", "", "a-",
            "-a", "xn--p1ai", "c_d",
        ];
        for l in parts {
            for d1 in parts {
                for d2 in parts {
                    let e = format!("{l}@{d1}.{d2}");
                    if simple_ascii_email(&e) {
                        let full = EmailAddress::parse_with_options(
                            &e,
                            Options::default()
                                .with_required_tld()
                                .without_domain_literal()
                                .without_display_text(),
                        );
                        assert!(full.is_ok(), "{e}");
                    }
                }
            }
        }
        assert!(simple_ascii_email("user1.x@example-corp.com"));
        assert!(!simple_ascii_email("a@localhost"));
    }

    #[test]
    fn roles_and_teams() {
        assert_eq!(parse_role("管理員"), Some(Role::Admin));
        assert_eq!(parse_role(" ADMIN "), Some(Role::Admin));
        assert_eq!(parse_role(""), Some(Role::User));
        assert_eq!(parse_role("ユーザー"), Some(Role::User));
        assert_eq!(parse_role("boss"), None);
        assert_eq!(
            split_teams("Sales; EMEA、業務 ").collect::<Vec<_>>(),
            vec!["Sales", "EMEA", "業務"]
        );
    }

    #[test]
    fn directory_checks() {
        let t = Table::from_rows([
            (2, vec!["a@x.com", "Sales"]),
            (3, vec!["b@x.com", "Ghost"]),
            (4, vec!["C@X.com", ""]),
        ]);
        let cols = [Some(0), None, None, None, Some(1), None, None];
        let dir = DirIndex::new(&Directory {
            invited: vec!["c@x.com".into()],
            teams: Some(vec!["sales".into()]),
            salesforce_users: Some(vec![SalesforceUser {
                email: "a@x.com".into(),
                is_active: true,
                api_enabled: false,
            }]),
            ..Directory::default()
        });
        let run = |row| {
            let src = RowSource {
                table: &t,
                row,
                cells: t.row_ref(row),
                cols: &cols,
                edits: None,
                expected_cols: 2,
            };
            let mut d = Vec::new();
            let (bits, _) = check(&resolve(&src), &src, &dir, Some(&mut d));
            (bits, d.iter().map(|p| p.code).collect::<Vec<_>>())
        };
        assert_eq!(run(0).1, vec![ProblemCode::SalesforceApiDisabled]);
        assert_eq!(
            run(1).1,
            vec![ProblemCode::SalesforceUserMissing, ProblemCode::TeamUnknown]
        );
        let (bits, codes) = run(2);
        assert!(codes.contains(&ProblemCode::AlreadyInvited));
        assert!(bits & ProblemCode::CleanedDomainLowercase.bit() != 0);
    }

    #[test]
    fn salesforce_users_inactive_missing_and_shared_addresses() {
        // Salesforce now sends inactive users too; several users may share one address.
        let t = Table::from_rows([
            (2, vec!["gone@x.com"]),
            (3, vec!["ann@x.com"]),
            (4, vec!["bo@x.com"]),
            (5, vec!["nobody@x.com"]),
        ]);
        let cols = [Some(0), None, None, None, None, None, None];
        let sf = |email: &str, is_active, api_enabled| SalesforceUser {
            email: email.into(),
            is_active,
            api_enabled,
        };
        let dir = DirIndex::new(&Directory {
            salesforce_users: Some(vec![
                sf("gone@x.com", false, true),
                // A working user and an older, deactivated one with the same address.
                sf("ANN@x.com", true, true),
                sf("ann@x.com", false, false),
                sf("bo@x.com", false, true),
                sf("bo@x.com", true, false),
            ]),
            ..Directory::default()
        });
        let run = |row| {
            let src = RowSource {
                table: &t,
                row,
                cells: t.row_ref(row),
                cols: &cols,
                edits: None,
                expected_cols: 1,
            };
            let mut d = Vec::new();
            check(&resolve(&src), &src, &dir, Some(&mut d));
            d.iter().map(|p| p.code).collect::<Vec<_>>()
        };
        assert_eq!(run(0), vec![ProblemCode::SalesforceUserInactive]);
        assert_eq!(run(1), Vec::<ProblemCode>::new(), "the working user counts");
        assert_eq!(run(2), vec![ProblemCode::SalesforceApiDisabled]);
        assert_eq!(run(3), vec![ProblemCode::SalesforceUserMissing]);
    }

    #[test]
    fn footers() {
        let t = Table::from_rows([
            (1, vec!["Total: 2", "", ""]),
            (2, vec!["Jane", "Doe", "Sales"]),
            (3, vec!["Generated by HR", "x", "y"]),
        ]);
        assert!(is_footer_like(&t, 0, 3));
        assert!(!is_footer_like(&t, 1, 3));
        assert!(is_footer_like(&t, 2, 3));
    }
}
