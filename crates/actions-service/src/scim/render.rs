//! Stored users and teams rendered as SCIM resources (core schema plus the Actions extension).
//! Absent values are left out rather than sent as null, as RFC 7643 §2.5 prefers.

use serde_json::{Map, Value, json};

use super::{EXT_URN, GROUP_URN, USER_URN};
use crate::model::{TeamRecord, UserRecord};
use crate::store::State;

fn meta(kind: &str, path: &str, id: &str, created: &str, modified: &str, version: u64) -> Value {
    json!({
        "resourceType": kind,
        "created": created,
        "lastModified": modified,
        "location": format!("/scim/v2/{path}/{id}"),
        "version": format!("W/\"{version}\""),
    })
}

pub fn user(state: &State, u: &UserRecord) -> Value {
    let mut o = Map::new();
    o.insert("schemas".into(), json!([USER_URN, EXT_URN]));
    o.insert("id".into(), json!(u.id));
    o.insert("userName".into(), json!(u.user_name));
    let mut name = Map::new();
    if let Some(g) = &u.given_name {
        name.insert("givenName".into(), json!(g));
    }
    if let Some(f) = &u.family_name {
        name.insert("familyName".into(), json!(f));
    }
    if !name.is_empty() {
        o.insert("name".into(), Value::Object(name));
    }
    if let Some(d) = &u.display_name {
        o.insert("displayName".into(), json!(d));
    }
    o.insert("active".into(), json!(u.active));
    o.insert(
        "emails".into(),
        json!([{ "value": u.user_name, "type": "work", "primary": true }]),
    );
    let groups: Vec<Value> = u
        .teams
        .iter()
        .filter_map(|id| state.team(id).ok())
        .map(|t| json!({ "value": t.id, "display": t.display_name, "$ref": format!("/scim/v2/Groups/{}", t.id) }))
        .collect();
    o.insert("groups".into(), Value::Array(groups));
    let mut ext = Map::new();
    ext.insert("role".into(), json!(u.role.as_str()));
    ext.insert("workspace".into(), json!(u.workspace));
    ext.insert("invitationStatus".into(), json!(u.status.as_str()));
    ext.insert("invitedAt".into(), json!(u.invited_at));
    if let Some(a) = &u.activated_at {
        ext.insert("activatedAt".into(), json!(a));
    }
    ext.insert(
        "originalUser".into(),
        json!(state.instance.original_user_id.as_deref() == Some(u.id.as_str())),
    );
    o.insert(EXT_URN.into(), Value::Object(ext));
    o.insert(
        "meta".into(),
        meta(
            "User",
            "Users",
            &u.id,
            &u.created,
            &u.last_modified,
            u.version,
        ),
    );
    Value::Object(o)
}

pub fn group(state: &State, t: &TeamRecord) -> Value {
    let members: Vec<Value> = state
        .team_members(&t.id)
        .into_iter()
        .map(|u| json!({ "value": u.id, "display": u.user_name, "$ref": format!("/scim/v2/Users/{}", u.id) }))
        .collect();
    json!({
        "schemas": [GROUP_URN],
        "id": t.id,
        "displayName": t.display_name,
        "members": members,
        "meta": meta("Group", "Groups", &t.id, &t.created, &t.last_modified, t.version),
    })
}
