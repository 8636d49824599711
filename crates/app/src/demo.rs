//! Demo mode: the stand-in services for Salesforce, Marketo and Actions,
//! started in this process on loopback so the whole setup can be tried offline.

use std::path::Path;

use sia_sandbox::{RunningSandbox, Sandbox, SandboxConfig, SandboxError, SandboxInfo};

use crate::error::AppError;

/// The demo services once started, or why they could not be.
pub enum DemoServices {
    Running(Box<RunningSandbox>),
    Failed(AppError),
}

impl DemoServices {
    /// Starts the stand-ins on their fixed demo ports, keeping their state
    /// beside the demo's progress file so a demo survives a restart.
    pub fn start(data_dir: &Path) -> Self {
        let mut config = SandboxConfig::demo();
        config.state_file = Some(data_dir.join("sandbox.sqlite"));
        Self::start_with(config)
    }

    /// Starts the stand-ins with `config` (tests use OS-assigned ports). A demo
    /// closed a moment ago may still hold the fixed ports: wait up to 3 s for them.
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

    pub fn info(&self) -> Option<SandboxInfo> {
        match self {
            DemoServices::Running(running) => Some(running.info()),
            DemoServices::Failed(_) => None,
        }
    }

    /// The stand-in's login URL and consumer key, to prefill the Salesforce settings.
    pub fn salesforce(&self) -> Option<(String, String)> {
        match self {
            DemoServices::Running(running) => Some((
                running.salesforce_url().to_string(),
                running.salesforce_consumer_key().to_string(),
            )),
            DemoServices::Failed(_) => None,
        }
    }

    /// The Marketo stand-in's Munchkin ID and API credentials (public, local-only values).
    pub fn marketo(&self) -> Option<sia_sandbox::MarketoCredentials> {
        match self {
            DemoServices::Running(running) => Some(running.marketo_credentials()),
            DemoServices::Failed(_) => None,
        }
    }

    /// The Marketo stand-in's address, as the connect form takes it.
    pub fn marketo_url(&self) -> Option<String> {
        match self {
            DemoServices::Running(running) => Some(running.marketo_url().to_string()),
            DemoServices::Failed(_) => None,
        }
    }

    /// Plays "connect Actions to Salesforce" in the demo org: `user_id` authorises the Actions app.
    pub fn authorize_actions_app(&self, user_id: &str) -> Result<(), AppError> {
        match self {
            DemoServices::Running(running) if running.authorize_actions_app(user_id) => Ok(()),
            DemoServices::Running(_) => Err(AppError::new(
                "demo_no_such_user",
                "The demo org has no such Salesforce user.",
            )),
            DemoServices::Failed(error) => Err(error.clone()),
        }
    }

    pub fn problem(&self) -> Option<AppError> {
        match self {
            DemoServices::Running(_) => None,
            DemoServices::Failed(error) => Some(error.clone()),
        }
    }
}

fn demo_error(error: &SandboxError) -> AppError {
    tracing::warn!(target: "sia::demo", code = error.code(), "demo services failed: {error}");
    AppError::new(format!("demo_{}", error.code()), error.to_string())
}
