//! The SCIM 2.0 client the engine uses: discovery, create (invite), find by userName, get, delete, bulk.
//! Every answer is sorted into what it means for idempotency: done, refused, retry, or "outcome unknown".

use std::time::{Duration, SystemTime};

use reqwest::{Response, StatusCode, header};
use serde_json::{Value, json};
use sia_actions_contract::ScimUser;
pub use sia_actions_contract::{EXT_URN, USER_URN};

use crate::backoff::parse_retry_after;
use crate::error::{InviteError, Result};
use crate::model::Invitee;
use crate::token::Secret;

const BULK_REQUEST_URN: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const SCIM_JSON: &str = "application/scim+json";

/// What one request came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<T> {
    Ok(T),
    /// 409 with scimType `uniqueness`: the user is already there.
    Exists,
    /// A final refusal (seat limit, invalid value …) with the service's code.
    Refused(String),
    /// 401: the token was rejected.
    Unauthorized,
    /// The request certainly did not change anything (429, 408, connection refused): retry.
    Retry {
        code: String,
        after: Option<Duration>,
    },
    /// The request may have been carried out (5xx, timeout, dropped connection): ask before resending.
    Unknown {
        code: String,
        after: Option<Duration>,
    },
}

/// What ServiceProviderConfig says about bulk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkSupport {
    pub supported: bool,
    pub max_operations: u32,
    pub max_payload_bytes: u64,
}

/// A user found on the service.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundUser {
    pub id: String,
    /// The extension's `invitationStatus` (`invited` or `active`), when the service has it.
    pub invitation_status: Option<String>,
    /// The extension's `invitedAt`, as Unix milliseconds.
    pub invited_at_ms: Option<i64>,
}

/// The answer to one operation of a bulk request.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkResult {
    pub bulk_id: String,
    pub outcome: Outcome<Option<String>>,
}

#[derive(Clone)]
pub struct ScimClient {
    http: reqwest::Client,
    base: String,
}

impl std::fmt::Debug for ScimClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScimClient")
            .field("base", &self.base)
            .finish()
    }
}

/// The SCIM base URL: as given, without a trailing `/`; a bare host means the Actions admin API's
/// `/scim/v2`. Refuses anything but http(s), and URLs that carry credentials or a query.
pub fn scim_base(url: &str) -> Result<String> {
    let u = url::Url::parse(url.trim()).map_err(|_| InviteError::InvalidTarget)?;
    if !matches!(u.scheme(), "http" | "https")
        || u.host_str().is_none()
        || !u.username().is_empty()
        || u.password().is_some()
        || u.query().is_some()
    {
        return Err(InviteError::InvalidTarget);
    }
    let s = u.as_str().trim_end_matches('/').to_owned();
    Ok(if u.path() == "/" || u.path().is_empty() {
        format!("{s}/scim/v2")
    } else {
        s
    })
}

