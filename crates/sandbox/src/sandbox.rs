//! Starts the Salesforce and Marketo stand-ins (and the Actions service) on loopback through the harness.
//! One call for tests, demo mode, benchmarks and `sia sandbox`; one handle to read logs and inject faults.

use crate::SandboxError;
use crate::clock::Clock;
use crate::harness::{self, Bound, FaultControl, FaultRule, RequestLog, ServeOptions, Served};
use crate::marketo::{self, MarketoConfig, MarketoControl, MarketoCredentials};
use crate::salesforce::{self, OrgType, SalesforceConfig, SalesforceControl};
use crate::store::Store;
use serde::Serialize;
use sia_actions_service::{ActionsConfig, ActionsService, IntegrationCredentials};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Ports to listen on; 0 lets the OS pick a free one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SandboxPorts {
    pub salesforce: u16,
    pub marketo: u16,
    pub actions: u16,
}

impl SandboxPorts {
    /// Every port OS-assigned.
    pub const ANY: SandboxPorts = SandboxPorts {
        salesforce: 0,
        marketo: 0,
        actions: 0,
    };
    /// Fixed ports of demo mode, so URLs saved by the app stay valid across restarts.
    pub const DEMO: SandboxPorts = SandboxPorts {
        salesforce: 47801,
        marketo: 47802,
        actions: 47803,
    };
}

/// Everything [`Sandbox::start`] needs.
#[derive(Clone)]
pub struct SandboxConfig {
    pub salesforce: SalesforceConfig,
    pub marketo: MarketoConfig,
    pub ports: SandboxPorts,
    /// SQLite file that keeps grants and tokens across restarts; `None` keeps state in memory.
    pub state_file: Option<PathBuf>,
    /// Requests kept in the log (oldest dropped first).
    pub log_capacity: usize,
    /// Fault rules active from the start, per service.
    pub salesforce_faults: Vec<FaultRule>,
    pub marketo_faults: Vec<FaultRule>,
    pub actions_faults: Vec<FaultRule>,
    /// The Actions admin API service (crate `sia-actions-service`); `None` serves none.
    /// Its Munchkin ID and invitation link base are set from the sandbox at start; with a
    /// `state_file`, it keeps its own state in a sibling file (`….actions.sqlite`).
    pub actions: Option<ActionsConfig>,
    /// Serve this router as the Actions API instead of the built-in service (for other implementations).
    pub actions_router: Option<axum::Router>,
    /// How the built-in Actions service's data sync talks to the Marketo stand-in (the real
    /// REST client, `sia_marketo::MarketoPeopleSource`); used unless `actions.people_source` is set.
    pub sync_client: sia_marketo::ClientConfig,
}

/// Bearer token the demo and test Actions service accepts (a public, local-only value).
pub const DEMO_ACTIONS_TOKEN: &str = "sia-sandbox-actions-demo-token";

impl std::fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("salesforce", &self.salesforce)
            .field("marketo", &self.marketo)
            .field("ports", &self.ports)
            .field("state_file", &self.state_file.as_ref().map(|_| "<set>"))
            .field("actions", &self.actions)
            .field("actions_router", &self.actions_router.is_some())
            .field("sync_client", &self.sync_client)
            .finish()
    }
}

impl SandboxConfig {
    /// Demo mode: fixed ports, the login page (no auto-approve), real lifetimes, 5,000 people.
    pub fn demo() -> Self {
        SandboxConfig {
            salesforce: SalesforceConfig::default(),
            marketo: MarketoConfig::default(),
            ports: SandboxPorts::DEMO,
            state_file: None,
            log_capacity: 10_000,
            salesforce_faults: Vec::new(),
            marketo_faults: Vec::new(),
            actions_faults: Vec::new(),
            actions: Some(ActionsConfig::with_token(DEMO_ACTIONS_TOKEN)),
            actions_router: None,
            sync_client: sia_marketo::ClientConfig::default(),
        }
    }

