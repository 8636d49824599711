//! The facts a CSV import checks rows against: who is invited or active in Actions, the teams, the
//! free seats, and (when Salesforce is connected) its active users. A service that cannot answer
//! never blocks an import: its checks are left out and named in `skipped_checks` for the UI.
//!
//! Read once per intent: opening the invite form or an import reads it afresh; the checks that
//! follow (each "Check list" on the form) reuse that read, and say when it was taken.

use std::time::{Duration, Instant};

use sia_actions::ActionsClient;
use sia_csv::{Directory, DirectoryCheck, SalesforceUser, SkippedCheck};
use sia_vault::Service;

use crate::error::AppError;
use crate::state::AppState;

const ACTIONS_CHECKS: [DirectoryCheck; 3] = [
    DirectoryCheck::AlreadyInActions,
    DirectoryCheck::SeatsLeft,
    DirectoryCheck::TeamsExist,
];

/// How long a read serves the follow-up checks of the same intent. Long enough for an admin to
/// type a list after the form opens; an invite job that sends anything ends it early.
const FOLLOW_UP_REUSE: Duration = Duration::from_secs(600);

/// The last directory read, for the follow-ups of the intent that read it. The lock is held
/// while a read is under way, so two callers never read the services twice at once.
#[derive(Default)]
pub struct DirectoryCache {
    last: tokio::sync::Mutex<Option<(Directory, Instant)>>,
}

/// Whether a caller starts an intent (read afresh) or follows one (reuse a recent read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    Fresh,
    FollowUp,
}

impl DirectoryCache {
    /// The directory, read afresh or reused as `how` says; its `read_at` tells when it was read.
    pub async fn get(&self, state: &AppState, how: Read) -> Result<Directory, AppError> {
        let mut last = self.last.lock().await;
        if how == Read::FollowUp
            && let Some((directory, at)) = last.as_ref()
            && at.elapsed() < FOLLOW_UP_REUSE
        {
            return Ok(directory.clone());
        }
        let directory = load(state).await?;
        *last = Some((directory.clone(), Instant::now()));
        Ok(directory)
    }

    /// Forgets the last read: after invites were sent, seats and invitees have changed.
    pub async fn forget(&self) {
        *self.last.lock().await = None;
    }
}

/// Reads the directory from the Actions admin API the app works with and from Salesforce.
/// Failures of either service become skipped checks, not errors.
async fn load(state: &AppState) -> Result<Directory, AppError> {
    let mut directory = Directory {
        read_at: Some(crate::checks::now()),
        ..Directory::default()
    };
    match actions_directory(state).await {
        Ok(actions) => {
            directory.invited = actions.invited;
            directory.active = actions.active;
            directory.teams = Some(actions.teams);
            directory.workspaces = actions.workspaces;
            directory.seats_left = actions.seats_left;
            if actions.seats_left.is_none() {
                skip(
                    &mut directory,
                    DirectoryCheck::SeatsLeft,
                    "actions_no_seat_count",
                );
            }
        }
        Err(error) => {
            tracing::info!(code = %error.code, "import runs without the Actions checks");
            for check in ACTIONS_CHECKS {
                skip(&mut directory, check, &error.code);
            }
        }
    }
    match salesforce_users(state).await {
        Ok(users) => directory.salesforce_users = Some(users),
        Err(error) => {
            tracing::info!(code = %error.code, "import runs without the Salesforce checks");
            skip(&mut directory, DirectoryCheck::Salesforce, &error.code);
        }
    }
    Ok(directory)
}

fn skip(directory: &mut Directory, check: DirectoryCheck, reason: &str) {
    directory.skipped_checks.push(SkippedCheck {
        check,
        reason: reason.to_owned(),
    });
}

async fn actions_directory(state: &AppState) -> Result<sia_actions::ActionsDirectory, AppError> {
    let target = crate::actions::target(state)?;
    let client = ActionsClient::new(&target.base_url, target.token)?;
    Ok(client.directory().await?)
}

/// Active Salesforce users, or why they cannot be read (`salesforce_not_connected` when step 2
/// has not connected Salesforce yet).
async fn salesforce_users(state: &AppState) -> Result<Vec<SalesforceUser>, AppError> {
    let connected = state
        .vault
        .as_ref()
        .ok()
        .and_then(|v| v.record(Service::Salesforce, state.environment()))
        .is_some();
    if !connected {
        return Err(AppError::new(
            "salesforce_not_connected",
            "Salesforce is not connected yet. Connect it in step 2.",
        ));
    }
    // Every user, inactive ones too: an invitee whose user is deactivated is told so.
    let users = crate::salesforce::connected_client(state)
        .await?
        .users()
        .await?;
    Ok(users
        .all()
        .iter()
        .map(|u| SalesforceUser {
            email: u.email.clone(),
            is_active: u.active,
            api_enabled: u.api_enabled,
        })
        .collect())
}
