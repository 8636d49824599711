//! The Salesforce stand-in: OAuth 2.0 (PKCE, refresh, revoke, userinfo), REST and Tooling queries.
//! One server plays both the login host and the org's `instance_url`.

mod config;
mod oauth;
mod rest;
pub mod seed;
pub mod soql;
mod state;

pub use config::{
    DEMO_CALLBACK_PORTS, MSI_REMOTE_SITES, OrgType, PackageVersion, RemoteSite, SalesforceConfig,
};
pub use rest::LATEST_VERSION;
pub use seed::{ACTIONS_APP_NAME, SeedOauthToken, SeedUser};
pub use state::SalesforceControl;

use crate::clock::Clock;
use crate::store::Store;
use axum::Router;
use axum::routing::get;
use std::sync::Arc;

/// Builds the router for a Salesforce stand-in reachable at `base_url`, and its control handle.
pub(crate) fn build(
    base_url: String,
    config: SalesforceConfig,
    clock: Clock,
    store: Option<Arc<Store>>,
) -> (Router, SalesforceControl) {
    let shared = Arc::new(state::Shared::new(base_url, config, clock, store));
    let router = Router::new()
        .route(
            "/services/oauth2/authorize",
            get(oauth::authorize_get).post(oauth::authorize_post),
        )
        .route("/services/oauth2/token", axum::routing::post(oauth::token))
        .route(
            "/services/oauth2/revoke",
            get(oauth::revoke).post(oauth::revoke),
        )
        .route(
            "/services/oauth2/userinfo",
            get(oauth::userinfo).post(oauth::userinfo),
        )
        .route("/id/{org}/{user}", get(oauth::identity))
        .route("/services/data", get(rest::versions))
        .route("/services/data/", get(rest::versions))
        .route("/services/data/{version}/query", get(rest::query))
        .route(
            "/services/data/{version}/query/{locator}",
            get(rest::query_more),
        )
        .route(
            "/services/data/{version}/tooling/query",
            get(rest::tooling_query),
        )
        .route(
            "/services/data/{version}/tooling/query/{locator}",
            get(rest::tooling_query_more),
        )
        .fallback(rest::fallback)
        .with_state(shared.clone());
    (router, SalesforceControl { shared })
}

/// Starts a Salesforce stand-in alone on `port` (0 = OS-assigned), without persistence.
pub async fn serve(
    port: u16,
    config: SalesforceConfig,
    opts: crate::harness::ServeOptions,
) -> Result<(crate::harness::Served, SalesforceControl), crate::SandboxError> {
    let bound = crate::harness::Bound::loopback(port).await?;
    let (router, control) = build(bound.base_url(), config, opts.clock.clone(), None);
    Ok((crate::harness::serve_bound(bound, router, opts), control))
}
