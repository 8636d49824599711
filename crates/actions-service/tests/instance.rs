//! The instance over HTTP: activation, Integration Information, connections, protection of the
//! original user and the Marketo owner, and the data sync with an in-memory people source.

mod common;

use std::sync::Arc;

use common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use sia_actions_service::ActionsConfig;
use sia_actions_service::sync::{PeoplePage, PeopleSource, Person, SourceCredentials, SourceError};

#[tokio::test]
async fn first_invite_of_admins_activates_and_reveals_integration_information() {
    let s = start_default().await;
    let (_, inst) = s.call(Method::GET, "/api/v1/instance", None).await;
    assert_eq!(inst["status"], "notActivated");
    assert_eq!(inst["integrationInformationAvailable"], false);
    let r = s
        .send(Method::GET, "/api/v1/instance/integration", None)
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: serde_json::Value = r.json().await.expect("json");
    assert_eq!(p["code"], "instance_not_active");
    assert_eq!(p["status"], 409);

    let (st, a) = s.call(Method::POST, "/api/v1/instance/activation", Some(json!({ "admins": [
        { "email": "bad address" }, { "email": "Mia@Example.com", "givenName": "Mia" }, { "email": "noah@example.com" }
    ]}))).await;
    assert_eq!(st, StatusCode::OK, "{a}");
    assert_eq!(a["results"][0]["outcome"], "failed");
    assert_eq!(a["results"][0]["code"], "invalid_value");
    assert_eq!(a["results"][1]["outcome"], "invited");
    assert_eq!(a["instance"]["status"], "active");
    assert_eq!(
        a["instance"]["originalUserId"], a["results"][1]["userId"],
        "the first invitee is the original user"
    );
    let (st, info) = s
        .call(Method::GET, "/api/v1/instance/integration", None)
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(info["clientId"].as_str().is_some_and(|c| !c.is_empty()));
    assert!(info["clientSecret"].as_str().is_some_and(|c| c.len() >= 32));
    let (_, u) = s
        .call(
            Method::GET,
            &format!(
                "/scim/v2/Users/{}",
                a["results"][2]["userId"].as_str().unwrap_or_default()
            ),
            None,
        )
        .await;
    assert_eq!(u[EXT_URN]["role"], "Admin");
    assert_eq!(u[EXT_URN]["originalUser"], false);
    let (st, _) = s
        .call(
            Method::POST,
            "/api/v1/instance/activation",
            Some(json!({ "admins": [] })),
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn salesforce_connection_activates_only_with_the_same_email_and_api_enabled() {
    let (s, admin) = start_active(ActionsConfig::with_token(TOKEN)).await;
    let body = |email: &str, env: &str, api: bool| {
        json!({ "userId": admin, "username": "admin@example.com.prod",
        "email": email, "environment": env, "orgId": "00D5e000000TEST", "apiEnabled": api })
    };
    let (st, e) = s
        .call(
            Method::POST,
            "/api/v1/connections/salesforce",
            Some(body("admin@other.com", "production", true)),
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("salesforce_email_mismatch"))
    );
    let (st, e) = s
        .call(
            Method::POST,
            "/api/v1/connections/salesforce",
            Some(body("ADMIN@example.com", "production", false)),
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("salesforce_api_disabled"))
    );
    let (st, c) = s
        .call(
            Method::POST,
            "/api/v1/connections/salesforce",
            Some(body("ADMIN@example.com", "production", true)),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{c}");
    let (_, u) = s
        .call(Method::GET, &format!("/scim/v2/Users/{admin}"), None)
        .await;
    assert_eq!(u[EXT_URN]["invitationStatus"], "active");
    let (st, e) = s
        .call(
            Method::POST,
            "/api/v1/connections/salesforce",
            Some(body("admin@example.com", "production", true)),
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("salesforce_already_connected"))
    );
    // The instance is now tied to production: a sandbox login of another user is refused.
    let (_, other) = s.invite("olga@example.com").await;
    let other_id = other["id"].as_str().unwrap_or_default();
    let (st, e) = s.call(Method::POST, "/api/v1/connections/salesforce", Some(json!({ "userId": other_id,
        "username": "olga@example.com.sb", "email": "olga@example.com", "environment": "sandbox", "orgId": "00D", "apiEnabled": true }))).await;
    assert_eq!(
        (st, e["code"].as_str()),
        (
            StatusCode::CONFLICT,
            Some("salesforce_environment_mismatch")
        )
    );
    let (st, got) = s
        .call(
            Method::GET,
            &format!("/api/v1/connections/salesforce/{admin}"),
            None,
        )
        .await;
    assert_eq!(
        (st, got["orgId"].as_str()),
        (StatusCode::OK, Some("00D5e000000TEST"))
    );
    assert_eq!(
        s.send(
            Method::DELETE,
            &format!("/api/v1/connections/salesforce/{admin}"),
            None
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
    let (st, e) = s
        .call(
            Method::GET,
            &format!("/api/v1/connections/salesforce/{admin}"),
            None,
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("salesforce_not_connected"))
    );
}

#[tokio::test]
async fn marketo_connection_checks_credentials_and_never_echoes_the_secret() {
    let (s, admin) = start_active(ActionsConfig::with_token(TOKEN)).await;
    let (_, info) = s
        .call(Method::GET, "/api/v1/instance/integration", None)
        .await;
    let secret = info["clientSecret"].as_str().unwrap_or_default().to_owned();
    let body = |secret: &str| json!({ "ownerUserId": admin, "munchkinId": info["munchkinId"], "clientId": info["clientId"], "clientSecret": secret });
    let (st, e) = s
        .call(
            Method::POST,
            "/api/v1/connections/marketo",
            Some(body(&secret)),
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("user_not_active")),
        "the owner must have accepted"
    );
    s.accept(&admin).await;
    let (st, e) = s
        .call(
            Method::POST,
            "/api/v1/connections/marketo",
            Some(body(&format!("{secret}\n"))),
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("marketo_credentials_whitespace")
        )
    );
    let (st, e) = s
        .call(
            Method::POST,
            "/api/v1/connections/marketo",
            Some(body("wrong")),
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("marketo_credentials_invalid"))
    );
    assert!(!e.to_string().contains(&secret));
    let (_, plain) = s.invite("pat@example.com").await;
    let pat = plain["id"].as_str().unwrap_or_default().to_owned();
    s.accept(&pat).await;
    let (st, e) = s
        .call(
            Method::POST,
            "/api/v1/connections/marketo",
            Some(
                json!({ "ownerUserId": pat, "munchkinId": info["munchkinId"],
        "clientId": info["clientId"], "clientSecret": secret }),
            ),
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("marketo_owner_not_admin"))
    );
    let (st, c) = s
        .call(
            Method::POST,
            "/api/v1/connections/marketo",
            Some(body(&secret)),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{c}");
    assert_eq!(c["ownerUserId"], admin.as_str());
    assert_eq!(c["status"], "connected");
    let (_, all) = s.call(Method::GET, "/api/v1/connections", None).await;
    for shown in [c.to_string(), all.to_string()] {
        assert!(!shown.contains(&secret), "secret echoed: {shown}");
    }
    let (st, e) = s
        .call(
            Method::POST,
            "/api/v1/connections/marketo",
            Some(body(&secret)),
        )
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("marketo_already_connected"))
    );
}

