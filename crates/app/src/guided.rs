//! Real-product mode's checks: the real Actions product publishes no admin API, so each Actions
//! step is done in Actions' own UI and verified where another real system sees its effect —
//! Salesforce's `OauthToken` for step 2, Marketo's API usage statistics for steps 3 and 4.
//! These types are what the step screens show; the checks themselves are in `checks`.

use serde::Serialize;
use ts_rs::TS;

/// Step 2: which connected app is Actions in this org, and whether the admin has authorised it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsAppCheck {
    /// Every connected app some user of the org has authorised (`OauthToken.AppName`), sorted.
    pub app_names: Vec<String>,
    /// The one app whose name plainly is Actions ("Sales Insight Actions", "Sales Connect",
    /// "Marketo Sales", "ToutApp"); None when no name or several names match.
    pub suggested: Option<String>,
    /// The app the admin chose for this org, else the suggestion.
    pub chosen: Option<String>,
    /// The signed-in admin's authorisation of the chosen app, when there is one.
    pub admin_token: Option<AppAuthorization>,
    /// The signed-in admin's Salesforce username.
    pub username: String,
    /// RFC 3339: when Salesforce answered.
    pub checked_at: String,
}

/// One user's authorisation of a connected app, as `OauthToken` reports it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppAuthorization {
    pub app_name: String,
    pub created: Option<String>,
    pub last_used: Option<String>,
    #[ts(type = "number | null")]
    pub use_count: Option<u64>,
}

/// Steps 3 and 4: the Marketo API user Actions uses, and its calls.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoUsageCheck {
    /// Marketo's API-only users (`allusers.json`, `apiOnly`): one of them is Actions'.
    pub api_users: Vec<MarketoApiUser>,
    /// Preselected only when exactly one API-only user's name plainly is Actions'.
    pub suggested: Option<String>,
    /// The user the admin chose, else the suggestion.
    pub chosen: Option<String>,
    /// Calls per day by the chosen user over the last 7 days (newest first), from Marketo.
    pub days: Vec<DailyCalls>,
    #[ts(type = "number")]
    pub calls_today: u64,
    #[ts(type = "number")]
    pub calls_last_7_days: u64,
    /// The step-4 estimate, when the chosen user made calls today.
    pub sync_estimate: Option<sia_core::Evidence>,
    /// RFC 3339: when Marketo answered.
    pub checked_at: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoApiUser {
    /// Marketo's `userid` (an email-shaped login), which the usage statistics name.
    pub user_id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DailyCalls {
    /// `YYYY-MM-DD`, as Marketo reports it.
    pub date: String,
    #[ts(type = "number")]
    pub calls: u64,
}
