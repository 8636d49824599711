//! The facts a CSV import checks rows against: who is invited or active in Actions, the teams, the
//! free seats, and (when Salesforce is connected) its active users. A service that cannot answer
//! never blocks an import: its checks are left out and named in `skipped_checks` for the UI.

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

/// Reads the directory from the Actions admin API the app works with and from Salesforce.
/// Failures of either service become skipped checks, not errors.
pub async fn load(state: &AppState) -> Result<Directory, AppError> {
    let mut directory = Directory::default();
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