#[tokio::test]
async fn original_user_and_marketo_owner_are_protected_while_the_connection_stands() {
    let (s, admin) = start_active(ActionsConfig::with_token(TOKEN)).await;
    let (_, second) = s
        .invite_with("quinn@example.com", json!({ "role": "Admin" }))
        .await;
    let quinn = second["id"].as_str().unwrap_or_default().to_owned();
    s.accept(&admin).await;
    let (st, _) = s.connect_marketo(&quinn).await;
    assert_eq!(st, StatusCode::CREATED);
    for (id, reason) in [
        (&admin, "original user"),
        (&quinn, "owns the Marketo connection"),
    ] {
        let (st, e) = s
            .call(Method::DELETE, &format!("/scim/v2/Users/{id}"), None)
            .await;
        assert_eq!(
            (st, e["code"].as_str()),
            (StatusCode::CONFLICT, Some("user_protected"))
        );
        assert!(
            e["detail"].as_str().unwrap_or_default().contains(reason),
            "{e}"
        );
        let (st, _) = s
            .call(
                Method::PATCH,
                &format!("/scim/v2/Users/{id}"),
                Some(json!({ "schemas": [PATCH_URN],
            "Operations": [{ "op": "replace", "path": "active", "value": false }] })),
            )
            .await;
        assert_eq!(st, StatusCode::CONFLICT, "deactivation is refused too");
    }
    assert_eq!(
        s.send(Method::DELETE, "/api/v1/connections/marketo", None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s.send(Method::DELETE, &format!("/scim/v2/Users/{quinn}"), None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s.send(Method::DELETE, &format!("/scim/v2/Users/{admin}"), None)
            .await
            .status(),
        StatusCode::NO_CONTENT,
        "before any sync, without a connection, the original user may go"
    );
}

/// People as the Marketo stand-in would return them, two pages.
struct Pages(Vec<Vec<Person>>);

fn person(id: u32, owner: bool) -> Person {
    let mut p = Person::new();
    p.insert("id".into(), id.to_string());
    p.insert("email".into(), format!("lead{id}@example.org"));
    p.insert("firstName".into(), format!("Lead {id}"));
    if owner {
        p.insert("sfdcLeadOwnerId".into(), "005000000000001".into());
    }
    p
}

#[sia_actions_service::sync::async_trait]
impl PeopleSource for Pages {
    async fn page(
        &self,
        credentials: &SourceCredentials,
        cursor: Option<String>,
    ) -> Result<PeoplePage, SourceError> {
        if credentials.client_secret.is_empty() {
            return Err(SourceError {
                code: "601".into(),
                message: "Unauthorized".into(),
            });
        }
        let i: usize = cursor.as_deref().and_then(|c| c.parse().ok()).unwrap_or(0);
        let people = self.0.get(i).cloned().unwrap_or_default();
        Ok(PeoplePage {
            people,
            next: (i + 1 < self.0.len()).then(|| (i + 1).to_string()),
        })
    }
}

struct Failing;

#[sia_actions_service::sync::async_trait]
impl PeopleSource for Failing {
    async fn page(
        &self,
        _: &SourceCredentials,
        _: Option<String>,
    ) -> Result<PeoplePage, SourceError> {
        Err(SourceError {
            code: "607".into(),
            message: "Daily quota reached".into(),
        })
    }
}

async fn wait_for_end(s: &Server) -> serde_json::Value {
    for _ in 0..200 {
        let (_, st) = s.call(Method::GET, "/api/v1/sync", None).await;
        if st["state"] != "running" {
            return st;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the sync did not finish");
}

#[tokio::test]
async fn sync_needs_marketo_then_syncs_only_people_with_an_owner_and_protects_the_original_user() {
    let source = Pages(vec![
        vec![person(1, true), person(2, false), person(3, true)],
        vec![person(4, true), person(1, true)],
    ]);
    let config = ActionsConfig {
        people_source: Some(Arc::new(source)),
        ..ActionsConfig::with_token(TOKEN)
    };
    let (s, admin) = start_active(config).await;
    let (st, fields) = s.call(Method::GET, "/api/v1/sync/fields", None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(fields["fields"].as_array().map(Vec::len), Some(13));
    assert!(
        fields["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| f["marketoField"] == "sfdcContactId")
    );
    let (st, e) = s.call(Method::POST, "/api/v1/sync", None).await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("marketo_not_connected"))
    );
    let (_, status) = s.call(Method::GET, "/api/v1/sync", None).await;
    assert_eq!(status["state"], "notStarted");
    assert_eq!(s.connect_marketo(&admin).await.0, StatusCode::CREATED);
    let (st, started) = s.call(Method::POST, "/api/v1/sync", None).await;
    assert_eq!(st, StatusCode::ACCEPTED, "{started}");
    let done = wait_for_end(&s).await;
    assert_eq!(done["state"], "completed", "{done}");
    assert_eq!(
        done["peopleSynced"], 3,
        "ids 1, 3, 4: person 1 came twice, person 2 has no owner"
    );
    assert_eq!(done["peopleSkippedNoOwner"], 1);
    assert!(done["ratePerMinute"].as_f64().is_some());
    assert_eq!(s.service.people_synced(), 3);
    // After the sync started, the original user stays protected even without the connection.
    assert_eq!(
        s.send(Method::DELETE, "/api/v1/connections/marketo", None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let (st, e) = s
        .call(Method::DELETE, &format!("/scim/v2/Users/{admin}"), None)
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("user_protected"))
    );
    assert!(e["detail"].as_str().unwrap_or_default().contains("sync"));
}

#[tokio::test]
async fn sync_reports_source_errors_and_needs_a_source() {
    let (s, admin) = start_active(ActionsConfig::with_token(TOKEN)).await;
    s.connect_marketo(&admin).await;
    let (st, e) = s.call(Method::POST, "/api/v1/sync", None).await;
    assert_eq!(
        (st, e["code"].as_str()),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Some("people_source_unavailable")
        )
    );
    // A source plugged in later is used by the next start.
    s.service
        .set_people_source(Arc::new(Pages(vec![vec![person(9, true)]])));
    assert_eq!(
        s.call(Method::POST, "/api/v1/sync", None).await.0,
        StatusCode::ACCEPTED
    );
    assert_eq!(wait_for_end(&s).await["peopleSynced"], 1);

    let config = ActionsConfig {
        people_source: Some(Arc::new(Failing)),
        ..ActionsConfig::with_token(TOKEN)
    };
    let (s, admin) = start_active(config).await;
    s.connect_marketo(&admin).await;
    assert_eq!(
        s.call(Method::POST, "/api/v1/sync", None).await.0,
        StatusCode::ACCEPTED
    );
    let done = wait_for_end(&s).await;
    assert_eq!(done["state"], "failed");
    assert_eq!(done["errors"][0]["code"], "marketo_607");
}

/// A source that holds its first page until the test opens the gate, so "while the sync runs" is observable.
struct Gated(Arc<tokio::sync::Semaphore>);

#[sia_actions_service::sync::async_trait]
impl PeopleSource for Gated {
    async fn page(
        &self,
        _: &SourceCredentials,
        _: Option<String>,
    ) -> Result<PeoplePage, SourceError> {
        let _permit = self.0.acquire().await.map_err(|_| SourceError {
            code: "closed".into(),
            message: "gate closed".into(),
        })?;
        Ok(PeoplePage {
            people: vec![person(7, true)],
            next: None,
        })
    }
}

#[tokio::test]
async fn while_the_sync_runs_it_cannot_restart_and_marketo_and_the_original_user_stay() {
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let config = ActionsConfig {
        people_source: Some(Arc::new(Gated(gate.clone()))),
        ..ActionsConfig::with_token(TOKEN)
    };
    let (s, admin) = start_active(config).await;
    s.connect_marketo(&admin).await;
    assert_eq!(
        s.call(Method::POST, "/api/v1/sync", None).await.0,
        StatusCode::ACCEPTED
    );
    let (_, status) = s.call(Method::GET, "/api/v1/sync", None).await;
    assert_eq!(status["state"], "running");
    let (st, e) = s.call(Method::POST, "/api/v1/sync", None).await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("sync_running"))
    );
    let (st, e) = s
        .call(Method::DELETE, "/api/v1/connections/marketo", None)
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("sync_running"))
    );
    let (st, e) = s
        .call(Method::DELETE, &format!("/scim/v2/Users/{admin}"), None)
        .await;
    assert_eq!(
        (st, e["code"].as_str()),
        (StatusCode::CONFLICT, Some("user_protected"))
    );
    gate.add_permits(1);
    let done = wait_for_end(&s).await;
    assert_eq!(done["state"], "completed");
    assert_eq!(done["peopleSynced"], 1);
}

