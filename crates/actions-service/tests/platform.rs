//! Cross-cutting behaviour over HTTP: bearer auth, rate limiting, error formats,
//! SCIM discovery, and persistence in a SQLite file across a restart.

mod common;

use std::time::Duration;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sia_actions_service::{ActionsConfig, RateLimit};

#[tokio::test]
async fn every_route_needs_a_valid_bearer_token() {
    let s = start_default().await;
    for (path, ct) in [
        ("/scim/v2/Users", "application/scim+json"),
        ("/api/v1/instance", "application/problem+json"),
    ] {
        for auth in [
            None,
            Some("Bearer wrong"),
            Some("Basic dGVzdA=="),
            Some("Bearer"),
        ] {
            let mut req = s.http.get(format!("{}{path}", s.base));
            if let Some(a) = auth {
                req = req.header("authorization", a);
            }
            let r = req.send().await.expect("send");
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path} {auth:?}");
            assert_eq!(r.headers()["www-authenticate"], "Bearer");
            assert_eq!(r.headers()["content-type"], ct);
            let body: Value = r.json().await.expect("json");
            assert_eq!(body["code"], "unauthorized");
        }
    }
    let r = s
        .http
        .get(format!("{}/scim/v2/Users", s.base))
        .header("authorization", format!("bearer {TOKEN}"))
        .send()
        .await;
    assert_eq!(
        r.map(|r| r.status()).ok(),
        Some(StatusCode::OK),
        "the scheme name ignores case"
    );
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let config = ActionsConfig {
        rate_limit: RateLimit {
            requests: 5,
            window: Duration::from_secs(30),
        },
        ..ActionsConfig::with_token(TOKEN)
    };
    let s = start(config).await;
    for _ in 0..5 {
        assert_eq!(
            s.send(Method::GET, "/api/v1/instance", None).await.status(),
            StatusCode::OK
        );
    }
    let r = s.send(Method::GET, "/scim/v2/Users", None).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!((1..=30).contains(&retry), "Retry-After {retry}");
    let e: Value = r.json().await.expect("json");
    assert_eq!(
        e["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:Error"
    );
    assert_eq!(e["status"], "429");
    let r = s.send(Method::GET, "/api/v1/instance", None).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn bad_bodies_and_unknown_ids_use_the_surface_error_format() {
    let (s, _) = start_active(ActionsConfig::with_token(TOKEN)).await;
    let r = s
        .http
        .post(format!("{}/scim/v2/Users", s.base))
        .bearer_auth(TOKEN)
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: Value = r.json().await.expect("json");
    assert_eq!(e["scimType"], "invalidSyntax");
    let r = s
        .http
        .post(format!("{}/api/v1/connections/marketo", s.base))
        .bearer_auth(TOKEN)
        .body("[]")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let (st, e) = s
        .call(Method::GET, "/scim/v2/Groups/does-not-exist", None)
        .await;
    assert_eq!(
        (st, e["status"].as_str()),
        (StatusCode::NOT_FOUND, Some("404"))
    );
    let (st, e) = s
        .call(
            Method::POST,
            "/api/v1/demo/users/nobody/accept-invitation",
            None,
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

#[tokio::test]
async fn discovery_describes_users_groups_and_the_extension() {
    let s = start_default().await;
    let (st, rt) = s.call(Method::GET, "/scim/v2/ResourceTypes", None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(rt["totalResults"], 2);
    assert_eq!(rt["Resources"][0]["schemaExtensions"][0]["schema"], EXT_URN);
    let (st, one) = s
        .call(Method::GET, "/scim/v2/ResourceTypes/Group", None)
        .await;
    assert_eq!(
        (st, one["endpoint"].as_str()),
        (StatusCode::OK, Some("/Groups"))
    );
    let (_, schemas) = s.call(Method::GET, "/scim/v2/Schemas", None).await;
    let ids: Vec<&str> = schemas["Resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(ids, vec![USER_URN, GROUP_URN, EXT_URN]);
    let (st, ext) = s
        .call(Method::GET, &format!("/scim/v2/Schemas/{EXT_URN}"), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    let names: Vec<&str> = ext["attributes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| a["name"].as_str())
        .collect();
    for n in ["role", "workspace", "invitationStatus", "invitedAt"] {
        assert!(names.contains(&n), "{n}");
    }
    assert_eq!(
        s.call(Method::GET, "/scim/v2/Schemas/urn:nope", None)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn state_survives_a_restart_with_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = ActionsConfig {
        sqlite_path: Some(dir.path().join("actions.sqlite")),
        ..ActionsConfig::with_token(TOKEN)
    };
    let (admin, team) = {
        let (s, admin) = start_active(config.clone()).await;
        let (st, _) = s.invite("rita@example.com").await;
        assert_eq!(st, StatusCode::CREATED);
        let (_, t) = s
            .call(
                Method::POST,
                "/scim/v2/Groups",
                Some(json!({ "schemas": [GROUP_URN], "displayName": "Kept" })),
            )
            .await;
        s.accept(&admin).await;
        (admin, t["id"].as_str().unwrap_or_default().to_owned())
    };
    let s = start(config).await;
    let (_, inst) = s.call(Method::GET, "/api/v1/instance", None).await;
    assert_eq!(inst["status"], "active");
    assert_eq!(inst["originalUserId"], admin.as_str());
    assert_eq!(inst["seatsUsed"], 2);
    let (st, _) = s
        .call(Method::GET, &format!("/scim/v2/Groups/{team}"), None)
        .await;
    assert_eq!(st, StatusCode::OK);
    let (_, u) = s
        .call(Method::GET, &format!("/scim/v2/Users/{admin}"), None)
        .await;
    assert_eq!(u[EXT_URN]["invitationStatus"], "active");
    assert_eq!(s.service.outbox().len(), 2);
    let (st, _) = s.invite("RITA@example.com").await;
    assert_eq!(
        st,
        StatusCode::CONFLICT,
        "uniqueness holds across the restart"
    );
}
