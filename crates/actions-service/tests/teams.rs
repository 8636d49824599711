//! SCIM groups (teams) over HTTP: Everyone built in, the team limit, membership, bulk references.
//! Each test starts its own activated service on a free loopback port.

mod common;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sia_actions_service::ActionsConfig;

async fn everyone(s: &Server) -> Value {
    let (_, l) = s
        .call(
            Method::GET,
            "/scim/v2/Groups?filter=displayName%20eq%20%22everyone%22",
            None,
        )
        .await;
    l["Resources"][0].clone()
}

#[tokio::test]
async fn everyone_is_built_in_and_cannot_be_deleted_or_renamed() {
    let (s, admin) = start_active(ActionsConfig::with_token(TOKEN)).await;
    let e = everyone(&s).await;
    assert_eq!(e["displayName"], "Everyone");
    assert_eq!(e["members"][0]["value"], admin.as_str());
    let path = format!("/scim/v2/Groups/{}", e["id"].as_str().unwrap_or_default());
    let (st, err) = s.call(Method::DELETE, &path, None).await;
    assert_eq!(
        (st, err["scimType"].as_str()),
        (StatusCode::BAD_REQUEST, Some("mutability"))
    );
    assert_eq!(err["code"], "everyone_team_protected");
    let (st, _) = s
        .call(
            Method::PATCH,
            &path,
            Some(json!({ "schemas": [PATCH_URN],
        "Operations": [{ "op": "replace", "path": "displayName", "value": "All" }] })),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(everyone(&s).await["displayName"], "Everyone");
}

#[tokio::test]
async fn users_given_teams_join_those_instead_of_everyone() {
    let (s, _) = start_active(ActionsConfig::with_token(TOKEN)).await;
    let (st, g) = s
        .call(
            Method::POST,
            "/scim/v2/Groups",
            Some(json!({ "schemas": [GROUP_URN], "displayName": "Sales" })),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, u) = s
        .invite_with("dana@example.com", json!({ "teams": ["sales"] }))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{u}");
    assert_eq!(u["groups"].as_array().map(Vec::len), Some(1));
    assert_eq!(u["groups"][0]["value"], g["id"]);
    let (st, e) = s
        .invite_with("erin@example.com", json!({ "teams": ["Nope"] }))
        .await;
    assert_eq!(
        (st, e["scimType"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalidValue"))
    );
    assert!(
        everyone(&s).await["members"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|m| m["display"] != "dana@example.com")
    );
}

#[tokio::test]
async fn at_most_20_teams_and_names_are_unique() {
    let (s, _) = start_active(ActionsConfig::with_token(TOKEN)).await;
    for i in 1..20 {
        let (st, _) = s
            .call(
                Method::POST,
                "/scim/v2/Groups",
                Some(json!({ "schemas": [GROUP_URN], "displayName": format!("Team {i}") })),
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "team {i}");
    }
    let (st, e) = s
        .call(
            Method::POST,
            "/scim/v2/Groups",
            Some(json!({ "schemas": [GROUP_URN], "displayName": "One too many" })),
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("team_limit_reached"))
    );
    let (_, l) = s.call(Method::GET, "/scim/v2/Groups", None).await;
    assert_eq!(l["totalResults"], 20);
    let (_, t1) = s
        .call(
            Method::GET,
            "/scim/v2/Groups?filter=displayName%20eq%20%22team%201%22",
            None,
        )
        .await;
    let path = format!(
        "/scim/v2/Groups/{}",
        t1["Resources"][0]["id"].as_str().unwrap_or_default()
    );
    assert_eq!(
        s.send(Method::DELETE, &path, None).await.status(),
        StatusCode::NO_CONTENT
    );
    let (st, e) = s
        .call(
            Method::POST,
            "/scim/v2/Groups",
            Some(json!({ "schemas": [GROUP_URN], "displayName": "TEAM 2" })),
        )
        .await;
    assert_eq!(
        (st, e["scimType"].as_str()),
        (StatusCode::CONFLICT, Some("uniqueness"))
    );
    let (st, _) = s
        .call(
            Method::POST,
            "/scim/v2/Groups",
            Some(json!({ "schemas": [GROUP_URN], "displayName": "Team 1 again" })),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED);
}

#[tokio::test]
async fn members_are_patched_and_replaced() {
    let (s, admin) = start_active(ActionsConfig::with_token(TOKEN)).await;
    let (_, u) = s.invite("fay@example.com").await;
    let fay = u["id"].as_str().unwrap_or_default().to_owned();
    let (_, g) = s
        .call(
            Method::POST,
            "/scim/v2/Groups",
            Some(json!({ "schemas": [GROUP_URN], "displayName": "Support",
        "members": [{ "value": admin }] })),
        )
        .await;
    let path = format!("/scim/v2/Groups/{}", g["id"].as_str().unwrap_or_default());
    let (st, g) = s
        .call(
            Method::PATCH,
            &path,
            Some(json!({ "schemas": [PATCH_URN], "Operations": [
                { "op": "add", "path": "members", "value": [{ "value": fay }] },
                { "op": "remove", "path": format!("members[value eq \"{admin}\"]") },
            ]})),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{g}");
    let members: Vec<&str> = g["members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["value"].as_str())
        .collect();
    assert_eq!(members, vec![fay.as_str()]);
    let (_, user) = s
        .call(Method::GET, &format!("/scim/v2/Users/{fay}"), None)
        .await;
    assert_eq!(
        user["groups"].as_array().map(Vec::len),
        Some(2),
        "Everyone and Support"
    );
    let (st, e) = s.call(Method::PUT, &path, Some(json!({ "schemas": [GROUP_URN], "displayName": "Support", "members": [{ "value": "ghost" }] }))).await;
    assert_eq!(
        (st, e["scimType"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalidValue"))
    );
}

#[tokio::test]
async fn bulk_resolves_bulk_ids_and_stops_on_fail_on_errors() {
    let (s, _) = start_active(ActionsConfig::with_token(TOKEN)).await;
    let (st, r) = s.call(Method::POST, "/scim/v2/Bulk", Some(json!({
        "schemas": [BULK_URN],
        "Operations": [
            { "method": "POST", "bulkId": "gus", "path": "/Users", "data": { "schemas": [USER_URN], "userName": "gus@example.com" } },
            { "method": "POST", "bulkId": "t", "path": "/Groups", "data": { "schemas": [GROUP_URN], "displayName": "Field", "members": [{ "value": "bulkId:gus" }] } },
            { "method": "PATCH", "path": "/Users/bulkId:gus", "data": { "schemas": [PATCH_URN], "Operations": [{ "op": "replace", "path": "displayName", "value": "Gus" }] } },
            { "method": "POST", "bulkId": "bad", "path": "/Groups", "data": { "schemas": [GROUP_URN], "displayName": "X", "members": [{ "value": "bulkId:later" }] } },
        ]
    }))).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let ops = r["Operations"].as_array().cloned().unwrap_or_default();
    let statuses: Vec<&str> = ops.iter().filter_map(|o| o["status"].as_str()).collect();
    assert_eq!(statuses, vec!["201", "201", "200", "409"]);
    assert_eq!(ops[3]["response"]["code"], "unresolved_bulk_id");
    let (_, field) = s
        .call(
            Method::GET,
            "/scim/v2/Groups?filter=displayName%20eq%20%22Field%22",
            None,
        )
        .await;
    assert_eq!(
        field["Resources"][0]["members"][0]["display"],
        "gus@example.com"
    );

    let (st, r) = s.call(Method::POST, "/scim/v2/Bulk", Some(json!({
        "schemas": [BULK_URN], "failOnErrors": 1,
        "Operations": [
            { "method": "POST", "bulkId": "1", "path": "/Users", "data": { "schemas": [USER_URN], "userName": "gus@example.com" } },
            { "method": "POST", "bulkId": "2", "path": "/Users", "data": { "schemas": [USER_URN], "userName": "hal@example.com" } },
        ]
    }))).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        r["Operations"].as_array().map(Vec::len),
        Some(1),
        "stopped after the first error"
    );
    assert_eq!(r["Operations"][0]["response"]["scimType"], "uniqueness");
}

#[tokio::test]
async fn bulk_limits_are_advertised_and_enforced() {
    let config = ActionsConfig {
        bulk_max_operations: 2,
        bulk_max_payload_bytes: 2048,
        ..ActionsConfig::with_token(TOKEN)
    };
    let (s, _) = start_active(config).await;
    let (_, spc) = s
        .call(Method::GET, "/scim/v2/ServiceProviderConfig", None)
        .await;
    assert_eq!(spc["bulk"]["supported"], true);
    assert_eq!(spc["bulk"]["maxOperations"], 2);
    assert_eq!(spc["bulk"]["maxPayloadSize"], 2048);
    assert_eq!(spc["filter"]["supported"], true);
    assert_eq!(spc["patch"]["supported"], true);
    let op = json!({ "method": "DELETE", "path": "/Users/x" });
    let (st, e) = s
        .call(
            Method::POST,
            "/scim/v2/Bulk",
            Some(json!({ "schemas": [BULK_URN], "Operations": [op, op, op] })),
        )
        .await;
    assert_eq!(
        (st, e["scimType"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("tooMany"))
    );
    let big = "x".repeat(4096);
    let (st, e) = s
        .call(
            Method::POST,
            "/scim/v2/Bulk",
            Some(json!({ "schemas": [BULK_URN], "Operations": [], "pad": big })),
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );
}
