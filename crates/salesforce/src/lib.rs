//! Salesforce client: OAuth loopback login with PKCE, token refresh, users (API Enabled from
//! profiles and permission sets), OAuth grants as setup evidence, the signed-in user's own
//! permissions, package and remote-site checks.
//! Start a sign-in with [`LoginAttempt::start`]; resume a stored one with [`SalesforceClient::resume`].

mod checks;
mod client;
mod error;
mod host;
mod identity;
mod listener;
mod login;
mod oauth;
mod oauth_tokens;
mod page;
mod permissions;
mod users;

pub use checks::{
    APPEXCHANGE_LISTING_URL, ApiSecretKeyProblem, MSI_MINIMUM_VERSION, MSI_NAMESPACE,
    MSI_REMOTE_SITES, PackageStatus, PackageVersion, RemoteSiteCheck, RemoteSiteState,
    RemoteSiteStatus, check_api_secret_key, normalize_site_url, package_status, remote_site_status,
};
pub use client::{API_VERSION, ClientOptions, SalesforceClient, revoke_refresh_token};
pub use error::{SalesforceError, SalesforceErrorInfo};
pub use host::{
    LoginHost, LoginHostKind, PRODUCTION_LOGIN, SANDBOX_LOGIN, SalesforceOrgType,
    org_type_from_host,
};
pub use identity::SalesforceSession;
pub use listener::{CallbackHost, CallbackPorts, DEFAULT_CALLBACK_PATH, DEFAULT_CALLBACK_PORTS};
pub use login::{DEFAULT_SCOPES, LoginAttempt, LoginConfig, SalesforceLoginSettings, Session};
pub use oauth_tokens::{
    ACTIONS_APP_NAMES, ActionsAppMatch, OAUTH_TOKENS_SOQL, OauthTokenRow, match_actions_apps,
};
pub use permissions::{USER_PERMISSIONS_SOQL, UserPermissions};
pub use users::{
    API_PERMISSION_SET_SOQL, ApiEnabledSource, SalesforceUser, SalesforceUserStatus,
    SalesforceUsers, USERS_SOQL,
};

pub use sia_core::UiLanguage;
pub use sia_secret::Secret;
/// Re-exported so callers need not depend on `tokio-util` for the Cancel button.
pub use tokio_util::sync::CancellationToken;