/// Two pages: the first at once, the second once the test opens the gate.
struct HalfGated(Arc<tokio::sync::Semaphore>);

#[sia_actions_service::sync::async_trait]
impl PeopleSource for HalfGated {
    async fn page(
        &self,
        _: &SourceCredentials,
        cursor: Option<String>,
    ) -> Result<PeoplePage, SourceError> {
        if cursor.is_none() {
            return Ok(PeoplePage {
                people: vec![person(1, true), person(2, true), person(9, false)],
                next: Some("2".into()),
            });
        }
        let _permit = self.0.acquire().await.map_err(|_| SourceError {
            code: "closed".into(),
            message: "gate closed".into(),
        })?;
        Ok(PeoplePage {
            people: vec![person(3, true)],
            next: None,
        })
    }
}

/// Starts a sync whose second page waits on `stuck`, and stops the service with it half done;
/// returns the service's configuration, to start it again on the same data.
async fn sync_cut_half_way(
    dir: &std::path::Path,
    stuck: Arc<tokio::sync::Semaphore>,
) -> ActionsConfig {
    let config = ActionsConfig {
        sqlite_path: Some(dir.join("actions.sqlite")),
        people_source: Some(Arc::new(HalfGated(stuck))),
        ..ActionsConfig::with_token(TOKEN)
    };
    let (s, admin) = start_active(config.clone()).await;
    s.connect_marketo(&admin).await;
    assert_eq!(
        s.call(Method::POST, "/api/v1/sync", None).await.0,
        StatusCode::ACCEPTED
    );
    for _ in 0..200 {
        let (_, st) = s.call(Method::GET, "/api/v1/sync", None).await;
        if st["peopleSynced"] == 2 {
            assert_eq!(st["state"], "running");
            return config;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the first page was not stored");
}

#[tokio::test]
async fn a_sync_cut_by_a_restart_carries_on_from_what_it_stored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stuck = Arc::new(tokio::sync::Semaphore::new(0));
    let config = sync_cut_half_way(dir.path(), stuck.clone()).await;

    // The service again on the same data (the old process's runner is gone with it: here, stuck).
    let open = Arc::new(tokio::sync::Semaphore::new(1));
    let s = start(ActionsConfig {
        people_source: Some(Arc::new(HalfGated(open))),
        ..config
    })
    .await;
    let (_, status) = s.call(Method::GET, "/api/v1/sync", None).await;
    assert_eq!(status["state"], "running", "the sync carries on");
    assert_eq!(status["peopleSynced"], 2, "from the people it had stored");
    let done = wait_for_end(&s).await;
    assert_eq!(done["state"], "completed");
    assert_eq!(done["peopleSynced"], 3, "each person once");
    assert_eq!(
        done["peopleSkippedNoOwner"], 1,
        "the person without an owner is counted once"
    );
    assert_eq!(done["errors"], serde_json::json!([]));
    assert_eq!(
        s.call(Method::POST, "/api/v1/sync", None).await.0,
        StatusCode::ACCEPTED,
        "and it can be started again as any finished sync"
    );
    stuck.close();
}

#[tokio::test]
async fn a_sync_cut_by_a_restart_with_nothing_to_read_from_is_reported_as_interrupted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stuck = Arc::new(tokio::sync::Semaphore::new(0));
    let config = sync_cut_half_way(dir.path(), stuck.clone()).await;
    let s = start(ActionsConfig {
        people_source: None,
        ..config
    })
    .await;
    let (_, status) = s.call(Method::GET, "/api/v1/sync", None).await;
    assert_eq!(status["state"], "failed");
    assert_eq!(status["errors"][0]["code"], "interrupted");
    assert_eq!(status["peopleSynced"], 2, "what was stored stays");
    let (_, marketo) = s
        .call(Method::GET, "/api/v1/connections/marketo", None)
        .await;
    assert_eq!(
        marketo["status"], "connected",
        "the connection survives the restart"
    );
    stuck.close();
}
