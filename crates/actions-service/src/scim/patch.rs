//! SCIM PATCH (RFC 7644 §3.5.2) on users and teams: add, replace, remove on the paths we support.
//! Paths and operation names ignore case; the Entra ID forms (`emails[type eq "work"].value`, string booleans) are accepted.

use serde::Deserialize;
use serde_json::Value;

use super::{EXT_URN, PATCH_URN, USER_URN, require_schema};
use crate::error::{ActionsError, Result};
use crate::model::Role;
use crate::store::UserEdit;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Add,
    Replace,
    Remove,
}

#[derive(Debug, Clone)]
pub struct Op {
    pub kind: OpKind,
    pub path: Option<String>,
    pub value: Option<Value>,
}

#[derive(Deserialize)]
struct OpIn {
    op: String,
    path: Option<String>,
    value: Option<Value>,
}

#[derive(Deserialize)]
struct PatchIn {
    schemas: Vec<String>,
    #[serde(rename = "Operations")]
    operations: Vec<OpIn>,
}

pub fn operations(data: &Value) -> Result<Vec<Op>> {
    crate::http::extract::objects_at(data, &["Operations/*"])?;
    let p: PatchIn =
        serde_json::from_value(data.clone()).map_err(|e| crate::http::extract::syntax(&e))?;
    require_schema(&p.schemas, PATCH_URN)?;
    if p.operations.is_empty() {
        return Err(ActionsError::InvalidValue(
            "Operations must not be empty".into(),
        ));
    }
    p.operations
        .into_iter()
        .map(|o| {
            let kind = match o.op.to_ascii_lowercase().as_str() {
                "add" => OpKind::Add,
                "replace" => OpKind::Replace,
                "remove" => OpKind::Remove,
                _ => {
                    return Err(ActionsError::InvalidValue(format!(
                        "unknown op \"{}\"",
                        o.op
                    )));
                }
            };
            let path = o
                .path
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty());
            if kind != OpKind::Remove && o.value.is_none() {
                return Err(ActionsError::InvalidValue(
                    "add and replace need a value".into(),
                ));
            }
            Ok(Op {
                kind,
                path,
                value: o.value,
            })
        })
        .collect()
}

fn string(v: &Value, attr: &str) -> Result<String> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| ActionsError::InvalidValue(format!("{attr} must be a string")))
}

fn boolean(v: &Value, attr: &str) -> Result<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ActionsError::InvalidValue(format!(
            "{attr} must be a boolean"
        ))),
    }
}

/// Strips a schema URN prefix: `urn:…:User:name.givenName` → (`core`, `name.givenname`).
fn normalise(path: &str) -> (bool, String) {
    let lower = path.to_ascii_lowercase();
    let ext = EXT_URN.to_ascii_lowercase();
    let core = USER_URN.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix(&ext) {
        return (true, rest.trim_start_matches(':').to_owned());
    }
    if let Some(rest) = lower.strip_prefix(&core) {
        return (false, rest.trim_start_matches(':').to_owned());
    }
    (false, lower)
}

/// Sets one attribute (already normalised) of a user, or clears it when `value` is `None`.
fn set_user(edit: &mut UserEdit, in_ext: bool, attr: &str, value: Option<&Value>) -> Result<()> {
    let required =
        |a: &str| ActionsError::InvalidValue(format!("{a} is required and cannot be removed"));
    match (in_ext, attr) {
        (false, "username")
        | (false, "emails[type eq \"work\"].value")
        | (false, "emails.value") => {
            edit.user_name = string(value.ok_or_else(|| required("userName"))?, "userName")?;
        }
        (false, "displayname") => {
            edit.display_name = value.map(|v| string(v, "displayName")).transpose()?
        }
        (false, "active") => {
            edit.active = boolean(value.ok_or_else(|| required("active"))?, "active")?
        }
        (false, "name.givenname") => {
            edit.given_name = value.map(|v| string(v, "name.givenName")).transpose()?
        }
        (false, "name.familyname") => {
            edit.family_name = value.map(|v| string(v, "name.familyName")).transpose()?
        }
        (false, "name") => match value {
            None => {
                edit.given_name = None;
                edit.family_name = None;
            }
            Some(Value::Object(m)) => {
                for (k, v) in m {
                    set_user(
                        edit,
                        false,
                        &format!("name.{}", k.to_ascii_lowercase()),
                        Some(v),
                    )?;
                }
            }
            Some(_) => return Err(ActionsError::InvalidValue("name must be an object".into())),
        },
        (true, "role") => {
            let v = value.ok_or_else(|| required("role"))?;
            edit.role = Role::parse(&string(v, "role")?)
                .ok_or_else(|| ActionsError::InvalidValue("role must be Admin or User".into()))?;
        }
        (true, "workspace") => {
            edit.workspace = string(value.ok_or_else(|| required("workspace"))?, "workspace")?
        }
        (true, "") => match value {
            Some(Value::Object(m)) => {
                for (k, v) in m {
                    set_user(edit, true, &k.to_ascii_lowercase(), Some(v))?;
                }
            }
            _ => {
                return Err(ActionsError::InvalidValue(
                    "the extension value must be an object".into(),
                ));
            }
        },
        (true, "invitationstatus" | "invitedat" | "activatedat" | "originaluser")
        | (false, "id" | "meta" | "groups" | "schemas") => {
            return Err(ActionsError::Mutability(attr.to_owned()));
        }
        (_, other) => return Err(ActionsError::InvalidPath(other.to_owned())),
    }
    Ok(())
}

