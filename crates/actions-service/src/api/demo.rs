//! Stand-in-only controls: read the invitation outbox, and make an invitee accept
//! (as if they connected Salesforce with the same email). A real Actions service has neither.

use std::sync::Arc;

use axum::extract::State as AxState;
use axum::http::StatusCode;
use axum::response::Response;

use crate::http::extract::{Api, Id};
use crate::http::reply::{Problem, json};
use crate::scim::render;
use crate::service::{Shared, accept as accept_invitation};

pub async fn outbox(AxState(shared): AxState<Arc<Shared>>) -> Response {
    json(StatusCode::OK, &shared.read(|s| s.outbox.clone()))
}

pub async fn accept(
    AxState(shared): AxState<Arc<Shared>>,
    Id(user_id, ..): Id<Api>,
) -> Result<Response, Problem> {
    let user = accept_invitation(&shared, &user_id)?;
    let body = shared.read(|s| render::user(s, &user));
    Ok(json(StatusCode::OK, &body))
}
