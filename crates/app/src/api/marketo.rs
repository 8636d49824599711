//! Steps 1, 3 and 4, the Marketo side: the connect form (paste cleaning, live test, save), the
//! list of Marketo admins to invite, and the sync preview.

use serde::Serialize;
use ts_rs::TS;

use sia_core::Preference;
use sia_marketo::{
    ClientConfig, Credentials, DEFAULT_PREVIEW_PAGES, Endpoint, MarketoAdminUser,
    MarketoCleaningReport, MarketoConnectionTest, MarketoCredentialField, MarketoPastedCredentials,
    MarketoSyncPreview,
};
use sia_vault::{Service, StorageMode, StoredCredential};

use crate::error::{AppError, AppResult};
use crate::marketo::{self, MarketoForm};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoOverview {
    /// The saved Marketo API access, if any (never the secret).
    pub connection: Option<StoredCredential>,
    /// In demo mode, the stand-in's address, to prefill the form.
    pub demo_address: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoSaved {
    pub connection: StoredCredential,
    pub test: MarketoConnectionTest,
    /// What cleaning changed in what the admin entered.
    pub report: MarketoCleaningReport,
}

pub fn marketo_overview(state: &AppState) -> MarketoOverview {
    MarketoOverview {
        connection: state
            .vault
            .as_ref()
            .ok()
            .and_then(|v| v.record(Service::Marketo, state.environment())),
        demo_address: state.demo.as_ref().and_then(|d| d.marketo_url()),
    }
}

/// A paste into one of the three fields: a whole Integration Information block fills all three,
/// anything else is one cleaned value for `field`. A pasted secret stays in Rust.
pub fn marketo_paste(
    state: &AppState,
    field: MarketoCredentialField,
    text: String,
) -> MarketoPastedCredentials {
    if let Some(block) = sia_marketo::credentials_from_block(&text) {
        state.marketo.hold(block.client_secret.clone());
        return block.view();
    }
    let value = |f| {
        if f == field { text.as_str() } else { "" }
    };
    let cleaned = sia_marketo::clean_credentials(
        value(MarketoCredentialField::MunchkinId),
        value(MarketoCredentialField::ClientId),
        value(MarketoCredentialField::ClientSecret),
    );
    if field == MarketoCredentialField::ClientSecret {
        state.marketo.hold(cleaned.client_secret.clone());
    }
    let mut view = cleaned.view();
    view.report.fields.retain(|f| f.field == field);
    view
}

/// Forgets a pasted secret that was not saved (the admin cleared the field or left the form).
pub fn marketo_discard_paste(state: &AppState) {
    state.marketo.discard();
}

/// "Test and save": cleans the form, asks Marketo's identity endpoint for a token, and only then
/// stores the credentials (keychain, or this session only when the admin chose so).
pub async fn marketo_test_and_save(
    state: &AppState,
    form: MarketoForm,
    storage: StorageMode,
) -> AppResult<MarketoSaved> {
    let cleaned = marketo::cleaned(state, &form);
    if let Some(empty) = cleaned.report.fields.iter().find(|f| f.empty) {
        return Err(missing(empty.field));
    }
    let endpoint = Endpoint::parse(&cleaned.munchkin_or_endpoint)?;
    let credentials = Credentials {
        client_id: cleaned.client_id.clone(),
        client_secret: cleaned.client_secret.clone(),
    };
    save_tested(state, endpoint, credentials, storage, cleaned.report).await
}

/// Demo mode: connects with the Marketo stand-in's own API user, whose secret never reaches the page.
pub async fn marketo_use_demo(state: &AppState, storage: StorageMode) -> AppResult<MarketoSaved> {
    let demo = state.demo.as_ref().ok_or_else(not_demo)?;
    let (Some(creds), Some(address)) = (demo.marketo(), demo.marketo_url()) else {
        return Err(demo.problem().unwrap_or_else(not_demo));
    };
    let endpoint = Endpoint::parse(&address)?;
    let credentials = Credentials::new(creds.client_id, creds.client_secret);
    let report = sia_marketo::clean_credentials(&address, "", "").report;
    let mut saved = save_tested(state, endpoint, credentials, storage, report).await?;
    saved.report.fields.clear();
    Ok(saved)
}

async fn save_tested(
    state: &AppState,
    endpoint: Endpoint,
    credentials: Credentials,
    storage: StorageMode,
    report: MarketoCleaningReport,
) -> AppResult<MarketoSaved> {
    let client = sia_marketo::MarketoClient::new(
        endpoint.clone(),
        credentials.clone(),
        ClientConfig::default(),
    )?
    .with_own_call_ledger();
    let test = client.test_credentials().await?;
    let guided = state.mode().is_guided();
    let munchkin = test.munchkin_id.clone().or_else(|| {
        state
            .demo
            .as_ref()
            .and_then(|d| d.marketo())
            .map(|c| c.munchkin_id)
    });
    let info = marketo::connection_info(&endpoint, munchkin, &test.api_user);
    let vault = state.vault()?;
    let connection = vault.save(
        state.environment(),
        info,
        marketo::vault_credentials(&credentials),
        storage,
    )?;
    state.marketo.discard();
    if guided {
        // Real product: these are the Integration Information card's credentials, which exist
        // only once the instance is active, so the token just issued checks step 1.
        crate::checks::record_marketo_token(state, &test)?;
    }
    Ok(MarketoSaved {
        connection,
        test,
        report,
    })
}

/// Step 1: the Marketo users with an admin role (User Management API).
pub async fn marketo_admins(state: &AppState) -> AppResult<Vec<MarketoAdminUser>> {
    let client = marketo::client(state)?;
    Ok(client.admin_users().await?)
}

/// Step 4: the 13 fields against describe2, and how many people have a Salesforce owner.
pub async fn marketo_sync_preview(state: &AppState) -> AppResult<MarketoSyncPreview> {
    let client = marketo::client(state)?;
    let preview = client.sync_preview(DEFAULT_PREVIEW_PAGES).await?;
    // Kept for step 4's estimates; a preview that stopped paging early counts "at least".
    state.with_store(|s| {
        s.set_preference(
            Preference::SyncExpectedPeople,
            &preview.with_owner.to_string(),
        )?;
        s.set_preference(
            Preference::SyncExpectedAtLeast,
            if preview.people_with_owner.lower_bound {
                "true"
            } else {
                "false"
            },
        )
    })?;
    Ok(preview)
}

/// Steps 3 and 4, real product: Marketo's API-only users and the chosen one's calls.
pub async fn marketo_usage(state: &AppState) -> AppResult<crate::guided::MarketoUsageCheck> {
    crate::checks::marketo_usage(state).await
}

/// Steps 3 and 4, real product: the admin picks which API-only user is Actions'.
pub async fn marketo_choose_actions_user(
    state: &AppState,
    user_id: String,
) -> AppResult<crate::guided::MarketoUsageCheck> {
    crate::checks::choose_marketo_user(state, &user_id).await
}

fn missing(field: MarketoCredentialField) -> AppError {
    let name = match field {
        MarketoCredentialField::MunchkinId => "munchkinId",
        MarketoCredentialField::ClientId => "clientId",
        MarketoCredentialField::ClientSecret => "clientSecret",
    };
    AppError::new("marketo_field_empty", format!("The {name} field is empty."))
        .with_param("field", name)
}

fn not_demo() -> AppError {
    AppError::new(
        "marketo_demo_unavailable",
        "The demo's Marketo stand-in is not running.",
    )
}

/// Step 3, real product: copies the Munchkin ID, Client ID or Client Secret for pasting into
/// Actions (the secret straight from the keychain, cleared from the clipboard after a minute).
pub async fn marketo_copy_field(
    state: &AppState,
    clipboard: std::sync::Arc<dyn crate::clipboard::Clipboard>,
    field: crate::clipboard::CopyField,
) -> AppResult<()> {
    crate::clipboard::copy_marketo_field(state, clipboard, field)
}
