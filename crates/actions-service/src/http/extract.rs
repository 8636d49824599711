//! Extractors whose rejections speak the surface's error format instead of axum's plain text.
//! `Scim` rejections are SCIM errors, `Api` rejections are problem details.

use std::collections::HashMap;
use std::marker::PhantomData;

use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::reply::{Problem, ScimError};
use crate::error::ActionsError;

/// Largest body outside bulk requests; invites and patches are small.
pub const BODY_LIMIT: usize = 256 * 1024;

pub trait Surface: Send + Sync + 'static {
    fn reject(e: ActionsError) -> Response;
    /// Largest body this surface reads before the handler sees it.
    fn body_limit() -> usize {
        BODY_LIMIT
    }
}

pub struct Scim;
pub struct Api;

impl Surface for Scim {
    fn reject(e: ActionsError) -> Response {
        ScimError(e).into_response()
    }
}

impl Surface for Api {
    fn reject(e: ActionsError) -> Response {
        Problem(e).into_response()
    }
}

/// Serde's messages name the field and the expected type, which helps; they can also quote the
/// offending value, which may be anything (even a secret pasted in the wrong field): drop the value.
fn describe(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg.as_str();
    // `invalid type: string "…"`, `invalid value: string "…"`, `unknown variant `…``, `unknown field `…``
    // keep the words and drop what sits between the quotes after "string " and "variant ".
    while let Some((i, marker, close)) = [("string \"", '"'), ("variant `", '`')]
        .iter()
        .filter_map(|(m, c)| rest.find(m).map(|i| (i, *m, *c)))
        .min_by_key(|(i, ..)| *i)
    {
        out.push_str(&rest[..i + marker.len() - 1]);
        let after = &rest[i + marker.len()..];
        match after.find(close) {
            Some(end) => rest = &after[end + 1..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    let mut m = out;
    if m.len() > 200 {
        let mut cut = 200;
        while !m.is_char_boundary(cut) {
            cut -= 1;
        }
        m.truncate(cut);
    }
    m
}

/// A body that parsed as JSON but does not fit the expected shape.
pub fn syntax(e: &serde_json::Error) -> ActionsError {
    ActionsError::InvalidSyntax(describe(e))
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ActionsError> {
    serde_json::from_slice(bytes).map_err(|e| ActionsError::InvalidSyntax(describe(&e)))
}

/// Reads the body up to `limit` bytes.
pub async fn read_body(req: Request, limit: usize) -> Result<axum::body::Bytes, ActionsError> {
    axum::body::to_bytes(req.into_body(), limit)
        .await
        .map_err(|_| ActionsError::PayloadTooLarge { limit })
}

/// A JSON body (any `+json` or plain JSON media type is accepted, as SCIM clients differ).
pub struct Body<T, S>(pub T, pub PhantomData<S>);

impl<T: DeserializeOwned, S: Surface, St: Send + Sync> FromRequest<St> for Body<T, S> {
    type Rejection = Response;

    async fn from_request(req: Request, _: &St) -> Result<Self, Self::Rejection> {
        let bytes = read_body(req, S::body_limit()).await.map_err(S::reject)?;
        let value: serde_json::Value = parse_json(&bytes).map_err(S::reject)?;
        objects_at(&value, &[]).map_err(S::reject)?;
        serde_json::from_value(value)
            .map(|v| Body(v, PhantomData))
            .map_err(|e| S::reject(ActionsError::InvalidSyntax(describe(&e))))
    }
}

/// The one path parameter of a route (a resource id).
pub struct Id<S>(pub String, pub PhantomData<S>);

impl<S: Surface, St: Send + Sync> FromRequestParts<St> for Id<S> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &St) -> Result<Self, Self::Rejection> {
        Path::<String>::from_request_parts(parts, st)
            .await
            .map(|Path(id)| Id(id, PhantomData))
            .map_err(|_| S::reject(ActionsError::NotFound("resource")))
    }
}

/// The query parameters, as strings (handlers parse the ones they know).
pub struct Params<S>(pub HashMap<String, String>, pub PhantomData<S>);

impl<S: Surface, St: Send + Sync> FromRequestParts<St> for Params<S> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &St) -> Result<Self, Self::Rejection> {
        Query::<HashMap<String, String>>::from_request_parts(parts, st)
            .await
            .map(|Query(q)| Params(q, PhantomData))
            .map_err(|_| {
                S::reject(ActionsError::InvalidSyntax(
                    "the query string is not valid".into(),
                ))
            })
    }
}

/// Serde reads a struct from a JSON array too (`[null, "x"]` as `{a: null, b: "x"}`); the contract
/// says objects. Checks that the value at each path (`/`-separated keys, `*` for every array item)
/// is an object, or null, or absent.
pub fn objects_at(v: &serde_json::Value, paths: &[&str]) -> Result<(), ActionsError> {
    fn walk(v: &serde_json::Value, keys: &[&str], path: &str) -> Result<(), ActionsError> {
        match keys.split_first() {
            None => match v {
                serde_json::Value::Object(_) | serde_json::Value::Null => Ok(()),
                _ => Err(ActionsError::InvalidSyntax(format!(
                    "{} must be an object",
                    if path.is_empty() { "the body" } else { path }
                ))),
            },
            Some((&"*", rest)) => match v {
                serde_json::Value::Array(items) => {
                    items.iter().try_for_each(|i| walk(i, rest, path))
                }
                _ => Ok(()),
            },
            Some((key, rest)) => match v.get(*key) {
                Some(child) => walk(child, rest, key),
                None => Ok(()),
            },
        }
    }
    if !v.is_object() {
        return Err(ActionsError::InvalidSyntax(
            "the body must be a JSON object".into(),
        ));
    }
    paths.iter().try_for_each(|p| {
        let keys: Vec<&str> = p.split('/').filter(|k| !k.is_empty()).collect();
        walk(v, &keys, "")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Shape {
        n: u32,
        e: Option<Kind>,
    }

    #[derive(Debug, serde::Deserialize)]
    enum Kind {
        A,
    }

    fn message(json: &str) -> String {
        serde_json::from_str::<Shape>(json)
            .err()
            .map(|e| describe(&e))
            .unwrap_or_default()
    }

    #[test]
    fn messages_keep_the_field_and_drop_the_value() {
        let m = message(r#"{"n": "s3cret-value"}"#);
        assert!(m.contains("invalid type: string"), "{m}");
        assert!(!m.contains("s3cret"), "{m}");
        let m = message(r#"{"n": 1, "e": "s3cret"}"#);
        assert!(m.contains("unknown variant"), "{m}");
        assert!(!m.contains("s3cret"), "{m}");
        assert!(message(r#"{}"#).contains("missing field `n`"));
    }

    #[test]
    fn only_objects_where_the_contract_says_objects() {
        let v = serde_json::json!({ "name": [null], "members": [{ "value": "a" }, ["b"]] });
        assert!(objects_at(&v, &["members/*"]).is_err());
        assert!(objects_at(&v, &["name"]).is_err());
        assert!(objects_at(&serde_json::json!({ "name": null }), &["name", "absent/*"]).is_ok());
        assert!(objects_at(&serde_json::json!([1]), &[]).is_err());
    }
}
