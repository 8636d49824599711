//! Demo mode: the stand-in services for Salesforce, Marketo and Actions,
//! started in this process on loopback so the whole setup can be tried offline.
//! They exist only with the `demo` feature (on by default): a build without it carries no fake
//! services, and `--demo` then says so instead of starting any.

use std::path::Path;

#[cfg(feature = "demo")]
use sia_sandbox::{RunningSandbox, Sandbox, SandboxConfig, SandboxError, SandboxInfo};

use crate::error::AppError;

/// The demo services once started, or why they could not be.
pub enum DemoServices {
    #[cfg(feature = "demo")]
    Running(Box<RunningSandbox>),
    Failed(AppError),
}

/// The demo Marketo's API user: public, local-only values, not credentials of anything real.
pub struct DemoMarketo {
    pub munchkin_id: String,
    pub client_id: String,
    pub client_secret: String,
}

impl DemoServices {
    /// Starts the stand-ins on their fixed demo ports, keeping their state
    /// beside the demo's progress file so a demo survives a restart.
    #[cfg(feature = "demo")]
    pub fn start(data_dir: &Path) -> Self {
        let mut config = SandboxConfig::demo();
        config.state_file = Some(data_dir.join("sandbox.sqlite"));
        slow_bulk_for_tests(&mut config);
        Self::start_with(config)
    }

    /// This build has no stand-ins (built without the `demo` feature).
    #[cfg(not(feature = "demo"))]
    pub fn start(_data_dir: &Path) -> Self {
        DemoServices::Failed(AppError::new(
            "demo_not_built",
            "This build of SIA Setup has no demo services.",
        ))
    }

    /// Starts the stand-ins with `config` (tests use OS-assigned ports). A demo
    /// closed a moment ago may still hold the fixed ports: wait up to 3 s for them.
    #[cfg(feature = "demo")]
    pub fn start_with(config: SandboxConfig) -> Self {
        let mut result = crate::runtime::block_on(Sandbox::start(config.clone()));
        for _ in 0..30 {
            match &result {
                Err(error) if error.code() == "bind_failed" => {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    result = crate::runtime::block_on(Sandbox::start(config.clone()));
                }
                _ => break,
            }
        }
        match result {
            Ok(running) => {
                tracing::info!(target: "sia::demo", "demo services started");
                DemoServices::Running(Box::new(running))
            }
            Err(error) => DemoServices::Failed(demo_error(&error)),
        }
    }

    #[cfg(feature = "demo")]
    pub fn info(&self) -> Option<SandboxInfo> {
        match self {
            DemoServices::Running(running) => Some(running.info()),
            DemoServices::Failed(_) => None,
        }
    }

    /// The stand-in's login URL and consumer key, to prefill the Salesforce settings.
    pub fn salesforce(&self) -> Option<(String, String)> {
        match self {
            #[cfg(feature = "demo")]
            DemoServices::Running(running) => Some((
                running.salesforce_url().to_string(),
                running.salesforce_consumer_key().to_string(),
            )),
            DemoServices::Failed(_) => None,
        }
    }

    /// The Marketo stand-in's Munchkin ID and API credentials (public, local-only values).
    pub fn marketo(&self) -> Option<DemoMarketo> {
        match self {
            #[cfg(feature = "demo")]
            DemoServices::Running(running) => {
                let creds = running.marketo_credentials();
                Some(DemoMarketo {
                    munchkin_id: creds.munchkin_id,
                    client_id: creds.client_id,
                    client_secret: creds.client_secret,
                })
            }
            DemoServices::Failed(_) => None,
        }
    }

    /// The stand-in Actions admin API's address and its token (a public, local-only value).
    pub fn actions_api(&self) -> Option<(String, &'static str)> {
        match self {
            #[cfg(feature = "demo")]
            DemoServices::Running(running) => running
                .info()
                .actions_url
                .map(|url| (url, sia_sandbox::DEMO_ACTIONS_TOKEN)),
            DemoServices::Failed(_) => None,
        }
    }

    /// The Marketo stand-in's address, as the connect form takes it.
    pub fn marketo_url(&self) -> Option<String> {
        match self {
            #[cfg(feature = "demo")]
            DemoServices::Running(running) => Some(running.marketo_url().to_string()),
            DemoServices::Failed(_) => None,
        }
    }

    /// Plays "connect Actions to Salesforce" in the demo org: `user_id` authorises the Actions app.
    #[cfg_attr(not(feature = "demo"), allow(unused_variables))]
    pub fn authorize_actions_app(&self, user_id: &str) -> Result<(), AppError> {
        match self {
            #[cfg(feature = "demo")]
            DemoServices::Running(running) if running.authorize_actions_app(user_id) => Ok(()),
            #[cfg(feature = "demo")]
            DemoServices::Running(_) => Err(AppError::new(
                "demo_no_such_user",
                "The demo org has no such Salesforce user.",
            )),
            DemoServices::Failed(error) => Err(error.clone()),
        }
    }

    /// Plays an invitee's activation in the demo org: the Salesforce user with `email` authorises
    /// the Actions app (what the tracker reads). `false` when the org has no active user with that
    /// email and API access, who could not have activated in Salesforce either.
    #[cfg_attr(not(feature = "demo"), allow(unused_variables))]
    pub fn authorize_actions_app_for_email(&self, email: &str) -> bool {
        match self {
            #[cfg(feature = "demo")]
            DemoServices::Running(running) => running.authorize_actions_app_for_email(email),
            DemoServices::Failed(_) => false,
        }
    }

    pub fn problem(&self) -> Option<AppError> {
        match self {
            #[cfg(feature = "demo")]
            DemoServices::Running(_) => None,
            DemoServices::Failed(error) => Some(error.clone()),
        }
    }
}

#[cfg(feature = "demo")]
fn demo_error(error: &SandboxError) -> AppError {
    tracing::warn!(target: "sia::demo", code = error.code(), "demo services failed: {error}");
    AppError::new(format!("demo_{}", error.code()), error.to_string())
}

/// Debug builds only: `SIA_DEMO_SLOW_BULK_MS` holds each SCIM Bulk request to the demo's Actions
/// for that long before it is served, so the real-window tests can kill the app with invitations
/// in flight. A release build never reads it: an installed app's demo behaves one way.
#[cfg(feature = "demo")]
fn slow_bulk_for_tests(config: &mut SandboxConfig) {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("SIA_DEMO_SLOW_BULK_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        tracing::warn!(
            ms,
            "the demo's SCIM Bulk requests are slowed down (a test setting)"
        );
        config.actions_faults.push(
            sia_sandbox::FaultRule::on("/scim/v2/Bulk")
                .method("POST")
                .latency(std::time::Duration::from_millis(ms)),
        );
    }
    #[cfg(not(debug_assertions))]
    let _ = config;
}
