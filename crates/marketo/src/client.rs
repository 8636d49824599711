//! The polite REST core: token, pacing, one request loop that classifies every answer and retries
//! what is safe to retry. Only GETs are sent, so a retry never changes anything twice.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;
use time::OffsetDateTime;
use ts_rs::TS;

use crate::config::ClientConfig;
use crate::endpoint::Endpoint;
use crate::error::MarketoError;
use crate::pacer::Pacer;
use crate::quota::next_quota_reset;
use crate::secret::Credentials;
use crate::token::{Token, TokenCache};

/// How an endpoint reports failure: lead APIs wrap it in HTTP 200, user management uses the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Envelope,
    Bare,
}

/// Why one attempt did not succeed.
enum Failure {
    TokenRejected,
    Retry {
        kind: RetryKind,
        retry_after: Option<Duration>,
    },
    Fatal(MarketoError),
}

#[derive(Debug, Clone)]
enum RetryKind {
    Rate,
    Concurrency,
    Unavailable(String),
    Network(&'static str),
}

impl RetryKind {
    fn exhausted(self, attempts: u32) -> MarketoError {
        match self {
            RetryKind::Rate => MarketoError::RateLimited { attempts },
            RetryKind::Concurrency => MarketoError::ConcurrencyLimited { attempts },
            RetryKind::Unavailable(last) => MarketoError::Unavailable { last, attempts },
            RetryKind::Network(reason) => MarketoError::Network {
                reason: reason.to_owned(),
                attempts,
            },
        }
    }
}

/// A live connection check's result (step 3's "Test").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoConnectionTest {
    /// The Munchkin ID the address names (none for the local stand-in).
    pub munchkin_id: Option<String>,
    /// The base URL that answered, e.g. `https://123-ABC-456.mktorest.com`.
    pub endpoint: String,
    /// The token's scope: the API-only user the credentials belong to.
    pub api_user: String,
    /// Seconds of life left on the token Marketo handed out.
    pub token_expires_in_seconds: u32,
}

/// A Marketo REST client for one instance and one API user. Every client of the same instance
/// and limits shares one rate limiter and in-flight limit, and every client of the same API user
/// shares its token (process-wide), so the whole app stays under one budget however it creates them.
#[derive(Clone)]
pub struct MarketoClient {
    inner: Arc<Inner>,
}

struct Inner {
    endpoint: Endpoint,
    credentials: Credentials,
    config: ClientConfig,
    http: reqwest::Client,
    pacer: Arc<Pacer>,
    /// Whether this client's REST calls go in the own-call ledger (`with_own_call_ledger`).
    ledger: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for MarketoClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MarketoClient")
            .field("endpoint", &self.inner.endpoint.base())
            .field("client_id", &self.inner.credentials.client_id)
            .finish_non_exhaustive()
    }
}

