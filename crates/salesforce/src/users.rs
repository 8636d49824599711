//! Salesforce users for the invite checks: email, username, active and API Enabled (from the
//! profile or a permission set), with case-insensitive lookup by email (invitees activate with
//! the same address). Inactive users are kept, so "inactive" and "no such user" differ.

use crate::client::SalesforceClient;
use crate::error::SalesforceError;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// Every user, active or not (DOMAIN.md: without the `IsActive` filter, to tell inactive from
/// missing); paged through `nextRecordsUrl`.
pub const USERS_SOQL: &str = "SELECT Id, Username, Email, FirstName, LastName, IsActive, \
     Profile.PermissionsApiEnabled FROM User";

/// Who holds API Enabled through a permission set (or a permission set group) rather than the
/// profile: one paged query for the whole org, never one per person. Profile-owned sets repeat
/// what `Profile.PermissionsApiEnabled` already says, so they are left out. Needs View Setup and
/// Configuration (or Assign Permission Sets, or Manage Users).
pub const API_PERMISSION_SET_SOQL: &str = "SELECT AssigneeId FROM PermissionSetAssignment \
     WHERE PermissionSet.PermissionsApiEnabled = true AND PermissionSet.IsOwnedByProfile = false";

/// Where a user's API Enabled comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "SalesforceApiEnabledSource")]
pub enum ApiEnabledSource {
    Profile,
    PermissionSet,
}

/// One Salesforce user as the invite checks need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SalesforceUser {
    pub id: String,
    pub username: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub active: bool,
    /// API Enabled from the profile or from a permission set.
    pub api_enabled: bool,
    /// Where `api_enabled` comes from; `None` when it is off.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_enabled_source: Option<ApiEnabledSource>,
}

