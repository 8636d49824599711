//! One sign-in attempt: PKCE S256 and a fresh state, the loopback listener, the authorize URL
//! for the caller to open, then the code exchange, the identity and the org-type check.

use crate::client::{ClientOptions, SalesforceClient, revoke_with};
use crate::error::SalesforceError;
use crate::host::{LoginHost, SalesforceOrgType};
use crate::identity::SalesforceSession;
use crate::listener::{
    CallbackEvent, CallbackHost, CallbackPorts, DEFAULT_CALLBACK_PATH, Loopback,
    valid_callback_path,
};
use crate::oauth::{Grant, OAuthClient, http_client, map_token_error, oauth_client};
use crate::page::PageKind;
use oauth2::{AuthorizationCode, CsrfToken, PkceCodeChallenge, PkceCodeVerifier, Scope};
use serde::{Deserialize, Serialize};
use sia_core::UiLanguage;
use sia_secret::Secret;
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// The scopes a sign-in asks for: `api` for the REST and Tooling queries, `id` for the identity
/// URL, `openid` because `/services/oauth2/userinfo` is an OpenID Connect endpoint (a strict
/// provider refuses it without `openid`, OIDC Core §5.3), `refresh_token` to stay signed in.
pub const DEFAULT_SCOPES: [&str; 4] = ["api", "id", "openid", "refresh_token"];

/// How to sign in. Build with [`LoginConfig::new`] and adjust the public fields.
#[derive(Debug, Clone)]
pub struct LoginConfig {
    pub login_host: LoginHost,
    /// The External Client App's consumer key (not a secret, but a setting).
    pub consumer_key: String,
    pub ports: CallbackPorts,
    /// `127.0.0.1` (default) or `localhost` in the callback URL.
    pub callback_host: CallbackHost,
    pub callback_path: String,
    /// [`DEFAULT_SCOPES`] by default; `refresh_token` is Salesforce's `offline_access`.
    pub scopes: Vec<String>,
    /// How long the browser has to come back (5 minutes by default).
    pub timeout: Duration,
    /// How long the listener stays up after the callback for the browser to load the result page.
    pub result_page_linger: Duration,
    /// Language of the result page in the browser tab.
    pub language: UiLanguage,
    /// When set, signing in to the other kind of org fails with `wrong_org_type`.
    pub expected_org_type: Option<SalesforceOrgType>,
    pub client: ClientOptions,
}

impl LoginConfig {
    pub fn new(login_host: LoginHost, consumer_key: impl Into<String>) -> LoginConfig {
        LoginConfig {
            login_host,
            consumer_key: consumer_key.into(),
            ports: CallbackPorts::default(),
            callback_host: CallbackHost::default(),
            callback_path: DEFAULT_CALLBACK_PATH.to_string(),
            scopes: DEFAULT_SCOPES.map(String::from).to_vec(),
            timeout: Duration::from_secs(5 * 60),
            result_page_linger: Duration::from_secs(10),
            language: UiLanguage::En,
            expected_org_type: None,
            client: ClientOptions::default(),
        }
    }

    /// The callback URLs the External Client App must list for this configuration.
    pub fn callback_urls(&self) -> Vec<String> {
        self.ports
            .callback_urls(self.callback_host, &self.callback_path)
    }

    fn validate(&self) -> Result<String, SalesforceError> {
        let key = self.consumer_key.trim();
        if key.is_empty() || key.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(SalesforceError::InvalidConsumerKey);
        }
        if !valid_callback_path(&self.callback_path) {
            return Err(SalesforceError::ListenerFailed {
                reason: "the callback path must look like /callback".into(),
            });
        }
        if let CallbackPorts::List { ports } = &self.ports
            && ports.contains(&0)
        {
            return Err(SalesforceError::ListenerFailed {
                reason: "port 0 cannot be registered as a callback".into(),
            });
        }
        Ok(key.to_string())
    }
}

/// The Salesforce connection settings as the Settings screen edits and stores them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SalesforceLoginSettings {
    /// `https://login.salesforce.com`, `https://test.salesforce.com` or a My Domain URL.
    pub login_host: String,
    pub consumer_key: String,
    #[serde(default)]
    pub ports: CallbackPorts,
    #[serde(default)]
    pub callback_host: CallbackHost,
    #[serde(default)]
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_org_type: Option<SalesforceOrgType>,
}

impl SalesforceLoginSettings {
    /// Validates the login host and builds a [`LoginConfig`] with the default timeouts.
    pub fn to_config(&self, language: UiLanguage) -> Result<LoginConfig, SalesforceError> {
        let mut config = LoginConfig::new(
            LoginHost::parse(&self.login_host)?,
            self.consumer_key.trim(),
        );
        config.ports = self.ports.clone();
        config.callback_host = self.callback_host;
        config.expected_org_type = self.expected_org_type;
        config.language = language;
        config.validate()?;
        Ok(config)
    }
}