/// Names a transport failure without its URL (the identity URL carries the secret).
fn transport_reason(e: &reqwest::Error) -> (&'static str, bool) {
    let mut src: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = src {
        let text = s.to_string().to_ascii_lowercase();
        if text.contains("dns error") || text.contains("failed to lookup address") {
            return ("the host name does not resolve", true);
        }
        src = s.source();
    }
    let reason = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection refused or unreachable"
    } else if e.is_body() || e.is_decode() {
        "the answer was cut off"
    } else {
        "the connection dropped"
    };
    (reason, false)
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// The first Marketo error code and message in a body, if any.
fn marketo_error(body: &Value) -> Option<(String, String)> {
    let first = body.get("errors")?.as_array()?.first()?;
    let code = match first.get("code")? {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let message = first
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    Some((code, message))
}

fn classify_code(code: &str, message: String) -> Failure {
    match code {
        "600" | "601" | "602" => Failure::TokenRejected,
        "603" => Failure::Fatal(MarketoError::AccessDenied),
        "604" | "608" | "611" | "713" => Failure::Retry {
            kind: RetryKind::Unavailable(format!("Marketo error {code}")),
            retry_after: None,
        },
        "606" => Failure::Retry {
            kind: RetryKind::Rate,
            retry_after: None,
        },
        "615" => Failure::Retry {
            kind: RetryKind::Concurrency,
            retry_after: None,
        },
        "607" => Failure::Fatal(MarketoError::DailyQuotaExceeded {
            resets_at: next_quota_reset(OffsetDateTime::now_utc()),
        }),
        _ => Failure::Fatal(MarketoError::Api {
            code: code.to_owned(),
            message,
        }),
    }
}

impl MarketoClient {
    pub fn new(
        endpoint: Endpoint,
        credentials: Credentials,
        config: ClientConfig,
    ) -> Result<Self, MarketoError> {
        if credentials.client_id.trim().is_empty() {
            return Err(MarketoError::MissingCredential("Client ID"));
        }
        if credentials.client_secret.is_empty() {
            return Err(MarketoError::MissingCredential("Client Secret"));
        }
        let http = reqwest::Client::builder()
            // A redirect could carry the identity query (and its secret) to another host.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("sia-setup/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| MarketoError::Protocol("the HTTP client could not start".into()))?;
        Ok(MarketoClient {
            inner: Arc::new(Inner {
                pacer: Pacer::shared(endpoint.base(), config.rate, config.max_in_flight),
                endpoint,
                credentials,
                config,
                http,
                ledger: Default::default(),
            }),
        })
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    pub fn client_id(&self) -> &str {
        &self.inner.credentials.client_id
    }

    fn slot(&self) -> crate::token::Slot {
        TokenCache::shared().slot(
            &self.inner.endpoint.identity_url(),
            &self.inner.credentials.client_id,
            self.inner.credentials.client_secret.expose(),
        )
    }

    /// Whether this client logs in with `secret` (a reconnect may bring a new one).
    pub(crate) fn uses_secret(&self, secret: &str) -> bool {
        self.inner.credentials.client_secret.expose() == secret
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// Asks the identity endpoint for a token, retrying transient failures.
    async fn fetch_token(&self) -> Result<Token, MarketoError> {
        let url = format!("{}/oauth/token", self.inner.endpoint.identity_url());
        let backoff = self.inner.config.backoff;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = self
                .inner
                .http
                .get(&url)
                .query(&[
                    ("grant_type", "client_credentials"),
                    ("client_id", self.inner.credentials.client_id.as_str()),
                    (
                        "client_secret",
                        self.inner.credentials.client_secret.expose(),
                    ),
                ])
                .send()
                .await;
            let failure = match sent {
                Err(e) => {
                    let (reason, dns) = transport_reason(&e);
                    if dns {
                        return Err(MarketoError::InstanceNotFound);
                    }
                    tracing::debug!(
                        path = "/identity/oauth/token",
                        reason,
                        attempt,
                        "token request failed"
                    );
                    RetryKind::Network(reason)
                }
                Ok(resp) => {
                    let status = resp.status();
                    tracing::debug!(
                        path = "/identity/oauth/token",
                        status = status.as_u16(),
                        attempt,
                        "token answer"
                    );
                    if status.is_server_error() || status.as_u16() == 429 {
                        RetryKind::Unavailable(format!("HTTP {}", status.as_u16()))
                    } else if status.as_u16() == 401 || status.as_u16() == 403 {
                        return Err(MarketoError::CredentialsRejected);
                    } else if status.as_u16() == 404 {
                        return Err(MarketoError::InstanceNotFound);
                    } else {
                        let body: Value = match resp.json().await {
                            Ok(v) => v,
                            Err(e) => {
                                let (reason, _) = transport_reason(&e);
                                if status.is_success() && e.is_decode() {
                                    return Err(MarketoError::Protocol(
                                        "the token answer is not JSON".into(),
                                    ));
                                }
                                if attempt >= backoff.max_attempts {
                                    return Err(RetryKind::Network(reason).exhausted(attempt));
                                }
                                tokio::time::sleep(backoff.delay(attempt, None)).await;
                                continue;
                            }
                        };
                        if !status.is_success() {
                            let err = body
                                .get("error")
                                .and_then(Value::as_str)
                                .unwrap_or_default();
                            if matches!(err, "invalid_client" | "unauthorized") {
                                return Err(MarketoError::CredentialsRejected);
                            }
                            return Err(MarketoError::Protocol(format!(
                                "the identity endpoint answered HTTP {}",
                                status.as_u16()
                            )));
                        }
                        let value = body
                            .get("access_token")
                            .and_then(Value::as_str)
                            .filter(|t| !t.is_empty())
                            .ok_or_else(|| {
                                MarketoError::Protocol(
                                    "the token answer has no access_token".into(),
                                )
                            })?;
                        let expires_in =
                            body.get("expires_in").and_then(Value::as_u64).unwrap_or(0);
                        return Ok(Token {
                            value: Arc::from(value),
                            scope: body
                                .get("scope")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_owned(),
                            expires_at: Instant::now() + Duration::from_secs(expires_in),
                            renewal_asked: false,
                        });
                    }
                }
            };
            if attempt >= backoff.max_attempts {
                return Err(failure.exhausted(attempt));
            }
            tokio::time::sleep(backoff.delay(attempt, None)).await;
        }
    }

    /// A usable token: the cached one while fresh, else a renewal. `rejected` is a token Marketo
    /// just refused (601/602): it is dropped unless another call already replaced it.
    async fn token(&self, rejected: Option<&Arc<str>>) -> Result<Token, MarketoError> {
        let slot = self.slot();
        let mut guard = slot.lock().await;
        let now = Instant::now();
        let margin = self.inner.config.renew_margin;
        if let Some(t) = guard.as_ref() {
            let refused = rejected.is_some_and(|r| Arc::ptr_eq(r, &t.value) || **r == *t.value);
            if !refused && t.fresh(margin, now) {
                return Ok(t.clone());
            }
        }
        let old = guard.take();
        let mut fresh = self.fetch_token().await?;
        if let Some(old) = old
            && *old.value == *fresh.value
        {
            // Marketo handed back the same token: use it to its end, then ask again.
            fresh.renewal_asked = true;
            if rejected.is_some_and(|r| **r == *fresh.value) {
                fresh.expires_at = now;
            }
        }
        *guard = Some(fresh.clone());
        Ok(fresh)
    }

    /// Checks the credentials live against the identity endpoint.
    pub async fn test_credentials(&self) -> Result<MarketoConnectionTest, MarketoError> {
        let t = self.fetch_token().await?;
        let left = t
            .expires_at
            .saturating_duration_since(Instant::now())
            .as_secs();
        let slot = self.slot();
        *slot.lock().await = Some(t.clone());
        Ok(MarketoConnectionTest {
            munchkin_id: self.inner.endpoint.munchkin_id().map(str::to_owned),
            endpoint: self.inner.endpoint.base().to_owned(),
            api_user: t.scope,
            token_expires_in_seconds: u32::try_from(left).unwrap_or(u32::MAX),
        })
    }

    /// One GET under the base URL (`/rest/v1/...` or `/userservice/...`), with the whole policy:
    /// pacing, Bearer token, one renewal on 601/602, backoff on transient answers, stop on 607.
    /// Counts this client's REST calls in the process's own-call ledger (`own_rest_calls`): for
    /// the app's own clients, not for other integrations that run in the same process (the
    /// demo's stand-in Actions service reads Marketo through this crate too).
    pub fn with_own_call_ledger(self) -> Self {
        self.inner
            .ledger
            .store(true, std::sync::atomic::Ordering::Relaxed);
        self
    }

    /// The instance's base URL and the API client, which key this process's own calls
    /// (`own_rest_calls`).
    pub fn ledger_key(&self) -> (&str, &str) {
        (
            self.inner.endpoint.base(),
            &self.inner.credentials.client_id,
        )
    }

    pub(crate) async fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
        style: Style,
    ) -> Result<Value, MarketoError> {
        let url = format!("{}{}", self.inner.endpoint.base(), path);
        let backoff = self.inner.config.backoff;
        let mut attempt = 0;
        let mut renewed = false;
        let mut rejected: Option<Arc<str>> = None;
        loop {
            attempt += 1;
            let token = self.token(rejected.as_ref()).await?;
            let failure = {
                let _slot =
                    self.inner.pacer.admit().await.ok_or_else(|| {
                        MarketoError::Protocol("the client is shutting down".into())
                    })?;
                // Counted as sent: Marketo may count it even if the answer never arrives.
                if self.inner.ledger.load(std::sync::atomic::Ordering::Relaxed) {
                    crate::ledger::record(
                        self.inner.endpoint.base(),
                        &self.inner.credentials.client_id,
                    );
                }
                self.attempt(&url, path, query, style, &token.value, attempt)
                    .await
            };
            let failure = match failure {
                Ok(v) => return Ok(v),
                Err(f) => f,
            };
            match failure {
                Failure::Fatal(e) => return Err(e),
                Failure::TokenRejected => {
                    if renewed {
                        return Err(MarketoError::TokenExpired);
                    }
                    renewed = true;
                    rejected = Some(token.value.clone());
                    // A refused token is not an attempt at the call: Marketo did not run it.
                    attempt -= 1;
                }
                Failure::Retry { kind, retry_after } => {
                    if attempt >= backoff.max_attempts {
                        return Err(kind.exhausted(attempt));
                    }
                    let wait = backoff.delay(attempt, retry_after);
                    tracing::info!(path, attempt, wait_ms = wait.as_millis() as u64, kind = ?kind, "backing off");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    async fn attempt(
        &self,
        url: &str,
        path: &str,
        query: &[(&str, String)],
        style: Style,
        token: &str,
        attempt: u32,
    ) -> Result<Value, Failure> {
        let sent = self
            .inner
            .http
            .get(url)
            .query(query)
            .bearer_auth(token)
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => {
                let (reason, dns) = transport_reason(&e);
                tracing::debug!(path, reason, attempt, "request failed");
                if dns {
                    return Err(Failure::Fatal(MarketoError::InstanceNotFound));
                }
                return Err(Failure::Retry {
                    kind: RetryKind::Network(reason),
                    retry_after: None,
                });
            }
        };
        let status = resp.status().as_u16();
        let after = retry_after(resp.headers());
        let body = resp.bytes().await;
        tracing::debug!(path, status, attempt, "answer");
        let body = match body {
            Ok(b) => b,
            Err(e) => {
                return Err(Failure::Retry {
                    kind: RetryKind::Network(transport_reason(&e).0),
                    retry_after: None,
                });
            }
        };
        let json: Option<Value> = serde_json::from_slice(&body).ok();
        if let Some((code, message)) = json.as_ref().and_then(marketo_error)
            && (status != 200
                || json.as_ref().and_then(|j| j.get("success")) == Some(&Value::Bool(false)))
        {
            return Err(match classify_code(&code, message) {
                Failure::Retry { kind, .. } => Failure::Retry {
                    kind,
                    retry_after: after,
                },
                other => other,
            });
        }
        match status {
            200..=299 => {}
            429 => {
                return Err(Failure::Retry {
                    kind: RetryKind::Rate,
                    retry_after: after,
                });
            }
            500..=599 => {
                return Err(Failure::Retry {
                    kind: RetryKind::Unavailable(format!("HTTP {status}")),
                    retry_after: after,
                });
            }
            401 => return Err(Failure::TokenRejected),
            403 => return Err(Failure::Fatal(MarketoError::AccessDenied)),
            404 => return Err(Failure::Fatal(MarketoError::InstanceNotFound)),
            _ => {
                return Err(Failure::Fatal(MarketoError::Protocol(format!(
                    "HTTP {status}"
                ))));
            }
        }
        let json = json.ok_or_else(|| {
            Failure::Fatal(MarketoError::Protocol("the answer is not JSON".into()))
        })?;
        if style == Style::Envelope && json.get("success") != Some(&Value::Bool(true)) {
            return Err(Failure::Fatal(MarketoError::Protocol(
                "the answer has no success flag".into(),
            )));
        }
        Ok(json)
    }
}