/// What Salesforce says about an invitee's email, best match first when several users share it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export, rename = "SalesforceUserStatus")]
pub enum SalesforceUserStatus {
    /// Active, with API Enabled: the invitee can connect.
    #[serde(rename_all = "camelCase")]
    Ready { user_id: String },
    /// Active, but neither the profile nor a permission set grants API Enabled.
    #[serde(rename_all = "camelCase")]
    ApiDisabled { user_id: String },
    /// A user with this email exists but is deactivated.
    #[serde(rename_all = "camelCase")]
    Inactive { user_id: String },
    /// No user has this email.
    Missing,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UserRow {
    id: String,
    username: Option<String>,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    is_active: Option<bool>,
    profile: Option<ProfileRow>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ProfileRow {
    permissions_api_enabled: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AssignmentRow {
    assignee_id: Option<String>,
}

/// Users indexed by lower-cased email (several users may share one address).
#[derive(Debug, Clone, Default)]
pub struct SalesforceUsers {
    users: Vec<SalesforceUser>,
    by_email: HashMap<String, Vec<usize>>,
    permission_sets_read: bool,
}

impl SalesforceUsers {
    /// Users whose `api_enabled` already includes permission sets.
    pub fn new(users: Vec<SalesforceUser>) -> Self {
        let mut by_email: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, u) in users.iter().enumerate() {
            by_email.entry(email_key(&u.email)).or_default().push(i);
        }
        SalesforceUsers {
            users,
            by_email,
            permission_sets_read: true,
        }
    }

    pub fn all(&self) -> &[SalesforceUser] {
        &self.users
    }

    pub fn len(&self) -> usize {
        self.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.users.is_empty()
    }

    /// False when the signed-in user may not read permission set assignments (no View Setup and
    /// Configuration): then `api_enabled` reflects profiles only and may miss some users.
    pub fn permission_sets_read(&self) -> bool {
        self.permission_sets_read
    }

    /// Users whose email equals `email`, ignoring case and surrounding spaces; active or not.
    pub fn by_email(&self, email: &str) -> Vec<&SalesforceUser> {
        self.by_email
            .get(&email_key(email))
            .map(|ix| ix.iter().filter_map(|i| self.users.get(*i)).collect())
            .unwrap_or_default()
    }

    /// The most usable user with `email`: active with API Enabled, then active, then inactive.
    pub fn best_by_email(&self, email: &str) -> Option<&SalesforceUser> {
        self.by_email(email)
            .into_iter()
            .max_by_key(|u| (u.active, u.active && u.api_enabled))
    }

    /// Tells "no user with that email" from "user inactive" from "no API Enabled".
    pub fn status(&self, email: &str) -> SalesforceUserStatus {
        match self.best_by_email(email) {
            None => SalesforceUserStatus::Missing,
            Some(u) if !u.active => SalesforceUserStatus::Inactive {
                user_id: u.id.clone(),
            },
            Some(u) if !u.api_enabled => SalesforceUserStatus::ApiDisabled {
                user_id: u.id.clone(),
            },
            Some(u) => SalesforceUserStatus::Ready {
                user_id: u.id.clone(),
            },
        }
    }

    /// Only the active users (what `active_users` returns).
    pub fn into_active(self) -> SalesforceUsers {
        let read = self.permission_sets_read;
        let mut out = SalesforceUsers::new(self.users.into_iter().filter(|u| u.active).collect());
        out.permission_sets_read = read;
        out
    }
}

fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Merges the user rows with the set of users granted API Enabled by a permission set.
fn combine(rows: Vec<UserRow>, via_sets: &HashSet<String>) -> Vec<SalesforceUser> {
    rows.into_iter()
        .map(|r| {
            let by_profile = r
                .profile
                .and_then(|p| p.permissions_api_enabled)
                .unwrap_or(false);
            let source = if by_profile {
                Some(ApiEnabledSource::Profile)
            } else if via_sets.contains(&r.id) {
                Some(ApiEnabledSource::PermissionSet)
            } else {
                None
            };
            SalesforceUser {
                username: r.username.unwrap_or_default(),
                email: r.email.unwrap_or_default(),
                first_name: r.first_name.unwrap_or_default(),
                last_name: r.last_name.unwrap_or_default(),
                active: r.is_active.unwrap_or(false),
                api_enabled: source.is_some(),
                api_enabled_source: source,
                id: r.id,
            }
        })
        .collect()
}

impl SalesforceClient {
    /// Every user, active and inactive, with API Enabled from the profile or a permission set:
    /// two paged queries, whatever the number of users. When permission set assignments cannot
    /// be read (a 4xx answer: the object is hidden from this user), profiles alone decide and
    /// [`SalesforceUsers::permission_sets_read`] says so; other failures are returned.
    pub async fn users(&self) -> Result<SalesforceUsers, SalesforceError> {
        let rows: Vec<UserRow> = self.query(USERS_SOQL).await?;
        let (via_sets, read) = match self.query::<AssignmentRow>(API_PERMISSION_SET_SOQL).await {
            Ok(a) => (
                a.into_iter()
                    .filter_map(|r| r.assignee_id)
                    .collect::<HashSet<_>>(),
                true,
            ),
            Err(SalesforceError::Api { status, .. }) if (400..500).contains(&status) => {
                tracing::info!(
                    status,
                    "permission set assignments not readable; API Enabled from profiles only"
                );
                (HashSet::new(), false)
            }
            Err(e) => return Err(e),
        };
        let mut users = SalesforceUsers::new(combine(rows, &via_sets));
        users.permission_sets_read = read;
        Ok(users)
    }

    /// The active users only (the same two queries as [`SalesforceClient::users`]).
    pub async fn active_users(&self) -> Result<SalesforceUsers, SalesforceError> {
        Ok(self.users().await?.into_active())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(email: &str) -> SalesforceUser {
        SalesforceUser {
            id: "005".into(),
            username: email.into(),
            email: email.into(),
            first_name: String::new(),
            last_name: String::new(),
            active: true,
            api_enabled: true,
            api_enabled_source: Some(ApiEnabledSource::Profile),
        }
    }

    #[test]
    fn email_lookup_ignores_case_and_spaces() {
        let users =
            SalesforceUsers::new(vec![user("Ann.Lee@Acme.example"), user("bo@acme.example")]);
        assert_eq!(users.by_email(" ann.lee@acme.EXAMPLE ").len(), 1);
        assert!(users.by_email("nobody@acme.example").is_empty());
        assert_eq!(users.len(), 2);
    }

    #[test]
    fn status_tells_missing_from_inactive_from_api_disabled() {
        let mut gone = user("gone@acme.example");
        gone.id = "005A".into();
        gone.active = false;
        let mut no_api = user("noapi@acme.example");
        no_api.id = "005B".into();
        no_api.api_enabled = false;
        no_api.api_enabled_source = None;
        // The same address on a deactivated and a working user: the working one counts.
        let mut old = user("ann@acme.example");
        old.id = "005C".into();
        old.active = false;
        let mut ann = user("ann@acme.example");
        ann.id = "005D".into();
        let users = SalesforceUsers::new(vec![gone, no_api, old, ann]);
        assert_eq!(
            users.status("x@acme.example"),
            SalesforceUserStatus::Missing
        );
        assert_eq!(
            users.status("GONE@acme.example"),
            SalesforceUserStatus::Inactive {
                user_id: "005A".into()
            }
        );
        assert_eq!(
            users.status("noapi@acme.example"),
            SalesforceUserStatus::ApiDisabled {
                user_id: "005B".into()
            }
        );
        assert_eq!(
            users.status("ann@acme.example"),
            SalesforceUserStatus::Ready {
                user_id: "005D".into()
            }
        );
        let json = serde_json::to_value(users.status("gone@acme.example")).unwrap_or_default();
        assert_eq!(json["kind"], "inactive");
        assert_eq!(json["userId"], "005A");
        assert_eq!(users.into_active().len(), 2);
    }

    #[test]
    fn permission_sets_add_api_enabled() {
        let row = |id: &str, api: bool| UserRow {
            id: id.into(),
            username: None,
            email: Some(format!("{id}@x.example")),
            first_name: None,
            last_name: None,
            is_active: Some(true),
            profile: Some(ProfileRow {
                permissions_api_enabled: Some(api),
            }),
        };
        let via: HashSet<String> = ["b".to_string()].into();
        let users = combine(vec![row("a", true), row("b", false), row("c", false)], &via);
        let src: Vec<_> = users.iter().map(|u| u.api_enabled_source).collect();
        assert_eq!(
            src,
            [
                Some(ApiEnabledSource::Profile),
                Some(ApiEnabledSource::PermissionSet),
                None
            ]
        );
        assert_eq!(
            users.iter().map(|u| u.api_enabled).collect::<Vec<_>>(),
            [true, true, false]
        );
    }
}