    /// Tests: OS-assigned ports, auto-approve, small pages (200), 2,000 people, in-memory state.
    /// Lifetimes stay real; tests move [`RunningSandbox::clock`] forward instead of sleeping.
    pub fn for_tests() -> Self {
        let mut c = SandboxConfig::demo();
        c.ports = SandboxPorts::ANY;
        c.salesforce.auto_approve = true;
        c.salesforce.page_size = 200;
        c.salesforce.access_token_ttl = Duration::from_secs(15 * 60);
        c.marketo.people = 2_000;
        c.log_capacity = 50_000;
        c
    }

    /// Serves `router` as the Actions admin API beside the stand-ins.
    pub fn with_actions_router(mut self, router: axum::Router) -> Self {
        self.actions_router = Some(router);
        self
    }
}

/// What the UI may show about a running sandbox: URLs and ids, never a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SandboxInfo {
    pub salesforce_url: String,
    pub salesforce_org_type: OrgType,
    pub salesforce_redirect_uris: Vec<String>,
    pub marketo_url: String,
    pub marketo_rest_url: String,
    pub marketo_identity_url: String,
    pub munchkin_id: String,
    pub actions_url: Option<String>,
}

/// Starts the sandbox.
pub struct Sandbox;

impl Sandbox {
    /// Binds the ports, builds the stand-ins and serves them. Needs a Tokio runtime.
    pub async fn start(config: SandboxConfig) -> Result<RunningSandbox, SandboxError> {
        if config.salesforce.redirect_uris.is_empty() {
            return Err(SandboxError::Config(
                "no Salesforce redirect URI is registered".into(),
            ));
        }
        if config.salesforce.consumer_key.trim().is_empty() {
            return Err(SandboxError::Config(
                "the Salesforce consumer key is empty".into(),
            ));
        }
        let store = match &config.state_file {
            Some(path) => Some(Arc::new(Store::open(path)?)),
            None => None,
        };
        let clock = Clock::new();
        let log = RequestLog::new(config.log_capacity);
        let opts = |service: &str, rules: &[FaultRule]| ServeOptions {
            service: service.to_string(),
            faults: FaultControl::new(rules.iter().cloned()),
            log: log.clone(),
            clock: clock.clone(),
        };

        let sf_bound = Bound::loopback(config.ports.salesforce).await?;
        let mk_bound = Bound::loopback(config.ports.marketo).await?;
        let actions_bound = if config.actions_router.is_some() || config.actions.is_some() {
            Some(Bound::loopback(config.ports.actions).await?)
        } else {
            None
        };
        let mut actions_service = None;
        let mut actions_token = None;
        let actions_router = match (&actions_bound, config.actions_router, config.actions) {
            (Some(_), Some(router), _) => Some(router),
            (Some(bound), None, Some(mut ac)) => {
                ac.munchkin_id = config.marketo.credentials.munchkin_id.clone();
                // The Integration Information card shows the stand-in's API user, so step 3's
                // pasted credentials log in to the Marketo stand-in as they would to Marketo.
                ac.integration_credentials = Some(IntegrationCredentials {
                    client_id: config.marketo.credentials.client_id.clone(),
                    client_secret: config.marketo.credentials.client_secret.clone(),
                });
                ac.invite_link_base = format!("{}/invitations", bound.base_url());
                if let Some(state) = &config.state_file {
                    ac.sqlite_path = Some(state.with_extension("actions.sqlite"));
                }
                actions_token = ac.tokens.first().cloned();
                let service = ActionsService::new(ac)
                    .map_err(|e| SandboxError::Actions(e.code().to_string()))?;
                let router = service.router();
                actions_service = Some(service);
                Some(router)
            }
            _ => None,
        };

        let (sf_router, sf_control) = salesforce::build(
            sf_bound.base_url(),
            config.salesforce.clone(),
            clock.clone(),
            store.clone(),
        );
        let owners: Vec<String> = sf_control
            .users()
            .iter()
            .filter(|u| u.is_active)
            .map(|u| u.id.clone())
            .collect();
        let (mk_router, mk_control) =
            marketo::build(config.marketo.clone(), clock.clone(), owners, store.clone());

        let salesforce = harness::serve_bound(
            sf_bound,
            sf_router,
            opts("salesforce", &config.salesforce_faults),
        );
        let marketo =
            harness::serve_bound(mk_bound, mk_router, opts("marketo", &config.marketo_faults));
        // The data sync reads the Marketo stand-in through the real client, unless the caller
        // plugged in a source of its own.
        if let Some(service) = &actions_service
            && service.config().people_source.is_none()
        {
            let source = sia_marketo::MarketoPeopleSource::with_endpoint(
                config.sync_client.clone(),
                &marketo.base_url(),
            )
            .map_err(|e| SandboxError::Config(format!("marketo sync source: {}", e.code())))?;
            service.set_people_source(Arc::new(source));
        }
        let actions = match (actions_bound, actions_router) {
            (Some(bound), Some(router)) => Some(harness::serve_bound(
                bound,
                router,
                opts("actions", &config.actions_faults),
            )),
            _ => None,
        };
        Ok(RunningSandbox {
            salesforce_url: salesforce.base_url(),
            marketo_url: marketo.base_url(),
            actions_url: actions.as_ref().map(Served::base_url),
            salesforce,
            marketo,
            actions,
            sf_control,
            mk_control,
            actions_service,
            actions_token,
            log,
            clock,
        })
    }
}

