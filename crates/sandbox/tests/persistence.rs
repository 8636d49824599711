//! With a state file, grants and tokens survive a restart of the sandbox; revocations too.

mod common;

use common::*;
use serde_json::Value;
use sia_sandbox::{Sandbox, SandboxConfig};

#[tokio::test]
async fn tokens_and_grants_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = SandboxConfig::for_tests();
    cfg.state_file = Some(dir.path().join("sandbox.sqlite"));
    let c = client();

    let sb = Sandbox::start(cfg.clone()).await.unwrap();
    let kept = login(&sb, &c).await;
    let revoked = login(&sb, &c).await;
    c.post(format!("{}/services/oauth2/revoke", sb.salesforce_url()))
        .form(&[("token", revoked["refresh_token"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    let mk = marketo_token(&sb, &c).await;
    sb.shutdown().await;

    let sb = Sandbox::start(cfg).await.unwrap();
    let access = kept["access_token"].as_str().unwrap();
    assert_eq!(
        soql(&sb, &c, access, "query", "SELECT Id FROM User LIMIT 1")
            .await
            .status(),
        200
    );
    let refreshed = c
        .post(format!("{}/services/oauth2/token", sb.salesforce_url()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", kept["refresh_token"].as_str().unwrap()),
            ("client_id", sb.salesforce_consumer_key()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 200);
    assert_eq!(
        soql(
            &sb,
            &c,
            revoked["access_token"].as_str().unwrap(),
            "query",
            "SELECT Id FROM User LIMIT 1"
        )
        .await
        .status(),
        401,
        "revocations persist too"
    );
    let mk_again = marketo_token(&sb, &c).await;
    assert_eq!(mk_again["access_token"], mk["access_token"]);
    let body: Value = mk_get(
        &sb,
        &c,
        mk["access_token"].as_str().unwrap(),
        "/rest/v1/leads/describe2.json",
        &[],
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(body["success"], true);
    sb.shutdown().await;

    // The file holds digests of Salesforce tokens, never the tokens themselves.
    let mut raw = std::fs::read(dir.path().join("sandbox.sqlite")).unwrap();
    raw.extend(std::fs::read(dir.path().join("sandbox.sqlite-wal")).unwrap_or_default());
    let raw = String::from_utf8_lossy(&raw);
    assert!(raw.contains("sf_token"), "read the right file");
    assert!(!raw.contains(kept["refresh_token"].as_str().unwrap()));
}

#[tokio::test]
async fn without_a_state_file_a_restart_forgets() {
    let c = client();
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let t = login(&sb, &c).await;
    sb.shutdown().await;
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    assert_eq!(
        soql(
            &sb,
            &c,
            t["access_token"].as_str().unwrap(),
            "query",
            "SELECT Id FROM User"
        )
        .await
        .status(),
        401
    );
    sb.shutdown().await;
}