/// The result of a successful sign-in.
#[derive(Debug)]
pub struct Session {
    /// For the UI: org, user, instance, org type.
    pub summary: SalesforceSession,
    /// For the vault, and nowhere else.
    pub refresh_token: Secret,
    /// Holds the access token in memory and refreshes it.
    pub client: SalesforceClient,
}

/// A sign-in in progress: the listener is up and waiting. Open [`LoginAttempt::authorize_url`]
/// in the browser, then await [`LoginAttempt::finish`]. Dropping it releases the port.
pub struct LoginAttempt {
    authorize_url: String,
    loopback: Loopback,
    verifier: PkceCodeVerifier,
    oauth: OAuthClient,
    http: reqwest::Client,
    config: LoginConfig,
    cancel: CancellationToken,
    deadline: Instant,
}

impl std::fmt::Debug for LoginAttempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginAttempt")
            .field("port", &self.loopback.port())
            .field("redirect_uri", &self.loopback.redirect_uri())
            .finish_non_exhaustive()
    }
}

impl LoginAttempt {
    /// Validates the settings, binds the listener on the first free port and builds the
    /// authorize URL with a fresh state and PKCE challenge.
    pub async fn start(config: LoginConfig) -> Result<LoginAttempt, SalesforceError> {
        let consumer_key = config.validate()?;
        let http = http_client(config.client.http_timeout)?;
        let state = CsrfToken::new_random();
        let loopback = Loopback::bind(
            &config.ports,
            config.callback_host,
            &config.callback_path,
            state.secret().clone(),
            config.language,
        )
        .await?;
        let oauth = oauth_client(
            &config.login_host,
            &consumer_key,
            Some(loopback.redirect_uri()),
        )?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, _) = oauth
            .authorize_url(move || state)
            .add_scopes(config.scopes.iter().map(|s| Scope::new(s.clone())))
            .set_pkce_challenge(challenge)
            .url();
        Ok(LoginAttempt {
            authorize_url: url.to_string(),
            loopback,
            verifier,
            oauth,
            http,
            deadline: Instant::now() + config.timeout,
            config,
            cancel: CancellationToken::new(),
        })
    }

    /// The URL to open in the system browser (or show with a copy button).
    pub fn authorize_url(&self) -> &str {
        &self.authorize_url
    }

    /// `http://127.0.0.1:{port}{path}`: the callback this attempt listens on.
    pub fn redirect_uri(&self) -> &str {
        self.loopback.redirect_uri()
    }

    pub fn port(&self) -> u16 {
        self.loopback.port()
    }

    /// A handle the UI's Cancel button calls `.cancel()` on.
    pub fn cancel_handle(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Asks the login host, before the browser opens, whether it accepts this callback URL,
    /// so a `redirect_uri_mismatch` is reported at once instead of after the timeout. It uses a
    /// throw-away state and PKCE challenge, so anything it might be granted is useless.
    pub async fn preflight(&self) -> Result<(), SalesforceError> {
        let (challenge, _discarded) = PkceCodeChallenge::new_random_sha256();
        let (url, _) = self
            .oauth
            .authorize_url(CsrfToken::new_random)
            .add_scopes(self.config.scopes.iter().map(|s| Scope::new(s.clone())))
            .set_pkce_challenge(challenge)
            .url();
        let resp = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| SalesforceError::network(&e))?;
        let status = resp.status();
        let location = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        if status.is_redirection() {
            if location.starts_with(self.redirect_uri()) {
                return Ok(());
            }
            if location.contains("error=redirect_uri_mismatch") {
                return Err(self.mismatch());
            }
            return Ok(());
        }
        if status.is_client_error() {
            let body = resp.text().await.unwrap_or_default();
            if body.contains("redirect_uri_mismatch") {
                return Err(self.mismatch());
            }
            if body.contains("invalid_client_id") || body.contains("invalid_client") {
                return Err(SalesforceError::AuthorizationFailed {
                    error: "invalid_client_id".into(),
                    description: Some(
                        "the consumer key is not known to this Salesforce org".into(),
                    ),
                });
            }
        }
        Ok(())
    }

    fn mismatch(&self) -> SalesforceError {
        SalesforceError::RedirectUriMismatch {
            callback_urls: self.registration_urls(),
        }
    }

    /// What to tell the admin to register: the whole list, or this attempt's URL.
    fn registration_urls(&self) -> Vec<String> {
        let urls = self.config.callback_urls();
        if urls.is_empty() {
            vec![self.redirect_uri().to_string()]
        } else {
            urls
        }
    }

    /// Waits for the browser, exchanges the code, reads the identity and checks the org type.
    /// The listener is closed before this returns, whatever the outcome.
    pub async fn finish(self) -> Result<Session, SalesforceError> {
        let LoginAttempt {
            authorize_url: _,
            mut loopback,
            verifier,
            oauth,
            http,
            config,
            cancel,
            deadline,
        } = self;
        let callback_urls = {
            let urls = config.callback_urls();
            if urls.is_empty() {
                vec![loopback.redirect_uri().to_string()]
            } else {
                urls
            }
        };
        let event = tokio::select! {
            _ = cancel.cancelled() => Err(SalesforceError::Cancelled),
            waited = tokio::time::timeout_at(deadline, loopback.next_event()) => match waited {
                Err(_) => Err(SalesforceError::Timeout { seconds: config.timeout.as_secs() }),
                Ok(None) => Err(SalesforceError::ListenerFailed { reason: "the listener stopped".into() }),
                Ok(Some(event)) => Ok(event),
            },
        };
        let result = match event {
            Err(e) => Err(e),
            Ok(CallbackEvent::Failed(SalesforceError::RedirectUriMismatch { .. })) => {
                Err(SalesforceError::RedirectUriMismatch { callback_urls })
            }
            Ok(CallbackEvent::Failed(e)) => Err(e),
            Ok(CallbackEvent::Code { code, reply }) => {
                let done = tokio::select! {
                    _ = cancel.cancelled() => Err(SalesforceError::Cancelled),
                    r = complete(code, verifier, &oauth, &http, &config, &callback_urls) => r,
                };
                let page = match &done {
                    Ok(_) => PageKind::Connected,
                    Err(e) => PageKind::Failed(e.code()),
                };
                let _ = reply.send(page);
                done
            }
        };
        match &result {
            Ok(s) => tracing::info!(org = %s.summary.org_id, "salesforce sign-in completed"),
            Err(e) => tracing::info!(code = e.code(), "salesforce sign-in ended"),
        }
        loopback.close(config.result_page_linger).await;
        result
    }
}

