//! Step 2 (sign in to Salesforce) and the checks of steps 6 and 7.

use serde::Serialize;
use std::sync::Arc;

use ts_rs::TS;

use sia_core::{Preference, StepId};
use sia_salesforce::{
    LoginAttempt, PackageStatus, PackageVersion, RemoteSiteStatus, SalesforceLoginSettings,
};
use sia_vault::{Service, StorageMode, StoredCredential};

use crate::error::{AppError, AppResult};
use crate::events::SharedEvents;
use crate::salesforce::{self, SalesforceLoginEvent};
use crate::state::AppState;

/// The oldest MSI package release the setup supports (AppExchange listing `mkto_si`).
const REQUIRED_PACKAGE: PackageVersion = sia_salesforce::MSI_MINIMUM_VERSION;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SalesforceOverview {
    pub settings: SalesforceLoginSettings,
    /// Exactly the callback URLs the admin registers in the External Client App.
    pub callback_urls: Vec<String>,
    pub connection: Option<StoredCredential>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SalesforceLoginStarted {
    pub authorize_url: String,
    pub redirect_uri: String,
    /// False when no browser could be opened: the UI then leads with the copy button.
    pub browser_opened: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SalesforceChecks {
    pub package: PackageStatus,
    pub remote_sites: RemoteSiteStatus,
}

/// The saved settings, or sensible defaults: the demo's stand-in in demo mode, production otherwise.
pub(crate) fn settings(state: &AppState) -> AppResult<SalesforceLoginSettings> {
    let saved = state.with_store(|s| s.preference(Preference::SalesforceLogin))?;
    if let Some(settings) = saved.and_then(|json| serde_json::from_str(&json).ok()) {
        return Ok(settings);
    }
    let (login_host, consumer_key) = match state.demo.as_ref().and_then(|d| d.salesforce()) {
        Some((url, key)) => (url, key),
        None => (sia_salesforce::PRODUCTION_LOGIN.to_string(), String::new()),
    };
    Ok(SalesforceLoginSettings {
        login_host,
        consumer_key,
        ports: Default::default(),
        callback_host: Default::default(),
        expected_org_type: None,
    })
}

fn overview(state: &AppState, settings: SalesforceLoginSettings) -> AppResult<SalesforceOverview> {
    let callback_urls = settings
        .to_config(state.language())
        .map(|c| c.callback_urls())
        .unwrap_or_default();
    let connection = state
        .vault
        .as_ref()
        .ok()
        .and_then(|v| v.record(Service::Salesforce, state.environment()));
    Ok(SalesforceOverview {
        settings,
        callback_urls,
        connection,
    })
}

pub async fn salesforce_overview(state: &AppState) -> AppResult<SalesforceOverview> {
    overview(state, settings(state)?)
}

pub async fn save_salesforce_settings(
    state: &AppState,
    settings: SalesforceLoginSettings,
) -> AppResult<SalesforceOverview> {
    settings.to_config(state.language())?;
    let json = serde_json::to_string(&settings)
        .map_err(|_| AppError::new("invalid_settings", "These settings cannot be saved."))?;
    state.with_store(|s| s.set_preference(Preference::SalesforceLogin, &json))?;
    overview(state, settings)
}

/// Starts the sign-in: listens on loopback, opens the browser, and returns at once;
/// the outcome arrives as a `salesforce-login` event.
/// `open_browser` opens the authorize URL (the window's allow-listed opener; `sia` prints it).
pub async fn salesforce_connect(
    state: &Arc<AppState>,
    events: SharedEvents,
    settings: SalesforceLoginSettings,
    open_browser: impl FnOnce(&str) -> bool + Send,
) -> AppResult<SalesforceLoginStarted> {
    let config = settings.to_config(state.language())?;
    let json = serde_json::to_string(&settings)
        .map_err(|_| AppError::new("invalid_settings", "These settings cannot be saved."))?;
    state.with_store(|s| {
        s.set_preference(Preference::SalesforceLogin, &json)?;
        s.mark_started(StepId::ConnectSalesforce)
    })?;
    let attempt = LoginAttempt::start(config).await?;
    state.salesforce.begin(attempt.cancel_handle());
    let started = SalesforceLoginStarted {
        authorize_url: attempt.authorize_url().to_string(),
        redirect_uri: attempt.redirect_uri().to_string(),
        // Without the opener (a headless run) the UI leads with the link to copy instead.
        browser_opened: open_browser(attempt.authorize_url()),
    };
    let environment = state.environment();
    tokio::spawn(salesforce::finish_login(
        state.clone(),
        events,
        attempt,
        environment,
    ));
    Ok(started)
}

pub async fn salesforce_cancel(state: &AppState) -> AppResult<()> {
    state.salesforce.cancel();
    Ok(())
}

/// After the keychain refused the token: keep it in memory until the app quits.
pub async fn salesforce_keep_for_session(state: &AppState) -> AppResult<SalesforceLoginEvent> {
    let (environment, session) = state.salesforce.take_pending().ok_or_else(|| {
        AppError::new(
            "salesforce_nothing_pending",
            "There is no sign-in waiting to be kept. Connect again.",
        )
    })?;
    Ok(salesforce::store_session(state, environment, session, StorageMode::SessionOnly).await)
}

/// Revokes the token at Salesforce (when reachable) and forgets it here.
pub async fn salesforce_disconnect(state: &AppState) -> AppResult<()> {
    let vault = state.vault()?;
    // The access token goes with the client; the refresh token comes back from
    // the vault below and is revoked at Salesforce.
    state.salesforce.take_client().await;
    let environment = state.environment();
    let outcome =
        tokio::task::spawn_blocking(move || vault.forget(Service::Salesforce, environment))
            .await
            .map_err(|_| {
                AppError::new("vault_keychain_failed", "The keychain did not answer.")
            })??;
    crate::api::credentials::revoke_all(outcome.revocations).await;
    state.with_store(|s| {
        s.clear_check(StepId::ConnectSalesforce)?;
        s.clear_check(StepId::InstallPackage)?;
        s.clear_check(StepId::ConfigureSalesforce)
    })?;
    Ok(())
}

/// Checks steps 6 and 7 in the connected org and records what it found.
pub async fn salesforce_check(state: &AppState) -> AppResult<SalesforceChecks> {
    let _one_at_a_time = state.salesforce.checks.lock().await;
    let consumer_key = settings(state)?.consumer_key;
    let client = state.salesforce.client(state, &consumer_key).await?;
    let package = client.package_status(REQUIRED_PACKAGE).await?;
    let remote_sites = client.remote_site_status().await?;
    if let Some(rotated) = client.take_rotated_refresh_token().await {
        tracing::info!("Salesforce rotated the refresh token; keeping the new one");
        if let (Ok(vault), Some(record)) = (
            state.vault(),
            state
                .vault
                .as_ref()
                .ok()
                .and_then(|v| v.record(Service::Salesforce, state.environment())),
        ) {
            let credentials =
                sia_vault::Credentials::Salesforce(sia_vault::SalesforceCredentials {
                    refresh_token: rotated,
                });
            let environment = state.environment();
            let saved = tokio::task::spawn_blocking(move || {
                vault.save(
                    environment,
                    record.connection,
                    credentials,
                    record.stored_in,
                )
            })
            .await;
            if !matches!(saved, Ok(Ok(_))) {
                tracing::warn!(
                    "the rotated Salesforce token could not be stored; sign in again after a restart"
                );
            }
        }
    }
    salesforce::record_checks(state, &package, REQUIRED_PACKAGE, &remote_sites)?;
    Ok(SalesforceChecks {
        package,
        remote_sites,
    })
}

/// Step 7: what is wrong with the API secret key the admin is about to enter in Salesforce
/// (`&` cuts it short there). The key is checked and dropped: never stored, never logged.
pub fn salesforce_check_api_secret_key(key: String) -> Vec<sia_salesforce::ApiSecretKeyProblem> {
    sia_salesforce::check_api_secret_key(&key)
}

/// Step 2 in Actions: connects the signed-in Salesforce user to the Actions user with the same
/// email. The service refuses, in words, what stops invitees later: another email, no API access,
/// or the other kind of org than the instance's.
pub async fn actions_connect_salesforce(
    state: &AppState,
) -> AppResult<sia_actions::ActionsSalesforceConnection> {
    let consumer_key = settings(state)?.consumer_key;
    let salesforce = state.salesforce.client(state, &consumer_key).await?;
    let session = salesforce.session_summary().await?;
    let users = salesforce.active_users().await?;
    let api_enabled = users
        .by_email(&session.email)
        .iter()
        .find(|u| u.id == session.user_id)
        .is_some_and(|u| u.api_enabled);
    let actions = crate::actions::client(state)?;
    let user = actions.find_user(&session.email).await?.ok_or_else(|| {
        AppError::new(
            "actions_salesforce_user_not_invited",
            "Nobody with this Salesforce user's email is in the Actions account yet.",
        )
        .with_param("email", session.email.clone())
    })?;
    let environment = match session.org_type {
        sia_salesforce::SalesforceOrgType::Production => "production",
        sia_salesforce::SalesforceOrgType::Sandbox => "sandbox",
    };
    let login = sia_actions::ActionsSalesforceLogin {
        user_id: user.id,
        username: session.username,
        email: session.email,
        environment: environment.into(),
        org_id: session.org_id,
        api_enabled,
    };
    let connection = actions.connect_salesforce(&login).await?;
    state.with_store(|s| {
        s.record_evidence(
            StepId::ConnectSalesforce,
            &sia_core::CheckResult::Done,
            &sia_core::Evidence::ActionsApi {
                detail: "salesforceConnected".into(),
            },
        )
    })?;
    Ok(connection)
}

/// Step 2, real product: the connected apps of the org and whether the admin authorised Actions.
pub async fn salesforce_actions_app(state: &AppState) -> AppResult<crate::guided::ActionsAppCheck> {
    crate::checks::actions_app(state).await
}

/// Step 2, real product: the admin picks which connected app is Actions in this org.
pub async fn salesforce_choose_actions_app(
    state: &AppState,
    app_name: String,
) -> AppResult<crate::guided::ActionsAppCheck> {
    crate::checks::choose_actions_app(state, &app_name).await
}
