//! What the Actions admin API answers, in the shapes the app and its UI use.
//! Wire shapes that only the client reads stay private in `client.rs`; these are the public ones.

use serde::{Deserialize, Serialize};
use sia_secret::Secret;
use ts_rs::TS;

/// The instance (`GET /api/v1/instance`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsInstance {
    /// `active` or `notActivated`.
    pub status: String,
    #[serde(default)]
    pub activated_at: Option<String>,
    #[serde(default)]
    pub original_user_id: Option<String>,
    pub munchkin_id: String,
    pub seat_limit: u32,
    pub seats_used: u32,
    pub team_limit: u32,
    pub teams_used: u32,
    /// `production` or `sandbox`, once the first Salesforce connection tied the instance.
    #[serde(default)]
    pub salesforce_environment: Option<String>,
    pub integration_information_available: bool,
}

impl ActionsInstance {
    pub fn is_active(&self) -> bool {
        self.status == "active"
    }

    /// Seats still free (never negative).
    pub fn seats_left(&self) -> u32 {
        self.seat_limit.saturating_sub(self.seats_used)
    }
}

/// What happened to one admin of an activation request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsInviteOutcome {
    pub email: String,
    /// `invited` or `failed`.
    pub outcome: String,
    #[serde(default)]
    pub user_id: Option<String>,
    /// The service's code when it failed (e.g. `user_already_exists`).
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub detail: Option<String>,
}

/// The answer to step 1: the instance, each admin's outcome, and who is the original user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsActivation {
    pub instance: ActionsInstance,
    pub results: Vec<ActionsInviteOutcome>,
    /// The email of the original user (the first invitee ever), when the instance is active.
    pub original_user_email: Option<String>,
}

/// The Integration Information card. The secret stays in Rust: this type is not sent to the UI.
#[derive(Debug)]
pub struct ActionsIntegration {
    pub munchkin_id: String,
    pub client_id: String,
    pub client_secret: Secret,
}

/// One user's Salesforce connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsSalesforceConnection {
    pub user_id: String,
    pub username: String,
    pub email: String,
    /// `production` or `sandbox`.
    pub environment: String,
    pub org_id: String,
    pub connected_at: String,
}

/// The instance's Marketo connection (the secret is never echoed by the service).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsMarketoConnection {
    pub status: String,
    pub owner_user_id: String,
    pub munchkin_id: String,
    pub client_id: String,
    pub connected_at: String,
}

/// Every connection of the instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsConnections {
    pub salesforce: Vec<ActionsSalesforceConnection>,
    #[serde(default)]
    pub marketo: Option<ActionsMarketoConnection>,
}

/// What a user's Salesforce login looked like (what step 2 hands the service).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionsSalesforceLogin {
    pub user_id: String,
    pub username: String,
    pub email: String,
    /// `production` or `sandbox`.
    pub environment: String,
    pub org_id: String,
    pub api_enabled: bool,
}

/// One of the 13 synced fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsSyncField {
    pub key: String,
    pub label: String,
    pub marketo_field: String,
}

/// Where the data sync stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ActionsSyncState {
    NotStarted,
    Running,
    Completed,
    /// Stopped before the end; `errors` says why, in words.
    Failed,
}

/// One problem the sync met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsSyncError {
    pub code: String,
    pub message: String,
    pub at: String,
}

/// The sync's progress (`GET /api/v1/sync`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsSyncStatus {
    pub state: ActionsSyncState,
    #[serde(default)]
    pub started_at: Option<String>,
    #[serde(default)]
    pub finished_at: Option<String>,
    #[ts(type = "number")]
    pub people_synced: u64,
    #[ts(type = "number")]
    pub people_skipped_no_owner: u64,
    pub rate_per_minute: f64,
    #[ts(type = "number")]
    pub people_limit: u64,
    pub errors: Vec<ActionsSyncError>,
}

/// A user of the instance, read through SCIM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsUser {
    pub id: String,
    /// The email (SCIM `userName`).
    pub email: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub active: bool,
    /// `Admin` or `User`.
    pub role: String,
    pub workspace: Option<String>,
    /// `invited` or `active`.
    pub invitation_status: String,
    pub invited_at: Option<String>,
    pub original_user: bool,
    /// Team names.
    pub teams: Vec<String>,
}

/// A new user for `invite_user` (SCIM create = invite).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionsNewUser {
    pub email: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// `Admin` or `User`; the service's default (User) when `None`.
    pub role: Option<String>,
    pub workspace: Option<String>,
    /// Team names or ids; Everyone when empty.
    pub teams: Vec<String>,
}

/// A team (SCIM Group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsTeam {
    pub id: String,
    pub name: String,
    pub members: u32,
}

/// What the service says it supports (`/scim/v2/ServiceProviderConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsServiceProviderConfig {
    pub patch_supported: bool,
    pub bulk_supported: bool,
    pub bulk_max_operations: u32,
    pub bulk_max_payload_size: u32,
    pub filter_supported: bool,
    pub filter_max_results: u32,
}

/// One invitation in the stand-in's outbox (what the demo shows instead of a mailbox).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsOutboxInvitation {
    pub user_id: String,
    pub recipient: String,
    pub sent_at: String,
    pub link: String,
}

/// Everything the invite validation needs from Actions, read in one go.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsDirectory {
    /// Emails with a pending invitation.
    pub invited: Vec<String>,
    /// Emails of users who accepted.
    pub active: Vec<String>,
    /// Team names.
    pub teams: Vec<String>,
    /// The workspaces the instance restricts users to; `None` when the contract names none
    /// (the Actions admin API accepts any workspace name, so there is nothing to check against).
    pub workspaces: Option<Vec<String>>,
    /// Free seats; `None` when the service does not say.
    pub seats_left: Option<u32>,
}