async fn complete(
    code: String,
    verifier: PkceCodeVerifier,
    oauth: &OAuthClient,
    http: &reqwest::Client,
    config: &LoginConfig,
    callback_urls: &[String],
) -> Result<Session, SalesforceError> {
    let token = oauth
        .exchange_code(AuthorizationCode::new(code))
        .set_pkce_verifier(verifier)
        .request_async(http)
        .await
        .map_err(|e| map_token_error(e, Grant::Code, callback_urls))?;
    let (client, refresh_token) = SalesforceClient::from_login(
        &config.login_host,
        http.clone(),
        oauth.clone(),
        &token,
        config.client.clone(),
    )?;
    let summary = match client.session_summary().await {
        Ok(s) => s,
        Err(e) => {
            // A grant we cannot use must not outlive this attempt.
            let _ = revoke_with(&config.login_host, http, &refresh_token).await;
            return Err(e);
        }
    };
    if let Some(expected) = config.expected_org_type
        && expected != summary.org_type
    {
        let _ = revoke_with(&config.login_host, http, &refresh_token).await;
        return Err(SalesforceError::WrongOrgType {
            expected,
            actual: summary.org_type,
        });
    }
    Ok(Session {
        summary,
        refresh_token,
        client,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send_sync<T: Send + Sync + 'static>() {}
    fn send<T: Send + 'static>() {}

    #[test]
    fn the_app_can_hold_these_across_tasks() {
        send::<LoginAttempt>();
        send_sync::<Session>();
        send_sync::<SalesforceClient>();
        send_sync::<SalesforceError>();
    }

    #[test]
    fn settings_round_trip_and_validate() {
        let json = r#"{"loginHost":"acme.my.salesforce.com","consumerKey":" 3MVGkey ","expectedOrgType":"sandbox"}"#;
        let settings: SalesforceLoginSettings = serde_json::from_str(json).expect("settings");
        assert_eq!(settings.ports, CallbackPorts::default());
        let config = settings.to_config(UiLanguage::ZhTw).expect("config");
        assert_eq!(config.login_host.as_str(), "https://acme.my.salesforce.com");
        assert_eq!(config.consumer_key, "3MVGkey");
        assert_eq!(config.expected_org_type, Some(SalesforceOrgType::Sandbox));
        assert_eq!(config.callback_urls().len(), 4);
        let bad = SalesforceLoginSettings {
            login_host: "http://acme.my.salesforce.com".into(),
            ..settings.clone()
        };
        assert_eq!(
            bad.to_config(UiLanguage::En)
                .map(|_| ())
                .expect_err("http")
                .code(),
            "invalid_login_host"
        );
        let empty = SalesforceLoginSettings {
            consumer_key: " ".into(),
            ..settings
        };
        assert_eq!(
            empty
                .to_config(UiLanguage::En)
                .map(|_| ())
                .expect_err("key")
                .code(),
            "invalid_consumer_key"
        );
    }
}
