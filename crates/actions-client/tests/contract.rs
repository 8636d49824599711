//! Every call of the client against the local Actions service, over real HTTP on loopback.
//! The sandbox serves the service exactly as the app's demo mode does.

mod support;

use std::time::Duration;

use sia_actions::{ActionsClient, ActionsNewUser, ActionsSalesforceLogin, ActionsSyncState};
use sia_sandbox::SandboxConfig;
use sia_secret::Secret;
use support::*;

fn new_user(email: &str) -> ActionsNewUser {
    ActionsNewUser {
        email: email.into(),
        ..ActionsNewUser::default()
    }
}

#[tokio::test]
async fn instance_activation_and_integration_information() {
    let (sb, client) = start(SandboxConfig::for_tests()).await;
    let before = client.instance().await.expect("instance");
    assert!(!before.is_active());
    assert!(!before.integration_information_available);
    assert_eq!(before.seats_left(), 100);
    let err = client
        .integration()
        .await
        .expect_err("nothing before activation");
    assert_eq!(err.code(), "instance_not_active");

    let act = client
        .activate(&[ADMIN, "not an email", "casey.ng@acme-demo.example"])
        .await
        .expect("activation");
    assert!(act.instance.is_active());
    assert_eq!(act.original_user_email.as_deref(), Some(ADMIN));
    assert_eq!(act.results.len(), 3);
    assert_eq!(act.results[0].outcome, "invited");
    assert_eq!(act.results[1].outcome, "failed");
    assert!(act.results[1].code.is_some());

    // A later activation call does not change who the original user is.
    let again = client
        .activate(&["robin.park@acme-demo.example"])
        .await
        .expect("second call");
    assert_eq!(again.original_user_email.as_deref(), Some(ADMIN));

    let info = client.integration().await.expect("integration");
    let mk = sb.marketo_credentials();
    assert_eq!(info.munchkin_id, mk.munchkin_id);
    assert_eq!(info.client_id, mk.client_id);
    assert_eq!(info.client_secret.expose(), mk.client_secret);
    assert!(!format!("{info:?}").contains(&mk.client_secret));
}

#[tokio::test]
async fn connections_salesforce_and_marketo() {
    let (_sb, client) = start(SandboxConfig::for_tests()).await;
    let owner = activate_and_accept(&client).await;
    let summary = client.connections().await.expect("summary");
    assert_eq!(
        summary.salesforce.len(),
        1,
        "accepting connected Salesforce"
    );
    assert!(summary.marketo.is_none());
    assert_eq!(
        client.marketo_connection().await.expect_err("none").code(),
        "marketo_not_connected"
    );

    // Step 2 for a second user: same email, API Enabled → active.
    let u = client
        .invite_user(&new_user("sam.rivera@acme-demo.example"))
        .await
        .expect("invite");
    assert_eq!(u.invitation_status, "invited");
    let login = ActionsSalesforceLogin {
        user_id: u.id.clone(),
        username: "sam.rivera@acme-demo.example".into(),
        email: "sam.rivera@acme-demo.example".into(),
        environment: "production".into(),
        org_id: "00D000000000DEMO".into(),
        api_enabled: true,
    };
    let sf = client
        .connect_salesforce(&login)
        .await
        .expect("sf connects");
    assert_eq!(sf.user_id, u.id);
    assert_eq!(client.salesforce_connection(&u.id).await.expect("get"), sf);
    assert_eq!(
        client.user(&u.id).await.expect("user").invitation_status,
        "active"
    );
    assert_eq!(
        client
            .connect_salesforce(&login)
            .await
            .expect_err("twice")
            .code(),
        "salesforce_already_connected"
    );
    client
        .disconnect_salesforce(&u.id)
        .await
        .expect("disconnect");
    assert_eq!(
        client
            .salesforce_connection(&u.id)
            .await
            .expect_err("gone")
            .code(),
        "salesforce_not_connected"
    );

    // Step 3: the Integration Information connects Marketo; the owner is named by email.
    let info = client.integration().await.expect("integration");
    let wrong = Secret::new("not-the-secret");
    assert_eq!(
        client
            .connect_marketo(ADMIN, &info.munchkin_id, &info.client_id, &wrong)
            .await
            .expect_err("wrong secret")
            .code(),
        "marketo_credentials_invalid"
    );
    assert_eq!(
        client
            .connect_marketo(
                "nobody@acme-demo.example",
                &info.munchkin_id,
                &info.client_id,
                &info.client_secret
            )
            .await
            .expect_err("unknown owner")
            .code(),
        "user_not_found"
    );
    let mk = client
        .connect_marketo(
            ADMIN,
            &info.munchkin_id,
            &info.client_id,
            &info.client_secret,
        )
        .await
        .expect("marketo connects");
    assert_eq!(mk.owner_user_id, owner);
    assert_eq!(client.marketo_connection().await.expect("get"), mk);
    assert_eq!(
        client.connections().await.expect("summary").marketo,
        Some(mk)
    );

    // The owner (also the original user) cannot be deleted while the connection stands.
    let err = client.delete_user(&owner).await.expect_err("protected");
    assert_eq!(err.code(), "user_protected");
    assert_eq!(err.status(), Some(409));
    assert!(err.to_string().contains("Marketo"), "{err}");

    client.disconnect_marketo().await.expect("disconnect");
    assert!(
        client
            .connections()
            .await
            .expect("summary")
            .marketo
            .is_none()
    );
}

