//! SCIM 2.0 (RFC 7643/7644): Users (invite = create), Groups (teams), Bulk, and discovery.
//! Handlers are thin; the operations in `users`/`groups` take JSON and are shared with Bulk.

pub mod bulk;
pub mod discovery;
pub mod filter;
pub mod groups;
pub mod list;
pub mod patch;
pub mod render;
pub mod users;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

use crate::service::Shared;

pub use sia_actions_contract::{EXT_URN, USER_URN};
pub const GROUP_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const LIST_URN: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const PATCH_URN: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const BULK_REQUEST_URN: &str = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
pub const BULK_RESPONSE_URN: &str = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";
pub const SPC_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
pub const RESOURCE_TYPE_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
pub const SCHEMA_URN: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/// The largest page a list returns (ServiceProviderConfig `filter.maxResults`).
pub const MAX_RESULTS: usize = 200;

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/Users", get(users::list).post(users::create))
        .route(
            "/Users/{id}",
            get(users::get_one)
                .put(users::replace)
                .patch(users::patch)
                .delete(users::delete),
        )
        .route("/Groups", get(groups::list).post(groups::create))
        .route(
            "/Groups/{id}",
            get(groups::get_one)
                .put(groups::replace)
                .patch(groups::patch)
                .delete(groups::delete),
        )
        .route("/Bulk", axum::routing::post(bulk::bulk))
        .route(
            "/ServiceProviderConfig",
            get(discovery::service_provider_config),
        )
        .route("/ResourceTypes", get(discovery::resource_types))
        .route("/ResourceTypes/{id}", get(discovery::resource_type))
        .route("/Schemas", get(discovery::schemas))
        .route("/Schemas/{id}", get(discovery::schema))
}

/// Checks that a request names the schema it must (RFC 7644 requires `schemas`).
pub fn require_schema(schemas: &[String], urn: &str) -> crate::error::Result<()> {
    if schemas.iter().any(|s| s.eq_ignore_ascii_case(urn)) {
        Ok(())
    } else {
        Err(crate::error::ActionsError::InvalidValue(format!(
            "schemas must contain {urn}"
        )))
    }
}
