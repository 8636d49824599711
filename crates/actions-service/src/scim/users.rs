//! /scim/v2/Users: create is an invitation; list filters on userName; PUT, PATCH and DELETE by id.
//! The operations take and return JSON so Bulk can run them too.

use std::sync::Arc;

use axum::extract::State as AxState;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::Value;
use sia_actions_contract::ScimUser;

use super::{EXT_URN, USER_URN, filter, list, patch, render, require_schema};
use crate::error::{ActionsError, Result};
use crate::http::extract::{Body, Id, Params, Scim, objects_at};
use crate::http::reply::{ScimError, no_content, scim};
use crate::service::Shared;
use crate::store::{NewUser, UserEdit};

/// A user as a request writes it: the contract's body, the one the invite engine sends.
/// The extension's `teams` is read for a new user and ignored on replace (use Groups to move users).
pub type UserIn = ScimUser;

/// Given and family name, each absent when the request left it out.
fn names(u: &mut UserIn) -> (Option<String>, Option<String>) {
    u.name
        .take()
        .map(|n| (n.given_name, n.family_name))
        .unwrap_or_default()
}

fn user_in(data: &Value) -> Result<UserIn> {
    objects_at(data, &["name", EXT_URN])?;
    let u: UserIn =
        serde_json::from_value(data.clone()).map_err(|e| crate::http::extract::syntax(&e))?;
    require_schema(&u.schemas, USER_URN)?;
    Ok(u)
}

/// Invites one user; returns the resource.
pub fn create_op(shared: &Shared, data: &Value) -> Result<Value> {
    let mut u = user_in(data)?;
    if u.active == Some(false) {
        return Err(ActionsError::InvalidValue(
            "a new user is always active; deactivate after inviting".into(),
        ));
    }
    let (given_name, family_name) = names(&mut u);
    let ext = u.ext.unwrap_or_default();
    let new = NewUser {
        user_name: u.user_name,
        given_name,
        family_name,
        display_name: u.display_name,
        role: ext.role.unwrap_or_default(),
        workspace: ext.workspace,
        teams: ext.teams,
    };
    shared.write(|s, limits| {
        let user = s.invite(limits, new)?;
        Ok(render::user(s, &user))
    })
}

pub fn replace_op(shared: &Shared, id: &str, data: &Value) -> Result<Value> {
    let mut u = user_in(data)?;
    let (given_name, family_name) = names(&mut u);
    let ext = u.ext.take().unwrap_or_default();
    shared.write(|s, _| {
        let current = s.user(id)?.clone();
        let edit = UserEdit {
            user_name: u.user_name,
            given_name,
            family_name,
            display_name: u.display_name,
            active: u.active.unwrap_or(current.active),
            role: ext.role.unwrap_or(current.role),
            workspace: ext.workspace.unwrap_or(current.workspace),
        };
        let user = s.update_user(id, edit)?;
        Ok(render::user(s, &user))
    })
}

pub fn patch_op(shared: &Shared, id: &str, data: &Value) -> Result<Value> {
    let ops = patch::operations(data)?;
    shared.write(|s, _| {
        let mut edit = UserEdit::of(s.user(id)?);
        for op in &ops {
            patch::apply_user(&mut edit, op)?;
        }
        let user = s.update_user(id, edit)?;
        Ok(render::user(s, &user))
    })
}

pub fn delete_op(shared: &Shared, id: &str) -> Result<()> {
    shared.write(|s, _| s.delete_user(id))
}

fn created(body: &Value) -> Response {
    let mut r = scim(StatusCode::CREATED, body);
    if let Some(loc) = body.pointer("/meta/location").and_then(Value::as_str)
        && let Ok(v) = HeaderValue::from_str(loc)
    {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

pub async fn create(
    AxState(shared): AxState<Arc<Shared>>,
    Body(data, ..): Body<Value, Scim>,
) -> Result<Response, ScimError> {
    Ok(created(&create_op(&shared, &data)?))
}

pub async fn list(
    AxState(shared): AxState<Arc<Shared>>,
    Params(params, ..): Params<Scim>,
) -> Result<Response, ScimError> {
    let page = list::page(&params)?;
    let wanted = params
        .get("filter")
        .map(|f| filter::parse(f, &["userName"]))
        .transpose()?;
    let all = shared.read(|s| {
        s.users
            .iter()
            .filter(|u| {
                wanted
                    .as_ref()
                    .is_none_or(|f| u.user_name.to_lowercase() == f.value.to_lowercase())
            })
            .map(|u| render::user(s, u))
            .collect::<Vec<_>>()
    });
    Ok(scim(StatusCode::OK, &list::respond(all, page)))
}

pub async fn get_one(
    AxState(shared): AxState<Arc<Shared>>,
    Id(id, ..): Id<Scim>,
) -> Result<Response, ScimError> {
    let body = shared.read(|s| s.user(&id).map(|u| render::user(s, u)))?;
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
