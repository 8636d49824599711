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
    /// API Enabled on the user's profile.
    pub api_enabled: bool,
    /// API Enabled from a permission set assigned on top of a profile that lacks it.
    pub api_enabled_by_permission_set: bool,
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

    /// API Enabled from the profile or from a permission set: what Salesforce enforces.
    pub fn has_api_access(&self) -> bool {
        self.api_enabled || self.api_enabled_by_permission_set
    }

    /// Customize Application and View Setup and Configuration: only the admin profile has them.
    pub fn is_admin(&self) -> bool {
        self.profile_name == "System Administrator"
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
            api_enabled_by_permission_set: false,
            profile_name: profile.to_string(),
            profile_id: profile_id(profile),
            title: rng.pick(TITLES).to_string(),
            department: rng.pick(DEPARTMENTS).to_string(),
        });
    }
    // One active user whose profile lacks API Enabled gets it from the "API Access" permission
    // set instead. The last such user, so the first one still stands for "no API access".
    if let Some(u) = out
        .iter_mut()
        .skip(1)
        .rev()
        .find(|u| u.is_active && !u.api_enabled)
    {
        u.api_enabled_by_permission_set = true;
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

/// The permission set that grants API Enabled on top of a profile.
pub const API_PERMISSION_SET: &str = "API_Access";

/// Permission sets, in the shape of the `PermissionSet` object. Every profile owns one
/// (`IsOwnedByProfile = true`) that carries the profile's permissions; two more are ordinary sets.
pub fn permission_sets() -> Vec<Value> {
    let mut out: Vec<Value> = PROFILES
        .iter()
        .enumerate()
        .map(|(n, (name, api, _))| {
            let pid = profile_id(name);
            json!({
                "Id": sf_id("0PS", 100 + n as u64),
                // Profile-owned sets carry a generated name and the profile's label.
                "Name": format!("X{}", &pid[..15]),
                "Label": name,
                "IsOwnedByProfile": true,
                "ProfileId": pid,
                "PermissionsApiEnabled": api,
            })
        })
        .collect();
    out.push(json!({
        "Id": sf_id("0PS", 900),
        "Name": API_PERMISSION_SET,
        "Label": "API Access",
        "IsOwnedByProfile": false,
        "ProfileId": null,
        "PermissionsApiEnabled": true,
    }));
    out.push(json!({
        "Id": sf_id("0PS", 901),
        "Name": "Report_Builder",
        "Label": "Report Builder",
        "IsOwnedByProfile": false,
        "ProfileId": null,
        "PermissionsApiEnabled": false,
    }));
    out
}

/// `PermissionSetAssignment` records with their `PermissionSet` and `Assignee` parents: every user
/// holds the set their profile owns; one holds "API Access"; every seventh "Report Builder".
pub fn permission_set_assignments(users: &[SeedUser]) -> Vec<Value> {
    let sets = permission_sets();
    let by_profile = |pid: &str| sets.iter().find(|s| s["ProfileId"] == pid).cloned();
    let by_name = |name: &str| sets.iter().find(|s| s["Name"] == name).cloned();
    let mut out = Vec::new();
    let mut n = 0u64;
    let mut push = |u: &SeedUser, set: Option<Value>| {
        let Some(mut set) = set else { return };
        if let Value::Object(m) = &mut set {
            m.remove("ProfileId");
        }
        n += 1;
        out.push(json!({
            "Id": sf_id("0Pa", n),
            "AssigneeId": u.id,
            "PermissionSetId": set["Id"],
            "PermissionSetGroupId": null,
            "IsActive": true,
            "ExpirationDate": null,
            "SystemModstamp": "2024-03-01T08:00:00.000+0000",
            "PermissionSet": set,
            "Assignee": {"Id": u.id, "Username": u.username, "IsActive": u.is_active},
        }));
    };
    for (i, u) in users.iter().enumerate() {
        push(u, by_profile(&u.profile_id));
        if u.api_enabled_by_permission_set {
            push(u, by_name(API_PERMISSION_SET));
        }
        if i % 7 == 3 {
            push(u, by_name("Report_Builder"));
        }
    }
    out
}

/// The connected app name Sales Insight Actions shows under Connected Apps OAuth Usage.
pub const ACTIONS_APP_NAME: &str = "Sales Insight Actions";

/// One row of the `OauthToken` object: a user's grant to a connected app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedOauthToken {
    pub user_id: String,
    pub app_name: String,
    /// Salesforce datetimes, `2025-01-02T03:04:05.000+0000`.
    pub created_date: String,
    pub last_used_date: Option<String>,
    pub use_count: u32,
}

