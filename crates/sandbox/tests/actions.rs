//! The Actions admin API is served through the same harness: reachable, logged, fault-injectable.

mod common;

use common::*;
use sia_sandbox::{FaultRule, Outcome, Sandbox, SandboxConfig};

#[tokio::test]
async fn actions_service_is_served_logged_and_faultable() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let base = sb.actions_url().expect("actions served").to_string();
    let token = sb.actions_token().expect("token").to_string();
    let ok = c
        .get(format!("{base}/api/v1/instance"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let unauth = c
        .get(format!("{base}/api/v1/instance"))
        .send()
        .await
        .unwrap();
    assert_eq!(unauth.status(), 401);
    let logged = sb.log().for_service("actions");
    assert_eq!(logged.len(), 2);
    assert_eq!(logged[0].status, Some(200));

    sb.actions_faults()
        .unwrap()
        .add(FaultRule::on("/api/v1/*").status(502).times(1));
    let failed = c
        .get(format!("{base}/api/v1/instance"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 502);
    assert_eq!(
        sb.log().for_service("actions").last().unwrap().outcome,
        Outcome::Injected
    );
    assert!(sb.actions_service().is_some());
    assert_eq!(sb.info().actions_url.as_deref(), Some(base.as_str()));
    sb.shutdown().await;
}

#[tokio::test]
async fn actions_can_be_left_out() {
    let mut cfg = SandboxConfig::for_tests();
    cfg.actions = None;
    let sb = Sandbox::start(cfg).await.unwrap();
    assert!(sb.actions_url().is_none());
    assert!(sb.actions_faults().is_none());
    sb.shutdown().await;
}
