//! An authenticated Salesforce API client: the access token lives only in its memory, is
//! refreshed before it is presumed expired and once on `INVALID_SESSION_ID`, then the call retried.

use crate::error::{SalesforceError, sanitize_description};
use crate::host::LoginHost;
use crate::oauth::{Grant, OAuthClient, TokenResponse, http_client, map_token_error, oauth_client};
use oauth2::{RefreshToken, TokenResponse as _};
use reqwest::StatusCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sia_secret::Secret;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

/// The REST API version every call uses.
pub const API_VERSION: &str = "v62.0";

/// Tunables of a [`SalesforceClient`]; the defaults suit the app.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Per-request timeout.
    pub http_timeout: Duration,
    /// Salesforce does not say when an access token expires (no `expires_in`); the session
    /// timeout is an org setting of 15 minutes or more. The client refreshes after this long.
    pub assumed_token_lifetime: Duration,
    /// Upper bound on `nextRecordsUrl` pages followed for one query.
    pub max_pages: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            http_timeout: Duration::from_secs(30),
            assumed_token_lifetime: Duration::from_secs(14 * 60),
            max_pages: 10_000,
        }
    }
}

struct Tokens {
    access: Option<Secret>,
    /// Bumped on every refresh, so concurrent 401s trigger a single refresh.
    generation: u64,
    refresh_after: Option<Instant>,
    refresh: Secret,
    /// A new refresh token from rotation, for the caller to store in the vault.
    rotated: Option<Secret>,
    id_url: Option<String>,
}

struct Inner {
    http: reqwest::Client,
    oauth: OAuthClient,
    login_host: LoginHost,
    instance_url: Url,
    options: ClientOptions,
    tokens: Mutex<Tokens>,
}

/// A signed-in Salesforce API client. Cheap to clone; clones share the token.
#[derive(Clone)]
pub struct SalesforceClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for SalesforceClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SalesforceClient")
            .field("login_host", &self.inner.login_host.as_str())
            .field("instance_url", &self.inner.instance_url.as_str())
            .finish_non_exhaustive()
    }
}

/// One page of a SOQL query answer.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryPage<T> {
    done: bool,
    #[serde(default)]
    next_records_url: Option<String>,
    records: Vec<T>,
}

/// The answer to a `SELECT COUNT()` query: no records, only the total.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CountPage {
    total_size: u64,
}

impl SalesforceClient {
    /// Rebuilds a client from a stored refresh token (for example after the app restarts).
    /// Nothing is sent until the first call, which fetches an access token.
    pub fn resume(
        login_host: &LoginHost,
        consumer_key: &str,
        instance_url: &str,
        refresh_token: Secret,
        options: ClientOptions,
    ) -> Result<SalesforceClient, SalesforceError> {
        let http = http_client(options.http_timeout)?;
        let oauth = oauth_client(login_host, consumer_key, None)?;
        let instance_url = checked_instance_url(login_host, instance_url)?;
        Ok(SalesforceClient {
            inner: Arc::new(Inner {
                http,
                oauth,
                login_host: login_host.clone(),
                instance_url,
                tokens: Mutex::new(Tokens {
                    access: None,
                    generation: 0,
                    refresh_after: None,
                    refresh: refresh_token,
                    rotated: None,
                    id_url: None,
                }),
                options,
            }),
        })
    }

    /// A client from the first token response of a login.
    pub(crate) fn from_login(
        login_host: &LoginHost,
        http: reqwest::Client,
        oauth: OAuthClient,
        token: &TokenResponse,
        options: ClientOptions,
    ) -> Result<(SalesforceClient, Secret), SalesforceError> {
        let extra = token.extra_fields();
        let instance = extra
            .instance_url
            .as_deref()
            .ok_or_else(|| SalesforceError::protocol("the token response had no instance_url"))?;
        let instance_url = checked_instance_url(login_host, instance)?;
        let refresh = token
            .refresh_token()
            .map(|r| Secret::new(r.secret().clone()))
            .ok_or_else(|| {
                SalesforceError::protocol(
                    "no refresh token was issued: add the refresh_token (offline_access) scope to the External Client App",
                )
            })?;
        let refresh_copy = Secret::new(refresh.expose());
        let client = SalesforceClient {
            inner: Arc::new(Inner {
                http,
                oauth,
                login_host: login_host.clone(),
                instance_url,
                tokens: Mutex::new(Tokens {
                    access: Some(Secret::new(token.access_token().secret().clone())),
                    generation: 1,
                    refresh_after: Some(Instant::now() + lifetime(token, &options)),
                    refresh: refresh_copy,
                    rotated: None,
                    id_url: extra.id.clone(),
                }),
                options,
            }),
        };
        Ok((client, refresh))
    }