/// Same as [`Sandbox::start`].
pub async fn start_all(config: SandboxConfig) -> Result<RunningSandbox, SandboxError> {
    Sandbox::start(config).await
}

/// The running stand-ins. Drop it inside the runtime, or call [`RunningSandbox::shutdown`].
pub struct RunningSandbox {
    salesforce: Served,
    marketo: Served,
    actions: Option<Served>,
    salesforce_url: String,
    marketo_url: String,
    actions_url: Option<String>,
    sf_control: SalesforceControl,
    mk_control: MarketoControl,
    actions_service: Option<ActionsService>,
    actions_token: Option<String>,
    log: RequestLog,
    clock: Clock,
}

impl RunningSandbox {
    /// Login host and `instance_url` of the Salesforce org, e.g. `http://127.0.0.1:47801`.
    pub fn salesforce_url(&self) -> &str {
        &self.salesforce_url
    }

    /// Marketo base URL; REST lives under `/rest`, the token endpoint under `/identity`.
    pub fn marketo_url(&self) -> &str {
        &self.marketo_url
    }

    pub fn marketo_rest_url(&self) -> String {
        format!("{}/rest", self.marketo_url)
    }

    pub fn marketo_identity_url(&self) -> String {
        format!("{}/identity", self.marketo_url)
    }

    /// Base URL of the Actions admin API, when one is served.
    pub fn actions_url(&self) -> Option<&str> {
        self.actions_url.as_deref()
    }

    /// A bearer token the built-in Actions service accepts.
    pub fn actions_token(&self) -> Option<&str> {
        self.actions_token.as_deref()
    }

    /// The built-in Actions service, for tests and the demo (outbox, accepting invitations).
    pub fn actions_service(&self) -> Option<&ActionsService> {
        self.actions_service.as_ref()
    }

    /// What connecting Actions to Salesforce leaves in the org: `user_id` has authorised the
    /// Actions connected app (an `OauthToken` row). `false` when the org has no such user.
    pub fn authorize_actions_app(&self, user_id: &str) -> bool {
        self.sf_control
            .add_oauth_token(user_id, crate::salesforce::ACTIONS_APP_NAME)
    }

