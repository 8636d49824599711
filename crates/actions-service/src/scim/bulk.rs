//! /scim/v2/Bulk (RFC 7644 §3.7): many user and team operations in one request, in order.
//! `bulkId:x` references resolve to ids created earlier in the same request; `failOnErrors` stops early.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Request, State as AxState};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{BULK_REQUEST_URN, BULK_RESPONSE_URN, groups, require_schema, users};
use crate::error::{ActionsError, Result};
use crate::http::extract::{objects_at, parse_json, read_body};
use crate::http::reply::{ScimError, scim, scim_error_body};
use crate::service::Shared;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OperationIn {
    method: String,
    bulk_id: Option<String>,
    path: String,
    data: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BulkIn {
    schemas: Vec<String>,
    /// Any JSON integer (`2` or `2.0`); checked in `fail_on_errors`.
    fail_on_errors: Option<serde_json::Number>,
    #[serde(rename = "Operations")]
    operations: Vec<OperationIn>,
}

/// Replaces every `"bulkId:x"` string inside `v` by the id created for `x`.
fn resolve(v: &mut Value, ids: &HashMap<String, String>) -> Result<()> {
    match v {
        Value::String(s) => {
            if let Some(key) = s.strip_prefix("bulkId:") {
                *s = ids
                    .get(key)
                    .cloned()
                    .ok_or_else(|| ActionsError::UnresolvedBulkId(key.to_owned()))?;
            }
        }
        Value::Array(items) => items.iter_mut().try_for_each(|i| resolve(i, ids))?,
        Value::Object(m) => m.values_mut().try_for_each(|i| resolve(i, ids))?,
        _ => {}
    }
    Ok(())
}

enum Target<'a> {
    Users(Option<&'a str>),
    Groups(Option<&'a str>),
}

fn target(path: &str) -> Result<Target<'_>> {
    let p = path.trim_matches('/');
    let (kind, id) = match p.split_once('/') {
        Some((k, id)) if !id.is_empty() && !id.contains('/') => (k, Some(id)),
        Some(_) => return Err(ActionsError::InvalidPath(path.to_owned())),
        None => (p, None),
    };
    match kind {
        "Users" => Ok(Target::Users(id)),
        "Groups" => Ok(Target::Groups(id)),
        _ => Err(ActionsError::InvalidPath(path.to_owned())),
    }
}

/// Runs one operation; returns (HTTP status, resource JSON if any).
fn run(
    shared: &Shared,
    method: &str,
    path: &str,
    data: Option<&Value>,
) -> Result<(StatusCode, Option<Value>)> {
    let need =
        || data.ok_or_else(|| ActionsError::InvalidValue("this operation needs data".into()));
    match (method, target(path)?) {
        ("POST", Target::Users(None)) => {
            users::create_op(shared, need()?).map(|v| (StatusCode::CREATED, Some(v)))
        }
        ("POST", Target::Groups(None)) => {
            groups::create_op(shared, need()?).map(|v| (StatusCode::CREATED, Some(v)))
        }
        ("PUT", Target::Users(Some(id))) => {
            users::replace_op(shared, id, need()?).map(|v| (StatusCode::OK, Some(v)))
        }
        ("PUT", Target::Groups(Some(id))) => {
            groups::replace_op(shared, id, need()?).map(|v| (StatusCode::OK, Some(v)))
        }
        ("PATCH", Target::Users(Some(id))) => {
            users::patch_op(shared, id, need()?).map(|v| (StatusCode::OK, Some(v)))
        }
        ("PATCH", Target::Groups(Some(id))) => {
            groups::patch_op(shared, id, need()?).map(|v| (StatusCode::OK, Some(v)))
        }
        ("DELETE", Target::Users(Some(id))) => {
            users::delete_op(shared, id).map(|_| (StatusCode::NO_CONTENT, None))
        }
        ("DELETE", Target::Groups(Some(id))) => {
            groups::delete_op(shared, id).map(|_| (StatusCode::NO_CONTENT, None))
        }
        _ => Err(ActionsError::InvalidValue(format!(
            "{method} is not supported on {path}"
        ))),
    }
}

/// `failOnErrors` as a count; JSON Schema calls `2.0` an integer too.
fn fail_on_errors(n: Option<&serde_json::Number>) -> Result<Option<u64>> {
    let Some(n) = n else { return Ok(None) };
    let whole = n.as_u64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= 4_294_967_295.0)
            .map(|f| f as u64)
    });
    match whole {
        Some(v) if v <= u64::from(u32::MAX) => Ok(Some(v)),
        _ => Err(ActionsError::InvalidValue(
            "failOnErrors must be an integer from 0 to 4294967295".into(),
        )),
    }
}

