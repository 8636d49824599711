//! /api/v1: what SCIM has no words for — the instance, connections, data sync, and stand-in controls.
//! Errors here are RFC 9457 problem details with a stable `code`.

pub mod connections;
pub mod demo;
pub mod instance;
pub mod sync;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::service::Shared;

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/instance", get(instance::get_instance))
        .route("/instance/activation", post(instance::activate))
        .route("/instance/integration", get(instance::integration))
        .route("/connections", get(connections::summary))
        .route(
            "/connections/salesforce",
            post(connections::connect_salesforce),
        )
        .route(
            "/connections/salesforce/{userId}",
            get(connections::get_salesforce).delete(connections::disconnect_salesforce),
        )
        .route(
            "/connections/marketo",
            get(connections::get_marketo)
                .post(connections::connect_marketo)
                .delete(connections::disconnect_marketo),
        )
        .route("/sync", get(sync::status).post(sync::start))
        .route("/sync/fields", get(sync::fields))
        .route("/demo/outbox", get(demo::outbox))
        .route("/demo/users/{userId}/accept-invitation", post(demo::accept))
}
