//! Response shapes: SCIM resources and errors (RFC 7644 §3.12) under /scim/v2,
//! JSON and RFC 9457 problem details (with a stable `code`) under /api/v1.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

use crate::error::ActionsError;

pub const SCIM_JSON: &str = "application/scim+json";
pub const PROBLEM_JSON: &str = "application/problem+json";
pub const SCIM_ERROR_URN: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

fn with_type(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

fn bytes<T: Serialize>(body: &T) -> Vec<u8> {
    serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec())
}

pub fn scim<T: Serialize>(status: StatusCode, body: &T) -> Response {
    with_type(status, SCIM_JSON, bytes(body))
}

pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    with_type(status, "application/json", bytes(body))
}

pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// Adds the headers some errors carry (Retry-After, WWW-Authenticate).
fn decorate(mut r: Response, e: &ActionsError) -> Response {
    match e {
        ActionsError::RateLimited { retry_after_secs } => {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        ActionsError::Unauthorized => {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        _ => {}
    }
    r
}

/// The SCIM error body of an error (also used inside bulk responses).
pub fn scim_error_body(e: &ActionsError) -> serde_json::Value {
    let mut body = json!({
        "schemas": [SCIM_ERROR_URN],
        "status": e.status().as_u16().to_string(),
        "detail": e.to_string(),
        "code": e.code(),
    });
    if let (Some(t), Some(obj)) = (e.scim_type(), body.as_object_mut()) {
        obj.insert("scimType".into(), t.into());
    }
    body
}

/// An error rendered for SCIM clients.
#[derive(Debug)]
pub struct ScimError(pub ActionsError);

impl From<ActionsError> for ScimError {
    fn from(e: ActionsError) -> Self {
        Self(e)
    }
}

impl IntoResponse for ScimError {
    fn into_response(self) -> Response {
        if let ActionsError::Storage(src) = &self.0 {
            tracing::error!(error = %src, "actions state could not be saved");
        }
        decorate(
            with_type(self.0.status(), SCIM_JSON, bytes(&scim_error_body(&self.0))),
            &self.0,
        )
    }
}

/// An error rendered as RFC 9457 problem details.
#[derive(Debug)]
pub struct Problem(pub ActionsError);

impl From<ActionsError> for Problem {
    fn from(e: ActionsError) -> Self {
        Self(e)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        if let ActionsError::Storage(src) = &self.0 {
            tracing::error!(error = %src, "actions state could not be saved");
        }
        let status = self.0.status();
        let body = json!({
            "type": format!("urn:sia:problem:{}", self.0.code()),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": self.0.to_string(),
            "code": self.0.code(),
        });
        decorate(with_type(status, PROBLEM_JSON, bytes(&body)), &self.0)
    }
}