    pub fn instance_url(&self) -> &str {
        self.inner.instance_url.as_str().trim_end_matches('/')
    }

    pub fn login_host(&self) -> &LoginHost {
        &self.inner.login_host
    }

    /// The identity URL of the latest token response (`…/id/{orgId}/{userId}`), if known.
    pub async fn identity_url(&self) -> Option<String> {
        self.inner.tokens.lock().await.id_url.clone()
    }

    /// When the org rotates refresh tokens, the newest one, once: store it in the vault.
    pub async fn take_rotated_refresh_token(&self) -> Option<Secret> {
        self.inner.tokens.lock().await.rotated.take()
    }

    /// Fetches a new access token now.
    pub async fn refresh_now(&self) -> Result<(), SalesforceError> {
        let mut tokens = self.inner.tokens.lock().await;
        self.refresh_locked(&mut tokens).await
    }

    /// Revokes the refresh token (and with it every access token of this grant). A token
    /// Salesforce no longer knows counts as revoked. The caller then forgets its vault entry.
    pub async fn disconnect(self) -> Result<(), SalesforceError> {
        let tokens = self.inner.tokens.lock().await;
        revoke_with(&self.inner.login_host, &self.inner.http, &tokens.refresh).await
    }

    async fn refresh_locked(&self, tokens: &mut Tokens) -> Result<(), SalesforceError> {
        let refresh = RefreshToken::new(tokens.refresh.expose().to_string());
        let resp = self
            .inner
            .oauth
            .exchange_refresh_token(&refresh)
            .request_async(&self.inner.http)
            .await
            .map_err(|e| map_token_error(e, Grant::Refresh, &[]))?;
        tokens.access = Some(Secret::new(resp.access_token().secret().clone()));
        tokens.generation += 1;
        tokens.refresh_after = Some(Instant::now() + lifetime(&resp, &self.inner.options));
        if let Some(id) = &resp.extra_fields().id {
            tokens.id_url = Some(id.clone());
        }
        if let Some(new) = resp.refresh_token()
            && new.secret() != tokens.refresh.expose()
        {
            tokens.refresh = Secret::new(new.secret().clone());
            tokens.rotated = Some(Secret::new(new.secret().clone()));
        }
        tracing::debug!(
            generation = tokens.generation,
            "salesforce access token refreshed"
        );
        Ok(())
    }

    /// A usable access token and its generation, refreshing first when it is due.
    async fn access_token(&self) -> Result<(Secret, u64), SalesforceError> {
        let mut tokens = self.inner.tokens.lock().await;
        let due =
            tokens.access.is_none() || tokens.refresh_after.is_some_and(|t| Instant::now() >= t);
        if due {
            self.refresh_locked(&mut tokens).await?;
        }
        match &tokens.access {
            Some(a) => Ok((Secret::new(a.expose()), tokens.generation)),
            None => Err(SalesforceError::SigninRequired),
        }
    }

    /// Refreshes unless another call already did since `generation`.
    async fn refresh_after_rejection(&self, generation: u64) -> Result<(), SalesforceError> {
        let mut tokens = self.inner.tokens.lock().await;
        if tokens.generation != generation {
            return Ok(());
        }
        self.refresh_locked(&mut tokens).await
    }

