//! The Marketo stand-in: identity token, lead database (describe, lookup with paging), user management.
//! The REST paths sit under one base URL, as `https://{munchkin}.mktorest.com` does.

mod api;
mod config;
mod limits;
pub mod seed;
mod usage;

pub use api::MAX_BATCH;
pub use config::{MarketoConfig, MarketoCredentials, OtherApiClient};
pub use limits::LimitSettings;
pub use seed::{ACTIONS_API_USERID, DW_EXPORT_USERID, MarketoUser, SYNCED_FIELDS};

use crate::clock::Clock;
use crate::store::Store;
use axum::Router;
use axum::routing::get;
use std::sync::Arc;
use std::time::Duration;

/// Builds the router for a Marketo stand-in and its control handle.
/// `owners` are the Salesforce user ids that own synced people.
pub(crate) fn build(
    config: MarketoConfig,
    clock: Clock,
    owners: Vec<String>,
    store: Option<Arc<Store>>,
) -> (Router, MarketoControl) {
    let shared = Arc::new(api::Shared::new(config, clock, owners, store));
    let router = Router::new()
        .route("/identity/oauth/token", get(api::token).post(api::token))
        .route("/rest/v1/leads/describe2.json", get(api::describe2))
        .route("/rest/v1/leads.json", get(api::leads))
        .route("/rest/v1/stats/usage.json", get(api::usage_today))
        .route(
            "/rest/v1/stats/usage/last7days.json",
            get(api::usage_last_7_days),
        )
        .route(
            "/userservice/management/v1/users/allusers.json",
            get(api::all_users),
        )
        .route(
            "/userservice/management/v1/users/{userid}/roles.json",
            get(api::roles),
        )
        .fallback(api::not_found)
        .with_state(shared.clone());
    (router, MarketoControl { shared })
}

/// Starts a Marketo stand-in alone on `port` (0 = OS-assigned), without persistence.
pub async fn serve(
    port: u16,
    config: MarketoConfig,
    owners: Vec<String>,
    opts: crate::harness::ServeOptions,
) -> Result<(crate::harness::Served, MarketoControl), crate::SandboxError> {
    let (router, control) = build(config, opts.clock.clone(), owners, None);
    Ok((crate::harness::serve(port, router, opts).await?, control))
}

/// Keeps admitted calls waiting inside the service until dropped (see [`MarketoControl::hold`]).
pub struct Hold {
    shared: Arc<api::Shared>,
}

impl Drop for Hold {
    fn drop(&mut self) {
        self.shared.limiter.set_hold(false);
    }
}

/// Handle for tests and the demo to change the Marketo stand-in while it runs.
#[derive(Clone)]
pub struct MarketoControl {
    shared: Arc<api::Shared>,
}

impl MarketoControl {
    pub fn credentials(&self) -> &MarketoCredentials {
        &self.shared.config.credentials
    }

    /// Other integrations' API clients (their own credentials and API users).
    pub fn other_api_clients(&self) -> &[OtherApiClient] {
        &self.shared.config.other_api_clients
    }

    /// The API user the Integration Information's credentials belong to.
    pub fn actions_api_user(&self) -> &'static str {
        ACTIONS_API_USERID
    }

    /// REST calls `userid` made today (Marketo's day: midnight US Central Standard Time), as
    /// `stats/usage.json` reports them.
    pub fn usage_today(&self, userid: &str) -> u64 {
        self.shared.usage.count(self.shared.today(), userid)
    }

    /// Pretends `userid` made `calls` REST calls `days_ago` days ago (0 = today; up to 7), so
    /// `stats/usage/last7days.json` has history without a week of waiting.
    pub fn add_usage(&self, days_ago: u32, userid: &str, calls: u64) {
        let today = self.shared.today();
        self.shared
            .usage
            .add(today, today - i64::from(days_ago.min(7)), userid, calls);
    }

    pub fn people(&self) -> u64 {
        self.shared.config.people
    }

    /// Person `id` as the database holds it (all fields).
    pub fn person(&self, id: u64) -> Option<serde_json::Map<String, serde_json::Value>> {
        self.shared.people().get(id)
    }

    /// How many people have a Salesforce owner (scans the database).
    pub fn people_with_owner(&self) -> u64 {
        let p = self.shared.people();
        (1..=p.count)
            .filter(|i| p.get(*i).is_some_and(|m| !m["sfdcLeadOwnerId"].is_null()))
            .count() as u64
    }

    pub fn users(&self) -> &[MarketoUser] {
        &self.shared.users
    }

    pub fn limits(&self) -> LimitSettings {
        self.shared.limiter.settings()
    }

    pub fn set_limits(&self, limits: LimitSettings) {
        self.shared.limiter.set_settings(limits);
    }

    pub fn set_token_ttl(&self, ttl: Duration) {
        *self
            .shared
            .token_ttl
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = ttl;
    }

    /// Calls admitted today (towards the 607 quota).
    pub fn daily_used(&self) -> u64 {
        self.shared.limiter.daily_used()
    }

    /// Pretends `n` calls were already made today (to reach 607 without making them).
    pub fn set_daily_used(&self, n: u64) {
        self.shared.limiter.set_daily_used(n);
    }

    /// Forgets the calls of the current 20 s window.
    pub fn reset_rate_window(&self) {
        self.shared.limiter.reset_window();
    }

    /// Calls admitted and not yet answered.
    pub fn in_flight(&self) -> u32 {
        self.shared.limiter.in_flight()
    }

    /// Holds every admitted call inside the service until the returned guard is dropped.
    pub fn hold(&self) -> Hold {
        self.shared.limiter.set_hold(true);
        Hold {
            shared: self.shared.clone(),
        }
    }

    /// Forgets every token handed out, as when an API user's secret is reset: the next REST
    /// call with one of them gets 601 "Access token invalid", and the identity endpoint issues
    /// new ones.
    pub fn forget_tokens(&self) {
        self.shared
            .live
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.shared
            .issued
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Makes the Integration Information's live token expire now (the next REST call gets 602).
    pub fn expire_token(&self) {
        let now = self.shared.clock.now_ms();
        let mut live = self.shared.live.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((t, exp)) = live.get_mut(&self.shared.config.credentials.client_id) {
            *exp = now;
            if let Some(issued) = self
                .shared
                .issued
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_mut(&crate::store::digest(t))
            {
                issued.0 = now;
            }
        }
    }
}
