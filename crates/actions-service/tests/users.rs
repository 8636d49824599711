//! SCIM users over HTTP: invitations, uniqueness (also under concurrency), seats, filters, edits.
//! Each test starts its own activated service on a free loopback port.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sia_actions_service::ActionsConfig;

#[tokio::test]
async fn invite_creates_an_invited_user_in_everyone_and_an_outbox_entry() {
    let (s, _) = start_active(ActionsConfig::with_token(TOKEN)).await;
    let r = s.send(Method::POST, "/scim/v2/Users", Some(json!({
        "schemas": [USER_URN], "userName": "Ann@Example.com", "name": { "givenName": "Ann", "familyName": "Lee" }
    }))).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.headers()["content-type"], "application/scim+json");
    assert!(r.headers().get("location").is_some());
    let u: serde_json::Value = r.json().await.expect("json");
    assert_eq!(u["userName"], "Ann@Example.com");
    assert_eq!(u[EXT_URN]["invitationStatus"], "invited");
    assert_eq!(u[EXT_URN]["role"], "User");
    assert_eq!(u[EXT_URN]["workspace"], "Default");
    assert_eq!(u["groups"][0]["display"], "Everyone");
    let outbox = s.service.outbox();
    assert_eq!(outbox.len(), 2, "the admin's invitation and Ann's");
    assert_eq!(outbox[1].recipient, "Ann@Example.com");
    assert_eq!(outbox[1].user_id, u["id"].as_str().unwrap_or_default());
    assert!(outbox[1].link.starts_with("http://127.0.0.1/"));
    let (st, over_http) = s.call(Method::GET, "/api/v1/demo/outbox", None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(over_http[1]["recipient"], "Ann@Example.com");
}

