//! Step 2 (sign in to Salesforce) and the checks of steps 6 and 7.

use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_opener::OpenerExt;
use ts_rs::TS;

use sia_core::{Preference, StepId};
use sia_salesforce::{
    LoginAttempt, PackageStatus, PackageVersion, RemoteSiteStatus, SalesforceLoginSettings,
};
use sia_vault::{Service, StorageMode, StoredCredential};

use crate::error::{IpcError, IpcResult};
use crate::salesforce::{self, SalesforceLoginEvent};
use crate::state::AppState;

/// The oldest MSI package release the setup supports (AppExchange listing `mkto_si`).
const REQUIRED_PACKAGE: PackageVersion = PackageVersion::new(1, 0, 0);

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
pub(crate) fn settings(state: &AppState) -> IpcResult<SalesforceLoginSettings> {
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

fn overview(state: &AppState, settings: SalesforceLoginSettings) -> IpcResult<SalesforceOverview> {
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

#[tauri::command]
pub async fn salesforce_overview(state: State<'_, AppState>) -> IpcResult<SalesforceOverview> {
    overview(&state, settings(&state)?)
}

#[tauri::command]
pub async fn save_salesforce_settings(
    state: State<'_, AppState>,
    settings: SalesforceLoginSettings,
) -> IpcResult<SalesforceOverview> {
    settings.to_config(state.language())?;
    let json = serde_json::to_string(&settings)
        .map_err(|_| IpcError::new("invalid_settings", "These settings cannot be saved."))?;
    state.with_store(|s| s.set_preference(Preference::SalesforceLogin, &json))?;
    overview(&state, settings)
}

/// Starts the sign-in: listens on loopback, opens the browser, and returns at once;
/// the outcome arrives as a `salesforce-login` event.
#[tauri::command]
pub async fn salesforce_connect<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: SalesforceLoginSettings,
) -> IpcResult<SalesforceLoginStarted> {
    let config = settings.to_config(state.language())?;
    let json = serde_json::to_string(&settings)
        .map_err(|_| IpcError::new("invalid_settings", "These settings cannot be saved."))?;
    state.with_store(|s| {
        s.set_preference(Preference::SalesforceLogin, &json)?;
        s.mark_started(StepId::ConnectSalesforce)
    })?;
    let attempt = LoginAttempt::start(config).await?;
    state.salesforce.begin(attempt.cancel_handle());
    let started = SalesforceLoginStarted {
        authorize_url: attempt.authorize_url().to_string(),
        redirect_uri: attempt.redirect_uri().to_string(),
        browser_opened: app
            .opener()
            .open_url(attempt.authorize_url(), None::<&str>)
            .is_ok(),
    };
    let environment = state.environment();
    tauri::async_runtime::spawn(salesforce::finish_login(app, attempt, environment));
    Ok(started)
}

#[tauri::command]
pub async fn salesforce_cancel(state: State<'_, AppState>) -> IpcResult<()> {
    state.salesforce.cancel();
    Ok(())
}

/// After the keychain refused the token: keep it in memory until the app quits.
#[tauri::command]
pub async fn salesforce_keep_for_session(
    state: State<'_, AppState>,
) -> IpcResult<SalesforceLoginEvent> {
    let (environment, session) = state.salesforce.take_pending().ok_or_else(|| {
        IpcError::new(
            "salesforce_nothing_pending",
            "There is no sign-in waiting to be kept. Connect again.",
        )
    })?;
    Ok(salesforce::store_session(&state, environment, session, StorageMode::SessionOnly).await)
}

/// Revokes the token at Salesforce (when reachable) and forgets it here.
#[tauri::command]
pub async fn salesforce_disconnect(state: State<'_, AppState>) -> IpcResult<()> {
    let vault = state.vault()?;
    // The access token goes with the client; the refresh token comes back from
    // the vault below and is revoked at Salesforce.
    state.salesforce.take_client().await;
    let environment = state.environment();
    let outcome = tauri::async_runtime::spawn_blocking(move || {
        vault.forget(Service::Salesforce, environment)
    })
    .await
    .map_err(|_| IpcError::new("vault_keychain_failed", "The keychain did not answer."))??;
    crate::commands::credentials::revoke_all(outcome.revocations).await;
    state.with_store(|s| {
        s.clear_check(StepId::ConnectSalesforce)?;
        s.clear_check(StepId::InstallPackage)?;
        s.clear_check(StepId::ConfigureSalesforce)
    })?;
    Ok(())
}

/// Checks steps 6 and 7 in the connected org and records what it found.
#[tauri::command]
pub async fn salesforce_check(state: State<'_, AppState>) -> IpcResult<SalesforceChecks> {
    let consumer_key = settings(&state)?.consumer_key;
    let client = state.salesforce.client(&state, &consumer_key).await?;
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
            let saved = tauri::async_runtime::spawn_blocking(move || {
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
    salesforce::record_checks(&state, &package, &remote_sites)?;
    Ok(SalesforceChecks {
        package,
        remote_sites,
    })
}
