//! Admin or User: one enum, one spelling everywhere on the wire — the SCIM extension's
//! `Admin`/`User` — in the engine, the service, the import, the invite form and their results.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Admin or User, as the Actions extension schema spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, Default)]
#[ts(export, rename = "InviteRole")]
pub enum Role {
    Admin,
    #[default]
    User,
}

impl Role {
    /// The extension schema's spelling: `Admin`, `User`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "Admin",
            Self::User => "User",
        }
    }

    /// The extension schema's spelling only (exact case).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Admin" => Some(Self::Admin),
            "User" => Some(Self::User),
            _ => None,
        }
    }
}
