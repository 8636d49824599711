//! The Settings screen: what is stored for which service, and forgetting it.

use serde::Serialize;
use ts_rs::TS;

use sia_vault::{Environment, ForgetFailure, Revocation, Service, StoredCredential, VaultStatus};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ForgetSummary {
    pub removed: Vec<StoredCredential>,
    pub failed: Vec<ForgetFailure>,
    /// Salesforce tokens revoked at Salesforce; those that could not be (offline) are
    /// still forgotten here and expire on Salesforce's side.
    pub revoked: u32,
    pub not_revoked: u32,
    pub status: VaultStatus,
}

pub async fn vault_status(state: &AppState) -> AppResult<VaultStatus> {
    Ok(state.vault()?.status())
}

pub async fn forget_credential(
    state: &AppState,
    service: Service,
    environment: Environment,
) -> AppResult<ForgetSummary> {
    let vault = state.vault()?;
    let outcome = {
        let vault = vault.clone();
        tokio::task::spawn_blocking(move || vault.forget(service, environment))
            .await
            .map_err(|_| keychain_silent())??
    };
    if service == Service::Salesforce {
        state.salesforce.take_client().await;
    }
    let (revoked, not_revoked) = revoke_all(outcome.revocations).await;
    Ok(ForgetSummary {
        removed: outcome.removed,
        failed: outcome.failed,
        revoked,
        not_revoked,
        status: vault.status(),
    })
}

/// Forgets every stored credential, revoking Salesforce tokens where it can.
pub async fn forget_everything(state: &AppState) -> AppResult<ForgetSummary> {
    let vault = state.vault()?;
    let outcome = {
        let vault = vault.clone();
        tokio::task::spawn_blocking(move || vault.forget_all())
            .await
            .map_err(|_| keychain_silent())?
    };
    state.salesforce.take_client().await;
    let (revoked, not_revoked) = revoke_all(outcome.revocations).await;
    Ok(ForgetSummary {
        removed: outcome.removed,
        failed: outcome.failed,
        revoked,
        not_revoked,
        status: vault.status(),
    })
}

/// Revokes forgotten Salesforce refresh tokens; returns (revoked, not revoked).
pub async fn revoke_all(revocations: Vec<Revocation>) -> (u32, u32) {
    let (mut revoked, mut failed) = (0, 0);
    for revocation in revocations {
        let host = revocation
            .connection
            .login_url
            .as_deref()
            .or(revocation.connection.base_url.as_deref())
            .and_then(|url| sia_salesforce::LoginHost::parse(url).ok());
        let result = match host {
            Some(host) => sia_salesforce::revoke_refresh_token(&host, &revocation.refresh_token)
                .await
                .map_err(|e| e.code()),
            None => Err("no_login_host"),
        };
        match result {
            Ok(()) => revoked += 1,
            Err(code) => {
                tracing::warn!(code, "a forgotten Salesforce token could not be revoked");
                failed += 1;
            }
        }
    }
    (revoked, failed)
}

fn keychain_silent() -> AppError {
    AppError::new("vault_keychain_failed", "The keychain did not answer.")
}