#[tokio::test]
async fn scim_reads_page_through_every_user() {
    let mut config = SandboxConfig::for_tests();
    if let Some(a) = config.actions.as_mut() {
        a.seat_limit = 260;
    }
    let (_sb, client) = start(config).await;
    client.activate(&[ADMIN]).await.expect("activation");
    for i in 0..229 {
        client
            .invite_user(&new_user(&format!("person{i:03}@example.com")))
            .await
            .expect("invite");
    }
    let users = client.users().await.expect("every user");
    assert_eq!(users.len(), 230, "more than one SCIM page (200) was read");
    let distinct: std::collections::HashSet<_> = users.iter().map(|u| &u.id).collect();
    assert_eq!(distinct.len(), 230);
    assert!(users[0].original_user);
    assert_eq!(users[0].role, "Admin");
    assert!(users.iter().all(|u| u.teams == ["Everyone"]));

    let found = client
        .find_user("PERSON007@Example.com")
        .await
        .expect("filter")
        .expect("found, case-insensitively");
    assert_eq!(found.email, "person007@example.com");
    assert!(
        client
            .find_user("nobody@example.com")
            .await
            .expect("filter")
            .is_none()
    );

    let teams = client.teams().await.expect("teams");
    assert_eq!(teams.len(), 1);
    assert_eq!(teams[0].name, "Everyone");
    assert_eq!(teams[0].members, 230);

    let spc = client.service_provider_config().await.expect("spc");
    assert!(spc.bulk_supported && spc.patch_supported && spc.filter_supported);
    assert_eq!(spc.bulk_max_operations, 1000);
    assert_eq!(spc.filter_max_results, 200);

    let outbox = client.outbox().await.expect("outbox");
    assert_eq!(outbox.len(), 230);
    assert_eq!(outbox[0].recipient, ADMIN);

    let dir = client.directory().await.expect("directory");
    assert_eq!(dir.invited.len(), 230);
    assert!(dir.active.is_empty());
    assert_eq!(dir.teams, ["Everyone"]);
    assert_eq!(dir.seats_left, Some(30));
}

#[tokio::test]
async fn directory_tells_invited_from_active() {
    let (_sb, client) = start(SandboxConfig::for_tests()).await;
    activate_and_accept(&client).await;
    client
        .invite_user(&ActionsNewUser {
            email: "Kim.Lo@Example.com".into(),
            given_name: Some("Kim".into()),
            family_name: Some("Lo".into()),
            role: Some("User".into()),
            workspace: Some("Default".into()),
            teams: vec![],
        })
        .await
        .expect("invite");
    let dir = client.directory().await.expect("directory");
    assert_eq!(dir.active, [ADMIN]);
    assert_eq!(dir.invited, ["Kim.Lo@Example.com"]);
    assert_eq!(dir.seats_left, Some(98));
    assert_eq!(dir.workspaces, None);
}

#[tokio::test]
async fn second_invite_of_an_email_is_uniqueness() {
    let (_sb, client) = start(SandboxConfig::for_tests()).await;
    client.activate(&[ADMIN]).await.expect("activation");
    client
        .invite_user(&new_user("dup@example.com"))
        .await
        .expect("first");
    let err = client
        .invite_user(&new_user("DUP@example.com"))
        .await
        .expect_err("second");
    assert_eq!(err.code(), "uniqueness");
    assert_eq!(err.service_code(), Some("user_already_exists"));
    assert_eq!(err.status(), Some(409));
    assert_eq!(
        client.outbox().await.expect("outbox").len(),
        2,
        "no second invitation"
    );
}

#[tokio::test]
async fn original_user_cannot_be_deleted_once_the_sync_started() {
    let (_sb, client) = start(SandboxConfig::for_tests()).await;
    let original = connect_marketo(&client).await;
    client.start_sync().await.expect("sync starts");
    wait_for_sync(&client).await;
    client.disconnect_marketo().await.expect("disconnect");
    let err = client.delete_user(&original).await.expect_err("protected");
    assert_eq!(err.code(), "user_protected");
    assert!(err.to_string().contains("original user"), "{err}");
    // Someone else can go.
    let u = client
        .invite_user(&new_user("temp@example.com"))
        .await
        .expect("invite");
    client.delete_user(&u.id).await.expect("deleted");
    assert!(
        client
            .find_user("temp@example.com")
            .await
            .expect("filter")
            .is_none()
    );
}

