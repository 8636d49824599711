//! Steps 1, 3 and 4 on the Actions side: activation by inviting Marketo admins, the Marketo
//! connection and its owner, and the data sync. Each answer also records the step's check.

use serde::Serialize;
use ts_rs::TS;

use sia_actions::{
    ActionsActivation, ActionsConnections, ActionsInstance, ActionsMarketoConnection,
    ActionsOutboxInvitation, ActionsSyncState, ActionsSyncStatus, ActionsUser,
};
use sia_core::{Attention, CheckResult, Preference, StepId};
use sia_marketo::MarketoPastedCredentials;
use sia_vault::{
    ActionsCredentials, ConnectionInfo, Secret, Service, StorageMode, StoredCredential,
};

use crate::actions;
use crate::error::{AppError, AppResult};
use crate::state::{AppState, RunMode};

/// Everything steps 1 and 3 show about the Actions instance, read in one go.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ActionsOverview {
    pub instance: ActionsInstance,
    pub users: Vec<ActionsUser>,
    pub connections: ActionsConnections,
    /// The first invitee, who must never be deleted once the sync runs.
    pub original_user: Option<ActionsUser>,
    /// The admin who owns the Marketo connection.
    pub marketo_owner: Option<ActionsUser>,
    /// The Integration Information card without its secret, once the instance is active.
    pub integration: Option<IntegrationCard>,
    /// True against the built-in stand-in: its outbox and "accept" are shown.
    pub demo: bool,
}

/// What Marketo's Integration Information card shows, minus the Client Secret (which stays in Rust).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IntegrationCard {
    pub munchkin_id: String,
    pub client_id: String,
}

/// The sync's state, plus what the app knows to estimate the time left.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncProgress {
    pub status: ActionsSyncStatus,
    /// People the preview counted with a Salesforce owner, when a preview was run.
    #[ts(type = "number | null")]
    pub expected: Option<u64>,
    /// Seconds left at the current rate, when both the rate and `expected` are known.
    #[ts(type = "number | null")]
    pub seconds_left: Option<u64>,
}

/// Settings: points the app at an Actions admin API (its URL and an API token). The token is
/// checked live (`GET /instance`) before it is stored; the URL goes to the settings file.
pub async fn actions_connect(
    state: &AppState,
    url: String,
    token: String,
    storage: StorageMode,
) -> AppResult<StoredCredential> {
    let token = token.trim();
    if token.is_empty() {
        return Err(AppError::new(
            "actions_token_empty",
            "Enter the API token of the Actions admin API.",
        ));
    }
    let client = sia_actions::ActionsClient::new(url.trim(), Secret::new(token))?;
    let instance = client.instance().await?;
    let vault = state.vault()?;
    let info = ConnectionInfo {
        account: instance.munchkin_id.clone(),
        connected_as: Some(instance.munchkin_id),
        base_url: Some(client.base_url().to_string()),
        ..Default::default()
    };
    let credentials = sia_vault::Credentials::Actions(ActionsCredentials {
        api_token: Secret::new(token),
    });
    Ok(vault.save(state.environment(), info, credentials, storage)?)
}

pub async fn actions_overview(state: &AppState) -> AppResult<ActionsOverview> {
    let client = actions::client(state)?;
    let (instance, users, connections) =
        tokio::try_join!(client.instance(), client.users(), client.connections())?;
    record_activation(state, &instance)?;
    record_marketo_connection(state, connections.marketo.as_ref())?;
    let original_user = users.iter().find(|u| u.original_user).cloned();
    let marketo_owner = connections
        .marketo
        .as_ref()
        .and_then(|m| users.iter().find(|u| u.id == m.owner_user_id).cloned());
    let integration = if instance.integration_information_available {
        let card = client.integration().await?;
        Some(IntegrationCard {
            munchkin_id: card.munchkin_id,
            client_id: card.client_id,
        })
    } else {
        None
    };
    Ok(ActionsOverview {
        instance,
        users,
        connections,
        original_user,
        marketo_owner,
        integration,
        demo: state.run_mode == RunMode::Demo,
    })
}

