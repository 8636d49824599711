//! The vault's vocabulary: services, environments, the three credential kinds, and the
//! summaries the UI receives. Only the summaries cross IPC; none of them holds a secret.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::error::VaultError;
use crate::secret::{Secret, cleaned};

/// The three services the app holds credentials for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Service {
    Marketo,
    Salesforce,
    Actions,
}

impl Service {
    pub const ALL: [Service; 3] = [Service::Marketo, Service::Salesforce, Service::Actions];

    pub fn as_str(self) -> &'static str {
        match self {
            Service::Marketo => "marketo",
            Service::Salesforce => "salesforce",
            Service::Actions => "actions",
        }
    }
}

/// Which instance of a service: customers keep production and sandbox apart, and the demo
/// runs against the local stand-in services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Environment {
    Production,
    Sandbox,
    Demo,
}

impl Environment {
    pub const ALL: [Environment; 3] = [
        Environment::Production,
        Environment::Sandbox,
        Environment::Demo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Sandbox => "sandbox",
            Environment::Demo => "demo",
        }
    }
}

/// Where a secret is kept. `SessionOnly` is only ever used when the caller asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum StorageMode {
    /// The operating system's keychain: survives restarts.
    Keychain,
    /// Process memory only, chosen explicitly by the user after a keychain error.
    SessionOnly,
}

/// Marketo's REST API credentials (Admin > Sales Insight > Actions Config > Integration
/// Information). The Munchkin ID that goes with them is a setting, not a secret.
#[derive(Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoCredentials {
    #[ts(type = "string")]
    pub client_id: Secret,
    #[ts(type = "string")]
    pub client_secret: Secret,
}

/// The Salesforce OAuth refresh token. Access tokens are never stored: they expire within
/// hours and are fetched again from this token.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SalesforceCredentials {
    pub refresh_token: Secret,
}

/// The token for the Actions admin API.
#[derive(Debug, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsCredentials {
    #[ts(type = "string")]
    pub api_token: Secret,
}

/// One of the three secret kinds; the variant decides the service.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Credentials {
    Marketo(MarketoCredentials),
    Salesforce(SalesforceCredentials),
    Actions(ActionsCredentials),
}

impl Credentials {
    pub fn service(&self) -> Service {
        match self {
            Credentials::Marketo(_) => Service::Marketo,
            Credentials::Salesforce(_) => Service::Salesforce,
            Credentials::Actions(_) => Service::Actions,
        }
    }

    /// Trims pasting noise from every secret and refuses empty or split values.
    pub(crate) fn cleaned(self) -> Result<Credentials, VaultError> {
        Ok(match self {
            Credentials::Marketo(m) => Credentials::Marketo(MarketoCredentials {
                client_id: cleaned(m.client_id, "client ID")?,
                client_secret: cleaned(m.client_secret, "client secret")?,
            }),
            Credentials::Salesforce(s) => Credentials::Salesforce(SalesforceCredentials {
                refresh_token: cleaned(s.refresh_token, "refresh token")?,
            }),
            Credentials::Actions(a) => Credentials::Actions(ActionsCredentials {
                api_token: cleaned(a.api_token, "API token")?,
            }),
        })
    }
}

/// The non-secret half of a connection, kept in the settings file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectionInfo {
    /// Part of the keychain key: Munchkin ID (Marketo), username (Salesforce), admin email
    /// (Actions). Not secret.
    pub account: String,
    /// What the UI shows after "connected as", e.g. a display name or email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub connected_as: Option<String>,
    /// Marketo's Munchkin ID (required for Marketo).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub munchkin_id: Option<String>,
    /// The API base URL: Marketo REST, Salesforce `instance_url`, or the Actions service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub base_url: Option<String>,
    /// Salesforce login host (login, test, or a My Domain), needed again to revoke.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub login_url: Option<String>,
}

/// What the UI sees about one stored credential: where, as whom, since when. Never the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StoredCredential {
    pub service: Service,
    pub environment: Environment,
    pub stored_in: StorageMode,
    /// RFC 3339, UTC.
    #[serde(with = "time::serde::rfc3339")]
    #[ts(type = "string")]
    pub saved_on: OffsetDateTime,
    pub connection: ConnectionInfo,
}

/// Whether the keychain can be used right now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum KeychainState {
    #[serde(rename_all = "camelCase")]
    Available { backend: String },
    #[serde(rename_all = "camelCase")]
    Unavailable { code: String, message: String },
}

/// The Settings screen's whole picture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VaultStatus {
    pub keychain: KeychainState,
    /// At most one per (service, environment); a session-only one shadows a keychain one.
    pub credentials: Vec<StoredCredential>,
}

/// A Salesforce refresh token that was just forgotten locally and should now be revoked
/// at `{login_url or base_url}/services/oauth2/revoke` by the Salesforce client.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Revocation {
    pub environment: Environment,
    pub connection: ConnectionInfo,
    pub refresh_token: Secret,
}

/// A credential that could not be forgotten, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ForgetFailure {
    pub service: Service,
    pub environment: Environment,
    pub code: String,
    pub message: String,
}

/// What `forget`/`forget_all` removed. `revocations` never crosses IPC (skipped by serde and
/// ts-rs): the app hands them to the Salesforce client, then drops them.
#[derive(Debug, Default, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ForgetOutcome {
    pub removed: Vec<StoredCredential>,
    pub failed: Vec<ForgetFailure>,
    #[serde(skip)]
    #[ts(skip)]
    pub revocations: Vec<Revocation>,
}

/// App-wide choices kept beside the connections.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Preferences {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub environment: Option<Environment>,
}

impl Credentials {
    /// An explicit copy for handing out a session-only secret while the vault keeps its own.
    pub(crate) fn duplicate(&self) -> Credentials {
        let copy = |s: &Secret| Secret::new(s.expose().to_owned());
        match self {
            Credentials::Marketo(m) => Credentials::Marketo(MarketoCredentials {
                client_id: copy(&m.client_id),
                client_secret: copy(&m.client_secret),
            }),
            Credentials::Salesforce(s) => Credentials::Salesforce(SalesforceCredentials {
                refresh_token: copy(&s.refresh_token),
            }),
            Credentials::Actions(a) => Credentials::Actions(ActionsCredentials {
                api_token: copy(&a.api_token),
            }),
        }
    }
}
