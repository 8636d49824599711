use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::role::Role;

/// One person to invite, as the CSV import or the individual-invite form supplies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Invitee {
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    /// Team names; empty means the service's default (Everyone).
    pub teams: Vec<String>,
    pub role: Role,
    /// `None` means the service's default workspace.
    pub workspace: Option<String>,
}