/// Step 1: "Send invite" to the chosen Marketo admins. The first invitee ever becomes the
/// original user; the service refuses an address already there (per admin, not the whole call).
pub async fn actions_activate(
    state: &AppState,
    emails: Vec<String>,
) -> AppResult<ActionsActivation> {
    let emails: Vec<String> = emails
        .iter()
        .map(|e| e.trim().to_string())
        .filter(|e| !e.is_empty())
        .collect();
    if emails.is_empty() {
        return Err(AppError::new(
            "actions_no_admin_chosen",
            "Choose at least one Marketo admin to invite.",
        ));
    }
    let client = actions::client(state)?;
    let refs: Vec<&str> = emails.iter().map(String::as_str).collect();
    let activation = client.activate(&refs).await?;
    record_activation(state, &activation.instance)?;
    Ok(activation)
}

/// Demo only: the stand-in's outbox, in place of the invitees' mailboxes.
pub async fn actions_outbox(state: &AppState) -> AppResult<Vec<ActionsOutboxInvitation>> {
    demo_only(state)?;
    Ok(actions::client(state)?.outbox().await?)
}

/// Demo only: plays the invitee who opens the invitation and signs in, connecting Salesforce with
/// the same email; the demo org then holds their grant to the Actions app, as Salesforce would,
/// so step 5's tracker sees them activated (when the org has such a user).
pub async fn actions_demo_accept(state: &AppState, user_id: String) -> AppResult<ActionsUser> {
    demo_only(state)?;
    let user = actions::client(state)?.accept_invitation(&user_id).await?;
    if let Some(demo) = &state.demo
        && !demo.authorize_actions_app_for_email(&user.email)
    {
        tracing::info!(target: "sia::demo", "the accepting invitee has no usable user in the demo org");
    }
    Ok(user)
}

/// Step 3, first half: fills the connect form from the instance's Integration Information.
/// The Client Secret stays in Rust, held like a pasted one.
pub async fn actions_fill_from_integration(
    state: &AppState,
) -> AppResult<MarketoPastedCredentials> {
    let integration = actions::client(state)?.integration().await?;
    let address = marketo_address(state, &integration.munchkin_id);
    let cleaned = sia_marketo::clean_credentials(
        &address,
        &integration.client_id,
        integration.client_secret.expose(),
    );
    state.marketo.hold(cleaned.client_secret.clone());
    let mut view = cleaned.view();
    view.report.filled_from_block = view.report.fields.iter().map(|f| f.field).collect();
    Ok(view)
}

/// Step 3, second half: connects the Actions instance to Marketo with the credentials just
/// tested and saved, owned by `owner_email` (an active admin).
pub async fn actions_connect_marketo(
    state: &AppState,
    owner_email: String,
) -> AppResult<ActionsMarketoConnection> {
    let vault = state.vault()?;
    let environment = state.environment();
    let (Some(record), Some(saved)) = (
        vault.record(Service::Marketo, environment),
        vault.marketo(environment)?,
    ) else {
        return Err(AppError::new(
            "marketo_not_connected",
            "Test and save the Marketo credentials first.",
        ));
    };
    let client = actions::client(state)?;
    // The instance belongs to one Marketo subscription. Credentials saved for an address that
    // names no Munchkin ID (a custom endpoint URL) are sent under the instance's own; credentials
    // of another subscription are refused here, in words, before the service sees them.
    let instance_munchkin = client.instance().await?.munchkin_id;
    let saved_munchkin = record
        .connection
        .munchkin_id
        .unwrap_or(record.connection.account);
    let munchkin = if sia_marketo::is_munchkin_id(&saved_munchkin) {
        if !saved_munchkin.eq_ignore_ascii_case(&instance_munchkin) {
            return Err(AppError::new(
                "actions_marketo_other_instance",
                "The saved Marketo credentials belong to another Marketo instance than this Actions account.",
            )
            .with_param("saved", saved_munchkin)
            .with_param("expected", instance_munchkin));
        }
        saved_munchkin
    } else {
        instance_munchkin
    };
    let connection = client
        .connect_marketo(
            owner_email.trim(),
            &munchkin,
            saved.client_id.expose(),
            &saved.client_secret,
        )
        .await?;
    record_marketo_connection(state, Some(&connection))?;
    Ok(connection)
}

