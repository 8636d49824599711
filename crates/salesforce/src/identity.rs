//! Who signed in and to which org: the identity URL, `/services/oauth2/userinfo`, and the
//! org type (Organization.IsSandbox, else the host names), summed up for the UI.

use crate::client::SalesforceClient;
use crate::error::SalesforceError;
use crate::host::{SalesforceOrgType, org_type_from_host};
use serde::{Deserialize, Serialize};

/// What the UI shows after "Connected as …". Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SalesforceSession {
    pub org_id: String,
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub instance_url: String,
    pub login_host: String,
    pub org_type: SalesforceOrgType,
    pub api_version: String,
}

/// `…/id/{orgId}/{userId}` → (orgId, userId).
pub(crate) fn parse_identity_url(id: &str) -> Option<(String, String)> {
    let url = url::Url::parse(id).ok()?;
    let segs: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        [.., "id", org, user] if is_sf_id(org) && is_sf_id(user) => {
            Some((org.to_string(), user.to_string()))
        }
        _ => None,
    }
}

fn is_sf_id(s: &str) -> bool {
    (s.len() == 15 || s.len() == 18) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

#[derive(Deserialize)]
struct UserInfo {
    #[serde(default)]
    user_id: Option<String>,
    #[serde(default)]
    organization_id: Option<String>,
    #[serde(default)]
    preferred_username: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    email: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct OrgRow {
    is_sandbox: bool,
}

impl SalesforceClient {
    /// Reads who is signed in, and to what kind of org.
    pub async fn session_summary(&self) -> Result<SalesforceSession, SalesforceError> {
        let info: UserInfo = self
            .get_json(self.url("/services/oauth2/userinfo")?)
            .await?;
        let from_id = self
            .identity_url()
            .await
            .and_then(|id| parse_identity_url(&id));
        let org_id = info
            .organization_id
            .or_else(|| from_id.as_ref().map(|(o, _)| o.clone()))
            .ok_or_else(|| SalesforceError::protocol("userinfo had no organization_id"))?;
        let user_id = info
            .user_id
            .or_else(|| from_id.as_ref().map(|(_, u)| u.clone()))
            .ok_or_else(|| SalesforceError::protocol("userinfo had no user_id"))?;
        if let Some((o, u)) = &from_id
            && (o != &org_id || u != &user_id)
        {
            return Err(SalesforceError::protocol(
                "userinfo and the identity URL name different users",
            ));
        }
        let org_type = self.org_type().await?;
        let username = info.preferred_username.unwrap_or_default();
        Ok(SalesforceSession {
            org_id,
            user_id,
            display_name: info.name.unwrap_or_else(|| username.clone()),
            username,
            email: info.email.unwrap_or_default(),
            instance_url: self.instance_url().to_string(),
            login_host: self.login_host().as_str().to_string(),
            org_type,
            api_version: crate::client::API_VERSION.to_string(),
        })
    }

    /// `Organization.IsSandbox` says it outright; when that query is not allowed, the
    /// instance host and then the login host decide, and production is the last resort.
    pub async fn org_type(&self) -> Result<SalesforceOrgType, SalesforceError> {
        match self
            .query::<OrgRow>("SELECT IsSandbox FROM Organization")
            .await
        {
            Ok(rows) if !rows.is_empty() => {
                return Ok(if rows.iter().any(|r| r.is_sandbox) {
                    SalesforceOrgType::Sandbox
                } else {
                    SalesforceOrgType::Production
                });
            }
            Ok(_) => {}
            // Throttling or a dead session must not be papered over by a guess.
            Err(
                e @ (SalesforceError::RateLimited
                | SalesforceError::SigninRequired
                | SalesforceError::Network { .. }
                | SalesforceError::ApiDisabled),
            ) => return Err(e),
            Err(e) => tracing::debug!(code = e.code(), "Organization query unavailable"),
        }
        Ok(org_type_from_host(self.instance_url())
            .or_else(|| self.login_host().org_type_hint())
            .unwrap_or(SalesforceOrgType::Production))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_urls_split_into_org_and_user() {
        assert_eq!(
            parse_identity_url(
                "https://login.salesforce.com/id/00Dxx0000001gPLEAY/005xx000001Sv6eAAC"
            ),
            Some(("00Dxx0000001gPLEAY".into(), "005xx000001Sv6eAAC".into()))
        );
        assert_eq!(
            parse_identity_url("https://login.salesforce.com/id/x/y"),
            None
        );
        assert_eq!(parse_identity_url("not a url"), None);
    }
}