/// RFC 7644 filter string literal: a JSON string.
fn filter_literal(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn ms_of(rfc3339: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()?;
    Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

fn found(v: &Value) -> Option<FoundUser> {
    let ext = v.get(EXT_URN);
    Some(FoundUser {
        id: v.get("id")?.as_str()?.to_owned(),
        invitation_status: ext
            .and_then(|e| e.get("invitationStatus"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        invited_at_ms: ext
            .and_then(|e| e.get("invitedAt"))
            .and_then(Value::as_str)
            .and_then(ms_of),
    })
}

/// The user resource the service receives for an invitee: the contract's invite body.
pub fn user_body(p: &Invitee) -> Value {
    ScimUser::invite(p).to_json()
}

/// Sorts an error status with its SCIM error body into an outcome.
fn classify_error(status: u16, body: &Value, retry_after: Option<Duration>) -> Outcome<()> {
    let code = body
        .get("code")
        .and_then(Value::as_str)
        .or_else(|| body.get("scimType").and_then(Value::as_str))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("http_{status}"));
    match status {
        401 => Outcome::Unauthorized,
        408 | 429 => Outcome::Retry {
            code,
            after: retry_after,
        },
        409 if body.get("scimType").and_then(Value::as_str) == Some("uniqueness") => {
            Outcome::Exists
        }
        500..=599 => Outcome::Unknown {
            code,
            after: retry_after,
        },
        _ => Outcome::Refused(code),
    }
}

fn recast<T>(o: Outcome<()>) -> Outcome<T> {
    match o {
        Outcome::Ok(()) => Outcome::Unknown {
            code: "internal".into(),
            after: None,
        },
        Outcome::Exists => Outcome::Exists,
        Outcome::Refused(c) => Outcome::Refused(c),
        Outcome::Unauthorized => Outcome::Unauthorized,
        Outcome::Retry { code, after } => Outcome::Retry { code, after },
        Outcome::Unknown { code, after } => Outcome::Unknown { code, after },
    }
}

fn network<T>(e: &reqwest::Error) -> Outcome<T> {
    if e.is_connect() {
        // The connection was never made, so the request was never sent.
        Outcome::Retry {
            code: "connect_failed".into(),
            after: None,
        }
    } else if e.is_timeout() {
        Outcome::Unknown {
            code: "timeout".into(),
            after: None,
        }
    } else {
        Outcome::Unknown {
            code: "connection_lost".into(),
            after: None,
        }
    }
}

async fn error_of<T>(r: Response) -> Outcome<T> {
    let status = r.status().as_u16();
    let retry_after = r
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()));
    let body: Value = r.json().await.unwrap_or(Value::Null);
    recast(classify_error(status, &body, retry_after))
}

impl ScimClient {
    /// `base` is the SCIM base URL (see [`scim_base`]).
    pub fn new(base: &str, timeout: Duration) -> Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| InviteError::Network)?;
        Ok(Self {
            http,
            base: scim_base(base)?,
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    fn req(&self, method: reqwest::Method, path: &str, token: &Secret) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token.expose())
            .header(header::ACCEPT, SCIM_JSON)
    }

    async fn send(
        &self,
        rb: reqwest::RequestBuilder,
    ) -> std::result::Result<Response, Outcome<()>> {
        match rb.send().await {
            Ok(r) => Ok(r),
            Err(e) => Err(network(&e)),
        }
    }

    /// Bulk support from `/ServiceProviderConfig` (404 or no bulk section: no bulk).
    pub async fn bulk_support(&self, token: &Secret) -> Outcome<BulkSupport> {
        let none = BulkSupport {
            supported: false,
            max_operations: 0,
            max_payload_bytes: 0,
        };
        let r = match self
            .send(self.req(reqwest::Method::GET, "/ServiceProviderConfig", token))
            .await
        {
            Ok(r) => r,
            Err(o) => return recast(o),
        };
        if r.status() == StatusCode::NOT_FOUND {
            return Outcome::Ok(none);
        }
        if !r.status().is_success() {
            return error_of(r).await;
        }
        let Ok(v) = r.json::<Value>().await else {
            return Outcome::Unknown {
                code: "bad_response".into(),
                after: None,
            };
        };
        let b = &v["bulk"];
        Outcome::Ok(BulkSupport {
            supported: b["supported"].as_bool().unwrap_or(false),
            max_operations: b["maxOperations"]
                .as_u64()
                .unwrap_or(0)
                .min(u64::from(u32::MAX)) as u32,
            max_payload_bytes: b["maxPayloadSize"].as_u64().unwrap_or(0),
        })
    }

    /// Invites one user. `Ok(id)` (the id may be missing if the body was unreadable).
    pub async fn create_user(&self, token: &Secret, p: &Invitee) -> Outcome<Option<String>> {
        let rb = self
            .req(reqwest::Method::POST, "/Users", token)
            .header(header::CONTENT_TYPE, SCIM_JSON)
            .body(user_body(p).to_string());
        let r = match self.send(rb).await {
            Ok(r) => r,
            Err(o) => return recast(o),
        };
        if r.status().is_success() {
            let id = r
                .json::<Value>()
                .await
                .ok()
                .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned));
            return Outcome::Ok(id);
        }
        error_of(r).await
    }

    /// `GET /Users?filter=userName eq "…"`: the user with this email, if any.
    pub async fn find_user(&self, token: &Secret, email: &str) -> Outcome<Option<FoundUser>> {
        let filter = format!("userName eq {}", filter_literal(email));
        let rb = self
            .req(reqwest::Method::GET, "/Users", token)
            .query(&[("filter", filter.as_str())]);
        let r = match self.send(rb).await {
            Ok(r) => r,
            Err(o) => return recast(o),
        };
        if !r.status().is_success() {
            return error_of(r).await;
        }
        let Ok(v) = r.json::<Value>().await else {
            return Outcome::Retry {
                code: "bad_response".into(),
                after: None,
            };
        };
        let hit = v["Resources"].as_array().and_then(|items| {
            items
                .iter()
                .find(|u| {
                    u["userName"]
                        .as_str()
                        .is_some_and(|n| n.eq_ignore_ascii_case(email))
                })
                .and_then(found)
        });
        Outcome::Ok(hit)
    }

    /// `GET /Users/{id}`; `Ok(None)` when it is gone.
    pub async fn get_user(&self, token: &Secret, id: &str) -> Outcome<Option<FoundUser>> {
        let r = match self
            .send(self.req(reqwest::Method::GET, &format!("/Users/{id}"), token))
            .await
        {
            Ok(r) => r,
            Err(o) => return recast(o),
        };
        if r.status() == StatusCode::NOT_FOUND {
            return Outcome::Ok(None);
        }
        if !r.status().is_success() {
            return error_of(r).await;
        }
        match r.json::<Value>().await {
            Ok(v) => Outcome::Ok(found(&v)),
            Err(_) => Outcome::Retry {
                code: "bad_response".into(),
                after: None,
            },
        }
    }

    /// `DELETE /Users/{id}`; `Ok(false)` when it was already gone.
    pub async fn delete_user(&self, token: &Secret, id: &str) -> Outcome<bool> {
        let r = match self
            .send(self.req(reqwest::Method::DELETE, &format!("/Users/{id}"), token))
            .await
        {
            Ok(r) => r,
            Err(o) => return recast(o),
        };
        if r.status() == StatusCode::NOT_FOUND {
            return Outcome::Ok(false);
        }
        if r.status().is_success() {
            return Outcome::Ok(true);
        }
        error_of(r).await
    }

    /// One bulk request of user creations; `items` are (bulkId, invitee).
    pub async fn bulk_create(
        &self,
        token: &Secret,
        items: &[(String, &Invitee)],
    ) -> Outcome<Vec<BulkResult>> {
        let ops: Vec<Value> = items
            .iter()
            .map(|(id, p)| json!({ "method": "POST", "bulkId": id, "path": "/Users", "data": user_body(p) }))
            .collect();
        let body = json!({ "schemas": [BULK_REQUEST_URN], "Operations": ops });
        let rb = self
            .req(reqwest::Method::POST, "/Bulk", token)
            .header(header::CONTENT_TYPE, SCIM_JSON)
            .body(body.to_string());
        let r = match self.send(rb).await {
            Ok(r) => r,
            Err(o) => return recast(o),
        };
        if !r.status().is_success() {
            return error_of(r).await;
        }
        let Ok(v) = r.json::<Value>().await else {
            // The operations ran (2xx) but we cannot tell which succeeded.
            return Outcome::Unknown {
                code: "bad_response".into(),
                after: None,
            };
        };
        let Some(ops) = v["Operations"].as_array() else {
            return Outcome::Unknown {
                code: "bad_response".into(),
                after: None,
            };
        };
        let results = ops
            .iter()
            .filter_map(|op| {
                let bulk_id = op["bulkId"].as_str()?.to_owned();
                let status: u16 = match &op["status"] {
                    Value::String(s) => s.parse().ok()?,
                    Value::Number(n) => n.as_u64()? as u16,
                    _ => return None,
                };
                let outcome = if (200..300).contains(&status) {
                    let id = op["location"]
                        .as_str()
                        .and_then(|l| l.rsplit('/').next())
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned);
                    Outcome::Ok(id)
                } else {
                    recast(classify_error(status, &op["response"], None))
                };
                Some(BulkResult { bulk_id, outcome })
            })
            .collect();
        Outcome::Ok(results)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::InviteRole;

    #[test]
    fn base_urls() {
        assert_eq!(
            scim_base("http://127.0.0.1:9/").ok().as_deref(),
            Some("http://127.0.0.1:9/scim/v2")
        );
        assert_eq!(
            scim_base("https://x.io/scim/v2/").ok().as_deref(),
            Some("https://x.io/scim/v2")
        );
        for bad in [
            "ftp://x.io",
            "http://u:p@x.io/scim",
            "x.io",
            "http://x.io/scim?token=1",
        ] {
            assert!(scim_base(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_sort_by_what_they_mean_for_a_resend() {
        let uniq = json!({ "scimType": "uniqueness", "code": "user_already_exists" });
        assert_eq!(classify_error(409, &uniq, None), Outcome::Exists);
        assert_eq!(
            classify_error(403, &json!({ "code": "seat_limit_reached" }), None),
            Outcome::Refused("seat_limit_reached".into())
        );
        assert_eq!(
            classify_error(401, &Value::Null, None),
            Outcome::Unauthorized
        );
        let wait = Some(Duration::from_secs(2));
        assert_eq!(
            classify_error(429, &Value::Null, wait),
            Outcome::Retry {
                code: "http_429".into(),
                after: wait
            }
        );
        assert!(matches!(
            classify_error(503, &Value::Null, None),
            Outcome::Unknown { .. }
        ));
        assert_eq!(
            classify_error(409, &json!({ "code": "user_protected" }), None),
            Outcome::Refused("user_protected".into())
        );
    }

    #[test]
    fn the_user_body_carries_the_extension() {
        let p = Invitee {
            email: "a@x.io".into(),
            first_name: "Mei".into(),
            last_name: "Lin".into(),
            teams: vec!["Sales".into()],
            role: InviteRole::Admin,
            workspace: Some("EMEA".into()),
        };
        let b = user_body(&p);
        assert_eq!(b["userName"], "a@x.io");
        assert_eq!(b["name"]["givenName"], "Mei");
        assert_eq!(b[EXT_URN]["role"], "Admin");
        assert_eq!(b[EXT_URN]["teams"][0], "Sales");
        assert_eq!(b[EXT_URN]["workspace"], "EMEA");
        let bare = user_body(&Invitee {
            email: "b@x.io".into(),
            ..Invitee::default()
        });
        assert!(bare.get("name").is_none());
        assert!(bare[EXT_URN].get("teams").is_none());
        assert_eq!(filter_literal("a\"b"), "\"a\\\"b\"");
    }
}
