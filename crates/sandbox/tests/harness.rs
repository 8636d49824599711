//! The harness over real HTTP: injected latency, forced statuses, dropped connections,
//! rules changed at runtime, the request log, and shutdown.

mod common;

use common::*;
use serde_json::Value;
use sia_sandbox::harness::{self, ServeOptions};
use sia_sandbox::{FaultRule, Outcome, Sandbox, SandboxConfig};
use std::time::Duration;

#[tokio::test]
async fn injected_latency_makes_an_impatient_client_time_out() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let url = format!("{}/services/data", sb.salesforce_url());
    assert_eq!(impatient.get(&url).send().await.unwrap().status(), 200);
    let id = sb
        .salesforce_faults()
        .add(FaultRule::on("/services/data").latency(Duration::from_secs(5)));
    let err = impatient.get(&url).send().await.unwrap_err();
    assert!(err.is_timeout());
    sb.salesforce_faults().remove(id);
    assert_eq!(impatient.get(&url).send().await.unwrap().status(), 200);
    sb.shutdown().await;
}

#[tokio::test]
async fn forced_statuses_apply_per_route_and_count_down() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    sb.marketo_faults().add(
        FaultRule::on("/rest/v1/leads/describe2.json")
            .status(503)
            .times(2),
    );
    sb.marketo_faults().add(
        FaultRule::on("/identity/*")
            .method("POST")
            .status(429)
            .times(1),
    );
    let token_resp = c
        .post(format!("{}/oauth/token", sb.marketo_identity_url()))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(token_resp.status(), 429);
    assert_eq!(token_resp.headers()["retry-after"], "1");
    let token = marketo_token(&sb, &c).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..2 {
        assert_eq!(
            mk_get(&sb, &c, &token, "/rest/v1/leads/describe2.json", &[])
                .await
                .status(),
            503
        );
    }
    let body: Value = mk_get(&sb, &c, &token, "/rest/v1/leads/describe2.json", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["success"], true, "the rule ran out");
    // The other routes were never touched.
    let injected: Vec<_> = sb
        .log()
        .entries()
        .into_iter()
        .filter(|e| e.outcome == Outcome::Injected)
        .collect();
    assert_eq!(injected.len(), 3);
    assert!(injected.iter().all(|e| e.service == "marketo"));
    // Forced 5xx requests never reached the service, so they do not count against the quota.
    assert_eq!(sb.marketo().daily_used(), 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn dropped_connections_surface_as_transport_errors() {
    let mut cfg = SandboxConfig::for_tests();
    cfg.salesforce_faults = vec![
        FaultRule::on("/services/oauth2/token")
            .drop_connection()
            .times(1),
    ];
    let sb = Sandbox::start(cfg).await.unwrap();
    let c = client();
    let (verifier, code) = authorize(&sb, &c, &[]).await;
    let err = c
        .post(format!("{}/services/oauth2/token", sb.salesforce_url()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", sb.salesforce_consumer_key()),
            ("redirect_uri", CALLBACK),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_status() && !err.is_timeout(), "{err:?}");
    let dropped = sb.log().with_path("/services/oauth2/token");
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0].outcome, Outcome::Dropped);
    assert_eq!(dropped[0].status, None);
    // The request never reached the service: the code is still unused and can be redeemed.
    assert_eq!(
        exchange(&sb, &c, &code, &verifier, CALLBACK).await.status(),
        200
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn the_request_log_shows_where_secrets_travelled() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let creds = sb.marketo_credentials();
    // A careful client: secret in the POST body, token in a header.
    let token = marketo_token(&sb, &c).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    mk_get(&sb, &c, &token, "/rest/v1/leads/describe2.json", &[]).await;
    assert!(!sb.log().any_url_contains(&creds.client_secret));
    assert!(!sb.log().any_url_contains(&token));
    assert!(
        sb.log().anywhere_contains(&creds.client_secret),
        "it did travel, in the body"
    );
    let describe = sb.log().with_path("/rest/v1/leads/describe2.json");
    assert_eq!(
        describe[0].header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    assert_eq!(describe[0].method, "GET");
    assert_eq!(describe[0].status, Some(200));
    assert_eq!(describe[0].service, "marketo");

    // A careless client puts both in the URL, and the log catches it.
    c.get(format!("{}/oauth/token", sb.marketo_identity_url()))
        .query(&[
            ("grant_type", "client_credentials"),
            ("client_id", creds.client_id.as_str()),
            ("client_secret", creds.client_secret.as_str()),
        ])
        .send()
        .await
        .unwrap();
    c.get(format!("{}/rest/v1/leads/describe2.json", sb.marketo_url()))
        .query(&[("access_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert!(sb.log().any_url_contains(&creds.client_secret));
    assert!(sb.log().any_url_contains(&token));
    assert_eq!(sb.log().for_service("salesforce").len(), 0);
    sb.log().clear();
    assert!(sb.log().is_empty());
    sb.shutdown().await;
}

#[tokio::test]
async fn the_harness_serves_any_router_and_shuts_down() {
    let router = axum::Router::new().route("/hello", axum::routing::get(|| async { "hi" }));
    let served = harness::serve(0, router, ServeOptions::new("custom"))
        .await
        .unwrap();
    let url = format!("{}/hello", served.base_url());
    let c = client();
    assert_eq!(
        c.get(&url).send().await.unwrap().text().await.unwrap(),
        "hi"
    );
    served.faults().add(FaultRule::on("*").status(500).times(1));
    assert_eq!(c.get(&url).send().await.unwrap().status(), 500);
    assert_eq!(served.log().len(), 2);
    let addr = served.addr();
    served.shutdown().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "port closed after shutdown"
    );
}

#[tokio::test]
async fn a_busy_port_is_a_bind_error() {
    let first = harness::serve(0, axum::Router::new(), ServeOptions::new("a"))
        .await
        .unwrap();
    let err = harness::serve(
        first.addr().port(),
        axum::Router::new(),
        ServeOptions::new("b"),
    )
    .await
    .err()
    .unwrap();
    assert_eq!(err.code(), "bind_failed");
    first.shutdown().await;
}
