//! The `oauth2` crate configured for Salesforce: its extra token fields, its endpoints, a token
//! HTTP client that follows no redirects, and the mapping of OAuth failures to crate errors.

use crate::error::{SalesforceError, sanitize_description};
use crate::host::LoginHost;
use oauth2::basic::{
    BasicErrorResponse, BasicErrorResponseType, BasicRevocationErrorResponse,
    BasicTokenIntrospectionResponse, BasicTokenType,
};
use oauth2::{
    AuthUrl, Client, ClientId, EndpointNotSet, EndpointSet, ExtraTokenFields, HttpClientError,
    RedirectUrl, RequestTokenError, StandardRevocableToken, StandardTokenResponse, TokenUrl,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The fields Salesforce adds to a token response.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub(crate) struct SalesforceTokenFields {
    #[serde(default)]
    pub instance_url: Option<String>,
    /// `https://login.salesforce.com/id/{orgId}/{userId}`
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub issued_at: Option<String>,
}

impl ExtraTokenFields for SalesforceTokenFields {}

pub(crate) type TokenResponse = StandardTokenResponse<SalesforceTokenFields, BasicTokenType>;

pub(crate) type OAuthClient = Client<
    BasicErrorResponse,
    TokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

pub(crate) type TokenError = RequestTokenError<HttpClientError<reqwest::Error>, BasicErrorResponse>;

/// An OAuth client for `host` with no secret: the web-server flow of an External Client App
/// with PKCE needs none, and `oauth2` then sends `client_id` in the form body.
pub(crate) fn oauth_client(
    host: &LoginHost,
    consumer_key: &str,
    redirect_uri: Option<&str>,
) -> Result<OAuthClient, SalesforceError> {
    let bad = |what: &str| SalesforceError::InvalidLoginHost {
        reason: format!("the {what} endpoint could not be built"),
    };
    let client = Client::new(ClientId::new(consumer_key.to_string()))
        .set_auth_uri(
            AuthUrl::new(host.endpoint("/services/oauth2/authorize"))
                .map_err(|_| bad("authorize"))?,
        )
        .set_token_uri(
            TokenUrl::new(host.endpoint("/services/oauth2/token")).map_err(|_| bad("token"))?,
        );
    Ok(match redirect_uri {
        Some(uri) => client.set_redirect_uri(RedirectUrl::new(uri.to_string()).map_err(|_| {
            SalesforceError::ListenerFailed {
                reason: "the callback URL could not be built".into(),
            }
        })?),
        None => client,
    })
}

/// The HTTP client for token, revoke and API calls. It follows no redirects: a token request
/// that is redirected is an attack or a misconfiguration, never something to repeat elsewhere.
pub(crate) fn http_client(timeout: Duration) -> Result<reqwest::Client, SalesforceError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(15)))
        .user_agent(concat!("sia-setup/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| SalesforceError::network(&e))
}

/// Which token call failed: an `invalid_grant` means different things for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grant {
    Code,
    Refresh,
}

/// Maps an `oauth2` failure to a crate error without copying any response body into it.
pub(crate) fn map_token_error(
    err: TokenError,
    grant: Grant,
    callback_urls: &[String],
) -> SalesforceError {
    match err {
        RequestTokenError::ServerResponse(resp) => {
            let description = resp
                .error_description()
                .and_then(|d| sanitize_description(d));
            match resp.error() {
                BasicErrorResponseType::InvalidGrant if grant == Grant::Refresh => {
                    SalesforceError::SigninRequired
                }
                BasicErrorResponseType::Extension(e) if e == "redirect_uri_mismatch" => {
                    SalesforceError::RedirectUriMismatch {
                        callback_urls: callback_urls.to_vec(),
                    }
                }
                BasicErrorResponseType::Extension(e) if e == "API_CURRENTLY_DISABLED" => {
                    SalesforceError::ApiDisabled
                }
                other => SalesforceError::AuthorizationFailed {
                    error: sanitize_description(other.as_ref()).unwrap_or_else(|| "unknown".into()),
                    description,
                },
            }
        }
        RequestTokenError::Request(HttpClientError::Reqwest(e)) => SalesforceError::network(&e),
        RequestTokenError::Request(_) => SalesforceError::Network {
            detail: "a transport error".into(),
        },
        RequestTokenError::Parse(_, _) => {
            SalesforceError::protocol("the token endpoint's answer was not a token response")
        }
        RequestTokenError::Other(_) => {
            SalesforceError::protocol("the token endpoint answered with an unexpected status")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_fields_parse_salesforce_responses() {
        let json = r#"{"access_token":"00D!x","refresh_token":"5Aep","signature":"s",
            "scope":"api refresh_token id","instance_url":"https://acme.my.salesforce.com",
            "id":"https://login.salesforce.com/id/00Dxx0000001gPL/005xx000001Sv6e",
            "token_type":"Bearer","issued_at":"1700000000000"}"#;
        let parsed: TokenResponse = serde_json::from_str(json).expect("token response");
        let extra = parsed.extra_fields();
        assert_eq!(
            extra.instance_url.as_deref(),
            Some("https://acme.my.salesforce.com")
        );
        assert!(
            extra
                .id
                .as_deref()
                .is_some_and(|id| id.ends_with("/005xx000001Sv6e"))
        );
        assert!(!format!("{parsed:?}").contains("00D!x"));
    }

    #[test]
    fn refresh_invalid_grant_means_sign_in_again() {
        let resp: BasicErrorResponse = serde_json::from_str(
            r#"{"error":"invalid_grant","error_description":"expired access/refresh token"}"#,
        )
        .expect("error response");
        let err = map_token_error(
            RequestTokenError::ServerResponse(resp.clone()),
            Grant::Refresh,
            &[],
        );
        assert_eq!(err.code(), "signin_required");
        let err = map_token_error(RequestTokenError::ServerResponse(resp), Grant::Code, &[]);
        assert_eq!(err.code(), "authorization_failed");
        let mismatch: BasicErrorResponse =
            serde_json::from_str(r#"{"error":"redirect_uri_mismatch"}"#).expect("error response");
        let err = map_token_error(
            RequestTokenError::ServerResponse(mismatch),
            Grant::Code,
            &["http://127.0.0.1:1/callback".into()],
        );
        assert!(err.to_string().contains("http://127.0.0.1:1/callback"));
    }
}
