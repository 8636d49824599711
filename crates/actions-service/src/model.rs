//! The records the service keeps: users, teams, the instance, connections, sync state, the outbox.
//! They are storage shapes; the HTTP layer renders them as SCIM resources or JSON views.

use serde::{Deserialize, Serialize};

/// The contract's role: the service stores and renders what the engine sends.
pub use sia_actions_contract::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum InvitationStatus {
    Invited,
    Active,
}

impl InvitationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Active => "active",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UserRecord {
    pub id: String,
    /// The email as invited (original case kept; uniqueness ignores case).
    pub user_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub display_name: Option<String>,
    pub active: bool,
    pub role: Role,
    pub workspace: String,
    pub status: InvitationStatus,
    pub invited_at: String,
    pub activated_at: Option<String>,
    /// Ids of the teams the user belongs to.
    pub teams: Vec<String>,
    pub created: String,
    pub last_modified: String,
    pub version: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TeamRecord {
    pub id: String,
    pub display_name: String,
    pub built_in: bool,
    pub created: String,
    pub last_modified: String,
    pub version: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SalesforceEnvironment {
    Production,
    Sandbox,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct InstanceRecord {
    pub activated_at: Option<String>,
    pub original_user_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// Set by the first Salesforce connection: the instance is tied to production or a sandbox.
    pub salesforce_environment: Option<SalesforceEnvironment>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SalesforceConnection {
    pub user_id: String,
    pub username: String,
    pub email: String,
    pub environment: SalesforceEnvironment,
    pub org_id: String,
    pub connected_at: String,
}

/// The Marketo connection. The secret is kept because the sync needs it, and never rendered.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MarketoConnection {
    pub owner_user_id: String,
    pub munchkin_id: String,
    pub client_id: String,
    pub client_secret: String,
    pub connected_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum SyncPhase {
    #[default]
    NotStarted,
    Running,
    Completed,
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SyncErrorEntry {
    pub code: String,
    pub message: String,
    pub at: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SyncRecord {
    pub phase: SyncPhase,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub people_synced: u64,
    pub people_skipped_no_owner: u64,
    pub errors: Vec<SyncErrorEntry>,
}

/// One invitation email the service "sent": what tests and the demo read instead of a mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "OutboxInvitation")]
pub struct Invitation {
    pub user_id: String,
    pub recipient: String,
    /// RFC 3339, UTC.
    pub sent_at: String,
    pub link: String,
}
