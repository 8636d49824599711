//! Admin or User: one enum, two spellings on the wire. The SCIM extension (and so the engine,
//! the service and the invite results) writes `Admin`/`User`; the import and the invite form
//! write `admin`/`user`. Fields in the second spelling use [`lowercase_role`] and [`LowercaseRole`].

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

    /// The import's and the invite form's spelling: `admin`, `user`.
    pub fn as_lowercase(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::User => "user",
        }
    }
}

// A `Role` in the import's and the invite form's spelling (`"admin" | "user"`, TS `CsvRole`).
// As a type where the value is passed on its own (an IPC argument); for a `Role` field of a
// struct, use `#[serde(with = "lowercase_role")]` and `#[ts(as = "LowercaseRole")]`.
// (Plain comments: a doc comment would land in the UI's binding.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, rename = "CsvRole")]
pub struct LowercaseRole(
    #[serde(with = "lowercase_role")]
    #[ts(type = "\"admin\" | \"user\"")]
    pub Role,
);

impl From<LowercaseRole> for Role {
    fn from(r: LowercaseRole) -> Self {
        r.0
    }
}

/// Serde for a [`Role`] field spelled `admin`/`user`.
pub mod lowercase_role {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use super::Role;

    pub fn serialize<S: Serializer>(role: &Role, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(role.as_lowercase())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Role, D::Error> {
        let s = String::deserialize(d)?;
        match s.as_str() {
            "admin" => Ok(Role::Admin),
            "user" => Ok(Role::User),
            other => Err(D::Error::unknown_variant(other, &["admin", "user"])),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_spellings_of_one_role() {
        assert_eq!(serde_json::to_value(Role::Admin).unwrap(), "Admin");
        assert_eq!(
            serde_json::to_value(LowercaseRole(Role::Admin)).unwrap(),
            "admin"
        );
        let r: LowercaseRole = serde_json::from_value("user".into()).unwrap();
        assert_eq!(Role::from(r), Role::User);
        assert!(serde_json::from_value::<LowercaseRole>("User".into()).is_err());
        assert!(serde_json::from_value::<Role>("admin".into()).is_err());
        for r in [Role::Admin, Role::User] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}