pub async fn bulk(
    AxState(shared): AxState<Arc<Shared>>,
    req: Request,
) -> Result<Response, ScimError> {
    let limit = shared.config.bulk_max_payload_bytes;
    let bytes = read_body(req, limit).await?;
    let raw: Value = parse_json(&bytes)?;
    objects_at(&raw, &["Operations/*"])?;
    let input: BulkIn =
        serde_json::from_value(raw).map_err(|e| crate::http::extract::syntax(&e))?;
    require_schema(&input.schemas, BULK_REQUEST_URN)?;
    let max = shared.config.bulk_max_operations;
    if input.operations.len() > max {
        return Err(ActionsError::TooManyOperations { limit: max }.into());
    }
    let fail_on_errors = fail_on_errors(input.fail_on_errors.as_ref())?;
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut results = Vec::with_capacity(input.operations.len());
    let mut errors = 0u64;
    for op in input.operations {
        if fail_on_errors.is_some_and(|n| n > 0 && errors >= n) {
            break;
        }
        let method = op.method.to_ascii_uppercase();
        let outcome = (|| {
            if method == "POST" && op.bulk_id.is_none() {
                return Err(ActionsError::InvalidValue(
                    "a POST operation needs a bulkId".into(),
                ));
            }
            let mut path = Value::String(op.path.clone());
            resolve(&mut path, &ids)?;
            let path = path.as_str().unwrap_or_default().to_owned();
            // A path may also hold a reference in its id part: /Users/bulkId:x.
            let path = match path.split_once("bulkId:") {
                Some((head, key)) => {
                    format!(
                        "{head}{}",
                        ids.get(key)
                            .ok_or_else(|| ActionsError::UnresolvedBulkId(key.to_owned()))?
                    )
                }
                None => path,
            };
            let mut data = op.data.clone();
            if let Some(d) = data.as_mut() {
                resolve(d, &ids)?;
            }
            run(&shared, &method, &path, data.as_ref())
        })();
        let mut entry = Map::new();
        entry.insert("method".into(), json!(method));
        if let Some(b) = &op.bulk_id {
            entry.insert("bulkId".into(), json!(b));
        }
        match outcome {
            Ok((status, resource)) => {
                if let Some(r) = &resource {
                    if let (Some(b), Some(id)) = (&op.bulk_id, r.get("id").and_then(Value::as_str))
                    {
                        ids.insert(b.clone(), id.to_owned());
                    }
                    if let Some(loc) = r.pointer("/meta/location") {
                        entry.insert("location".into(), loc.clone());
                    }
                    if let Some(v) = r.pointer("/meta/version") {
                        entry.insert("version".into(), v.clone());
                    }
                }
                entry.insert("status".into(), json!(status.as_u16().to_string()));
            }
            Err(e) => {
                errors += 1;
                entry.insert("status".into(), json!(e.status().as_u16().to_string()));
                entry.insert("response".into(), scim_error_body(&e));
            }
        }
        results.push(Value::Object(entry));
    }
    Ok(scim(
        StatusCode::OK,
        &json!({ "schemas": [BULK_RESPONSE_URN], "Operations": results }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_ids_resolve_deeply_or_fail() {
        let ids: HashMap<String, String> = [("u1".to_string(), "abc".to_string())].into();
        let mut v = json!({ "members": [{ "value": "bulkId:u1" }], "displayName": "x" });
        assert!(resolve(&mut v, &ids).is_ok());
        assert_eq!(v["members"][0]["value"], "abc");
        let mut w = json!(["bulkId:nope"]);
        assert!(matches!(
            resolve(&mut w, &ids),
            Err(ActionsError::UnresolvedBulkId(_))
        ));
    }

    #[test]
    fn paths_are_checked() {
        assert!(matches!(target("/Users"), Ok(Target::Users(None))));
        assert!(matches!(target("/Groups/x"), Ok(Target::Groups(Some("x")))));
        assert!(target("/Schemas").is_err());
        assert!(target("/Users/a/b").is_err());
    }
}
