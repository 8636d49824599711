//! Active Salesforce users for the invite checks: email, username, active and API Enabled,
//! with case-insensitive lookup by email (invitees activate with the same address).

use crate::client::SalesforceClient;
use crate::error::SalesforceError;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The query of DOMAIN.md; paged through `nextRecordsUrl`.
pub const ACTIVE_USERS_SOQL: &str = "SELECT Id, Username, Email, FirstName, LastName, IsActive, \
     Profile.PermissionsApiEnabled FROM User WHERE IsActive = true";

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
    pub api_enabled: bool,
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

/// Users indexed by lower-cased email (several users may share one address).
#[derive(Debug, Clone, Default)]
pub struct SalesforceUsers {
    users: Vec<SalesforceUser>,
    by_email: HashMap<String, Vec<usize>>,
}

impl SalesforceUsers {
    pub fn new(users: Vec<SalesforceUser>) -> Self {
        let mut by_email: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, u) in users.iter().enumerate() {
            by_email.entry(email_key(&u.email)).or_default().push(i);
        }
        SalesforceUsers { users, by_email }
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

    /// Users whose email equals `email`, ignoring case and surrounding spaces.
    pub fn by_email(&self, email: &str) -> Vec<&SalesforceUser> {
        self.by_email
            .get(&email_key(email))
            .map(|ix| ix.iter().filter_map(|i| self.users.get(*i)).collect())
            .unwrap_or_default()
    }
}

fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

impl SalesforceClient {
    /// Every active user, following `nextRecordsUrl` until `done`.
    pub async fn active_users(&self) -> Result<SalesforceUsers, SalesforceError> {
        let rows: Vec<UserRow> = self.query(ACTIVE_USERS_SOQL).await?;
        let users = rows
            .into_iter()
            .map(|r| SalesforceUser {
                id: r.id,
                username: r.username.unwrap_or_default(),
                email: r.email.unwrap_or_default(),
                first_name: r.first_name.unwrap_or_default(),
                last_name: r.last_name.unwrap_or_default(),
                active: r.is_active.unwrap_or(false),
                api_enabled: r
                    .profile
                    .and_then(|p| p.permissions_api_enabled)
                    .unwrap_or(false),
            })
            .collect();
        Ok(SalesforceUsers::new(users))
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
}
