//! The seeded org: a few hundred users, deterministic from the seed, with the rough edges the app
//! must handle (inactive users, profiles without API Enabled, emails whose case differs).

use super::config::OrgType;
use crate::ids::sf_id;
use crate::names::{DEPARTMENTS, PEOPLE, TITLES};
use crate::prng::Rng;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashSet;

/// The company domain of the seeded org's own staff.
pub const ORG_DOMAIN: &str = "acme-demo.example";

/// One seeded Salesforce user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedUser {
    pub id: String,
    pub username: String,
    /// As stored in Salesforce (sometimes with capitals).
    pub email: String,
    /// What an invite file would hold: the same address in lower case.
    pub invite_email: String,
    pub first_name: String,
    pub last_name: String,
    pub is_active: bool,
    pub api_enabled: bool,
    pub profile_name: String,
    pub profile_id: String,
    pub title: String,
    pub department: String,
}

impl SeedUser {
    pub fn name(&self) -> String {
        if self.first_name.chars().any(|c| c > '\u{2E80}') {
            // CJK names read family name first, without a space.
            format!("{}{}", self.last_name, self.first_name)
        } else {
            format!("{} {}", self.first_name, self.last_name)
        }
    }

    /// True when Salesforce holds the email with different capitals than the invite file.
    pub fn email_case_differs(&self) -> bool {
        self.email != self.invite_email
    }
}

/// (profile name, API Enabled, share in percent)
const PROFILES: &[(&str, bool, u64)] = &[
    ("System Administrator", true, 4),
    ("Standard User", true, 44),
    ("Sales Manager", true, 18),
    ("Marketing User", true, 16),
    ("Contract Manager", true, 8),
    ("Sales Rep (No API)", false, 10),
];

fn profile_id(name: &str) -> String {
    let n = PROFILES
        .iter()
        .position(|(p, _, _)| *p == name)
        .unwrap_or(0) as u64;
    sf_id("00e", 100 + n)
}

/// The org's users, deterministic for (`seed`, `count`, `org_type`). The first is an active admin.
pub fn users(seed: u64, count: usize, org_type: OrgType) -> Vec<SeedUser> {
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(count);
    for i in 0..count as u64 {
        let mut rng = Rng::new(seed ^ 0x5F5F_0001, i);
        let (first, last, rfirst, rlast) = if i == 0 {
            ("Jordan", "Lee", "jordan", "lee")
        } else {
            *rng.pick(PEOPLE)
        };
        let mut local = format!("{rfirst}.{rlast}");
        if !seen.insert(local.clone()) {
            local = format!("{rfirst}.{rlast}{i}");
            seen.insert(local.clone());
        }
        let invite_email = format!("{local}@{ORG_DOMAIN}");
        let case_differs = i > 0 && rng.percent(6);
        let email = if case_differs {
            format!("{}@{}", capitalize_parts(&local), "Acme-Demo.example")
        } else {
            invite_email.clone()
        };
        let (profile, api) = if i == 0 {
            ("System Administrator", true)
        } else {
            let roll = rng.below(100);
            let mut acc = 0;
            let mut chosen = (PROFILES[1].0, PROFILES[1].1);
            for (p, api, share) in PROFILES {
                acc += share;
                if roll < acc {
                    chosen = (*p, *api);
                    break;
                }
            }
            chosen
        };
        let is_active = i == 0 || !rng.percent(10);
        let username = match org_type {
            OrgType::Production => invite_email.clone(),
            OrgType::Sandbox => format!("{invite_email}.uat"),
        };
        out.push(SeedUser {
            id: sf_id("005", 1000 + i),
            username,
            email,
            invite_email,
            first_name: first.to_string(),
            last_name: last.to_string(),
            is_active,
            api_enabled: api,
            profile_name: profile.to_string(),
            profile_id: profile_id(profile),
            title: rng.pick(TITLES).to_string(),
            department: rng.pick(DEPARTMENTS).to_string(),
        });
    }
    out
}

fn capitalize_parts(local: &str) -> String {
    local
        .split('.')
        .map(|p| {
            let mut c = p.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The seeded users as SOQL `User` records.
pub fn user_records(users: &[SeedUser]) -> Vec<Value> {
    users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            json!({
                "Id": u.id,
                "Username": u.username,
                "Email": u.email,
                "FirstName": u.first_name,
                "LastName": u.last_name,
                "Name": u.name(),
                "IsActive": u.is_active,
                "UserType": "Standard",
                "Title": u.title,
                "Department": u.department,
                "ProfileId": u.profile_id,
                "LanguageLocaleKey": if u.first_name.chars().any(|c| c > '\u{2E80}') { "zh_TW" } else { "en_US" },
                "TimeZoneSidKey": "Asia/Taipei",
                "CreatedDate": format!("2023-{:02}-{:02}T08:00:00.000+0000", 1 + i % 12, 1 + i % 28),
                "Profile": {
                    "Id": u.profile_id,
                    "Name": u.profile_name,
                    "PermissionsApiEnabled": u.api_enabled,
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_is_deterministic_and_has_the_rough_edges() {
        let a = users(1, 300, OrgType::Production);
        assert_eq!(a, users(1, 300, OrgType::Production));
        assert_eq!(a.len(), 300);
        assert!(a[0].is_active && a[0].api_enabled);
        assert!(a.iter().filter(|u| !u.is_active).count() > 10);
        assert!(a.iter().filter(|u| !u.api_enabled).count() > 10);
        assert!(a.iter().filter(|u| u.email_case_differs()).count() > 5);
        let emails: HashSet<_> = a.iter().map(|u| u.invite_email.clone()).collect();
        assert_eq!(emails.len(), 300, "invite emails are unique");
        assert!(a.iter().all(|u| u.email.to_lowercase() == u.invite_email));
        assert!(
            a.iter()
                .any(|u| u.first_name.chars().any(|c| c > '\u{2E80}'))
        );
    }

    #[test]
    fn sandbox_usernames_carry_the_sandbox_suffix() {
        let s = users(1, 5, OrgType::Sandbox);
        assert!(s.iter().all(|u| u.username.ends_with(".uat")));
    }
}
