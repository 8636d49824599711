//! Individual invites: a list of addresses typed or pasted by the admin ("a@x.com, Jane <j@y.com>;
//! …") becomes rows checked by exactly the same cleaning, validation, dedupe and seat rules as a file.

use crate::fields::{Problem, TargetField};
use crate::session::{Counts, ImportSession, InvalidPolicy, InviteRow, RowFilter};
use crate::table::Table;
use crate::validate::{Directory, Role};
use serde::Serialize;
use std::collections::BTreeMap;
use ts_rs::TS;

/// One entry of a pasted list, before cleaning: the address as typed and a display name if given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedPerson {
    pub email: String,
    pub name: String,
}

/// What the form sets for everyone on the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeopleDefaults {
    /// Team names; "Everyone" is always implied by the service.
    pub teams: Vec<String>,
    pub role: Role,
    pub workspace: Option<String>,
}

/// One entry after checking, for the confirmation ("who will be invited, who not and why").
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvCheckedPerson")]
pub struct CheckedPerson {
    /// 1-based position in the list as typed.
    pub entry: u32,
    /// The cleaned address (or what was typed, when it is not an address).
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub valid: bool,
    /// Errors (why not invited) and warnings (what cleaning changed), as in the CSV preview.
    pub problems: Vec<Problem>,
}

/// The checked list: every entry with its verdict, the counts, and the people to invite.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvPeopleCheck")]
pub struct PeopleCheck {
    pub people: Vec<CheckedPerson>,
    pub counts: Counts,
    pub seats_left: Option<u32>,
    /// When the directory these checks used was read (RFC 3339 UTC); `None` if it never was.
    pub directory_read_at: Option<String>,
    /// The valid entries, ready for the invite engine (not sent to the UI twice).
    #[serde(skip)]
    #[ts(skip)]
    pub rows: Vec<InviteRow>,
}

