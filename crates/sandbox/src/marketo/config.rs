//! What a Marketo stand-in is configured with: API credentials, limits, database size.
//! Defaults are the documented production limits; tests lower them.

use serde::Serialize;
use std::time::Duration;

/// The credentials of the stand-in's API user (Actions Config's Integration Information card).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketoCredentials {
    pub munchkin_id: String,
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for MarketoCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MarketoCredentials")
            .field("munchkin_id", &self.munchkin_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

/// Another integration's API-only user (a data warehouse export, a CRM connector): its own
/// credentials, so its calls count under its own user id in the usage stats.
#[derive(Clone, PartialEq, Eq)]
pub struct OtherApiClient {
    /// The API-only user (in `allusers.json`) the credentials belong to.
    pub userid: String,
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for OtherApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtherApiClient")
            .field("userid", &self.userid)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .finish()
    }
}

/// The Marketo stand-in's configuration.
#[derive(Clone, Debug)]
pub struct MarketoConfig {
    /// The Integration Information card's API user: [`super::seed::ACTIONS_API_USERID`].
    pub credentials: MarketoCredentials,
    /// Other integrations' API users, each with its own credentials (same Munchkin ID).
    pub other_api_clients: Vec<OtherApiClient>,
    /// Lifetime of an access token (Marketo: 3600 s).
    pub token_ttl: Duration,
    /// Calls allowed per `rate_window` before 606 (Marketo: 100 per 20 s).
    pub rate_limit: u32,
    pub rate_window: Duration,
    /// Calls in flight before 615 (Marketo: 10).
    pub max_concurrent: u32,
    /// Calls per day before 607 (Marketo: 50,000 by default).
    pub daily_quota: u64,
    /// People in the lead database; generated on demand, so 100,000 costs nothing up front.
    pub people: u64,
    /// Percentage of people with a Salesforce owner (the ones Actions syncs).
    pub owned_percent: u8,
    pub seed: u64,
}

impl Default for MarketoConfig {
    fn default() -> Self {
        MarketoConfig {
            credentials: MarketoCredentials {
                munchkin_id: "123-SIA-456".to_string(),
                client_id: "5f0c1b7e-2d4a-4c1e-9b3a-51a5e7d0c0de".to_string(),
                client_secret: "SiaSandboxDemoSecret0123456789ab".to_string(),
            },
            other_api_clients: vec![OtherApiClient {
                userid: super::seed::DW_EXPORT_USERID.to_string(),
                client_id: "0b7d9e21-6c3f-4a8e-8d15-dw0export0001".to_string(),
                client_secret: "SiaSandboxWarehouseSecret98765xyz".to_string(),
            }],
            token_ttl: Duration::from_secs(3600),
            rate_limit: 100,
            rate_window: Duration::from_secs(20),
            max_concurrent: 10,
            daily_quota: 50_000,
            people: 5_000,
            owned_percent: 70,
            seed: 0x5EED_5A1E,
        }
    }
}