#[tokio::test]
async fn sync_fields_start_and_status() {
    let (_sb, client) = start(SandboxConfig::for_tests()).await;
    let fields = client.sync_fields().await.expect("fields");
    assert_eq!(fields.len(), 13);
    assert!(fields.iter().any(|f| f.key == "linkedInUrl"));
    let idle = client.sync_status().await.expect("status");
    assert_eq!(idle.state, ActionsSyncState::NotStarted);
    assert_eq!(
        client.start_sync().await.expect_err("not connected").code(),
        "marketo_not_connected"
    );
    connect_marketo(&client).await;
    let started = client.start_sync().await.expect("starts");
    assert_eq!(started.state, ActionsSyncState::Running);
    let done = wait_for_sync(&client).await;
    assert_eq!(done.state, ActionsSyncState::Completed, "{done:?}");
}

// ---- error paths ----

#[tokio::test]
async fn a_bad_token_is_unauthorized_and_never_echoed() {
    let (sb, _) = start(SandboxConfig::for_tests()).await;
    let client = ActionsClient::new(
        sb.actions_url().expect("url"),
        Secret::new("wrong-token-value"),
    )
    .expect("client");
    let err = client.instance().await.expect_err("refused");
    assert_eq!(err.code(), "unauthorized");
    let err = client.users().await.expect_err("scim refused too");
    assert_eq!(err.code(), "unauthorized");
    assert!(!err.to_string().contains("wrong-token-value"));
}

#[tokio::test]
async fn a_dead_port_is_unreachable() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let client =
        ActionsClient::new(&format!("http://127.0.0.1:{port}"), Secret::new("t")).expect("client");
    let err = client.instance().await.expect_err("nothing listens");
    assert_eq!(err.code(), "unreachable");
    assert!(!err.to_string().contains(&port.to_string()));
}

#[tokio::test]
async fn the_services_rate_limit_is_rate_limited_with_retry_after() {
    let mut config = SandboxConfig::for_tests();
    if let Some(a) = config.actions.as_mut() {
        a.rate_limit = sia_actions_service::RateLimit {
            requests: 2,
            window: Duration::from_secs(45),
        };
    }
    let (_sb, client) = start(config).await;
    client.instance().await.expect("first");
    client.instance().await.expect("second");
    let err = client.instance().await.expect_err("third waits");
    assert_eq!(err.code(), "rate_limited");
    let wait = err.retry_after().expect("retry after");
    assert!((1..=45).contains(&wait), "{wait}");
}

#[tokio::test]
async fn a_429_from_a_proxy_carries_its_retry_after() {
    let (sb, client) = start(SandboxConfig::for_tests()).await;
    sb.actions_faults().expect("faults").add(
        sia_sandbox::FaultRule::on("/api/v1/sync")
            .status_with_retry_after(429, 7)
            .times(1),
    );
    let err = client.sync_status().await.expect_err("limited");
    assert_eq!(err.retry_after(), Some(7));
    client.sync_status().await.expect("the next call passes");
}

#[tokio::test]
async fn slow_answers_time_out_and_redirects_are_not_followed() {
    let (sb, _) = start(SandboxConfig::for_tests()).await;
    let faults = sb.actions_faults().expect("faults");
    faults.add(
        sia_sandbox::FaultRule::on("/api/v1/instance")
            .latency(Duration::from_secs(3))
            .times(1),
    );
    let client = ActionsClient::with_timeout(
        sb.actions_url().expect("url"),
        Secret::new(sb.actions_token().expect("token")),
        Duration::from_millis(500),
    )
    .expect("client");
    let err = client.instance().await.expect_err("too slow");
    assert_eq!(err.code(), "timeout");

    faults.add(
        sia_sandbox::FaultRule::on("/api/v1/connections")
            .status(302)
            .times(1),
    );
    let err = client.connections().await.expect_err("redirect");
    assert_eq!(err.code(), "bad_response");
}

#[tokio::test]
async fn a_broken_connection_is_unreachable() {
    let (sb, client) = start(SandboxConfig::for_tests()).await;
    sb.actions_faults().expect("faults").add(
        sia_sandbox::FaultRule::on("/api/v1/instance")
            .drop_connection()
            .times(1),
    );
    assert_eq!(
        client.instance().await.expect_err("dropped").code(),
        "unreachable"
    );
}