#[tokio::test]
async fn reinviting_an_invited_or_active_user_is_409_uniqueness_without_a_second_invitation() {
    let (s, _) = start_active(ActionsConfig::with_token(TOKEN)).await;
    let (st, u) = s.invite("bob@example.com").await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, e) = s.invite("BOB@example.COM").await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(e["scimType"], "uniqueness");
    assert_eq!(e["status"], "409");
    assert_eq!(
        e["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:Error"
    );
    let (st, _) = s.accept(u["id"].as_str().unwrap_or_default()).await;
    assert_eq!(st, StatusCode::OK);
    let (st, e) = s.invite("bob@Example.com").await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(e["code"], "user_already_exists");
    let to_bob = s
        .service
        .outbox()
        .iter()
        .filter(|i| i.recipient.eq_ignore_ascii_case("bob@example.com"))
        .count();
    assert_eq!(to_bob, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_invites_of_one_email_exactly_one_wins() {
    let (s, _) = start_active(ActionsConfig::with_token(TOKEN)).await;
    let s = std::sync::Arc::new(s);
    let mut tasks = Vec::new();
    for i in 0..40 {
        let s = s.clone();
        // Vary the case: uniqueness must ignore it.
        let email = if i % 2 == 0 {
            "race@example.com"
        } else {
            "RACE@example.com"
        };
        tasks.push(tokio::spawn(async move { s.invite(email).await }));
    }
    let mut created = 0;
    let mut conflicts = 0;
    for t in tasks {
        let (st, body) = t.await.expect("task");
        match st {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {
                assert_eq!(body["scimType"], "uniqueness");
                conflicts += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((created, conflicts), (1, 39));
    assert_eq!(
        s.service
            .users()
            .iter()
            .filter(|u| u.user_name.eq_ignore_ascii_case("race@example.com"))
            .count(),
        1
    );
    let race = s
        .service
        .outbox()
        .iter()
        .filter(|i| i.recipient.eq_ignore_ascii_case("race@example.com"))
        .count();
    assert_eq!(race, 1);
    let (_, list) = s
        .call(
            Method::GET,
            "/scim/v2/Users?filter=userName%20eq%20%22race@example.com%22",
            None,
        )
        .await;
    assert_eq!(list["totalResults"], 1);
}

#[tokio::test]
async fn seats_run_out_with_a_clear_error_per_user() {
    let config = ActionsConfig {
        seat_limit: 3,
        ..ActionsConfig::with_token(TOKEN)
    };
    let (s, _) = start_active(config).await;
    assert_eq!(s.invite("u1@example.com").await.0, StatusCode::CREATED);
    assert_eq!(s.invite("u2@example.com").await.0, StatusCode::CREATED);
    let (st, e) = s.invite("u3@example.com").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(e["code"], "seat_limit_reached");
    assert!(e["detail"].as_str().unwrap_or_default().contains('3'));
    // In a bulk invite each user past the limit gets its own error; the request itself succeeds.
    let (st, r) = s.call(Method::POST, "/scim/v2/Bulk", Some(json!({
        "schemas": [BULK_URN],
        "Operations": [
            { "method": "POST", "bulkId": "a", "path": "/Users", "data": { "schemas": [USER_URN], "userName": "u4@example.com" } },
            { "method": "POST", "bulkId": "b", "path": "/Users", "data": { "schemas": [USER_URN], "userName": "u5@example.com" } },
        ]
    }))).await;
    assert_eq!(st, StatusCode::OK);
    for op in r["Operations"].as_array().into_iter().flatten() {
        assert_eq!(op["status"], "403");
        assert_eq!(op["response"]["code"], "seat_limit_reached");
    }
    let (_, inst) = s.call(Method::GET, "/api/v1/instance", None).await;
    assert_eq!(inst["seatsUsed"], 3);
    assert_eq!(inst["seatLimit"], 3);
}

#[tokio::test]
async fn the_default_seat_limit_is_100() {
    let (s, _) = start_active(ActionsConfig::with_token(TOKEN)).await;
    let ops: Vec<_> = (0..100)
        .map(|i| json!({ "method": "POST", "bulkId": format!("u{i}"), "path": "/Users",
                         "data": { "schemas": [USER_URN], "userName": format!("user{i}@example.com") } }))
        .collect();
    let (st, r) = s
        .call(
            Method::POST,
            "/scim/v2/Bulk",
            Some(json!({ "schemas": [BULK_URN], "Operations": ops })),
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    let statuses: Vec<&str> = r["Operations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["status"].as_str())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == "201").count(),
        99,
        "the admin holds one seat"
    );
    assert_eq!(statuses.last(), Some(&"403"));
}

#[tokio::test]
async fn invites_need_an_activated_instance_and_a_valid_email() {
    let s = start_default().await;
    let (st, e) = s.invite("early@example.com").await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(e["code"], "instance_not_active");
    let (s, _) = start_active(ActionsConfig::with_token(TOKEN)).await;
    let (st, e) = s.invite("not-an-email").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(e["scimType"], "invalidValue");
    let (st, e) = s
        .call(
            Method::POST,
            "/scim/v2/Users",
            Some(json!({ "userName": "x@example.com" })),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "schemas is required: {e}");
    let (st, e) = s
        .call(
            Method::POST,
            "/scim/v2/Users",
            Some(json!({ "schemas": [USER_URN], "userName": 7 })),
        )
        .await;
    assert_eq!(
        (st, e["scimType"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalidSyntax"))
    );
}

#[tokio::test]
async fn list_filters_case_insensitively_and_pages() {
    let (s, _) = start_active(ActionsConfig::with_token(TOKEN)).await;
    for i in 0..5 {
        s.invite(&format!("p{i}@example.com")).await;
    }
    let (st, l) = s
        .call(
            Method::GET,
            "/scim/v2/Users?filter=userName%20eq%20%22P3@EXAMPLE.com%22",
            None,
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(l["totalResults"], 1);
    assert_eq!(l["Resources"][0]["userName"], "p3@example.com");
    let (_, l) = s
        .call(Method::GET, "/scim/v2/Users?startIndex=2&count=2", None)
        .await;
    assert_eq!(l["totalResults"], 6);
    assert_eq!(l["itemsPerPage"], 2);
    assert_eq!(l["startIndex"], 2);
    assert_eq!(l["Resources"][0]["userName"], "p0@example.com");
    let (st, e) = s
        .call(
            Method::GET,
            "/scim/v2/Users?filter=title%20sw%20%22x%22",
            None,
        )
        .await;
    assert_eq!(
        (st, e["scimType"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalidFilter"))
    );
}

#[tokio::test]
async fn get_put_patch_delete_by_id() {
    let (s, _) = start_active(ActionsConfig::with_token(TOKEN)).await;
    let (_, u) = s.invite("carl@example.com").await;
    let id = u["id"].as_str().unwrap_or_default().to_owned();
    let path = format!("/scim/v2/Users/{id}");
    let (st, got) = s.call(Method::GET, &path, None).await;
    assert_eq!((st, &got["id"]), (StatusCode::OK, &u["id"]));
    let (st, p) = s
        .call(
            Method::PATCH,
            &path,
            Some(json!({ "schemas": [PATCH_URN], "Operations": [
                { "op": "replace", "path": format!("{EXT_URN}:role"), "value": "Admin" },
                { "op": "add", "path": "name.givenName", "value": "Carl" },
            ]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{p}");
    assert_eq!(p[EXT_URN]["role"], "Admin");
    assert_eq!(p["name"]["givenName"], "Carl");
    let (st, r) = s
        .call(
            Method::PUT,
            &path,
            Some(
                json!({ "schemas": [USER_URN], "userName": "carl@example.com",
        "displayName": "Carl C", EXT_URN: { "workspace": "EMEA" } }),
            ),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["displayName"], "Carl C");
    assert_eq!(r[EXT_URN]["workspace"], "EMEA");
    assert!(r["name"].is_null(), "PUT replaces: the name was not sent");
    let (st, e) = s
        .call(
            Method::PUT,
            &path,
            Some(json!({ "schemas": [USER_URN], "userName": "ADMIN@example.com" })),
        )
        .await;
    assert_eq!(
        (st, e["scimType"].as_str()),
        (StatusCode::CONFLICT, Some("uniqueness"))
    );
    let r = s.send(Method::DELETE, &path, None).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let (st, e) = s.call(Method::GET, &path, None).await;
    assert_eq!(
        (st, e["status"].as_str()),
        (StatusCode::NOT_FOUND, Some("404"))
    );
    // Once deleted, the email may be invited again.
    assert_eq!(s.invite("carl@example.com").await.0, StatusCode::CREATED);
}
