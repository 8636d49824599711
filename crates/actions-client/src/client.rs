//! `ActionsClient`: typed calls over the Actions admin API contract (docs/actions-admin-api.yaml).
//! One bearer token, 15 s timeouts, no redirects (a redirect could carry the token elsewhere).

use std::time::Duration;

use reqwest::{Method, StatusCode, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sia_secret::Secret;

use crate::error::ActionsError;
use crate::scim;
use crate::types::*;

/// Whole-request and connect timeout: the admin waits on every call, so fail in words, not silence.
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// The largest SCIM page the client asks for (the service may return fewer).
const PAGE: usize = 200;

/// A client for one Actions admin API (the local stand-in or another implementation).
#[derive(Clone)]
pub struct ActionsClient {
    http: reqwest::Client,
    base: String,
    token: std::sync::Arc<Secret>,
    timeout: Duration,
}

impl std::fmt::Debug for ActionsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionsClient")
            .field("base", &self.base)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ActivationWire {
    instance: ActionsInstance,
    results: Vec<ActionsInviteOutcome>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IntegrationWire {
    munchkin_id: String,
    client_id: String,
    client_secret: String,
}

#[derive(Deserialize)]
struct FieldsWire {
    fields: Vec<ActionsSyncField>,
}

impl ActionsClient {
    /// A client for the service rooted at `base_url` (e.g. `http://127.0.0.1:47803`).
    pub fn new(base_url: &str, token: Secret) -> Result<Self, ActionsError> {
        Self::with_timeout(base_url, token, TIMEOUT)
    }

    /// Same as [`ActionsClient::new`] with another timeout (tests of slow services).
    pub fn with_timeout(
        base_url: &str,
        token: Secret,
        timeout: Duration,
    ) -> Result<Self, ActionsError> {
        let url = url::Url::parse(base_url.trim()).map_err(|_| ActionsError::InvalidUrl)?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(ActionsError::InvalidUrl);
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("sia-setup/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| ActionsError::InvalidUrl)?;
        Ok(Self {
            http,
            base: url.as_str().trim_end_matches('/').to_owned(),
            token: std::sync::Arc::new(token),
            timeout,
        })
    }

    /// The service's root URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Vec<u8>, ActionsError> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(self.token.expose())
            .header(header::ACCEPT, "application/json, application/scim+json");
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(b) = body {
            let content_type = if path.starts_with("/scim/") {
                "application/scim+json"
            } else {
                "application/json"
            };
            req = req
                .header(header::CONTENT_TYPE, content_type)
                .body(serde_json::to_vec(b).unwrap_or_default());
        }
        let resp = req
            .send()
            .await
            .map_err(|e| ActionsError::from_transport(&e, self.timeout))?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| ActionsError::from_transport(&e, self.timeout))?;
        if status.is_success() {
            Ok(bytes.to_vec())
        } else {
            if status != StatusCode::NOT_FOUND && status != StatusCode::CONFLICT {
                tracing::debug!(status = status.as_u16(), path, "actions call refused");
            }
            Err(ActionsError::from_answer(
                status.as_u16(),
                retry_after,
                &bytes,
            ))
        }
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ActionsError> {
        decode(&self.call(Method::GET, path, query, None).await?)
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<T, ActionsError> {
        decode(&self.call(method, path, &[], body).await?)
    }

    // ---- instance ----

    pub async fn instance(&self) -> Result<ActionsInstance, ActionsError> {
        self.get("/api/v1/instance", &[]).await
    }

    /// Step 1: invites these Marketo admins (by email); the first success ever becomes the
    /// original user. Returns each admin's outcome and who the original user is.
    pub async fn activate(&self, admin_emails: &[&str]) -> Result<ActionsActivation, ActionsError> {
        let admins: Vec<Value> = admin_emails.iter().map(|e| json!({ "email": e })).collect();
        let wire: ActivationWire = self
            .send(
                Method::POST,
                "/api/v1/instance/activation",
                Some(&json!({ "admins": admins })),
            )
            .await?;
        let original_user_email = match &wire.instance.original_user_id {
            None => None,
            Some(id) => match wire
                .results
                .iter()
                .find(|r| r.user_id.as_deref() == Some(id.as_str()))
            {
                Some(r) => Some(r.email.clone()),
                None => Some(self.user(id).await?.email),
            },
        };
        Ok(ActionsActivation {
            instance: wire.instance,
            results: wire.results,
            original_user_email,
        })
    }

    /// The Integration Information (Munchkin ID, Client ID, Client Secret); exists once active.
    pub async fn integration(&self) -> Result<ActionsIntegration, ActionsError> {
        let w: IntegrationWire = self.get("/api/v1/instance/integration", &[]).await?;
        Ok(ActionsIntegration {
            munchkin_id: w.munchkin_id,
            client_id: w.client_id,
            client_secret: Secret::new(w.client_secret),
        })
    }

    // ---- connections ----

    pub async fn connections(&self) -> Result<ActionsConnections, ActionsError> {
        self.get("/api/v1/connections", &[]).await
    }

    /// Step 3: connects Marketo; the admin with `owner_email` (active, Admin) owns the connection.
    pub async fn connect_marketo(
        &self,
        owner_email: &str,
        munchkin_id: &str,
        client_id: &str,
        client_secret: &Secret,
    ) -> Result<ActionsMarketoConnection, ActionsError> {
        let owner = self
            .find_user(owner_email)
            .await?
            .ok_or(ActionsError::UserNotFound)?;
        let body = json!({
            "ownerUserId": owner.id,
            "munchkinId": munchkin_id,
            "clientId": client_id,
            "clientSecret": client_secret.expose(),
        });
        self.send(Method::POST, "/api/v1/connections/marketo", Some(&body))
            .await
    }

    pub async fn marketo_connection(&self) -> Result<ActionsMarketoConnection, ActionsError> {
        self.get("/api/v1/connections/marketo", &[]).await
    }

    pub async fn disconnect_marketo(&self) -> Result<(), ActionsError> {
        self.call(Method::DELETE, "/api/v1/connections/marketo", &[], None)
            .await
            .map(drop)
    }

    pub async fn salesforce_connection(
        &self,
        user_id: &str,
    ) -> Result<ActionsSalesforceConnection, ActionsError> {
        self.get(
            &format!("/api/v1/connections/salesforce/{}", seg(user_id)),
            &[],
        )
        .await
    }

    /// Step 2: records a user's Salesforce login (same email and API Enabled activate an invitee).
    pub async fn connect_salesforce(
        &self,
        login: &ActionsSalesforceLogin,
    ) -> Result<ActionsSalesforceConnection, ActionsError> {
        let body = serde_json::to_value(login).unwrap_or_default();
        self.send(Method::POST, "/api/v1/connections/salesforce", Some(&body))
            .await
    }

    pub async fn disconnect_salesforce(&self, user_id: &str) -> Result<(), ActionsError> {
        let path = format!("/api/v1/connections/salesforce/{}", seg(user_id));
        self.call(Method::DELETE, &path, &[], None).await.map(drop)
    }

    // ---- sync ----

    pub async fn sync_fields(&self) -> Result<Vec<ActionsSyncField>, ActionsError> {
        let w: FieldsWire = self.get("/api/v1/sync/fields", &[]).await?;
        Ok(w.fields)
    }

    pub async fn start_sync(&self) -> Result<ActionsSyncStatus, ActionsError> {
        self.send(Method::POST, "/api/v1/sync", None).await
    }

    pub async fn sync_status(&self) -> Result<ActionsSyncStatus, ActionsError> {
        self.get("/api/v1/sync", &[]).await
    }

    // ---- SCIM ----

    /// Every user, read page by page.
    pub async fn users(&self) -> Result<Vec<ActionsUser>, ActionsError> {
        self.list_all("/scim/v2/Users", scim::user).await
    }

    /// One user by id.
    pub async fn user(&self, id: &str) -> Result<ActionsUser, ActionsError> {
        let v: Value = self
            .get(&format!("/scim/v2/Users/{}", seg(id)), &[])
            .await?;
        scim::user(&v)
    }

    /// The user with this email (case-insensitive), if any.
    pub async fn find_user(&self, email: &str) -> Result<Option<ActionsUser>, ActionsError> {
        let filter = format!("userName eq \"{}\"", email.trim().replace(['"', '\\'], ""));
        let page: Value = self.get("/scim/v2/Users", &[("filter", filter)]).await?;
        let (items, _) = scim::list(&page)?;
        items.first().map(scim::user).transpose()
    }

    /// Invites one user (SCIM create). A second invite of the same email is refused (`uniqueness`).
    pub async fn invite_user(&self, new: &ActionsNewUser) -> Result<ActionsUser, ActionsError> {
        let v: Value = self
            .send(Method::POST, "/scim/v2/Users", Some(&scim::new_user(new)?))
            .await?;
        scim::user(&v)
    }

    /// Deletes a user; the original user and the Marketo owner are refused with a reason.
    pub async fn delete_user(&self, id: &str) -> Result<(), ActionsError> {
        let path = format!("/scim/v2/Users/{}", seg(id));
        self.call(Method::DELETE, &path, &[], None).await.map(drop)
    }

    /// Every team, Everyone included.
    pub async fn teams(&self) -> Result<Vec<ActionsTeam>, ActionsError> {
        self.list_all("/scim/v2/Groups", scim::team).await
    }

    /// Every resource of a SCIM list endpoint, page by page (`startIndex`/`count`) until
    /// `totalResults` are in.
    async fn list_all<T>(
        &self,
        path: &str,
        parse: impl Fn(&Value) -> Result<T, ActionsError>,
    ) -> Result<Vec<T>, ActionsError> {
        let mut out = Vec::new();
        let mut start = 1usize;
        loop {
            let page: Value = self
                .get(
                    path,
                    &[
                        ("startIndex", start.to_string()),
                        ("count", PAGE.to_string()),
                    ],
                )
                .await?;
            let (items, total) = scim::list(&page)?;
            let got = items.len();
            for item in items {
                out.push(parse(item)?);
            }
            // An empty page before the total means the service lost count: stop rather than loop.
            if got == 0 || out.len() >= total {
                return Ok(out);
            }
            start += got;
        }
    }

    pub async fn service_provider_config(
        &self,
    ) -> Result<ActionsServiceProviderConfig, ActionsError> {
        let v: Value = self.get("/scim/v2/ServiceProviderConfig", &[]).await?;
        Ok(scim::service_provider_config(&v))
    }

    // ---- stand-in controls ----

    /// The stand-in's invitation outbox (a real Actions service has none: `not_found`).
    pub async fn outbox(&self) -> Result<Vec<ActionsOutboxInvitation>, ActionsError> {
        self.get("/api/v1/demo/outbox", &[]).await
    }

    /// Stand-in control: the invitee accepts (connects Salesforce with the same email).
    pub async fn accept_invitation(&self, user_id: &str) -> Result<ActionsUser, ActionsError> {
        let path = format!("/api/v1/demo/users/{}/accept-invitation", seg(user_id));
        let v: Value = self.send(Method::POST, &path, None).await?;
        scim::user(&v)
    }

    // ---- for the invite validation ----

    /// Who is invited or active, the teams, and the free seats: one read for the CSV and
    /// individual invite checks.
    pub async fn directory(&self) -> Result<ActionsDirectory, ActionsError> {
        let instance = self.instance().await?;
        let users = self.users().await?;
        let teams = self.teams().await?;
        let (active, invited): (Vec<_>, Vec<_>) = users
            .into_iter()
            .partition(|u| u.invitation_status == "active");
        Ok(ActionsDirectory {
            invited: invited.into_iter().map(|u| u.email).collect(),
            active: active.into_iter().map(|u| u.email).collect(),
            teams: teams.into_iter().map(|t| t.name).collect(),
            workspaces: None,
            seats_left: Some(instance.seats_left()),
        })
    }
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ActionsError> {
    serde_json::from_slice(bytes)
        .map_err(|_| ActionsError::BadResponse("the body is not the expected JSON".into()))
}

/// A path segment: ids are opaque, so escape anything that is not unreserved.
fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_urls_are_accepted_and_the_token_is_never_printed() {
        assert!(matches!(
            ActionsClient::new("ftp://x", Secret::new("t")),
            Err(ActionsError::InvalidUrl)
        ));
        assert!(ActionsClient::new("not a url", Secret::new("t")).is_err());
        let c = ActionsClient::new("http://127.0.0.1:9/", Secret::new("tok-123")).expect("client");
        assert_eq!(c.base_url(), "http://127.0.0.1:9");
        assert!(!format!("{c:?}").contains("tok-123"));
        assert_eq!(seg("a/b c"), "a%2Fb%20c");
    }
}
