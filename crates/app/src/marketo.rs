//! Marketo for steps 1, 3 and 4: the app's saved Marketo API access, a polite client built
//! from it, and a pasted Client Secret held in Rust until the admin saves or discards it.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::Deserialize;
use ts_rs::TS;

use sia_core::Preference;
use sia_marketo::{
    CleanedCredentials, ClientConfig, ClientSecret, Credentials, Endpoint, MarketoClient,
};
use sia_vault::{ConnectionInfo, MarketoCredentials, Secret, Service};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The three fields of the connect form as the admin left them. The secret is `None` when it
/// was pasted (Rust then already holds it) or when only the other fields changed.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoForm {
    pub munchkin_or_endpoint: String,
    pub client_id: String,
    #[ts(optional)]
    pub client_secret: Option<String>,
}

/// A secret that arrived by paste and has not been saved yet. Kept here, not in the page, so
/// the page never holds it longer than the paste event.
#[derive(Default)]
pub struct MarketoState {
    pasted_secret: Mutex<Option<ClientSecret>>,
    /// This run's own calls already added to `setup.db`, per instance and Marketo day.
    flushed: Mutex<BTreeMap<String, BTreeMap<String, u64>>>,
    /// When Marketo's usage statistics were last read (`checks::marketo_usage`).
    usage_read_at: Mutex<Option<std::time::Instant>>,
}

impl MarketoState {
    pub fn hold(&self, secret: ClientSecret) {
        *self.lock() = (!secret.is_empty()).then_some(secret);
    }

    /// A copy of the held secret; it stays held until saved or discarded, so a failed save
    /// (a locked keychain, a typo in the Client ID) can be retried without pasting again.
    pub fn held(&self) -> Option<ClientSecret> {
        self.lock().clone()
    }

    pub fn usage_read_now(&self) {
        *self.usage_read_at.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(std::time::Instant::now());
    }

    pub fn usage_read_within(&self, age: std::time::Duration) -> bool {
        self.usage_read_at
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some_and(|at| at.elapsed() < age)
    }

