//! The HTTP surface: the router, the guard (bearer auth, rate limit), extractors and replies.
//! Handlers live in `crate::scim` and `crate::api`; this module only wires them.

pub mod extract;
pub mod guard;
pub mod reply;

use std::sync::Arc;

use axum::Router;
use axum::middleware;

use axum::http::Uri;
use axum::response::{IntoResponse, Response};

use crate::error::ActionsError;
use crate::service::Shared;

/// Unknown paths answer in the surface's error format, not with an empty body.
async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/scim/") {
        reply::ScimError(ActionsError::NotFound("resource")).into_response()
    } else {
        reply::Problem(ActionsError::NotFound("resource")).into_response()
    }
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .nest("/scim/v2", crate::scim::routes())
        .nest("/api/v1", crate::api::routes())
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), guard::guard))
        .with_state(shared)
}
