//! The Marketo calls the setup needs: lead fields (describe2), users and roles, lead pages.
//! Each turns Marketo's JSON into typed values; the request policy lives in `client`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use crate::client::{MarketoClient, Style};
use crate::error::MarketoError;

/// Most records and filter values per `leads.json` call.
pub const MAX_BATCH: usize = 300;

/// One lead field as `describe2` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoLeadField {
    pub name: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub data_type: String,
    #[serde(default)]
    pub length: Option<u32>,
    #[serde(default)]
    pub updateable: bool,
    #[serde(default)]
    pub crm_managed: bool,
}

/// One Marketo user (Admin > Users & Roles).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoUser {
    pub userid: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email_address: String,
    #[ts(type = "number")]
    pub id: u64,
    #[serde(default)]
    pub api_only: bool,
    #[serde(default)]
    pub is_locked: bool,
}

/// One role a user holds in one workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoUserRole {
    #[ts(type = "number")]
    pub access_role_id: u64,
    pub access_role_name: String,
    #[serde(default)]
    #[ts(type = "number | null")]
    pub workspace_id: Option<u64>,
    #[serde(default)]
    pub workspace_name: Option<String>,
}

/// A Marketo admin step 1 can invite to Actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoAdminUser {
    pub userid: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// A locked user cannot sign in, so cannot accept the invite until unlocked.
    pub locked: bool,
    /// Every role name the user holds (the admin one included).
    pub roles: Vec<String>,
}

/// One page of leads.
#[derive(Debug, Clone, Default)]
pub struct LeadsPage {
    pub leads: Vec<Map<String, Value>>,
    pub next_page_token: Option<String>,
}

/// The filter of a `leads.json` query.
#[derive(Debug, Clone)]
pub struct LeadQuery<'a> {
    pub filter_type: &'a str,
    pub filter_values: &'a [String],
    pub fields: &'a [&'a str],
    /// 1..=300; larger values are clamped.
    pub batch_size: usize,
}

/// Whether a role name is Marketo's admin role (the built-in "Admin", or a custom one named so).
pub fn is_admin_role(name: &str) -> bool {
    let n = name.trim().to_ascii_lowercase();
    n == "admin"
        || n == "administrator"
        || n.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "admin")
}

impl MarketoClient {
    /// `GET /rest/v1/leads/describe2.json`: every lead field.
    pub async fn describe_leads(&self) -> Result<Vec<MarketoLeadField>, MarketoError> {
        let body = self
            .get("/rest/v1/leads/describe2.json", &[], Style::Envelope)
            .await?;
        let fields = body
            .pointer("/result/0/fields")
            .cloned()
            .ok_or_else(|| MarketoError::Protocol("describe2 has no result[0].fields".into()))?;
        serde_json::from_value(fields)
            .map_err(|_| MarketoError::Protocol("describe2 fields are malformed".into()))
    }

    /// `GET /userservice/management/v1/users/allusers.json`, every page.
    pub async fn list_users(&self) -> Result<Vec<MarketoUser>, MarketoError> {
        const PAGE: usize = 200;
        let mut all = Vec::new();
        // Bounded: a misbehaving server cannot keep the loop going forever.
        for page in 0..100 {
            let q = [
                ("pageOffset", (page * PAGE).to_string()),
                ("pageSize", PAGE.to_string()),
            ];
            let body = self
                .get(
                    "/userservice/management/v1/users/allusers.json",
                    &q,
                    Style::Bare,
                )
                .await?;
            let batch: Vec<MarketoUser> = serde_json::from_value(body).map_err(|_| {
                MarketoError::Protocol("the user list is not an array of users".into())
            })?;
            let n = batch.len();
            all.extend(batch);
            if n < PAGE {
                break;
            }
        }
        Ok(all)
    }

    /// `GET /userservice/management/v1/users/{userid}/roles.json`.
    pub async fn user_roles(&self, userid: &str) -> Result<Vec<MarketoUserRole>, MarketoError> {
        let id: String = url::form_urlencoded::byte_serialize(userid.as_bytes()).collect();
        let path = format!("/userservice/management/v1/users/{id}/roles.json");
        let body = self.get(&path, &[], Style::Bare).await?;
        serde_json::from_value(body)
            .map_err(|_| MarketoError::Protocol("the role list is malformed".into()))
    }

    /// Users with an admin role, API-only users left out (they cannot sign in to accept an invite).
    pub async fn admin_users(&self) -> Result<Vec<MarketoAdminUser>, MarketoError> {
        let mut out = Vec::new();
        for u in self.list_users().await? {
            if u.api_only {
                continue;
            }
            let roles = self.user_roles(&u.userid).await?;
            if !roles.iter().any(|r| is_admin_role(&r.access_role_name)) {
                continue;
            }
            let mut names: Vec<String> = roles.into_iter().map(|r| r.access_role_name).collect();
            names.dedup();
            out.push(MarketoAdminUser {
                email: if u.email_address.is_empty() {
                    u.userid.clone()
                } else {
                    u.email_address
                },
                userid: u.userid,
                first_name: u.first_name,
                last_name: u.last_name,
                locked: u.is_locked,
                roles: names,
            });
        }
        Ok(out)
    }

    /// One page of `GET /rest/v1/leads.json`.
    pub async fn leads(
        &self,
        q: &LeadQuery<'_>,
        next_page_token: Option<&str>,
    ) -> Result<LeadsPage, MarketoError> {
        if q.filter_values.is_empty() || q.filter_values.len() > MAX_BATCH {
            return Err(MarketoError::Protocol(format!(
                "a lead query takes 1 to {MAX_BATCH} filter values"
            )));
        }
        let mut query = vec![
            ("filterType", q.filter_type.to_owned()),
            ("filterValues", q.filter_values.join(",")),
            ("batchSize", q.batch_size.clamp(1, MAX_BATCH).to_string()),
        ];
        if !q.fields.is_empty() {
            query.push(("fields", q.fields.join(",")));
        }
        if let Some(t) = next_page_token {
            query.push(("nextPageToken", t.to_owned()));
        }
        let body = self
            .get("/rest/v1/leads.json", &query, Style::Envelope)
            .await?;
        let leads = match body.get("result") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_object().cloned()).collect(),
            Some(_) => return Err(MarketoError::Protocol("leads result is not a list".into())),
        };
        let next_page_token = body
            .get("nextPageToken")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        Ok(LeadsPage {
            leads,
            next_page_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_role_names() {
        for yes in [
            "Admin",
            " admin ",
            "Administrator",
            "Workspace Admin",
            "Admin - APAC",
        ] {
            assert!(is_admin_role(yes), "{yes}");
        }
        for no in [
            "Marketing User",
            "API Role",
            "Analytics User",
            "Badminton",
            "",
        ] {
            assert!(!is_admin_role(no), "{no}");
        }
    }
}
