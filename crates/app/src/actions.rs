//! Where the Actions admin API is and the token for it: the built-in stand-in in demo mode,
//! else the URL and token the admin saved (the URL in settings, the token in the keychain).

use sia_vault::{Secret, Service};

use crate::error::AppError;
use crate::state::AppState;

/// One Actions admin API to talk to. The token never leaves Rust.
pub struct ActionsTarget {
    /// The service's root, e.g. `http://127.0.0.1:47803` (SCIM lives under `/scim/v2`).
    pub base_url: String,
    pub token: Secret,
}

impl std::fmt::Debug for ActionsTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionsTarget")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// The Actions admin API the app works with now, or a translated reason why there is none.
pub fn target(state: &AppState) -> Result<ActionsTarget, AppError> {
    let mode = state.mode();
    if mode.is_guided() {
        return Err(guided());
    }
    if mode.demo {
        return demo_target(state);
    }
    let vault = state.vault()?;
    let environment = state.environment();
    let base_url = vault
        .record(Service::Actions, environment)
        .and_then(|r| r.connection.base_url)
        .ok_or_else(not_connected)?;
    let credentials = vault.actions(environment)?.ok_or_else(not_connected)?;
    Ok(ActionsTarget {
        base_url,
        token: credentials.api_token,
    })
}

/// The demo's stand-in Actions admin API whatever the mode: in the guided demo it plays what the
/// admin does in the vendor's UI (`api::actions::demo_play`).
pub fn demo_client(state: &AppState) -> Result<sia_actions::ActionsClient, AppError> {
    let target = demo_target(state)?;
    Ok(sia_actions::ActionsClient::new(
        &target.base_url,
        target.token,
    )?)
}

fn demo_target(state: &AppState) -> Result<ActionsTarget, AppError> {
    let demo = state.demo.as_ref().ok_or_else(not_connected)?;
    if let Some(problem) = demo.problem() {
        return Err(problem);
    }
    let (base_url, token) = demo.actions_api().ok_or_else(not_connected)?;
    // The stand-in's token is a public, local-only value, not a credential.
    Ok(ActionsTarget {
        base_url,
        token: Secret::new(token),
    })
}

/// Real-product mode: Actions is reached through its own UI, never an admin API.
fn guided() -> AppError {
    AppError::new(
        "actions_guided",
        "Actions publishes no admin API: do this step in Actions itself, as this screen shows.",
    )
}

fn not_connected() -> AppError {
    AppError::new(
        "actions_not_connected",
        "The app is not connected to the Actions admin API yet. Enter its URL and token in Settings.",
    )
}

/// A client for the Actions admin API the app works with now.
pub fn client(state: &AppState) -> Result<sia_actions::ActionsClient, AppError> {
    let target = target(state)?;
    Ok(sia_actions::ActionsClient::new(
        &target.base_url,
        target.token,
    )?)
}
