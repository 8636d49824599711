//! The SCIM user resource the Actions admin API takes: the body the invite engine sends
//! (`POST /Users`, and each operation of `/Bulk`) and the stand-in service reads.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::invitee::Invitee;
use crate::role::Role;

/// The SCIM core user schema (RFC 7643).
pub const USER_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The Actions extension schema: role, workspace and teams in; invitation status out.
/// (Also spelled out in [`ScimUser::ext`]'s serde name, which must be a literal; a test keeps them equal.)
pub const EXT_URN: &str = "urn:sia:params:scim:schemas:extension:actions:2.0:User";

/// A user as written to the service (create or replace). Absent members are left out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimUser {
    pub schemas: Vec<String>,
    /// The email address.
    pub user_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<ScimName>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(
        rename = "urn:sia:params:scim:schemas:extension:actions:2.0:User",
        skip_serializing_if = "Option::is_none"
    )]
    pub ext: Option<ScimUserExt>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimName {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
}

/// The extension's members a client writes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ScimUserExt {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// Team names or ids for a new user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub teams: Option<Vec<String>>,
}

impl ScimUser {
    /// A user with both schemas and its email; everything else absent.
    pub fn new(email: &str) -> Self {
        Self {
            schemas: vec![USER_URN.into(), EXT_URN.into()],
            user_name: email.into(),
            ..Self::default()
        }
    }

    /// The body that invites `p`: the role always; workspace and teams when set; the name parts
    /// that are not empty, and then also `displayName` ("given family").
    pub fn invite(p: &Invitee) -> Self {
        let mut u = Self::new(&p.email);
        u.ext = Some(ScimUserExt {
            role: Some(p.role),
            workspace: p.workspace.clone().filter(|w| !w.trim().is_empty()),
            teams: (!p.teams.is_empty()).then(|| p.teams.clone()),
        });
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        let name = ScimName {
            given_name: non_empty(&p.first_name),
            family_name: non_empty(&p.last_name),
        };
        if name != ScimName::default() {
            u.name = Some(name);
            let display = format!("{} {}", p.first_name, p.last_name);
            u.display_name = Some(display.trim().to_owned());
        }
        u
    }

    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_is_named_by_its_urn() {
        let mut u = ScimUser::new("a@x.io");
        u.ext = Some(ScimUserExt::default());
        assert!(u.to_json().get(EXT_URN).is_some());
    }

    #[test]
    fn the_invite_body() {
        let p = Invitee {
            email: "a@x.io".into(),
            first_name: "Mei".into(),
            last_name: "Lin".into(),
            teams: vec!["Sales".into()],
            role: Role::Admin,
            workspace: Some("EMEA".into()),
        };
        assert_eq!(
            ScimUser::invite(&p).to_json(),
            serde_json::json!({
                "schemas": [USER_URN, EXT_URN],
                "userName": "a@x.io",
                "name": { "givenName": "Mei", "familyName": "Lin" },
                "displayName": "Mei Lin",
                EXT_URN: { "role": "Admin", "teams": ["Sales"], "workspace": "EMEA" },
            })
        );
        let bare = ScimUser::invite(&Invitee {
            email: "b@x.io".into(),
            last_name: "Lo".into(),
            workspace: Some(" ".into()),
            ..Invitee::default()
        });
        assert_eq!(
            bare.to_json(),
            serde_json::json!({
                "schemas": [USER_URN, EXT_URN],
                "userName": "b@x.io",
                "name": { "familyName": "Lo" },
                "displayName": "Lo",
                EXT_URN: { "role": "User" },
            })
        );
        let back: ScimUser = serde_json::from_value(bare.to_json()).unwrap();
        assert_eq!(back, bare);
    }
}
