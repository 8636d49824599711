//! Salesforce client: OAuth loopback login with PKCE, token refresh, users, package and remote-site checks.
//! Start a sign-in with [`LoginAttempt::start`]; resume a stored one with [`SalesforceClient::resume`].

mod checks;
mod client;
mod error;
mod host;
mod identity;
mod listener;
mod login;
mod oauth;
mod page;
mod users;

pub use checks::{
    APPEXCHANGE_LISTING_URL, ApiSecretKeyProblem, MSI_NAMESPACE, MSI_REMOTE_SITES, PackageStatus,
    PackageVersion, RemoteSiteCheck, RemoteSiteState, RemoteSiteStatus, check_api_secret_key,
    normalize_site_url, package_status, remote_site_status,
};
pub use client::{API_VERSION, ClientOptions, SalesforceClient, revoke_refresh_token};
pub use error::{SalesforceError, SalesforceErrorInfo};
pub use host::{
    LoginHost, LoginHostKind, PRODUCTION_LOGIN, SANDBOX_LOGIN, SalesforceOrgType,
    org_type_from_host,
};
pub use identity::SalesforceSession;
pub use listener::{CallbackHost, CallbackPorts, DEFAULT_CALLBACK_PATH, DEFAULT_CALLBACK_PORTS};
pub use login::{LoginAttempt, LoginConfig, SalesforceLoginSettings, Session};
pub use users::{ACTIVE_USERS_SOQL, SalesforceUser, SalesforceUsers};

pub use sia_vault::{Secret, UiLanguage};
/// Re-exported so callers need not depend on `tokio-util` for the Cancel button.
pub use tokio_util::sync::CancellationToken;
