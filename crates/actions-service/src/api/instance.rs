//! The instance: its state, activation by the first invite of Marketo admins (step 1),
//! and the Integration Information (client id and secret) that exists only after activation.

use std::sync::Arc;

use axum::extract::State as AxState;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::error::ActionsError;
use crate::http::extract::{Api, Body, objects_at};
use crate::http::reply::{Problem, json};
use crate::model::SalesforceEnvironment;
use crate::service::Shared;
use crate::store::{NewUser, State};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceView {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    activated_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    original_user_id: Option<String>,
    munchkin_id: String,
    seat_limit: usize,
    seats_used: usize,
    team_limit: usize,
    teams_used: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    salesforce_environment: Option<SalesforceEnvironment>,
    integration_information_available: bool,
}

pub fn view(shared: &Shared, s: &State) -> InstanceView {
    InstanceView {
        status: if s.is_active() {
            "active"
        } else {
            "notActivated"
        },
        activated_at: s.instance.activated_at.clone(),
        original_user_id: s.instance.original_user_id.clone(),
        munchkin_id: shared.config.munchkin_id.clone(),
        seat_limit: shared.limits.seat_limit,
        seats_used: s.users.len(),
        team_limit: shared.limits.team_limit,
        teams_used: s.teams.len(),
        salesforce_environment: s.instance.salesforce_environment,
        integration_information_available: s.instance.client_id.is_some(),
    }
}

pub async fn get_instance(AxState(shared): AxState<Arc<Shared>>) -> Response {
    json(StatusCode::OK, &shared.read(|s| view(&shared, s)))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminIn {
    email: String,
    given_name: Option<String>,
    family_name: Option<String>,
    workspace: Option<String>,
}

#[derive(Deserialize)]
pub struct ActivationIn {
    admins: Vec<AdminIn>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Outcome {
    email: String,
    outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

#[derive(Serialize)]
struct ActivationView {
    instance: InstanceView,
    results: Vec<Outcome>,
}

pub async fn activate(
    AxState(shared): AxState<Arc<Shared>>,
    Body(raw, ..): Body<serde_json::Value, Api>,
) -> Result<Response, Problem> {
    objects_at(&raw, &["admins/*"])?;
    let input: ActivationIn =
        serde_json::from_value(raw).map_err(|e| crate::http::extract::syntax(&e))?;
    if input.admins.is_empty() {
        return Err(Problem(ActionsError::InvalidValue(
            "admins must name at least one Marketo admin".into(),
        )));
    }
    let admins = input
        .admins
        .into_iter()
        .map(|a| NewUser {
            user_name: a.email,
            given_name: a.given_name,
            family_name: a.family_name,
            workspace: a.workspace,
            ..NewUser::default()
        })
        .collect();
    let results = shared.write(|s, limits| Ok(s.activate(limits, admins)))?;
    let results = results
        .into_iter()
        .map(|(email, r)| match r {
            Ok(u) => Outcome {
                email,
                outcome: "invited",
                user_id: Some(u.id),
                code: None,
                detail: None,
            },
            Err(e) => Outcome {
                email,
                outcome: "failed",
                user_id: None,
                code: Some(e.code()),
                detail: Some(e.to_string()),
            },
        })
        .collect();
    let instance = shared.read(|s| view(&shared, s));
    Ok(json(StatusCode::OK, &ActivationView { instance, results }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IntegrationView {
    munchkin_id: String,
    client_id: String,
    client_secret: String,
}

/// The Integration Information card: what the admin pastes when connecting Marketo (step 3).
pub async fn integration(AxState(shared): AxState<Arc<Shared>>) -> Result<Response, Problem> {
    let view = shared.read(
        |s| match (&s.instance.client_id, &s.instance.client_secret) {
            (Some(id), Some(secret)) => Ok(IntegrationView {
                munchkin_id: shared.config.munchkin_id.clone(),
                client_id: id.clone(),
                client_secret: secret.clone(),
            }),
            _ => Err(ActionsError::InstanceNotActive),
        },
    )?;
    Ok(json(StatusCode::OK, &view))
}