pub fn apply_user(edit: &mut UserEdit, op: &Op) -> Result<()> {
    match (&op.path, op.kind) {
        (None, OpKind::Remove) => Err(ActionsError::NoTarget("remove needs a path".into())),
        (None, _) => match &op.value {
            Some(Value::Object(m)) => {
                for (k, v) in m {
                    let (in_ext, attr) = normalise(k);
                    if !in_ext && attr == "schemas" {
                        continue;
                    }
                    set_user(edit, in_ext, &attr, Some(v))?;
                }
                Ok(())
            }
            _ => Err(ActionsError::InvalidValue(
                "an operation without a path needs an object value".into(),
            )),
        },
        (Some(path), kind) => {
            let (in_ext, attr) = normalise(path);
            let value = if kind == OpKind::Remove {
                None
            } else {
                op.value.as_ref()
            };
            set_user(edit, in_ext, &attr, value)
        }
    }
}

/// A team's editable attributes while PATCH operations apply.
pub struct TeamEdit {
    pub display_name: String,
    pub members: Vec<String>,
}

fn member_ids(v: &Value) -> Result<Vec<String>> {
    let bad = || {
        ActionsError::InvalidValue("members must be a list of {\"value\": \"<user id>\"}".into())
    };
    let items = match v {
        Value::Array(a) => a.as_slice(),
        Value::Object(_) => std::slice::from_ref(v),
        _ => return Err(bad()),
    };
    items
        .iter()
        .map(|m| {
            m.get("value")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(bad)
        })
        .collect()
}

/// `members[value eq "id"]` → the id.
fn member_selector(path: &str) -> Result<Option<String>> {
    let Some(inner) = path
        .strip_prefix("members[")
        .and_then(|r| r.strip_suffix(']'))
    else {
        return Ok(None);
    };
    super::filter::parse(inner, &["value"])
        .map(|e| Some(e.value))
        .map_err(|_| ActionsError::InvalidPath(path.to_owned()))
}

