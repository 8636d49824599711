//! The Salesforce connection as the app holds it: the sign-in in progress, the
//! live client (its access token in memory only), and what happens when a sign-in ends.

use std::sync::{Arc, Mutex};

use serde::Serialize;
use ts_rs::TS;

use sia_core::{Attention, CheckResult, Evidence, StepId};
use sia_salesforce::{
    CancellationToken, ClientOptions, LoginAttempt, LoginHost, SalesforceClient, SalesforceSession,
    Session,
};
use sia_vault::{
    ConnectionInfo, Credentials, Environment, SalesforceCredentials, Service, StorageMode,
    StoredCredential,
};

use crate::error::{AppError, AppResult};
use crate::events::SharedEvents;
use crate::state::AppState;

/// The event the UI listens to for the end of a sign-in.
pub const LOGIN_EVENT: &str = "salesforce-login";

/// How a sign-in ended, as the UI hears it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum SalesforceLoginEvent {
    Connected {
        // Boxed: the other variants are small, and events are moved around by value.
        session: Box<SalesforceSession>,
        stored: Box<StoredCredential>,
    },
    /// Signed in, but the keychain refused the token: the admin may keep it for this session only.
    KeychainRefused {
        error: AppError,
    },
    Failed {
        error: AppError,
    },
}

#[derive(Default)]
pub struct SalesforceState {
    attempt: Mutex<Option<CancellationToken>>,
    client: tokio::sync::Mutex<Option<Arc<SalesforceClient>>>,
    /// A signed-in session waiting for the admin's "only for this session" choice.
    pending: Mutex<Option<(Environment, Session)>>,
    /// Held while steps 6 and 7 are read: a step's own check as it opens and the admin's click
    /// on "Check" then run one after the other, never as two interleaved sets of Tooling queries
    /// whose results land in either order.
    pub checks: tokio::sync::Mutex<()>,
}

impl SalesforceState {
    /// Registers a new sign-in, cancelling one still waiting (a second click on Connect).
    pub fn begin(&self, cancel: CancellationToken) {
        let previous = self
            .attempt
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .replace(cancel);
        if let Some(previous) = previous {
            previous.cancel();
        }
    }

    pub fn cancel(&self) {
        if let Some(cancel) = self
            .attempt
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            cancel.cancel();
        }
    }

    pub fn take_pending(&self) -> Option<(Environment, Session)> {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    pub async fn set_client(&self, client: Option<Arc<SalesforceClient>>) {
        *self.client.lock().await = client;
    }

    pub async fn take_client(&self) -> Option<Arc<SalesforceClient>> {
        self.client.lock().await.take()
    }

    /// The live client, or one resumed from the refresh token in the vault.
    pub async fn client(
        &self,
        state: &AppState,
        consumer_key: &str,
    ) -> AppResult<Arc<SalesforceClient>> {
        let mut slot = self.client.lock().await;
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let environment = state.environment();
        let vault = state.vault()?;
        let record = vault
            .record(Service::Salesforce, environment)
            .ok_or_else(not_connected)?;
        let credentials = {
            let vault = vault.clone();
            tokio::task::spawn_blocking(move || vault.salesforce(environment))
                .await
                .map_err(|_| not_connected())??
                .ok_or_else(not_connected)?
        };
        let (Some(login_url), Some(instance_url)) =
            (&record.connection.login_url, &record.connection.base_url)
        else {
            return Err(not_connected());
        };
        let client = Arc::new(SalesforceClient::resume(
            &LoginHost::parse(login_url)?,
            consumer_key,
            instance_url,
            credentials.refresh_token,
            ClientOptions::default(),
        )?);
        *slot = Some(client.clone());
        Ok(client)
    }
}

/// The client of the org SIA Setup is signed in to (live, or resumed from the keychain).
pub async fn connected_client(state: &AppState) -> AppResult<Arc<SalesforceClient>> {
    let consumer_key = crate::api::salesforce::settings(state)?.consumer_key;
    state.salesforce.client(state, &consumer_key).await
}

/// Every active user of the connected org (the import's Salesforce checks).
pub async fn active_users(state: &AppState) -> AppResult<sia_salesforce::SalesforceUsers> {
    Ok(connected_client(state).await?.active_users().await?)
}

fn not_connected() -> AppError {
    AppError::new(
        "salesforce_not_connected",
        "Salesforce is not connected yet. Connect it in step 2.",
    )
}

