//! /scim/v2/Groups: the instance's teams. Everyone is built in; at most `team_limit` teams.
//! The operations take and return JSON so Bulk can run them too.

use std::sync::Arc;

use axum::extract::State as AxState;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;

use super::patch::{self, TeamEdit};
use super::{GROUP_URN, filter, list, render, require_schema};
use crate::error::Result;
use crate::http::extract::{Body, Id, Params, Scim, objects_at};
use crate::http::reply::{ScimError, no_content, scim};
use crate::service::Shared;

#[derive(Deserialize)]
struct MemberIn {
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupIn {
    schemas: Vec<String>,
    display_name: String,
    members: Option<Vec<MemberIn>>,
}

fn group_in(data: &Value) -> Result<(String, Vec<String>)> {
    objects_at(data, &["members/*"])?;
    let g: GroupIn =
        serde_json::from_value(data.clone()).map_err(|e| crate::http::extract::syntax(&e))?;
    require_schema(&g.schemas, GROUP_URN)?;
    Ok((
        g.display_name,
        g.members
            .unwrap_or_default()
            .into_iter()
            .map(|m| m.value)
            .collect(),
    ))
}

pub fn create_op(shared: &Shared, data: &Value) -> Result<Value> {
    let (name, members) = group_in(data)?;
    shared.write(|s, limits| {
        let t = s.create_team(limits, &name, &members)?;
        Ok(render::group(s, &t))
    })
}

pub fn replace_op(shared: &Shared, id: &str, data: &Value) -> Result<Value> {
    let (name, members) = group_in(data)?;
    shared.write(|s, _| {
        let t = s.update_team(id, &name, &members)?;
        Ok(render::group(s, &t))
    })
}

pub fn patch_op(shared: &Shared, id: &str, data: &Value) -> Result<Value> {
    let ops = patch::operations(data)?;
    shared.write(|s, _| {
        let team = s.team(id)?.clone();
        let mut edit = TeamEdit {
            display_name: team.display_name.clone(),
            members: s
                .team_members(id)
                .into_iter()
                .map(|u| u.id.clone())
                .collect(),
        };
        for op in &ops {
            patch::apply_team(&mut edit, op)?;
        }
        let t = s.update_team(id, &edit.display_name, &edit.members)?;
        Ok(render::group(s, &t))
    })
}

pub fn delete_op(shared: &Shared, id: &str) -> Result<()> {
    shared.write(|s, _| s.delete_team(id))
}

pub async fn create(
    AxState(shared): AxState<Arc<Shared>>,
    Body(data, ..): Body<Value, Scim>,
) -> Result<Response, ScimError> {
    let body = create_op(&shared, &data)?;
    let mut r = scim(StatusCode::CREATED, &body);
    if let Some(loc) = body.pointer("/meta/location").and_then(Value::as_str)
        && let Ok(v) = HeaderValue::from_str(loc)
    {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}

pub async fn list(
    AxState(shared): AxState<Arc<Shared>>,
    Params(params, ..): Params<Scim>,
) -> Result<Response, ScimError> {
    let page = list::page(&params)?;
    let wanted = params
        .get("filter")
        .map(|f| filter::parse(f, &["displayName"]))
        .transpose()?;
    let all = shared.read(|s| {
        s.teams
            .iter()
            .filter(|t| {
                wanted
                    .as_ref()
                    .is_none_or(|f| t.display_name.to_lowercase() == f.value.to_lowercase())
            })
            .map(|t| render::group(s, t))
            .collect::<Vec<_>>()
    });
    Ok(scim(StatusCode::OK, &list::respond(all, page)))
}

pub async fn get_one(
    AxState(shared): AxState<Arc<Shared>>,
    Id(id, ..): Id<Scim>,
) -> Result<Response, ScimError> {
    let body = shared.read(|s| s.team(&id).map(|t| render::group(s, t)))?;
    Ok(scim(StatusCode::OK, &body))
}

pub async fn replace(
    AxState(shared): AxState<Arc<Shared>>,
    Id(id, ..): Id<Scim>,
    Body(data, ..): Body<Value, Scim>,
) -> Result<Response, ScimError> {
    Ok(scim(StatusCode::OK, &replace_op(&shared, &id, &data)?))
}

pub async fn patch(
    AxState(shared): AxState<Arc<Shared>>,
    Id(id, ..): Id<Scim>,
    Body(data, ..): Body<Value, Scim>,
) -> Result<Response, ScimError> {
    Ok(scim(StatusCode::OK, &patch_op(&shared, &id, &data)?))
}

pub async fn delete(
    AxState(shared): AxState<Arc<Shared>>,
    Id(id, ..): Id<Scim>,
) -> Result<Response, ScimError> {
    delete_op(&shared, &id)?;
    Ok(no_content())
}