pub async fn actions_disconnect_marketo(state: &AppState) -> AppResult<()> {
    actions::client(state)?.disconnect_marketo().await?;
    record_marketo_connection(state, None)?;
    Ok(())
}

/// Step 4: where the sync stands (the service keeps it, so it survives closing the app).
pub async fn sync_progress(state: &AppState) -> AppResult<SyncProgress> {
    let status = actions::client(state)?.sync_status().await?;
    progress(state, status)
}

/// Step 4: Start Sync, after the admin confirmed the warning about the original user.
/// `expected` is the preview's count of people with an owner, kept to estimate the time left.
pub async fn sync_start(state: &AppState, expected: Option<u64>) -> AppResult<SyncProgress> {
    if let Some(expected) = expected {
        state.with_store(|s| {
            s.set_preference(Preference::SyncExpectedPeople, &expected.to_string())
        })?;
    }
    let status = actions::client(state)?.start_sync().await?;
    progress(state, status)
}

fn progress(state: &AppState, status: ActionsSyncStatus) -> AppResult<SyncProgress> {
    let check = match status.state {
        ActionsSyncState::NotStarted => None,
        ActionsSyncState::Running => Some(CheckResult::InProgress),
        ActionsSyncState::Completed if status.errors.is_empty() => Some(CheckResult::Done),
        ActionsSyncState::Completed | ActionsSyncState::Failed => {
            Some(CheckResult::NeedsAttention {
                reason: Attention::SyncErrors {
                    count: u32::try_from(status.errors.len()).unwrap_or(u32::MAX),
                },
            })
        }
    };
    if let Some(check) = check {
        state.with_store(|s| s.record_check(StepId::StartSync, &check))?;
    }
    let expected = state
        .with_store(|s| s.preference(Preference::SyncExpectedPeople))?
        .and_then(|v| v.parse::<u64>().ok());
    let seconds_left = match (status.state, expected) {
        (ActionsSyncState::Running, Some(expected)) if status.rate_per_minute > 0.0 => {
            let left = expected.saturating_sub(status.people_synced) as f64;
            Some((left / status.rate_per_minute * 60.0).ceil() as u64)
        }
        _ => None,
    };
    Ok(SyncProgress {
        status,
        expected,
        seconds_left,
    })
}

fn record_activation(state: &AppState, instance: &ActionsInstance) -> AppResult<()> {
    if instance.is_active() {
        state.with_store(|s| s.record_check(StepId::ActivateAccount, &CheckResult::Done))?;
    }
    Ok(())
}

fn record_marketo_connection(
    state: &AppState,
    connection: Option<&ActionsMarketoConnection>,
) -> AppResult<()> {
    let check = match connection {
        Some(c) if c.status == "connected" => CheckResult::Done,
        Some(_) => CheckResult::NeedsAttention {
            reason: Attention::ConnectionLost,
        },
        None => {
            return state
                .with_store(|s| s.clear_check(StepId::ConnectMarketo))
                .map_err(Into::into);
        }
    };
    state.with_store(|s| s.record_check(StepId::ConnectMarketo, &check))?;
    Ok(())
}

