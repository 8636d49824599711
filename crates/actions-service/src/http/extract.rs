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

/// Serde's messages name the field and the expected type; keep them short.
fn describe(e: &serde_json::Error) -> String {
    let mut m = e.to_string();
    if m.len() > 200 {
        let mut cut = 200;
        while !m.is_char_boundary(cut) {
            cut -= 1;
        }
        m.truncate(cut);
    }
    m
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