/// Waits for the browser to come back, then stores the token and tells the UI.
pub async fn finish_login(
    state: Arc<AppState>,
    events: SharedEvents,
    attempt: LoginAttempt,
    environment: Environment,
) {
    let result = attempt.finish().await;
    state
        .salesforce
        .attempt
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    let event = match result {
        Ok(session) => store_session(&state, environment, session, StorageMode::Keychain).await,
        Err(error) => SalesforceLoginEvent::Failed {
            error: error.into(),
        },
    };
    crate::events::emit(events.as_ref(), LOGIN_EVENT, &event);
}

/// Saves a signed-in session's refresh token in the vault and marks step 2 done.
pub async fn store_session(
    state: &AppState,
    environment: Environment,
    session: Session,
    mode: StorageMode,
) -> SalesforceLoginEvent {
    let vault = match state.vault() {
        Ok(vault) => vault,
        Err(error) => return SalesforceLoginEvent::Failed { error },
    };
    let summary = session.summary.clone();
    let connection = ConnectionInfo {
        account: summary.username.clone(),
        connected_as: Some(if summary.display_name.is_empty() {
            summary.email.clone()
        } else {
            summary.display_name.clone()
        }),
        munchkin_id: None,
        base_url: Some(summary.instance_url.clone()),
        login_url: Some(summary.login_host.clone()),
    };
    let credentials = Credentials::Salesforce(SalesforceCredentials {
        refresh_token: sia_vault::Secret::new(session.refresh_token.expose().to_owned()),
    });
    // The keychain may block on an unlock prompt: keep it off the async workers.
    let saved = tokio::task::spawn_blocking({
        let vault = vault.clone();
        move || vault.save(environment, connection, credentials, mode)
    })
    .await;
    match saved {
        Ok(Ok(stored)) => {
            state
                .salesforce
                .set_client(Some(Arc::new(session.client)))
                .await;
            // Signing SIA Setup in only enables the checks: step 2 is Actions' own connection,
            // which the org's OAuth usage shows once the admin has made it.
            if let Err(error) = crate::checks::actions_app(state).await {
                tracing::info!(code = %error.code, "step 2 could not be checked after sign-in");
            }
            SalesforceLoginEvent::Connected {
                session: Box::new(summary),
                stored: Box::new(stored),
            }
        }
        Ok(Err(error)) if error.offers_session_only() => {
            *state
                .salesforce
                .pending
                .lock()
                .unwrap_or_else(|p| p.into_inner()) = Some((environment, session));
            SalesforceLoginEvent::KeychainRefused {
                error: error.into(),
            }
        }
        Ok(Err(error)) => SalesforceLoginEvent::Failed {
            error: error.into(),
        },
        Err(_) => SalesforceLoginEvent::Failed {
            error: AppError::new("vault_keychain_failed", "The keychain did not answer."),
        },
    }
}

/// What a check of steps 6 and 7 found, written to the progress store.
pub fn record_checks(
    state: &AppState,
    package: &sia_salesforce::PackageStatus,
    required: sia_salesforce::PackageVersion,
    sites: &sia_salesforce::RemoteSiteStatus,
) -> AppResult<()> {
    use sia_salesforce::PackageStatus as P;
    let package_check = match package {
        P::Installed { .. } => CheckResult::Done,
        P::Missing { .. } => CheckResult::NeedsAttention {
            reason: Attention::PackageMissing,
        },
        P::Outdated {
            installed,
            required,
            ..
        } => CheckResult::NeedsAttention {
            reason: Attention::PackageOutdated {
                installed: installed.to_string(),
                required: required.to_string(),
            },
        },
    };
    let missing_sites = sites
        .sites
        .iter()
        .filter(|s| s.state != sia_salesforce::RemoteSiteState::Active)
        .count() as u32;
    let installed = match package {
        P::Installed { version } => Some(version.to_string()),
        P::Outdated { installed, .. } => Some(installed.to_string()),
        P::Missing { .. } => None,
    };
    let package_evidence = Evidence::MsiPackage {
        installed,
        required: required.to_string(),
    };
    let sites_evidence = Evidence::RemoteSites {
        active: (sites.sites.len() as u32).saturating_sub(missing_sites),
        required: sites.sites.len() as u32,
    };
    state.with_store(|s| {
        s.record_evidence(StepId::InstallPackage, &package_check, &package_evidence)?;
        // Remote sites are one of three parts of step 7; the other two (Enable MSI
        // Actions, the API secret key) only the admin can confirm, so a clean check
        // leaves the step to their confirmation instead of marking it done.
        if missing_sites > 0 {
            s.record_evidence(
                StepId::ConfigureSalesforce,
                &CheckResult::NeedsAttention {
                    reason: Attention::RemoteSitesMissing {
                        count: missing_sites,
                    },
                },
                &sites_evidence,
            )
        } else {
            s.clear_check(StepId::ConfigureSalesforce)
        }
    })?;
    Ok(())
}
