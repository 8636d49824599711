//! Reading and writing SCIM resources (RFC 7643): users with the Actions extension, groups as teams.
//! Lenient on what may be absent, strict on what the app relies on (ids and emails).

use serde_json::Value;
use sia_actions_contract::{EXT_URN, Role, ScimName, ScimUser, ScimUserExt};

use crate::error::ActionsError;
use crate::types::{ActionsNewUser, ActionsServiceProviderConfig, ActionsTeam, ActionsUser};

fn bad(what: &str) -> ActionsError {
    ActionsError::BadResponse(format!("a SCIM {what} lacks a required attribute"))
}

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_owned)
}

/// The resources of a ListResponse and its `totalResults`.
pub fn list(page: &Value) -> Result<(&[Value], usize), ActionsError> {
    let items = match page.get("Resources") {
        None | Some(Value::Null) => &[][..],
        Some(Value::Array(a)) => a.as_slice(),
        Some(_) => return Err(bad("list response")),
    };
    let total = page
        .get("totalResults")
        .and_then(Value::as_u64)
        .ok_or_else(|| bad("list response"))?;
    Ok((items, usize::try_from(total).unwrap_or(usize::MAX)))
}

pub fn user(v: &Value) -> Result<ActionsUser, ActionsError> {
    let ext = v.get(EXT_URN).cloned().unwrap_or(Value::Null);
    let name = v.get("name").cloned().unwrap_or(Value::Null);
    let teams = v
        .get("groups")
        .and_then(Value::as_array)
        .map(|gs| {
            gs.iter()
                .filter_map(|g| s(g, "display").or_else(|| s(g, "value")))
                .collect()
        })
        .unwrap_or_default();
    let active = v.get("active").and_then(Value::as_bool).unwrap_or(true);
    Ok(ActionsUser {
        id: s(v, "id").ok_or_else(|| bad("user"))?,
        email: s(v, "userName").ok_or_else(|| bad("user"))?,
        given_name: s(&name, "givenName"),
        family_name: s(&name, "familyName"),
        active,
        role: s(&ext, "role").unwrap_or_else(|| "User".into()),
        workspace: s(&ext, "workspace"),
        // A SCIM service without the extension: an active account counts as active.
        invitation_status: s(&ext, "invitationStatus").unwrap_or_else(|| {
            if active {
                "active".into()
            } else {
                "invited".into()
            }
        }),
        invited_at: s(&ext, "invitedAt"),
        original_user: ext
            .get("originalUser")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        teams,
    })
}

pub fn team(v: &Value) -> Result<ActionsTeam, ActionsError> {
    Ok(ActionsTeam {
        id: s(v, "id").ok_or_else(|| bad("group"))?,
        name: s(v, "displayName").ok_or_else(|| bad("group"))?,
        members: v
            .get("members")
            .and_then(Value::as_array)
            .map_or(0, |m| u32::try_from(m.len()).unwrap_or(u32::MAX)),
    })
}

/// The contract's SCIM user body (the one the invite engine sends), with only what `n` sets.
/// A role other than `Admin`/`User` is refused here, as the service would refuse it.
pub fn new_user(n: &ActionsNewUser) -> Result<Value, ActionsError> {
    let role = match n.role.as_deref() {
        None => None,
        Some(r) => Some(Role::parse(r).ok_or_else(|| ActionsError::Service {
            status: 400,
            code: None,
            scim_type: Some("invalidValue".into()),
            detail: "role must be Admin or User".into(),
        })?),
    };
    let mut u = ScimUser::new(&n.email);
    if n.given_name.is_some() || n.family_name.is_some() {
        u.name = Some(ScimName {
            given_name: n.given_name.clone(),
            family_name: n.family_name.clone(),
        });
    }
    let ext = ScimUserExt {
        role,
        workspace: n.workspace.clone(),
        teams: (!n.teams.is_empty()).then(|| n.teams.clone()),
    };
    if ext != ScimUserExt::default() {
        u.ext = Some(ext);
    }
    Ok(u.to_json())
}

pub fn service_provider_config(v: &Value) -> ActionsServiceProviderConfig {
    let flag = |k: &str| {
        v.get(k)
            .and_then(|x| x.get("supported"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    };
    let num = |k: &str, f: &str| {
        v.get(k)
            .and_then(|x| x.get(f))
            .and_then(Value::as_u64)
            .map_or(0, |n| u32::try_from(n).unwrap_or(u32::MAX))
    };
    ActionsServiceProviderConfig {
        patch_supported: flag("patch"),
        bulk_supported: flag("bulk"),
        bulk_max_operations: num("bulk", "maxOperations"),
        bulk_max_payload_size: num("bulk", "maxPayloadSize"),
        filter_supported: flag("filter"),
        filter_max_results: num("filter", "maxResults"),
    }
}