    /// What an invitee's activation leaves in the org: the active Salesforce user with `email`
    /// (any capitals) and API access authorised the Actions connected app. `false` when no such
    /// user exists: in Salesforce that invitee could not have connected either.
    pub fn authorize_actions_app_for_email(&self, email: &str) -> bool {
        let user = self.sf_control.users().iter().find(|u| {
            u.email.eq_ignore_ascii_case(email.trim()) && u.is_active && u.has_api_access()
        });
        match user {
            Some(user) => self.authorize_actions_app(&user.id),
            None => false,
        }
    }

    /// The demo Marketo API user's Munchkin ID, client id and secret.
    pub fn marketo_credentials(&self) -> MarketoCredentials {
        self.mk_control.credentials().clone()
    }

    pub fn salesforce_consumer_key(&self) -> &str {
        self.sf_control.consumer_key()
    }

    /// URLs and ids for display (no secrets).
    pub fn info(&self) -> SandboxInfo {
        SandboxInfo {
            salesforce_url: self.salesforce_url.clone(),
            salesforce_org_type: self.sf_control.org_type(),
            salesforce_redirect_uris: self.sf_control.redirect_uris().to_vec(),
            marketo_url: self.marketo_url.clone(),
            marketo_rest_url: self.marketo_rest_url(),
            marketo_identity_url: self.marketo_identity_url(),
            munchkin_id: self.mk_control.credentials().munchkin_id.clone(),
            actions_url: self.actions_url.clone(),
        }
    }

    /// Every request any service received.
    pub fn log(&self) -> &RequestLog {
        &self.log
    }

    pub fn salesforce_faults(&self) -> &FaultControl {
        self.salesforce.faults()
    }

    pub fn marketo_faults(&self) -> &FaultControl {
        self.marketo.faults()
    }

    pub fn actions_faults(&self) -> Option<&FaultControl> {
        self.actions.as_ref().map(Served::faults)
    }

    pub fn salesforce(&self) -> &SalesforceControl {
        &self.sf_control
    }

    pub fn marketo(&self) -> &MarketoControl {
        &self.mk_control
    }

    /// The services' shared clock: advance it to expire tokens or pass rate windows.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Stops every service and closes their connections.
    pub async fn shutdown(self) {
        self.salesforce.shutdown().await;
        self.marketo.shutdown().await;
        if let Some(a) = self.actions {
            a.shutdown().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_match_the_desktop_app() {
        let demo = SandboxConfig::demo();
        assert_eq!(demo.ports, SandboxPorts::DEMO);
        assert!(!demo.salesforce.auto_approve);
        for port in [53682, 53683, 53684, 1717] {
            let uri = format!("http://127.0.0.1:{port}/callback");
            assert!(demo.salesforce.redirect_uris.contains(&uri), "{uri}");
            let uri = format!("http://localhost:{port}/callback");
            assert!(demo.salesforce.redirect_uris.contains(&uri), "{uri}");
        }
        let tests = SandboxConfig::for_tests();
        assert_eq!(tests.ports, SandboxPorts::ANY);
        assert!(tests.salesforce.auto_approve);
        assert!(tests.actions.is_some());
        assert!(
            !format!("{:?}", demo.marketo.credentials)
                .contains(&demo.marketo.credentials.client_secret)
        );
    }

    #[tokio::test]
    async fn bad_configs_are_refused_with_a_code() {
        let mut c = SandboxConfig::for_tests();
        c.salesforce.redirect_uris.clear();
        assert_eq!(
            Sandbox::start(c).await.err().map(|e| e.code()),
            Some("invalid_config")
        );
        let mut c = SandboxConfig::for_tests();
        c.state_file = Some(std::path::PathBuf::from(
            "/nonexistent-dir/sub/state.sqlite",
        ));
        let err = Sandbox::start(c).await.err().unwrap();
        assert_eq!(err.code(), "state_store");
        assert!(!err.to_string().contains("nonexistent-dir"));
    }
}