    pub fn discard(&self) {
        self.lock().take();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<ClientSecret>> {
        self.pasted_secret.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Cleans the form; a secret typed into the form wins over a pasted one held in Rust.
pub fn cleaned(state: &AppState, form: &MarketoForm) -> CleanedCredentials {
    let typed = form
        .client_secret
        .as_deref()
        .filter(|s| !s.trim().is_empty());
    let mut cleaned = sia_marketo::clean_credentials(
        &form.munchkin_or_endpoint,
        &form.client_id,
        typed.unwrap_or(""),
    );
    if typed.is_none()
        && let Some(held) = state.marketo.held()
    {
        cleaned.client_secret = held;
        for field in &mut cleaned.report.fields {
            if field.field == sia_marketo::MarketoCredentialField::ClientSecret {
                field.empty = false;
            }
        }
    }
    cleaned
}

/// What the vault keeps about a tested Marketo login. `account` is the Munchkin ID, or the
/// endpoint's host for an address that names none (the local stand-in).
pub fn connection_info(
    endpoint: &Endpoint,
    munchkin_id: Option<String>,
    api_user: &str,
) -> ConnectionInfo {
    let munchkin = munchkin_id
        .or_else(|| endpoint.munchkin_id().map(str::to_owned))
        .unwrap_or_else(|| host_of(endpoint.base()));
    ConnectionInfo {
        account: munchkin.clone(),
        connected_as: (!api_user.is_empty()).then(|| api_user.to_string()),
        munchkin_id: Some(munchkin),
        base_url: Some(endpoint.base().to_string()),
        login_url: None,
    }
}

fn host_of(base: &str) -> String {
    base.split("://")
        .nth(1)
        .unwrap_or(base)
        .trim_end_matches('/')
        .to_string()
}

/// The vault's form of the credentials (the client id is kept with the secret: together they log in).
pub fn vault_credentials(credentials: &Credentials) -> sia_vault::Credentials {
    sia_vault::Credentials::Marketo(MarketoCredentials {
        client_id: Secret::new(credentials.client_id.clone()),
        client_secret: Secret::new(credentials.client_secret.expose().to_string()),
    })
}

/// SIA Setup's own REST calls to the saved instance, per Marketo day: earlier runs' (kept in
/// `setup.db`) plus this run's. Marketo counts them under the same API user as Actions' when the
/// app signs in with the Integration Information, so the usage evidence subtracts them.
pub fn own_calls(state: &AppState, client: &MarketoClient) -> AppResult<BTreeMap<String, u64>> {
    let (base, client_id) = client.ledger_key();
    let this_run = sia_marketo::own_rest_calls(base, client_id);
    let mut flushed = state
        .marketo
        .flushed
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let already = flushed.entry(base.to_owned()).or_default();
    let mut stored: BTreeMap<String, BTreeMap<String, u64>> = state
        .with_store(|s| s.preference(Preference::MarketoOwnCalls))?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
    let days = stored.entry(base.to_owned()).or_default();
    for (day, count) in &this_run {
        let before = already.get(day).copied().unwrap_or(0);
        *days.entry(day.clone()).or_default() += count.saturating_sub(before);
    }
    *already = this_run;
    // Marketo reports 7 days; keep 8 so a day never drops out early.
    while days.len() > 8 {
        days.pop_first();
    }
    let result = days.clone();
    let json = serde_json::to_string(&stored).unwrap_or_default();
    state.with_store(|s| s.set_preference(Preference::MarketoOwnCalls, &json))?;
    Ok(result)
}

/// Adds this run's own Marketo calls to `setup.db` (at quit, and before each Marketo command).
pub fn flush_own_calls(state: &AppState) {
    if let Ok(client) = build_client(state)
        && let Err(error) = own_calls(state, &client)
    {
        tracing::warn!(code = %error.code, "the app's own Marketo calls could not be recorded");
    }
}

/// A client for the saved Marketo API access, or `marketo_not_connected`.
pub fn client(state: &AppState) -> AppResult<MarketoClient> {
    let client = build_client(state)?;
    // The calls of the command before this one are recorded now, not lost at a crash.
    own_calls(state, &client)?;
    Ok(client)
}

fn build_client(state: &AppState) -> AppResult<MarketoClient> {
    let vault = state.vault()?;
    let environment = state.environment();
    let record = vault
        .record(Service::Marketo, environment)
        .ok_or_else(not_connected)?;
    let saved = vault.marketo(environment)?.ok_or_else(not_connected)?;
    let address = record
        .connection
        .base_url
        .or(record.connection.munchkin_id)
        .ok_or_else(not_connected)?;
    let endpoint = Endpoint::parse(&address)?;
    let credentials = Credentials {
        client_id: saved.client_id.expose().to_string(),
        client_secret: ClientSecret::new(saved.client_secret.expose().to_string()),
    };
    Ok(MarketoClient::new(endpoint, credentials, ClientConfig::default())?.with_own_call_ledger())
}

/// The Marketo API user SIA Setup's saved credentials sign in as (Marketo's token `scope`).
pub fn saved_api_user(state: &AppState) -> Option<String> {
    let vault = state.vault.as_ref().ok()?;
    vault
        .record(Service::Marketo, state.environment())?
        .connection
        .connected_as
}

/// The Munchkin ID of the saved Marketo API access, if any.
pub fn saved_munchkin_id(state: &AppState) -> Option<String> {
    let vault = state.vault.as_ref().ok()?;
    vault
        .record(Service::Marketo, state.environment())?
        .connection
        .munchkin_id
}

fn not_connected() -> AppError {
    AppError::new(
        "marketo_not_connected",
        "The app has no Marketo API access yet. Enter the Munchkin ID, Client ID and Client Secret first.",
    )
}