pub fn apply_team(edit: &mut TeamEdit, op: &Op) -> Result<()> {
    let path = op.path.as_deref().map(|p| {
        let p = p.trim();
        let lower = p.to_ascii_lowercase();
        // Keep the original case of a filter value; only the attribute part is case-insensitive.
        if lower.starts_with("members[") {
            format!("members[{}", &p[8..])
        } else {
            lower
        }
    });
    match (path.as_deref(), op.kind) {
        (None, OpKind::Remove) => Err(ActionsError::NoTarget("remove needs a path".into())),
        (None, kind) => match &op.value {
            Some(Value::Object(m)) => {
                for (k, v) in m {
                    let sub = Op {
                        kind,
                        path: Some(k.clone()),
                        value: Some(v.clone()),
                    };
                    if k.eq_ignore_ascii_case("schemas") {
                        continue;
                    }
                    apply_team(edit, &sub)?;
                }
                Ok(())
            }
            _ => Err(ActionsError::InvalidValue(
                "an operation without a path needs an object value".into(),
            )),
        },
        (Some("displayname"), OpKind::Remove) => {
            Err(ActionsError::InvalidValue("displayName is required".into()))
        }
        (Some("displayname"), _) => {
            edit.display_name = string(op.value.as_ref().unwrap_or(&Value::Null), "displayName")?;
            Ok(())
        }
        (Some("members"), OpKind::Add) => {
            for id in member_ids(op.value.as_ref().unwrap_or(&Value::Null))? {
                if !edit.members.contains(&id) {
                    edit.members.push(id);
                }
            }
            Ok(())
        }
        (Some("members"), OpKind::Replace) => {
            edit.members = member_ids(op.value.as_ref().unwrap_or(&Value::Null))?;
            Ok(())
        }
        (Some("members"), OpKind::Remove) => {
            match &op.value {
                None => edit.members.clear(),
                Some(v) => {
                    let gone = member_ids(v)?;
                    edit.members.retain(|m| !gone.contains(m));
                }
            }
            Ok(())
        }
        (Some(p), OpKind::Remove) if p.starts_with("members[") => {
            if let Some(id) = member_selector(p)? {
                edit.members.retain(|m| *m != id);
            }
            Ok(())
        }
        (Some("id" | "meta" | "schemas"), _) => {
            Err(ActionsError::Mutability(path.unwrap_or_default()))
        }
        (Some(p), _) => Err(ActionsError::InvalidPath(p.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn edit() -> UserEdit {
        UserEdit {
            user_name: "a@example.com".into(),
            given_name: None,
            family_name: None,
            display_name: None,
            active: true,
            role: Role::User,
            workspace: "Default".into(),
        }
    }

    fn ops(v: Value) -> Vec<Op> {
        operations(&json!({ "schemas": [PATCH_URN], "Operations": v })).unwrap_or_default()
    }

    #[test]
    fn user_paths_with_and_without_urns() -> Result<()> {
        let mut e = edit();
        for op in ops(json!([
            { "op": "Replace", "path": "active", "value": "False" },
            { "op": "add", "path": "name.givenName", "value": "Ann" },
            { "op": "replace", "path": format!("{EXT_URN}:role"), "value": "Admin" },
            { "op": "replace", "value": { "displayName": "Ann A", EXT_URN: { "workspace": "EMEA" } } },
        ])) {
            apply_user(&mut e, &op)?;
        }
        assert!(!e.active);
        assert_eq!(e.given_name.as_deref(), Some("Ann"));
        assert_eq!(e.role, Role::Admin);
        assert_eq!(e.workspace, "EMEA");
        assert_eq!(e.display_name.as_deref(), Some("Ann A"));
        Ok(())
    }

    #[test]
    fn bad_paths_are_refused() {
        let mut e = edit();
        for (op, want) in [
            (
                json!({ "op": "replace", "path": "nickName", "value": "x" }),
                "invalid_path",
            ),
            (
                json!({ "op": "remove", "path": "userName" }),
                "invalid_value",
            ),
            (json!({ "op": "remove" }), "no_target"),
            (
                json!({ "op": "replace", "path": "id", "value": "x" }),
                "read_only_attribute",
            ),
        ] {
            let got = ops(json!([op]))
                .iter()
                .try_for_each(|o| apply_user(&mut e, o))
                .err()
                .map(|e| e.code());
            assert_eq!(got, Some(want));
        }
        assert!(
            operations(&json!({ "schemas": [PATCH_URN], "Operations": [{ "op": "move" }] }))
                .is_err()
        );
        assert!(operations(&json!({ "schemas": [], "Operations": [] })).is_err());
    }

    #[test]
    fn team_members_add_remove_replace() -> Result<()> {
        let mut t = TeamEdit {
            display_name: "Sales".into(),
            members: vec!["a".into()],
        };
        for op in ops(json!([
            { "op": "add", "path": "members", "value": [{ "value": "b" }, { "value": "c" }] },
            { "op": "remove", "path": "members[value eq \"a\"]" },
            { "op": "remove", "path": "members", "value": [{ "value": "c" }] },
            { "op": "replace", "path": "displayName", "value": "Field Sales" },
        ])) {
            apply_team(&mut t, &op)?;
        }
        assert_eq!(t.members, vec!["b".to_string()]);
        assert_eq!(t.display_name, "Field Sales");
        Ok(())
    }
}
