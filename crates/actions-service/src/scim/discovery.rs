//! SCIM discovery (RFC 7644 §4): ServiceProviderConfig, ResourceTypes and Schemas.
//! They describe exactly what this service supports, so generic SCIM clients adapt to it.

use std::sync::Arc;

use axum::extract::State as AxState;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{
    EXT_URN, GROUP_URN, LIST_URN, MAX_RESULTS, RESOURCE_TYPE_URN, SCHEMA_URN, SPC_URN, USER_URN,
};
use crate::error::ActionsError;
use crate::http::extract::{Id, Scim};
use crate::http::reply::{ScimError, scim};
use crate::service::Shared;

fn list(items: Vec<Value>) -> Value {
    json!({ "schemas": [LIST_URN], "totalResults": items.len(), "startIndex": 1, "itemsPerPage": items.len(), "Resources": items })
}

pub async fn service_provider_config(AxState(shared): AxState<Arc<Shared>>) -> Response {
    let c = &shared.config;
    scim(
        StatusCode::OK,
        &json!({
            "schemas": [SPC_URN],
            "documentationUri": "docs/actions-admin-api.md",
            "patch": { "supported": true },
            "bulk": { "supported": true, "maxOperations": c.bulk_max_operations, "maxPayloadSize": c.bulk_max_payload_bytes },
            "filter": { "supported": true, "maxResults": MAX_RESULTS },
            "changePassword": { "supported": false },
            "sort": { "supported": false },
            "etag": { "supported": false },
            "authenticationSchemes": [{
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "A bearer token in the Authorization header",
                "primary": true
            }],
            "meta": { "resourceType": "ServiceProviderConfig", "location": "/scim/v2/ServiceProviderConfig" }
        }),
    )
}

fn resource_type_list() -> Vec<Value> {
    vec![
        json!({
            "schemas": [RESOURCE_TYPE_URN], "id": "User", "name": "User", "endpoint": "/Users",
            "description": "An Actions user; creating one sends an invitation", "schema": USER_URN,
            "schemaExtensions": [{ "schema": EXT_URN, "required": false }],
            "meta": { "resourceType": "ResourceType", "location": "/scim/v2/ResourceTypes/User" }
        }),
        json!({
            "schemas": [RESOURCE_TYPE_URN], "id": "Group", "name": "Group", "endpoint": "/Groups",
            "description": "An Actions team", "schema": GROUP_URN,
            "meta": { "resourceType": "ResourceType", "location": "/scim/v2/ResourceTypes/Group" }
        }),
    ]
}

pub async fn resource_types() -> Response {
    scim(StatusCode::OK, &list(resource_type_list()))
}

pub async fn resource_type(Id(id, ..): Id<Scim>) -> Result<Response, ScimError> {
    let found = resource_type_list()
        .into_iter()
        .find(|r| r["id"] == id.as_str());
    found
        .map(|r| scim(StatusCode::OK, &r))
        .ok_or(ScimError(ActionsError::NotFound("resource type")))
}

fn attr(name: &str, kind: &str, required: bool, mutability: &str, description: &str) -> Value {
    json!({
        "name": name, "type": kind, "multiValued": false, "description": description, "required": required,
        "caseExact": false, "mutability": mutability, "returned": "default", "uniqueness": "none"
    })
}

fn with(mut a: Value, key: &str, v: Value) -> Value {
    if let Some(o) = a.as_object_mut() {
        o.insert(key.to_owned(), v);
    }
    a
}

fn schema_list() -> Vec<Value> {
    let user = json!({
        "schemas": [SCHEMA_URN], "id": USER_URN, "name": "User", "description": "User Account",
        "attributes": [
            with(attr("userName", "string", true, "readWrite", "The email address; unique per instance, case-insensitive"), "uniqueness", json!("server")),
            with(attr("name", "complex", false, "readWrite", "The user's name"), "subAttributes", json!([
                attr("givenName", "string", false, "readWrite", "First name"),
                attr("familyName", "string", false, "readWrite", "Last name"),
            ])),
            attr("displayName", "string", false, "readWrite", "Name shown in Actions"),
            attr("active", "boolean", false, "readWrite", "False once the user is deactivated"),
            with(with(attr("emails", "complex", false, "readOnly", "The userName as the work email"), "multiValued", json!(true)), "subAttributes", json!([
                attr("value", "string", false, "readOnly", "Email address"),
                attr("type", "string", false, "readOnly", "Always work"),
                attr("primary", "boolean", false, "readOnly", "Always true"),
            ])),
            with(with(attr("groups", "complex", false, "readOnly", "The user's teams"), "multiValued", json!(true)), "subAttributes", json!([
                attr("value", "string", false, "readOnly", "Team id"),
                attr("display", "string", false, "readOnly", "Team name"),
            ])),
        ],
        "meta": { "resourceType": "Schema", "location": format!("/scim/v2/Schemas/{USER_URN}") }
    });
    let group = json!({
        "schemas": [SCHEMA_URN], "id": GROUP_URN, "name": "Group", "description": "Team",
        "attributes": [
            with(attr("displayName", "string", true, "readWrite", "Team name; unique per instance, case-insensitive"), "uniqueness", json!("server")),
            with(with(attr("members", "complex", false, "readWrite", "Users in the team"), "multiValued", json!(true)), "subAttributes", json!([
                attr("value", "string", true, "immutable", "User id"),
                attr("display", "string", false, "readOnly", "The user's email"),
            ])),
        ],
        "meta": { "resourceType": "Schema", "location": format!("/scim/v2/Schemas/{GROUP_URN}") }
    });
    let ext = json!({
        "schemas": [SCHEMA_URN], "id": EXT_URN, "name": "ActionsUser", "description": "What Actions adds to a user",
        "attributes": [
            with(attr("role", "string", false, "readWrite", "Admin or User"), "canonicalValues", json!(["Admin", "User"])),
            attr("workspace", "string", false, "readWrite", "The Marketo workspace; Default when there is one"),
            with(attr("invitationStatus", "string", false, "readOnly", "invited, or active once the invitee connected Salesforce"), "canonicalValues", json!(["invited", "active"])),
            attr("invitedAt", "dateTime", false, "readOnly", "When the invitation was sent"),
            attr("activatedAt", "dateTime", false, "readOnly", "When the invitee became active"),
            attr("originalUser", "boolean", false, "readOnly", "True for the first invitee of the instance"),
            with(with(attr("teams", "string", false, "writeOnly", "Team names or ids for a new user; Everyone when absent"), "multiValued", json!(true)), "returned", json!("never")),
        ],
        "meta": { "resourceType": "Schema", "location": format!("/scim/v2/Schemas/{EXT_URN}") }
    });
    vec![user, group, ext]
}

pub async fn schemas() -> Response {
    scim(StatusCode::OK, &list(schema_list()))
}

pub async fn schema(Id(id, ..): Id<Scim>) -> Result<Response, ScimError> {
    let found = schema_list().into_iter().find(|s| s["id"] == id.as_str());
    found
        .map(|s| scim(StatusCode::OK, &s))
        .ok_or(ScimError(ActionsError::NotFound("schema")))
}
