//! The crate's one error type: a stable machine `code()` per variant and a plain message that
//! tells an administrator what to do next. No variant ever carries a token or a secret.

use crate::host::SalesforceOrgType;
use serde::Serialize;

/// Everything that can go wrong while signing in to Salesforce or calling its APIs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SalesforceError {
    #[error(
        "Every callback port is in use ({}). Close the program that uses one of them, or register another port's callback URL in the External Client App and add it to the port list.",
        join_ports(.ports)
    )]
    PortsBusy { ports: Vec<u16> },

    #[error("The sign-in listener could not start on 127.0.0.1 ({reason}).")]
    ListenerFailed { reason: String },

    #[error("The Salesforce login address is not valid: {reason}")]
    InvalidLoginHost { reason: String },

    #[error(
        "The consumer key is empty or contains spaces. Copy it again from the External Client App (Settings > OAuth Settings > Consumer Key)."
    )]
    InvalidConsumerKey,

    #[error("The sign-in was denied in Salesforce{}. Sign in again and click Allow, or ask your Salesforce admin to let your profile use the External Client App.", describe(.description))]
    AccessDenied { description: Option<String> },

    #[error(
        "Salesforce refused the callback address (redirect_uri_mismatch). In the External Client App, register exactly these callback URLs: {}",
        .callback_urls.join(", ")
    )]
    RedirectUriMismatch { callback_urls: Vec<String> },

    #[error("Salesforce refused the sign-in ({error}){}.", describe(.description))]
    AuthorizationFailed {
        error: String,
        description: Option<String>,
    },

    #[error(
        "The sign-in response did not belong to the sign-in this app started, so it was ignored. Start the sign-in again."
    )]
    StateMismatch,

    #[error("The sign-in was not completed within {minutes} minute(s). Start it again.", minutes = .seconds.div_ceil(60).max(1))]
    Timeout { seconds: u64 },

    #[error("The sign-in was cancelled.")]
    Cancelled,

    #[error(
        "You signed in to a Salesforce {actual} org, but this setup expects a {expected} org. Sign out and sign in with the {expected} login address."
    )]
    WrongOrgType {
        expected: SalesforceOrgType,
        actual: SalesforceOrgType,
    },

    #[error(
        "Salesforce could not be reached ({detail}). Check the network connection and the login address, then try again."
    )]
    Network { detail: String },

    #[error(
        "The saved Salesforce sign-in is no longer valid (expired, revoked, or blocked by a policy). Sign in to Salesforce again."
    )]
    SigninRequired,

    #[error(
        "The saved Salesforce sign-in was granted without a permission this app now asks for (openid). Sign in to Salesforce again; if it happens again, add the openid scope to the External Client App."
    )]
    InsufficientScope,

    #[error(
        "Salesforce rejected a fresh session. Check the user's IP restrictions and session settings in Salesforce, then sign in again."
    )]
    SessionRejected,

    #[error(
        "The Salesforce API is disabled for this user or org (API_CURRENTLY_DISABLED). Give the user's profile the API Enabled permission, or use an edition with API access."
    )]
    ApiDisabled,

    #[error(
        "Salesforce's API request limit is reached (REQUEST_LIMIT_EXCEEDED). Wait and try again later, or check Setup > Company Information > API Requests."
    )]
    RateLimited,

    #[error("Salesforce answered HTTP {status}{}{}.", code_part(.error_code), describe(.message))]
    Api {
        status: u16,
        error_code: Option<String>,
        message: Option<String>,
    },

    #[error("Salesforce sent an answer this app does not understand ({what}).")]
    Protocol { what: String },
}