/// Splits a typed or pasted list on newlines, commas, semicolons and tabs, keeping separators
/// inside quotes or `<…>` (so `"Doe, Jane" <jane@x.com>` is one entry), and reads the
/// `Name <address>` form. Empty entries are dropped; anything else is kept for validation.
pub fn parse_people_list(text: &str) -> Vec<ListedPerson> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut angle = false;
    for c in text.chars() {
        match c {
            '"' if !angle => quoted = !quoted,
            '<' if !quoted => angle = true,
            '>' if !quoted => angle = false,
            // A line break always ends an entry: an unclosed quote must not swallow the rest.
            '\n' | '\r' => {
                quoted = false;
                angle = false;
                push_entry(&mut out, &current);
                current.clear();
                continue;
            }
            ',' | ';' | '\t' | '，' | '；' if !quoted && !angle => {
                push_entry(&mut out, &current);
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    push_entry(&mut out, &current);
    out
}

fn push_entry(out: &mut Vec<ListedPerson>, raw: &str) {
    let entry = raw.trim();
    if entry.is_empty() {
        return;
    }
    let person = match (entry.rfind('<'), entry.rfind('>')) {
        (Some(open), Some(close)) if open < close => ListedPerson {
            email: entry[open + 1..close].trim().to_owned(),
            name: entry[..open]
                .trim()
                .trim_matches(|c| c == '"' || c == '\'')
                .trim()
                .to_owned(),
        },
        _ => ListedPerson {
            email: entry.to_owned(),
            name: String::new(),
        },
    };
    out.push(person);
}

/// Checks a list the way a file is checked: cleaning (mailto:, invisible characters, case of the
/// domain …), strict syntax, duplicates within the list, the directory (already invited or active,
/// unknown team or workspace, seats) and the role. One call for the individual-invite form.
pub fn check_people(
    people: &[ListedPerson],
    defaults: &PeopleDefaults,
    directory: Directory,
) -> PeopleCheck {
    let role = defaults.role.as_str();
    let teams = defaults.teams.join("; ");
    let workspace = defaults.workspace.clone().unwrap_or_default();
    let table = Table::from_rows(people.iter().enumerate().map(|(i, p)| {
        let line = u32::try_from(i + 1).unwrap_or(u32::MAX);
        (
            line,
            [
                p.email.as_str(),
                p.name.as_str(),
                teams.as_str(),
                role,
                workspace.as_str(),
            ],
        )
    }));
    let columns = BTreeMap::from([
        (TargetField::Email, Some(0)),
        (TargetField::FirstName, None),
        (TargetField::LastName, None),
        (TargetField::FullName, Some(1)),
        (TargetField::Teams, Some(2)),
        (TargetField::Role, Some(3)),
        (TargetField::Workspace, Some(4)),
    ]);
    let session = ImportSession::from_list(table, &columns, directory);
    let page = session.page(0, session.len(), RowFilter::All);
    let checked = page
        .rows
        .into_iter()
        .map(|row| {
            let value = |f: TargetField| {
                row.values
                    .iter()
                    .find(|v| v.field == f)
                    .map(|v| v.value.clone())
                    .unwrap_or_default()
            };
            CheckedPerson {
                entry: row.line,
                email: value(TargetField::Email),
                first_name: value(TargetField::FirstName),
                last_name: value(TargetField::LastName),
                valid: row.valid,
                problems: row.problems,
            }
        })
        .collect();
    PeopleCheck {
        people: checked,
        counts: session.counts(),
        seats_left: session.directory().seats_left,
        directory_read_at: session.directory().read_at.clone(),
        rows: session
            .confirmed_rows(InvalidPolicy::SkipInvalid)
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::ProblemCode;

    fn defaults() -> PeopleDefaults {
        PeopleDefaults {
            teams: vec!["Everyone".into(), "Sales".into()],
            role: Role::User,
            workspace: None,
        }
    }

    fn codes(p: &CheckedPerson) -> Vec<ProblemCode> {
        p.problems.iter().map(|p| p.code).collect()
    }

    #[test]
    fn lists_split_on_every_separator_and_read_names() {
        let list = parse_people_list(
            "a@x.com, b@x.com;c@x.com\n\"Doe, Jane\" <jane@x.com>\r\nBob Lee <bob@y.com>\t d@x.com；e@x.com\n\n ,;",
        );
        let emails: Vec<&str> = list.iter().map(|p| p.email.as_str()).collect();
        assert_eq!(
            emails,
            [
                "a@x.com",
                "b@x.com",
                "c@x.com",
                "jane@x.com",
                "bob@y.com",
                "d@x.com",
                "e@x.com"
            ]
        );
        assert_eq!(list[3].name, "Doe, Jane");
        assert_eq!(list[4].name, "Bob Lee");
        assert_eq!(list[0].name, "");
    }

    #[test]
    fn an_unclosed_quote_ends_at_the_line_break() {
        let list = parse_people_list("\"Jane <jane@x.com>\nbob@y.com");
        assert_eq!(list.len(), 2);
        assert_eq!(list[1].email, "bob@y.com");
    }

    #[test]
    fn a_list_is_checked_like_a_file() {
        let list = parse_people_list(
            "mailto:Ann@Example.COM, not-an-address, Bob Lee <bob@x.com>, ann@example.com, old@x.com, Ghost <g@x.com>",
        );
        let directory = Directory {
            invited: vec!["OLD@x.com".into()],
            teams: Some(vec!["Sales".into()]),
            ..Directory::default()
        };
        let check = check_people(&list, &defaults(), directory);
        assert_eq!(check.people.len(), 6);
        assert_eq!(check.counts.rows, 6);
        // The first entry is cleaned (mailto:, domain case) and valid.
        let ann = &check.people[0];
        assert!(ann.valid);
        assert_eq!(ann.email, "Ann@example.com");
        assert!(codes(ann).contains(&ProblemCode::CleanedMailto));
        assert!(codes(ann).contains(&ProblemCode::CleanedDomainLowercase));
        assert_eq!(codes(&check.people[1]), [ProblemCode::EmailInvalid]);
        assert!(!check.people[1].valid);
        let bob = &check.people[2];
        assert!(bob.valid);
        assert_eq!(
            (bob.first_name.as_str(), bob.last_name.as_str()),
            ("Bob", "Lee")
        );
        // Same address as entry 1 (case-insensitive): a duplicate within the list.
        assert!(codes(&check.people[3]).contains(&ProblemCode::EmailDuplicate));
        assert!(codes(&check.people[4]).contains(&ProblemCode::AlreadyInvited));
        assert!(check.people[5].valid);
        assert_eq!(check.counts.valid, 3);
        assert_eq!(check.counts.invalid, 3);
        let emails: Vec<&str> = check.rows.iter().map(|r| r.email.as_str()).collect();
        assert_eq!(emails, ["Ann@example.com", "bob@x.com", "g@x.com"]);
        assert_eq!(check.rows[0].teams, ["Everyone", "Sales"]);
        assert_eq!(check.rows[0].role, Role::User);
    }

    #[test]
    fn unknown_teams_seats_and_a_lone_word_are_caught() {
        let list = parse_people_list("a@x.com\nb@x.com\nhello");
        let mut d = defaults();
        d.teams = vec!["Nowhere".into()];
        d.role = Role::Admin;
        let directory = Directory {
            teams: Some(vec!["Sales".into()]),
            ..Directory::default()
        };
        let check = check_people(&list, &d, directory);
        assert!(codes(&check.people[0]).contains(&ProblemCode::TeamUnknown));
        // A single word is an entry to reject, not a report footer to drop.
        assert_eq!(check.people.len(), 3);
        assert_eq!(codes(&check.people[2])[0], ProblemCode::EmailInvalid);

        let seats = Directory {
            seats_left: Some(1),
            ..Directory::default()
        };
        let check = check_people(&list, &d, seats);
        assert!(check.people[0].valid);
        assert!(codes(&check.people[1]).contains(&ProblemCode::SeatsExceeded));
        assert_eq!(check.rows.len(), 1);
        assert_eq!(check.rows[0].role, Role::Admin);
        assert_eq!(check.seats_left, Some(1));
    }

    #[test]
    fn an_empty_list_checks_to_nothing() {
        let check = check_people(
            &parse_people_list(" ,\n; "),
            &defaults(),
            Directory::default(),
        );
        assert!(check.people.is_empty());
        assert!(check.rows.is_empty());
    }
}
