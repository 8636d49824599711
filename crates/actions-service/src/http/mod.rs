//! The HTTP surface: the router, the guard (bearer auth, rate limit), extractors and replies.
//! Handlers live in `crate::scim` and `crate::api`; this module only wires them.

pub mod extract;
pub mod guard;
pub mod reply;

use std::sync::Arc;

use axum::Router;
use axum::middleware;

use crate::service::Shared;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .nest("/scim/v2", crate::scim::routes())
        .nest("/api/v1", crate::api::routes())
        .layer(middleware::from_fn_with_state(shared.clone(), guard::guard))
        .with_state(shared)
}
