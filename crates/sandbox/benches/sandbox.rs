//! Measures the stand-ins over real HTTP: start-up with 100,000 people, paging the whole
//! Marketo database 300 at a time, and full Salesforce PKCE logins. Prints numbers (it only checks
//! that calls succeed, so a broken run cannot report a fast time).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sia_sandbox::marketo::LimitSettings;
use sia_sandbox::{Sandbox, SandboxConfig};
use std::time::{Duration, Instant};

const CALLBACK: &str = "http://127.0.0.1:53682/callback";

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

async fn run() {
    let mut cfg = SandboxConfig::for_tests();
    cfg.marketo.people = 100_000;
    cfg.actions = None;
    let t0 = Instant::now();
    let sb = Sandbox::start(cfg).await.expect("start");
    println!(
        "start with 100,000 people: {:.1} ms",
        t0.elapsed().as_secs_f64() * 1e3
    );

    // Lift the shared limits: this measures the stand-in, not Marketo's politeness rules.
    sb.marketo().set_limits(LimitSettings {
        rate_limit: u32::MAX,
        rate_window: Duration::from_secs(20),
        max_concurrent: u32::MAX,
        daily_quota: u64::MAX,
    });
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let creds = sb.marketo_credentials();
    let tok: Value = c
        .post(format!("{}/oauth/token", sb.marketo_identity_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", creds.client_id.as_str()),
            ("client_secret", creds.client_secret.as_str()),
        ])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    let token = tok["access_token"].as_str().expect("token").to_string();
    let fields = sia_sandbox::marketo::SYNCED_FIELDS.join(",") + ",sfdcLeadOwnerId";

    for round in 1..=2 {
        let t = Instant::now();
        let (mut people, mut owned, mut calls) = (0u64, 0u64, 0u64);
        let mut next: Option<String> = None;
        loop {
            let mut q = vec![
                ("filterType", "leadPartitionId"),
                ("filterValues", "1"),
                ("fields", fields.as_str()),
            ];
            if let Some(n) = &next {
                q.push(("nextPageToken", n.as_str()));
            }
            let body: Value = c
                .get(format!("{}/rest/v1/leads.json", sb.marketo_url()))
                .query(&q)
                .bearer_auth(&token)
                .send()
                .await
                .expect("leads")
                .json()
                .await
                .expect("json");
            calls += 1;
            for r in body["result"].as_array().into_iter().flatten() {
                people += 1;
                if !r["sfdcLeadOwnerId"].is_null() {
                    owned += 1;
                }
            }
            match body["nextPageToken"].as_str() {
                Some(n) => next = Some(n.to_string()),
                None => break,
            }
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "page 100,000 people (round {round}): {calls} calls, {people} people ({owned} with owner) in {:.2} s = {:.0} people/s, {:.2} ms/call",
            secs,
            people as f64 / secs,
            secs * 1e3 / calls as f64
        );
    }

    let n = 200;
    let t = Instant::now();
    for _ in 0..n {
        let verifier = sia_sandbox::ids::random_alnum(64);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let resp = c
            .get(format!("{}/services/oauth2/authorize", sb.salesforce_url()))
            .query(&[
                ("response_type", "code"),
                ("client_id", sb.salesforce_consumer_key()),
                ("redirect_uri", CALLBACK),
                ("code_challenge", challenge.as_str()),
            ])
            .send()
            .await
            .expect("authorize");
        let loc = resp.headers()["location"]
            .to_str()
            .expect("loc")
            .to_string();
        let url = url::Url::parse(&loc).expect("url");
        let code = url
            .query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .expect("code");
        let status = c
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
            .expect("token")
            .status();
        assert!(status.is_success());
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "Salesforce PKCE login (authorize + token): {n} in {:.2} s = {:.2} ms each",
        secs,
        secs * 1e3 / n as f64
    );
    sb.shutdown().await;
}