impl SalesforceError {
    /// Stable, snake_case machine code the app maps to a translated message.
    pub fn code(&self) -> &'static str {
        match self {
            SalesforceError::PortsBusy { .. } => "ports_busy",
            SalesforceError::ListenerFailed { .. } => "listener_failed",
            SalesforceError::InvalidLoginHost { .. } => "invalid_login_host",
            SalesforceError::InvalidConsumerKey => "invalid_consumer_key",
            SalesforceError::AccessDenied { .. } => "access_denied",
            SalesforceError::RedirectUriMismatch { .. } => "redirect_uri_mismatch",
            SalesforceError::AuthorizationFailed { .. } => "authorization_failed",
            SalesforceError::StateMismatch => "state_mismatch",
            SalesforceError::Timeout { .. } => "timeout",
            SalesforceError::Cancelled => "cancelled",
            SalesforceError::WrongOrgType { .. } => "wrong_org_type",
            SalesforceError::Network { .. } => "network",
            SalesforceError::SigninRequired => "signin_required",
            SalesforceError::SessionRejected => "session_rejected",
            SalesforceError::InsufficientScope => "insufficient_scope",
            SalesforceError::ApiDisabled => "api_disabled",
            SalesforceError::RateLimited => "rate_limited",
            SalesforceError::Api { .. } => "api_error",
            SalesforceError::Protocol { .. } => "protocol",
        }
    }

    /// The `{code, message}` pair the app sends over IPC.
    pub fn info(&self) -> SalesforceErrorInfo {
        SalesforceErrorInfo {
            code: self.code().to_string(),
            message: self.to_string(),
        }
    }

    pub(crate) fn network(err: &reqwest::Error) -> SalesforceError {
        SalesforceError::Network {
            detail: network_detail(err),
        }
    }

    pub(crate) fn protocol(what: impl Into<String>) -> SalesforceError {
        SalesforceError::Protocol { what: what.into() }
    }
}

/// What the UI receives for a failed Salesforce action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SalesforceErrorInfo {
    pub code: String,
    pub message: String,
}

/// A short, URL-free description of a transport failure: reqwest's own text names the URL.
fn network_detail(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        "the request timed out".into()
    } else if err.is_connect() {
        "the connection failed".into()
    } else if err.is_body() || err.is_decode() {
        "the answer was cut off".into()
    } else if err.is_redirect() {
        "an unexpected redirect".into()
    } else {
        "a transport error".into()
    }
}

/// Provider-supplied text, made safe to show: one line, printable, bounded.
pub(crate) fn sanitize_description(raw: &str) -> Option<String> {
    let clean: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    let clean = clean.trim().to_string();
    (!clean.is_empty()).then_some(clean)
}

fn describe(d: &Option<String>) -> String {
    match d {
        Some(d) => format!(": {d}"),
        None => String::new(),
    }
}

fn code_part(c: &Option<String>) -> String {
    match c {
        Some(c) => format!(" {c}"),
        None => String::new(),
    }
}

fn join_ports(ports: &[u16]) -> String {
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_snake_case() {
        let all = [
            SalesforceError::PortsBusy { ports: vec![1] },
            SalesforceError::AccessDenied { description: None },
            SalesforceError::RedirectUriMismatch {
                callback_urls: vec![],
            },
            SalesforceError::StateMismatch,
            SalesforceError::Timeout { seconds: 300 },
            SalesforceError::Cancelled,
            SalesforceError::SigninRequired,
            SalesforceError::ApiDisabled,
            SalesforceError::RateLimited,
        ];
        let codes: Vec<_> = all.iter().map(|e| e.code()).collect();
        assert_eq!(
            codes,
            [
                "ports_busy",
                "access_denied",
                "redirect_uri_mismatch",
                "state_mismatch",
                "timeout",
                "cancelled",
                "signin_required",
                "api_disabled",
                "rate_limited"
            ]
        );
    }

    #[test]
    fn messages_name_what_to_do() {
        let busy = SalesforceError::PortsBusy {
            ports: vec![53682, 1717],
        };
        assert!(busy.to_string().contains("53682, 1717"));
        let mismatch = SalesforceError::RedirectUriMismatch {
            callback_urls: vec!["http://127.0.0.1:53682/callback".into()],
        };
        assert!(
            mismatch
                .to_string()
                .contains("register exactly these callback URLs: http://127.0.0.1:53682/callback")
        );
        assert!(
            SalesforceError::Timeout { seconds: 300 }
                .to_string()
                .contains("5 minute")
        );
        let wrong = SalesforceError::WrongOrgType {
            expected: SalesforceOrgType::Production,
            actual: SalesforceOrgType::Sandbox,
        };
        assert_eq!(wrong.info().code, "wrong_org_type");
        assert!(wrong.to_string().contains("sandbox org"));
    }

    #[test]
    fn descriptions_are_single_line_and_bounded() {
        assert_eq!(sanitize_description("  \n "), None);
        let long = "x".repeat(500) + "\n";
        let d = sanitize_description(&format!("a\nb{long}")).unwrap_or_default();
        assert!(d.len() <= 200 && !d.contains('\n'));
    }
}
