//! Connections: Salesforce (one per user, step 2; same email activates an invitee) and
//! Marketo (one per instance, owned by the admin who connects it, step 3). Secrets are never echoed.

use std::sync::Arc;

use axum::extract::State as AxState;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::error::ActionsError;
use crate::http::extract::{Api, Body, Id};
use crate::http::reply::{Problem, json, no_content};
use crate::model::{MarketoConnection, SalesforceConnection, SalesforceEnvironment};
use crate::service::Shared;
use crate::store::{MarketoCredentials, SalesforceLogin};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketoView {
    status: &'static str,
    owner_user_id: String,
    munchkin_id: String,
    client_id: String,
    connected_at: String,
}

fn marketo_view(m: &MarketoConnection) -> MarketoView {
    MarketoView {
        status: "connected",
        owner_user_id: m.owner_user_id.clone(),
        munchkin_id: m.munchkin_id.clone(),
        client_id: m.client_id.clone(),
        connected_at: m.connected_at.clone(),
    }
}

#[derive(Serialize)]
struct Summary {
    salesforce: Vec<SalesforceConnection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    marketo: Option<MarketoView>,
}

pub async fn summary(AxState(shared): AxState<Arc<Shared>>) -> Response {
    let body = shared.read(|s| Summary {
        salesforce: s.salesforce.clone(),
        marketo: s.marketo.as_ref().map(marketo_view),
    });
    json(StatusCode::OK, &body)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SalesforceIn {
    user_id: String,
    username: String,
    email: String,
    environment: SalesforceEnvironment,
    org_id: String,
    api_enabled: bool,
}

pub async fn connect_salesforce(
    AxState(shared): AxState<Arc<Shared>>,
    Body(input, ..): Body<SalesforceIn, Api>,
) -> Result<Response, Problem> {
    let login = SalesforceLogin {
        username: input.username,
        email: input.email,
        environment: input.environment,
        org_id: input.org_id,
        api_enabled: input.api_enabled,
    };
    let conn = shared.write(|s, _| s.connect_salesforce(&input.user_id, login))?;
    Ok(json(StatusCode::CREATED, &conn))
}

pub async fn get_salesforce(
    AxState(shared): AxState<Arc<Shared>>,
    Id(user_id, ..): Id<Api>,
) -> Result<Response, Problem> {
    let conn = shared.read(|s| {
        s.user(&user_id)?;
        s.salesforce
            .iter()
            .find(|c| c.user_id == user_id)
            .cloned()
            .ok_or(ActionsError::SalesforceNotConnected)
    })?;
    Ok(json(StatusCode::OK, &conn))
}

pub async fn disconnect_salesforce(
    AxState(shared): AxState<Arc<Shared>>,
    Id(user_id, ..): Id<Api>,
) -> Result<Response, Problem> {
    shared.write(|s, _| s.disconnect_salesforce(&user_id))?;
    Ok(no_content())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketoIn {
    owner_user_id: String,
    munchkin_id: String,
    client_id: String,
    client_secret: String,
}

pub async fn connect_marketo(
    AxState(shared): AxState<Arc<Shared>>,
    Body(input, ..): Body<MarketoIn, Api>,
) -> Result<Response, Problem> {
    let creds = MarketoCredentials {
        owner_user_id: input.owner_user_id,
        munchkin_id: input.munchkin_id,
        client_id: input.client_id,
        client_secret: input.client_secret,
    };
    let conn = shared.write(|s, limits| s.connect_marketo(limits, creds))?;
    Ok(json(StatusCode::CREATED, &marketo_view(&conn)))
}

pub async fn get_marketo(AxState(shared): AxState<Arc<Shared>>) -> Result<Response, Problem> {
    let view = shared
        .read(|s| s.marketo.as_ref().map(marketo_view))
        .ok_or(ActionsError::MarketoNotConnected)?;
    Ok(json(StatusCode::OK, &view))
}

pub async fn disconnect_marketo(
    AxState(shared): AxState<Arc<Shared>>,
) -> Result<Response, Problem> {
    shared.write(|s, _| s.disconnect_marketo())?;
    Ok(no_content())
}