/// The address to test Integration Information against: the saved Marketo address when it is the
/// same instance (the demo's stand-in has no public host), else the Munchkin ID itself.
fn marketo_address(state: &AppState, munchkin_id: &str) -> String {
    let saved = state
        .vault
        .as_ref()
        .ok()
        .and_then(|v| v.record(Service::Marketo, state.environment()));
    if let Some(record) = saved
        && record.connection.munchkin_id.as_deref() == Some(munchkin_id)
        && let Some(base) = record.connection.base_url
    {
        return base;
    }
    match state
        .demo
        .as_ref()
        .and_then(|d| Some((d.marketo()?, d.marketo_url()?)))
    {
        Some((creds, url)) if creds.munchkin_id == munchkin_id => url,
        _ => munchkin_id.to_string(),
    }
}

fn demo_only(state: &AppState) -> AppResult<()> {
    if state.run_mode == RunMode::Demo {
        Ok(())
    } else {
        Err(AppError::new(
            "actions_demo_only",
            "This is only available with the built-in demo services.",
        ))
    }
}

/// Demo only, in the guided demo: plays what the admin does in the vendor's UI for `step` (in
/// Marketo's Actions Config or in Actions), against the stand-in, so the guided screens and their
/// evidence can be tried end to end. The real product has nothing like it.
pub async fn demo_play(state: &AppState, step: StepId) -> AppResult<()> {
    demo_only(state)?;
    let client = actions::demo_client(state)?;
    let demo = state.demo.as_ref().ok_or_else(not_demo_services)?;
    match step {
        StepId::ActivateAccount => {
            demo_activate(state, &client).await?;
        }
        StepId::ConnectMarketo => {
            demo_connect_marketo(state, &client, demo).await?;
        }
        StepId::StartSync => {
            demo_connect_marketo(state, &client, demo).await?;
            client.start_sync().await?;
        }
        StepId::ConnectSalesforce => {
            demo.authorize_actions_app(&demo_salesforce_user(state).await?)?;
        }
        StepId::InviteUsers | StepId::InstallPackage | StepId::ConfigureSalesforce => {
            return Err(AppError::new(
                "app_demo_nothing_to_play",
                "This step has nothing to play in the demo.",
            ));
        }
    }
    Ok(())
}

/// The first Marketo admin invited and accepting, as the first invite in Actions Config does.
async fn demo_activate(
    state: &AppState,
    client: &sia_actions::ActionsClient,
) -> AppResult<ActionsUser> {
    if let Some(original) = client.users().await?.into_iter().find(|u| u.original_user) {
        return Ok(original);
    }
    let admins = crate::marketo::client(state)?.admin_users().await?;
    let first = admins.first().ok_or_else(|| {
        AppError::new(
            "app_demo_no_admin",
            "The demo's Marketo has no admin to invite.",
        )
    })?;
    client.activate(&[first.email.as_str()]).await?;
    let invited = client.find_user(&first.email).await?.ok_or_else(|| {
        AppError::new("app_demo_no_admin", "The demo could not invite its admin.")
    })?;
    Ok(client.accept_invitation(&invited.id).await?)
}

async fn demo_connect_marketo(
    state: &AppState,
    client: &sia_actions::ActionsClient,
    demo: &crate::demo::DemoServices,
) -> AppResult<()> {
    if client
        .connections()
        .await?
        .marketo
        .is_some_and(|m| m.status == "connected")
    {
        return Ok(());
    }
    let owner = demo_activate(state, client).await?;
    let owner = if owner.active {
        owner
    } else {
        client.accept_invitation(&owner.id).await?
    };
    let creds = demo.marketo().ok_or_else(not_demo_services)?;
    client
        .connect_marketo(
            &owner.email,
            &creds.munchkin_id,
            &creds.client_id,
            &Secret::new(creds.client_secret),
        )
        .await?;
    Ok(())
}

/// The Salesforce user SIA Setup is signed in as (the admin who connects Actions in the demo).
async fn demo_salesforce_user(state: &AppState) -> AppResult<String> {
    let client = crate::salesforce::connected_client(state).await?;
    Ok(client.session_summary().await?.user_id)
}

fn not_demo_services() -> AppError {
    AppError::new("demo_not_running", "The demo services are not running.")
}
