//! The Marketo stand-in over real HTTP: identity token, envelope errors 600/601/602/606/615/607,
//! describe2, lead lookup with nextPageToken paging, and the user management endpoints.

mod common;

use common::*;
use serde_json::Value;
use sia_sandbox::marketo::{LimitSettings, SYNCED_FIELDS};
use sia_sandbox::{Sandbox, SandboxConfig};
use std::collections::HashSet;
use std::time::Duration;

const DESCRIBE: &str = "/rest/v1/leads/describe2.json";
const LEADS: &str = "/rest/v1/leads.json";

#[tokio::test]
async fn token_is_reused_while_it_lives_and_bad_credentials_get_401() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let creds = sb.marketo_credentials();
    let bad = c
        .get(format!("{}/oauth/token", sb.marketo_identity_url()))
        .query(&[
            ("grant_type", "client_credentials"),
            ("client_id", creds.client_id.as_str()),
            ("client_secret", "wrong"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    // A pasted id with a stray space is a different id.
    let padded = format!("{} ", creds.client_id);
    let bad = c
        .get(format!("{}/oauth/token", sb.marketo_identity_url()))
        .query(&[
            ("grant_type", "client_credentials"),
            ("client_id", padded.as_str()),
            ("client_secret", creds.client_secret.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);

    let first = marketo_token(&sb, &c).await;
    assert_eq!(first["token_type"], "bearer");
    assert_eq!(first["expires_in"], 3599);
    sb.clock().advance(Duration::from_secs(600));
    let second = marketo_token(&sb, &c).await;
    assert_eq!(
        second["access_token"], first["access_token"],
        "same token while it lives"
    );
    assert!(second["expires_in"].as_i64().unwrap() <= 3000);

    let token = first["access_token"].as_str().unwrap().to_string();
    let body: Value = mk_get(&sb, &c, &token, DESCRIBE, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["success"], true);
    sb.clock().advance(Duration::from_secs(3001));
    let body: Value = mk_get(&sb, &c, &token, DESCRIBE, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mk_error(&body).as_deref(), Some("602"));
    let third = marketo_token(&sb, &c).await;
    assert_ne!(third["access_token"], first["access_token"]);
    assert_eq!(third["expires_in"], 3599);
    sb.shutdown().await;
}

#[tokio::test]
async fn missing_and_unknown_tokens_get_600_and_601_in_an_http_200_envelope() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let resp = c
        .get(format!("{}{DESCRIBE}", sb.marketo_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(mk_error(&body).as_deref(), Some("600"));
    assert!(body["requestId"].as_str().unwrap().contains('#'));
    let resp = mk_get(
        &sb,
        &c,
        "00000000-0000-4000-a000-000000000000:sj",
        DESCRIBE,
        &[],
    )
    .await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["success"], false);
    assert_eq!(body["errors"][0]["code"], "601");
    assert_eq!(body["errors"][0]["message"], "Access token invalid");
    // The query-parameter form of the token is still accepted.
    let token = marketo_token(&sb, &c).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let body: Value = c
        .get(format!("{}{DESCRIBE}", sb.marketo_url()))
        .query(&[("access_token", token.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["success"], true);
    sb.shutdown().await;
}

#[tokio::test]
async fn describe2_lists_the_synced_fields() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let token = marketo_token(&sb, &c).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let body: Value = mk_get(&sb, &c, &token, DESCRIBE, &[])
        .await
        .json()
        .await
        .unwrap();
    let fields = body["result"][0]["fields"].as_array().unwrap();
    let names: HashSet<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    for f in SYNCED_FIELDS {
        assert!(names.contains(f), "{f}");
    }
    let email = fields.iter().find(|f| f["name"] == "email").unwrap();
    for key in [
        "displayName",
        "dataType",
        "length",
        "updateable",
        "crmManaged",
    ] {
        assert!(email.get(key).is_some(), "{key}");
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn leads_page_with_next_page_token_and_filter() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let token = marketo_token(&sb, &c).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let fields = SYNCED_FIELDS.join(",") + ",sfdcLeadOwnerId";
    let mut seen = HashSet::new();
    let mut owned = 0;
    let mut page_token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut q = vec![
            ("filterType", "leadPartitionId"),
            ("filterValues", "1"),
            ("fields", fields.as_str()),
        ];
        if let Some(t) = &page_token {
            q.push(("nextPageToken", t.as_str()));
        }
        let body: Value = mk_get(&sb, &c, &token, LEADS, &q)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(body["success"], true, "{body}");
        let result = body["result"].as_array().unwrap();
        assert!(result.len() <= 300);
        pages += 1;
        for r in result {
            assert!(seen.insert(r["id"].as_u64().unwrap()));
            if !r["sfdcLeadOwnerId"].is_null() {
                owned += 1;
            }
            assert!(r.get("linkedInProfileURL").is_some());
        }
        match body.get("nextPageToken").and_then(Value::as_str) {
            Some(t) => page_token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 2_000);
    assert_eq!(pages, 7);
    assert!(
        owned > 0 && owned < 2_000,
        "some people have an owner, some not"
    );
    assert_eq!(owned as u64, sb.marketo().people_with_owner());

    // Filter by owner: every record belongs to that owner.
    let owner = sb
        .marketo()
        .person(
            (1..)
                .find(|i| {
                    sb.marketo().person(*i).unwrap()["sfdcLeadOwnerId"]
                        .as_str()
                        .is_some_and(|o| o.starts_with("005"))
                })
                .unwrap(),
        )
        .unwrap()["sfdcLeadOwnerId"]
        .as_str()
        .unwrap()
        .to_string();
    let body: Value = mk_get(
        &sb,
        &c,
        &token,
        LEADS,
        &[
            ("filterType", "sfdcLeadOwnerId"),
            ("filterValues", owner.as_str()),
            ("fields", "id,sfdcLeadOwnerId"),
        ],
    )
    .await
    .json()
    .await
    .unwrap();
    let r = body["result"].as_array().unwrap();
    assert!(!r.is_empty());
    assert!(r.iter().all(|x| x["sfdcLeadOwnerId"] == owner.as_str()));

    // Email lookup ignores case; duplicates stay duplicates.
    let email = sb.marketo().person(96).unwrap()["email"]
        .as_str()
        .unwrap()
        .to_uppercase();
    let body: Value = mk_get(
        &sb,
        &c,
        &token,
        LEADS,
        &[("filterType", "email"), ("filterValues", email.as_str())],
    )
    .await
    .json()
    .await
    .unwrap();
    let ids: Vec<u64> = body["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    assert!(ids.contains(&96) && ids.contains(&97), "{ids:?}");
    sb.shutdown().await;
}

#[tokio::test]
async fn lead_request_errors() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let token = marketo_token(&sb, &c).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let many: Vec<String> = (1..=301).map(|i| i.to_string()).collect();
    let many = many.join(",");
    for (q, code) in [
        (
            vec![
                ("filterType", "id"),
                ("filterValues", "1"),
                ("batchSize", "301"),
            ],
            "1003",
        ),
        (
            vec![("filterType", "id"), ("filterValues", many.as_str())],
            "1003",
        ),
        (
            vec![("filterType", "shoeSize"), ("filterValues", "1")],
            "1003",
        ),
        (vec![("filterValues", "1")], "1002"),
        (
            vec![
                ("filterType", "id"),
                ("filterValues", "1"),
                ("fields", "nope"),
            ],
            "1006",
        ),
        (
            vec![
                ("filterType", "id"),
                ("filterValues", "1"),
                ("nextPageToken", "GARBAGE"),
            ],
            "1003",
        ),
    ] {
        let resp = mk_get(&sb, &c, &token, LEADS, &q).await;
        assert_eq!(resp.status(), 200);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(mk_error(&body).as_deref(), Some(code), "{q:?}");
    }
    let body: Value = mk_get(
        &sb,
        &c,
        &token,
        LEADS,
        &[("filterType", "id"), ("filterValues", "5,999999")],
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(body["result"].as_array().unwrap().len(), 1);
    sb.shutdown().await;
}

fn limits(sb: &sia_sandbox::RunningSandbox) -> LimitSettings {
    sb.marketo().limits()
}

#[tokio::test]
async fn rate_limit_606_then_recovery_after_the_window() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    sb.marketo().set_limits(LimitSettings {
        rate_limit: 5,
        ..limits(&sb)
    });
    let token = marketo_token(&sb, &c).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..5 {
        let body: Value = mk_get(&sb, &c, &token, DESCRIBE, &[])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(body["success"], true);
    }
    let resp = mk_get(&sb, &c, &token, DESCRIBE, &[]).await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(mk_error(&body).as_deref(), Some("606"));
    assert_eq!(
        body["errors"][0]["message"],
        "Max rate limit '5' exceeded with in '20' secs"
    );
    sb.clock().advance(Duration::from_secs(21));
    let body: Value = mk_get(&sb, &c, &token, DESCRIBE, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["success"], true);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrency_limit_615() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    sb.marketo().set_limits(LimitSettings {
        max_concurrent: 3,
        ..limits(&sb)
    });
    let token = marketo_token(&sb, &c).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let hold = sb.marketo().hold();
    let mut calls = Vec::new();
    for _ in 0..3 {
        let c = c.clone();
        let url = format!("{}{DESCRIBE}", sb.marketo_url());
        let token = token.clone();
        calls.push(tokio::spawn(async move {
            c.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }));
    }
    // Wait (without a deadline assertion) until the three calls are inside the service.
    while sb.marketo().in_flight() < 3 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let body: Value = mk_get(&sb, &c, &token, DESCRIBE, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mk_error(&body).as_deref(), Some("615"));
    assert_eq!(
        body["errors"][0]["message"],
        "Concurrent access limit reached"
    );
    drop(hold);
    for call in calls {
        assert_eq!(call.await.unwrap()["success"], true);
    }
    assert_eq!(sb.marketo().in_flight(), 0);
    sb.shutdown().await;
}

#[tokio::test]
async fn daily_quota_607() {
    let mut cfg = SandboxConfig::for_tests();
    cfg.marketo.daily_quota = 3;
    let sb = Sandbox::start(cfg).await.unwrap();
    let c = client();
    let token = marketo_token(&sb, &c).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..3 {
        assert_eq!(
            mk_get(&sb, &c, &token, DESCRIBE, &[])
                .await
                .json::<Value>()
                .await
                .unwrap()["success"],
            true
        );
    }
    let body: Value = mk_get(&sb, &c, &token, DESCRIBE, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mk_error(&body).as_deref(), Some("607"));
    assert_eq!(sb.marketo().daily_used(), 3);
    // The identity endpoint does not count against the quota.
    assert!(marketo_token(&sb, &c).await["access_token"].is_string());
    sb.clock().advance(Duration::from_secs(86_400));
    assert_eq!(
        mk_get(&sb, &c, &token, DESCRIBE, &[])
            .await
            .json::<Value>()
            .await
            .unwrap()["success"],
        false,
        "token expired by now"
    );
    let token = marketo_token(&sb, &c).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        mk_get(&sb, &c, &token, DESCRIBE, &[])
            .await
            .json::<Value>()
            .await
            .unwrap()["success"],
        true,
        "a new day"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn user_management_returns_bare_arrays() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let token = marketo_token(&sb, &c).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let resp = mk_get(
        &sb,
        &c,
        &token,
        "/userservice/management/v1/users/allusers.json",
        &[("pageSize", "200")],
    )
    .await;
    assert_eq!(resp.status(), 200);
    let users: Value = resp.json().await.unwrap();
    let users = users.as_array().unwrap();
    assert!(users.len() >= 5);
    for key in [
        "userid",
        "firstName",
        "lastName",
        "emailAddress",
        "id",
        "apiOnly",
    ] {
        assert!(users[0].get(key).is_some(), "{key}");
    }
    let admin = users[1]["userid"].as_str().unwrap();
    let roles: Value = mk_get(
        &sb,
        &c,
        &token,
        &format!("/userservice/management/v1/users/{admin}/roles.json"),
        &[],
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(
        roles
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["accessRoleName"] == "Admin")
    );
    let missing = mk_get(
        &sb,
        &c,
        &token,
        "/userservice/management/v1/users/nobody@example.com/roles.json",
        &[],
    )
    .await;
    assert_eq!(missing.status(), 404);
    let unauth = c
        .get(format!(
            "{}/userservice/management/v1/users/allusers.json",
            sb.marketo_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(unauth.status(), 401);
    sb.shutdown().await;
}

#[tokio::test]
async fn marketo_owners_are_users_of_the_salesforce_org() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let active: HashSet<String> = sb
        .salesforce()
        .users()
        .iter()
        .filter(|u| u.is_active)
        .map(|u| u.id.clone())
        .collect();
    let (mut users, mut queues) = (0, 0);
    for id in 1..=sb.marketo().people() {
        if let Some(owner) = sb.marketo().person(id).unwrap()["sfdcLeadOwnerId"].as_str() {
            if owner.starts_with("00G") {
                queues += 1;
            } else {
                assert!(active.contains(owner), "{owner}");
                users += 1;
            }
        }
    }
    assert!(
        users > 0 && queues > 0,
        "owned by people, and a few by queues"
    );
    sb.shutdown().await;
}
