//! What a real API answered when a step was checked, kept with the check so the dashboard can say
//! *what* was checked and *where* ("Marketo API usage, last 7 days: 1,842 calls by the Actions
//! user"), not only that it was. Values, not prose: the UI words them in the admin's language.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum Evidence {
    /// Step 1: Marketo's identity endpoint issued a token for the Integration Information's
    /// Client ID, which exists only once the Actions instance is active.
    MarketoToken {
        munchkin_id: String,
        /// The API user the token belongs to, when Marketo says.
        api_user: Option<String>,
    },
    /// Step 2: the admin's Salesforce user has authorised the Actions connected app (`OauthToken`).
    SalesforceAppAuthorized {
        app_name: String,
        username: String,
        /// RFC 3339, as Salesforce reports it.
        last_used: Option<String>,
        #[ts(type = "number | null")]
        use_count: Option<u64>,
    },
    /// Step 3: calls by the Actions API user in Marketo's usage statistics.
    MarketoApiCalls {
        api_user: String,
        #[ts(type = "number")]
        last_7_days: u64,
        #[ts(type = "number")]
        today: u64,
    },
    /// Step 4: an estimate of the first sync's progress from the Actions user's calls today,
    /// at about `people_per_call` people a call, against the people with a Salesforce owner.
    SyncEstimate {
        api_user: String,
        #[ts(type = "number")]
        calls_today: u64,
        #[ts(type = "number")]
        people_estimated: u64,
        #[ts(type = "number | null")]
        people_expected: Option<u64>,
        /// The expected count is a lower bound (the preview stopped paging early).
        expected_at_least: bool,
        #[ts(type = "number")]
        people_per_call: u64,
    },
    /// Step 6: the MSI package version installed in the org (Tooling `InstalledSubscriberPackage`).
    MsiPackage {
        installed: Option<String>,
        required: String,
    },
    /// Step 7: the Remote Site Settings found active (Tooling `RemoteProxy`).
    RemoteSites { active: u32, required: u32 },
    /// Any step: the Actions admin API answered.
    ActionsApi { detail: String },
}

/// A check that could not run (no network, a revoked token): the last result is kept, with its
/// age, and this says why it is not newer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckProblem {
    /// An error code the UI translates (`salesforce_offline`, `marketo_unauthorized`, …).
    pub code: String,
    /// RFC 3339, UTC.
    pub at: String,
}
