//! Shared helpers: a sandbox serving the Actions service next to the stand-ins, and a client for it.
#![allow(dead_code)]

use std::time::Duration;

use sia_actions::{ActionsClient, ActionsSyncState, ActionsSyncStatus};
use sia_sandbox::{RunningSandbox, Sandbox, SandboxConfig};
use sia_secret::Secret;

/// The Marketo admin the stand-in lists first (see the Marketo stand-in's users).
pub const ADMIN: &str = "jordan.lee@acme-demo.example";

pub async fn start(config: SandboxConfig) -> (RunningSandbox, ActionsClient) {
    let sb = Sandbox::start(config).await.expect("sandbox starts");
    let client = client_for(&sb);
    (sb, client)
}

pub fn client_for(sb: &RunningSandbox) -> ActionsClient {
    ActionsClient::new(
        sb.actions_url().expect("actions served"),
        Secret::new(sb.actions_token().expect("token")),
    )
    .expect("client")
}

/// Step 1 and the invitee's acceptance: the instance is active and `ADMIN` may own Marketo.
pub async fn activate_and_accept(client: &ActionsClient) -> String {
    let act = client.activate(&[ADMIN]).await.expect("activation");
    let id = act.results[0].user_id.clone().expect("invited");
    client.accept_invitation(&id).await.expect("accepted");
    id
}

/// Activation, acceptance, and Marketo connected with the Integration Information.
pub async fn connect_marketo(client: &ActionsClient) -> String {
    let id = activate_and_accept(client).await;
    let info = client.integration().await.expect("integration information");
    client
        .connect_marketo(
            ADMIN,
            &info.munchkin_id,
            &info.client_id,
            &info.client_secret,
        )
        .await
        .expect("marketo connects");
    id
}

/// Polls the sync until it is no longer running (bounded, so a stuck sync fails the test).
pub async fn wait_for_sync(client: &ActionsClient) -> ActionsSyncStatus {
    for _ in 0..1200 {
        match client.sync_status().await {
            Ok(s) if s.state != ActionsSyncState::Running => return s,
            Ok(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            // Polling counts against the service's rate limit like any call: wait as asked.
            Err(e) if e.retry_after().is_some() => {
                tokio::time::sleep(Duration::from_secs(e.retry_after().unwrap_or(1))).await;
            }
            Err(e) => panic!("status: {e}"),
        }
    }
    panic!("the sync did not finish within a minute");
}