    /// GET `url` (absolute, on the instance) as JSON, with one refresh-and-retry on an
    /// expired session.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        url: Url,
    ) -> Result<T, SalesforceError> {
        let (token, generation) = self.access_token().await?;
        let body = match self.send_get(&url, &token).await? {
            Answer::Body(body) => body,
            Answer::Expired => {
                self.refresh_after_rejection(generation).await?;
                let (token, _) = self.access_token().await?;
                match self.send_get(&url, &token).await? {
                    Answer::Body(body) => body,
                    Answer::Expired => return Err(SalesforceError::SessionRejected),
                }
            }
        };
        serde_json::from_slice(&body)
            .map_err(|_| SalesforceError::protocol("an API answer was not the expected JSON"))
    }

    async fn send_get(&self, url: &Url, token: &Secret) -> Result<Answer, SalesforceError> {
        let resp = self
            .inner
            .http
            .get(url.clone())
            .bearer_auth(token.expose())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| SalesforceError::network(&e))?;
        let status = resp.status();
        let body = resp
            .bytes()
            .await
            .map_err(|e| SalesforceError::network(&e))?;
        if status.is_success() {
            Ok(Answer::Body(body))
        } else if session_expired(status, &body) {
            Ok(Answer::Expired)
        } else {
            Err(api_error(status, &body))
        }
    }

    /// `{instance}{path}` for a path on the instance.
    pub(crate) fn url(&self, path: &str) -> Result<Url, SalesforceError> {
        self.inner
            .instance_url
            .join(path)
            .map_err(|_| SalesforceError::protocol("an API address could not be built"))
    }

    /// Runs a SOQL query (data API) and follows `nextRecordsUrl` until `done`.
    pub async fn query<T: DeserializeOwned>(&self, soql: &str) -> Result<Vec<T>, SalesforceError> {
        self.query_at(&format!("/services/data/{API_VERSION}/query"), soql)
            .await
    }

    /// Runs a SOQL query against the Tooling API and follows `nextRecordsUrl` until `done`.
    pub async fn tooling_query<T: DeserializeOwned>(
        &self,
        soql: &str,
    ) -> Result<Vec<T>, SalesforceError> {
        self.query_at(&format!("/services/data/{API_VERSION}/tooling/query"), soql)
            .await
    }

    /// Runs a `SELECT COUNT() …` query (data API) and returns its `totalSize`.
    pub async fn count(&self, soql: &str) -> Result<u64, SalesforceError> {
        let mut url = self.url(&format!("/services/data/{API_VERSION}/query"))?;
        url.query_pairs_mut().append_pair("q", soql);
        let page: CountPage = self.get_json(url).await?;
        Ok(page.total_size)
    }

    async fn query_at<T: DeserializeOwned>(
        &self,
        path: &str,
        soql: &str,
    ) -> Result<Vec<T>, SalesforceError> {
        let mut url = self.url(path)?;
        url.query_pairs_mut().append_pair("q", soql);
        let mut out = Vec::new();
        for _ in 0..self.inner.options.max_pages {
            let page: QueryPage<T> = self.get_json(url).await?;
            out.extend(page.records);
            if page.done {
                return Ok(out);
            }
            let next = page.next_records_url.ok_or_else(|| {
                SalesforceError::protocol("a query page had neither done nor nextRecordsUrl")
            })?;
            // Only follow paths on the same instance: the bearer token must not travel elsewhere.
            if !next.starts_with("/services/data/") {
                return Err(SalesforceError::protocol(
                    "nextRecordsUrl pointed outside the API",
                ));
            }
            url = self.url(&next)?;
        }
        Err(SalesforceError::protocol(
            "a query returned more pages than allowed",
        ))
    }
}

/// Revokes `token` at the login host (POST, token in the form body); an unknown token is
/// already as good as revoked. Sent directly: `oauth2` refuses a plain-http revoke URL, which
/// the local stand-in needs.
pub(crate) async fn revoke_with(
    login_host: &LoginHost,
    http: &reqwest::Client,
    token: &Secret,
) -> Result<(), SalesforceError> {
    let resp = http
        .post(login_host.endpoint("/services/oauth2/revoke"))
        .form(&[("token", token.expose())])
        .send()
        .await
        .map_err(|e| SalesforceError::network(&e))?;
    let status = resp.status();
    if status.is_success() || status == StatusCode::BAD_REQUEST {
        return Ok(());
    }
    Err(SalesforceError::Api {
        status: status.as_u16(),
        error_code: None,
        message: Some("the token could not be revoked".into()),
    })
}

/// Revokes a stored refresh token without a live client (Disconnect after a restart).
pub async fn revoke_refresh_token(
    login_host: &LoginHost,
    refresh_token: &Secret,
) -> Result<(), SalesforceError> {
    let http = http_client(ClientOptions::default().http_timeout)?;
    revoke_with(login_host, &http, refresh_token).await
}

fn lifetime(token: &TokenResponse, options: &ClientOptions) -> Duration {
    match token.expires_in() {
        // Refresh a minute early so a call never starts on a token about to lapse.
        Some(d) => d.saturating_sub(Duration::from_secs(60)),
        None => options.assumed_token_lifetime,
    }
}