impl SeedOauthToken {
    /// The token as an `OauthToken` record. Salesforce documents `Id` as reserved ("currently,
    /// the value is always null"), and the token strings are never served by the stand-in.
    pub fn record(&self) -> Value {
        json!({
            "Id": null,
            "AppName": self.app_name,
            "AppMenuItemId": null,
            "UserId": self.user_id,
            "CreatedDate": self.created_date,
            "LastUsedDate": self.last_used_date,
            "UseCount": self.use_count,
            "AccessToken": null,
            "DeleteToken": null,
            "RequestToken": null,
        })
    }
}

/// Seeded grants: the org's first admin has authorised Sales Insight Actions and the Salesforce
/// CLI; a few active users have authorised Actions (invitees who activated) or other apps.
pub fn oauth_tokens(users: &[SeedUser]) -> Vec<SeedOauthToken> {
    let mut out = Vec::new();
    let mut add = |u: &SeedUser, app: &str, day: usize, uses: u32| {
        out.push(SeedOauthToken {
            user_id: u.id.clone(),
            app_name: app.to_string(),
            created_date: format!(
                "2025-{:02}-{:02}T09:30:00.000+0000",
                1 + day % 12,
                1 + day % 28
            ),
            last_used_date: (uses > 0).then(|| {
                format!(
                    "2025-{:02}-{:02}T17:45:00.000+0000",
                    1 + (day + 1) % 12,
                    1 + (day + 3) % 28
                )
            }),
            use_count: uses,
        });
    };
    if let Some(admin) = users.first() {
        add(admin, ACTIONS_APP_NAME, 2, 148);
        add(admin, "Salesforce CLI", 5, 37);
    }
    let ready: Vec<&SeedUser> = users
        .iter()
        .skip(1)
        .filter(|u| u.is_active && u.has_api_access())
        .collect();
    for (k, u) in ready.iter().enumerate().take(12) {
        match k % 4 {
            0 => add(u, ACTIONS_APP_NAME, 10 + k, 20 + k as u32),
            1 => add(u, "Salesforce CLI", 10 + k, 3),
            2 => add(u, "Salesforce for Outlook", 10 + k, 0),
            _ => add(u, "Dataloader Partner", 10 + k, 9),
        }
    }
    out
}

/// Milliseconds since the epoch as a Salesforce datetime (`2025-01-02T03:04:05.000+0000`, UTC).
pub fn sf_datetime(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}+0000",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
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
    fn one_user_gets_api_enabled_from_a_permission_set_only() {
        let a = users(1, 300, OrgType::Production);
        let via_set: Vec<_> = a
            .iter()
            .filter(|u| u.api_enabled_by_permission_set)
            .collect();
        assert_eq!(via_set.len(), 1);
        assert!(via_set[0].is_active && !via_set[0].api_enabled && via_set[0].has_api_access());
        assert!(a.iter().any(|u| u.is_active && !u.has_api_access()));
        let rows = permission_set_assignments(&a);
        let granted: Vec<_> = rows
            .iter()
            .filter(|r| r["PermissionSet"]["PermissionsApiEnabled"] == true)
            .filter(|r| r["PermissionSet"]["IsOwnedByProfile"] == false)
            .collect();
        assert_eq!(granted.len(), 1);
        assert_eq!(granted[0]["AssigneeId"], via_set[0].id.as_str());
        assert!(
            rows.len() > a.len(),
            "every user holds the set their profile owns"
        );
    }

    #[test]
    fn tokens_and_datetimes() {
        let a = users(1, 50, OrgType::Production);
        let t = oauth_tokens(&a);
        assert!(
            t.iter()
                .any(|t| t.user_id == a[0].id && t.app_name == ACTIONS_APP_NAME)
        );
        assert!(t.iter().any(|t| t.app_name == "Salesforce CLI"));
        assert_eq!(sf_datetime(0), "1970-01-01T00:00:00.000+0000");
        assert_eq!(
            sf_datetime(1_709_294_645_123),
            "2024-03-01T12:04:05.123+0000"
        );
    }

    #[test]
    fn sandbox_usernames_carry_the_sandbox_suffix() {
        let s = users(1, 5, OrgType::Sandbox);
        assert!(s.iter().all(|u| u.username.ends_with(".uat")));
    }
}