/// The instance URL comes from the token endpoint: https only, except beside a loopback login.
fn checked_instance_url(login_host: &LoginHost, raw: &str) -> Result<Url, SalesforceError> {
    let url = Url::parse(raw.trim())
        .map_err(|_| SalesforceError::protocol("the instance_url is not a web address"))?;
    let loopback = url.host().is_some_and(|h| match h {
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
    });
    let ok = match url.scheme() {
        "https" => true,
        "http" => loopback && login_host.kind() == crate::host::LoginHostKind::Loopback,
        _ => false,
    };
    if !ok || url.host().is_none() || !url.username().is_empty() {
        return Err(SalesforceError::protocol(
            "the instance_url is not an https address",
        ));
    }
    let mut base = url;
    base.set_path("/");
    base.set_query(None);
    base.set_fragment(None);
    Ok(base)
}

/// What a GET came back with, once the status is read.
enum Answer {
    Body(bytes::Bytes),
    Expired,
}

/// 401 is the REST API's expired session; userinfo and the identity URL say 403
/// `Bad_OAuth_Token` instead.
fn session_expired(status: StatusCode, body: &[u8]) -> bool {
    status == StatusCode::UNAUTHORIZED
        || (status == StatusCode::FORBIDDEN && body.starts_with(b"Bad_OAuth_Token"))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiErrorItem {
    #[serde(default)]
    error_code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// An OAuth 2.0 bearer-token error body (RFC 6750 §3.1), as the OpenID Connect endpoints send.
#[derive(Deserialize)]
struct BearerError {
    error: String,
}

pub(crate) fn api_error(status: StatusCode, body: &[u8]) -> SalesforceError {
    if status == StatusCode::FORBIDDEN
        && serde_json::from_slice::<BearerError>(body)
            .is_ok_and(|e| e.error == "insufficient_scope")
    {
        return SalesforceError::InsufficientScope;
    }
    let item: Option<ApiErrorItem> = serde_json::from_slice::<Vec<ApiErrorItem>>(body)
        .ok()
        .and_then(|v| v.into_iter().next())
        .or_else(|| serde_json::from_slice::<ApiErrorItem>(body).ok());
    let code = item.as_ref().and_then(|i| i.error_code.clone());
    match code.as_deref() {
        Some("API_CURRENTLY_DISABLED") | Some("API_DISABLED_FOR_ORG") => {
            SalesforceError::ApiDisabled
        }
        Some("REQUEST_LIMIT_EXCEEDED") => SalesforceError::RateLimited,
        _ if status == StatusCode::TOO_MANY_REQUESTS => SalesforceError::RateLimited,
        _ => SalesforceError::Api {
            status: status.as_u16(),
            error_code: code.and_then(|c| sanitize_description(&c)),
            message: item
                .and_then(|i| i.message)
                .and_then(|m| sanitize_description(&m)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_map_to_codes() {
        let disabled = br#"[{"message":"API is disabled for this User","errorCode":"API_CURRENTLY_DISABLED"}]"#;
        assert_eq!(
            api_error(StatusCode::FORBIDDEN, disabled).code(),
            "api_disabled"
        );
        let limit = br#"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#;
        assert_eq!(
            api_error(StatusCode::FORBIDDEN, limit).code(),
            "rate_limited"
        );
        assert_eq!(
            api_error(StatusCode::TOO_MANY_REQUESTS, b"").code(),
            "rate_limited"
        );
        let scope = br#"{"error":"insufficient_scope","error_description":"openid"}"#;
        assert_eq!(
            api_error(StatusCode::FORBIDDEN, scope).code(),
            "insufficient_scope"
        );
        let other = api_error(
            StatusCode::BAD_REQUEST,
            br#"[{"message":"bad","errorCode":"MALFORMED_QUERY"}]"#,
        );
        assert_eq!(other.code(), "api_error");
        assert!(other.to_string().contains("MALFORMED_QUERY"));
    }

    #[test]
    fn instance_urls_must_be_https_unless_local() {
        let prod = LoginHost::production();
        assert!(checked_instance_url(&prod, "https://acme.my.salesforce.com").is_ok());
        assert!(checked_instance_url(&prod, "http://acme.my.salesforce.com").is_err());
        assert!(checked_instance_url(&prod, "http://127.0.0.1:1").is_err());
        let local =
            LoginHost::parse("http://127.0.0.1:9").unwrap_or_else(|_| LoginHost::production());
        assert!(checked_instance_url(&local, "http://127.0.0.1:9").is_ok());
        assert!(checked_instance_url(&local, "javascript:alert(1)").is_err());
    }
}
