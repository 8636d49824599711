//! The Salesforce stand-in over real HTTP: OAuth with PKCE, refresh and rotation, expiry, revoke,
//! the login page, paging of User queries, PermissionSetAssignment and OauthToken (with their
//! documented access rules), strict userinfo, and the Tooling objects.

mod common;

use common::*;
use serde_json::Value;
use sia_sandbox::{PackageVersion, RemoteSite, Sandbox, SandboxConfig};
use std::collections::HashSet;
use std::time::Duration;

const USERS_SOQL: &str = "SELECT Id, Username, Email, FirstName, LastName, IsActive, Profile.PermissionsApiEnabled FROM User WHERE IsActive = true";

#[tokio::test]
async fn pkce_login_issues_real_shaped_tokens() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let t = login(&sb, &c).await;
    let access = t["access_token"].as_str().unwrap();
    let org = sb.salesforce().org_id().to_string();
    assert!(access.starts_with(&org[..15]) && access.contains('!'));
    assert!(t["refresh_token"].as_str().is_some_and(|r| r.len() > 40));
    assert_eq!(t["instance_url"], sb.salesforce_url());
    assert_eq!(t["token_type"], "Bearer");
    let admin = sb.salesforce().default_user().unwrap().id.clone();
    assert_eq!(t["id"], format!("{}/id/{org}/{admin}", sb.salesforce_url()));
    assert!(t["issued_at"].as_str().unwrap().parse::<i64>().is_ok());
    assert!(!t["signature"].as_str().unwrap().is_empty());
    assert!(t["scope"].as_str().unwrap().contains("api"));

    let id = c
        .get(t["id"].as_str().unwrap())
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(id.status(), 200);
    let id: Value = id.json().await.unwrap();
    assert_eq!(id["user_id"], admin.as_str());
    let ui: Value = c
        .get(format!("{}/services/oauth2/userinfo", sb.salesforce_url()))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ui["organization_id"], org.as_str());
    let bad = c
        .get(format!("{}/services/oauth2/userinfo", sb.salesforce_url()))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 403);
    sb.shutdown().await;
}

#[tokio::test]
async fn wrong_or_missing_verifier_is_rejected() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let (_verifier, code) = authorize(&sb, &c, &[]).await;
    let (other, _) = pkce();
    let resp = exchange(&sb, &c, &code, &other, CALLBACK).await;
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["error_description"], "invalid code verifier");
    let resp = exchange(&sb, &c, &code, "", CALLBACK).await;
    assert_eq!(
        resp.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );

    // Without a challenge the External Client App refuses to start the flow.
    let resp = c
        .get(format!("{}/services/oauth2/authorize", sb.salesforce_url()))
        .query(&[
            ("response_type", "code"),
            ("client_id", sb.salesforce_consumer_key()),
            ("redirect_uri", CALLBACK),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let p = location_params(&resp);
    assert_eq!(param(&p, "error").as_deref(), Some("invalid_request"));
    sb.shutdown().await;
}

#[tokio::test]
async fn redirect_uri_must_match_exactly_port_included() {
    let mut cfg = SandboxConfig::for_tests();
    cfg.salesforce.redirect_uris = [53682, 53683, 53684, 1717]
        .iter()
        .map(|p| format!("http://127.0.0.1:{p}/callback"))
        .collect();
    let sb = Sandbox::start(cfg).await.unwrap();
    let c = client();
    for uri in [
        "http://127.0.0.1:53685/callback",
        "http://localhost:53682/callback",
        "http://127.0.0.1:53682/callback/",
        "https://evil.example/callback",
        "http://[::1]:53682/callback",
        "http://127.0.0.1:53682/CALLBACK",
    ] {
        let (_, challenge) = pkce();
        let resp = c
            .get(format!("{}/services/oauth2/authorize", sb.salesforce_url()))
            .query(&[
                ("response_type", "code"),
                ("client_id", sb.salesforce_consumer_key()),
                ("redirect_uri", uri),
                ("code_challenge", challenge.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400, "{uri}");
        assert!(
            resp.headers().get("location").is_none(),
            "never redirect to an unregistered URI"
        );
        assert!(resp.text().await.unwrap().contains("redirect_uri_mismatch"));
    }
    // Every registered port works, and the token call must repeat the same URI.
    for port in [53682, 53683, 53684, 1717] {
        let uri = format!("http://127.0.0.1:{port}/callback");
        let (_verifier, code) = authorize(&sb, &c, &[("redirect_uri", uri.as_str())]).await;
        assert!(code.starts_with("aPrx"));
    }
    let (verifier, code) = authorize(&sb, &c, &[]).await;
    let resp = exchange(&sb, &c, &code, &verifier, "http://127.0.0.1:53683/callback").await;
    assert_eq!(resp.status(), 400);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["error"],
        "redirect_uri_mismatch"
    );
    // Unknown consumer key.
    let resp = c
        .get(format!("{}/services/oauth2/authorize", sb.salesforce_url()))
        .query(&[
            ("response_type", "code"),
            ("client_id", "someone-else"),
            ("redirect_uri", CALLBACK),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("invalid_client_id"));
    sb.shutdown().await;
}

#[tokio::test]
async fn a_replayed_code_is_refused_and_its_tokens_withdrawn() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let (verifier, code) = authorize(&sb, &c, &[]).await;
    let first: Value = exchange(&sb, &c, &code, &verifier, CALLBACK)
        .await
        .json()
        .await
        .unwrap();
    let access = first["access_token"].as_str().unwrap();
    assert_eq!(
        soql(&sb, &c, access, "query", "SELECT Id FROM User LIMIT 1")
            .await
            .status(),
        200
    );
    let again = exchange(&sb, &c, &code, &verifier, CALLBACK).await;
    assert_eq!(again.status(), 400);
    assert_eq!(
        again.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );
    assert_eq!(
        soql(&sb, &c, access, "query", "SELECT Id FROM User LIMIT 1")
            .await
            .status(),
        401
    );
    sb.shutdown().await;
}

async fn refresh(
    sb: &sia_sandbox::RunningSandbox,
    c: &reqwest::Client,
    token: &str,
) -> reqwest::Response {
    c.post(format!("{}/services/oauth2/token", sb.salesforce_url()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", token),
            ("client_id", sb.salesforce_consumer_key()),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn refresh_without_and_with_rotation() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let t = login(&sb, &c).await;
    let r1 = t["refresh_token"].as_str().unwrap().to_string();

    let n: Value = refresh(&sb, &c, &r1).await.json().await.unwrap();
    assert!(n["access_token"].is_string());
    assert!(
        n.get("refresh_token").is_none(),
        "no rotation: no new refresh token"
    );
    assert_eq!(
        refresh(&sb, &c, &r1).await.status(),
        200,
        "old one still valid"
    );

    sb.salesforce().set_rotate_refresh_tokens(true);
    let rotated: Value = refresh(&sb, &c, &r1).await.json().await.unwrap();
    let r2 = rotated["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(r1, r2);
    let old = refresh(&sb, &c, &r1).await;
    assert_eq!(old.status(), 400);
    assert_eq!(old.json::<Value>().await.unwrap()["error"], "invalid_grant");
    let access = rotated["access_token"].as_str().unwrap();
    assert_eq!(
        soql(&sb, &c, access, "query", "SELECT Id FROM User LIMIT 1")
            .await
            .status(),
        200
    );
    assert_eq!(refresh(&sb, &c, &r2).await.status(), 200);

    let wrong_client = c
        .post(format!("{}/services/oauth2/token", sb.salesforce_url()))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", r2.as_str()),
            ("client_id", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        wrong_client.json::<Value>().await.unwrap()["error"],
        "invalid_client_id"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn expired_access_token_gives_invalid_session_id() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    sb.salesforce()
        .set_access_token_ttl(Duration::from_secs(30));
    let t = login(&sb, &c).await;
    let access = t["access_token"].as_str().unwrap();
    assert_eq!(
        soql(&sb, &c, access, "query", USERS_SOQL).await.status(),
        200
    );
    sb.clock().advance(Duration::from_secs(31));
    let resp = soql(&sb, &c, access, "query", USERS_SOQL).await;
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
    );
    let fresh: Value = refresh(&sb, &c, t["refresh_token"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    let ok = soql(
        &sb,
        &c,
        fresh["access_token"].as_str().unwrap(),
        "query",
        USERS_SOQL,
    )
    .await;
    assert_eq!(ok.status(), 200);
    sb.shutdown().await;
}

#[tokio::test]
async fn revoke_ends_the_grant() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let t = login(&sb, &c).await;
    let access = t["access_token"].as_str().unwrap();
    let refresh_token = t["refresh_token"].as_str().unwrap();
    let resp = c
        .post(format!("{}/services/oauth2/revoke", sb.salesforce_url()))
        .form(&[("token", refresh_token)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        soql(&sb, &c, access, "query", USERS_SOQL).await.status(),
        401
    );
    assert_eq!(refresh(&sb, &c, refresh_token).await.status(), 400);
    let unknown = c
        .post(format!("{}/services/oauth2/revoke", sb.salesforce_url()))
        .form(&[("token", "not-a-token")])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);

    // Revoking only an access token leaves the refresh token usable.
    let t = login(&sb, &c).await;
    let resp = c
        .get(format!("{}/services/oauth2/revoke", sb.salesforce_url()))
        .query(&[("token", t["access_token"].as_str().unwrap())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        soql(
            &sb,
            &c,
            t["access_token"].as_str().unwrap(),
            "query",
            USERS_SOQL
        )
        .await
        .status(),
        401
    );
    assert_eq!(
        refresh(&sb, &c, t["refresh_token"].as_str().unwrap())
            .await
            .status(),
        200
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn login_page_allow_deny_and_bad_password() {
    let mut cfg = SandboxConfig::for_tests();
    cfg.salesforce.auto_approve = false;
    cfg.salesforce.password = Some("demo-pass".into());
    let sb = Sandbox::start(cfg).await.unwrap();
    let c = client();
    let (verifier, challenge) = pkce();
    let base = [
        ("response_type", "code"),
        ("client_id", sb.salesforce_consumer_key()),
        ("redirect_uri", CALLBACK),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("state", "s1"),
    ];
    let page = c
        .get(format!("{}/services/oauth2/authorize", sb.salesforce_url()))
        .query(&base)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("default-src 'none'"));
    let html = page.text().await.unwrap();
    assert!(html.contains("<form method=\"post\""));
    assert!(
        !html.contains("<script") && !html.contains("<link") && !html.contains("src="),
        "no external resources"
    );

    let post = |extra: Vec<(&'static str, String)>| {
        let mut form: Vec<(String, String)> = base
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        form.extend(extra.into_iter().map(|(k, v)| (k.to_string(), v)));
        c.post(format!("{}/services/oauth2/authorize", sb.salesforce_url()))
            .form(&form)
            .send()
    };
    let admin = sb.salesforce().default_user().unwrap().username.clone();
    let denied = post(vec![("decision", "deny".into())]).await.unwrap();
    assert_eq!(denied.status(), 302);
    let p = location_params(&denied);
    assert_eq!(param(&p, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&p, "state").as_deref(), Some("s1"));

    let wrong = post(vec![
        ("decision", "allow".into()),
        ("username", admin.clone()),
        ("password", "nope".into()),
    ])
    .await
    .unwrap();
    assert_eq!(wrong.status(), 200);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Please check your username and password")
    );

    let inactive = sb
        .salesforce()
        .users()
        .iter()
        .find(|u| !u.is_active)
        .unwrap()
        .username
        .clone();
    let refused = post(vec![
        ("decision", "allow".into()),
        ("username", inactive),
        ("password", "demo-pass".into()),
    ])
    .await
    .unwrap();
    assert_eq!(refused.status(), 200);

    let ok = post(vec![
        ("decision", "allow".into()),
        ("username", admin),
        ("password", "demo-pass".into()),
    ])
    .await
    .unwrap();
    assert_eq!(ok.status(), 302);
    let code = param(&location_params(&ok), "code").unwrap();
    assert_eq!(
        exchange(&sb, &c, &code, &verifier, CALLBACK).await.status(),
        200
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn user_query_pages_with_next_records_url() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let t = login(&sb, &c).await;
    let access = t["access_token"].as_str().unwrap();
    let expected = sb
        .salesforce()
        .users()
        .iter()
        .filter(|u| u.is_active)
        .count();
    let mut body: Value = soql(&sb, &c, access, "query", USERS_SOQL)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["totalSize"], expected);
    let mut records: Vec<Value> = Vec::new();
    let mut pages = 0;
    loop {
        pages += 1;
        records.extend(body["records"].as_array().unwrap().iter().cloned());
        if body["done"] == true {
            assert!(body.get("nextRecordsUrl").is_none());
            break;
        }
        let next = body["nextRecordsUrl"].as_str().unwrap();
        assert!(next.starts_with("/services/data/v62.0/query/"));
        body = c
            .get(format!("{}{next}", sb.salesforce_url()))
            .bearer_auth(access)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    }
    assert_eq!(pages, expected.div_ceil(200));
    let ids: HashSet<_> = records
        .iter()
        .map(|r| r["Id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), expected);
    assert!(records.iter().all(|r| r["IsActive"] == true));
    assert!(
        records
            .iter()
            .any(|r| r["Profile"]["PermissionsApiEnabled"] == false)
    );
    assert!(records.iter().any(|r| {
        let e = r["Email"].as_str().unwrap();
        e != e.to_lowercase()
    }));
    assert_eq!(records[0]["attributes"]["type"], "User");

    // A smaller batch through the Sforce-Query-Options header, as real clients may ask.
    let small: Value = c
        .get(format!("{}/services/data/v62.0/query", sb.salesforce_url()))
        .query(&[("q", "SELECT Id FROM User")])
        .header("Sforce-Query-Options", "batchSize=200")
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(small["records"].as_array().unwrap().len(), 200);
    let bad_locator = c
        .get(format!(
            "{}/services/data/v62.0/query/01gNOPE-200",
            sb.salesforce_url()
        ))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(bad_locator.status(), 400);
    assert_eq!(
        bad_locator.json::<Value>().await.unwrap()[0]["errorCode"],
        "INVALID_QUERY_LOCATOR"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn soql_errors_look_like_salesforce() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let t = login(&sb, &c).await;
    let access = t["access_token"].as_str().unwrap();
    for (q, code) in [
        ("SELECT Id FROM", "MALFORMED_QUERY"),
        ("SELECT Nope FROM User", "INVALID_FIELD"),
        ("SELECT Id FROM Widget__c", "INVALID_TYPE"),
        ("SELECT Id FROM InstalledSubscriberPackage", "INVALID_TYPE"),
    ] {
        let resp = soql(&sb, &c, access, "query", q).await;
        assert_eq!(resp.status(), 400, "{q}");
        assert_eq!(
            resp.json::<Value>().await.unwrap()[0]["errorCode"],
            code,
            "{q}"
        );
    }
    let resp = c
        .get(format!("{}/services/data/v99.0/query", sb.salesforce_url()))
        .query(&[("q", "SELECT Id FROM User")])
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    sb.shutdown().await;
}

#[tokio::test]
async fn tooling_reports_the_package_and_remote_sites() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let t = login(&sb, &c).await;
    let access = t["access_token"].as_str().unwrap();
    let pkg_q = "SELECT SubscriberPackage.NamespacePrefix, SubscriberPackage.Name, SubscriberPackageVersion.MajorVersion, SubscriberPackageVersion.MinorVersion, SubscriberPackageVersion.PatchVersion FROM InstalledSubscriberPackage";
    let body: Value = soql(&sb, &c, access, "tooling/query", pkg_q)
        .await
        .json()
        .await
        .unwrap();
    let recs = body["records"].as_array().unwrap();
    assert!(recs.len() >= 3, "other packages are installed too");
    let msi = recs
        .iter()
        .find(|r| r["SubscriberPackage"]["NamespacePrefix"] == "mkto_si")
        .expect("mkto_si installed");
    assert_eq!(msi["SubscriberPackageVersion"]["MajorVersion"], 1);
    assert_eq!(msi["attributes"]["type"], "InstalledSubscriberPackage");

    sb.salesforce().set_package_version(Some(PackageVersion {
        major: 2,
        minor: 5,
        patch: 1,
    }));
    let body: Value = soql(&sb, &c, access, "tooling/query", pkg_q)
        .await
        .json()
        .await
        .unwrap();
    let msi = body["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["SubscriberPackage"]["NamespacePrefix"] == "mkto_si")
        .unwrap()
        .clone();
    assert_eq!(msi["SubscriberPackageVersion"]["PatchVersion"], 1);
    sb.salesforce().set_package_version(None);
    let body: Value = soql(&sb, &c, access, "tooling/query", pkg_q)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !body["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["SubscriberPackage"]["NamespacePrefix"] == "mkto_si")
    );

    let rp_q = "SELECT EndpointUrl, IsActive FROM RemoteProxy";
    let body: Value = soql(&sb, &c, access, "tooling/query", rp_q)
        .await
        .json()
        .await
        .unwrap();
    let adobe = body["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["EndpointUrl"] == "https://mkto-sales-connect.adobe.io")
        .unwrap()
        .clone();
    assert_eq!(adobe["IsActive"], false);
    sb.salesforce().set_remote_sites(vec![RemoteSite::new(
        "MSI",
        "https://mkto-sales-connect.adobe.io",
        true,
    )]);
    let body: Value = soql(
        &sb,
        &c,
        access,
        "tooling/query",
        "SELECT EndpointUrl FROM RemoteProxy WHERE IsActive = true",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(body["totalSize"], 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn users_without_api_enabled_get_api_currently_disabled() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let no_api = sb
        .salesforce()
        .users()
        .iter()
        .find(|u| u.is_active && !u.has_api_access())
        .unwrap()
        .username
        .clone();
    let (verifier, code) = authorize(&sb, &c, &[("login_hint", no_api.as_str())]).await;
    let t: Value = exchange(&sb, &c, &code, &verifier, CALLBACK)
        .await
        .json()
        .await
        .unwrap();
    let resp = soql(
        &sb,
        &c,
        t["access_token"].as_str().unwrap(),
        "query",
        USERS_SOQL,
    )
    .await;
    assert_eq!(resp.status(), 403);
    assert_eq!(
        resp.json::<Value>().await.unwrap()[0]["errorCode"],
        "API_CURRENTLY_DISABLED"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn sandbox_orgs_say_so() {
    let mut cfg = SandboxConfig::for_tests();
    cfg.salesforce.org_type = sia_sandbox::OrgType::Sandbox;
    let sb = Sandbox::start(cfg).await.unwrap();
    let c = client();
    let t = login(&sb, &c).await;
    let body: Value = soql(
        &sb,
        &c,
        t["access_token"].as_str().unwrap(),
        "query",
        "SELECT IsSandbox, InstanceName FROM Organization",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(body["records"][0]["IsSandbox"], true);
    assert!(
        sb.salesforce()
            .users()
            .iter()
            .all(|u| u.username.ends_with(".uat"))
    );
    sb.shutdown().await;
}

/// Signs in as `username` (auto-approve honours `login_hint`) and returns the access token.
async fn token_for(
    sb: &sia_sandbox::RunningSandbox,
    c: &reqwest::Client,
    username: &str,
) -> String {
    let (verifier, code) = authorize(sb, c, &[("login_hint", username)]).await;
    let t: Value = exchange(sb, c, &code, &verifier, CALLBACK)
        .await
        .json()
        .await
        .unwrap();
    t["access_token"].as_str().unwrap().to_string()
}

const API_SETS_SOQL: &str = "SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSet.PermissionsApiEnabled = true";

#[tokio::test]
async fn permission_sets_grant_api_enabled_and_need_view_setup() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let users = sb.salesforce().users().to_vec();
    let via_set = users
        .iter()
        .find(|u| u.api_enabled_by_permission_set)
        .unwrap()
        .clone();
    assert!(!via_set.api_enabled && via_set.is_active);

    let admin = t_access(&sb, &c).await;
    let body: Value = soql(&sb, &c, &admin, "query", API_SETS_SOQL)
        .await
        .json()
        .await
        .unwrap();
    let ids: HashSet<String> = body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["AssigneeId"].as_str().unwrap().to_string())
        .collect();
    // Profile-owned sets carry the profile's API Enabled; the extra set adds one user.
    let expected: HashSet<String> = users
        .iter()
        .filter(|u| u.has_api_access())
        .map(|u| u.id.clone())
        .collect();
    // One assignment per user with API access (paged: the first page is a subset).
    assert_eq!(body["totalSize"], expected.len());
    assert!(ids.is_subset(&expected));
    let body: Value = soql(
        &sb,
        &c,
        &admin,
        "query",
        &format!("{API_SETS_SOQL} AND PermissionSet.IsOwnedByProfile = false"),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(body["totalSize"], 1);
    let rec = &body["records"][0];
    assert_eq!(rec["AssigneeId"], via_set.id.as_str());
    assert_eq!(rec["attributes"]["type"], "PermissionSetAssignment");

    // The user with the permission set may use the API although the profile says no.
    let theirs = token_for(&sb, &c, &via_set.username).await;
    assert_eq!(
        soql(&sb, &c, &theirs, "query", "SELECT COUNT() FROM OauthToken")
            .await
            .status(),
        200
    );
    // Without View Setup and Configuration the object is hidden.
    let resp = soql(&sb, &c, &theirs, "query", API_SETS_SOQL).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(
        resp.json::<Value>().await.unwrap()[0]["errorCode"],
        "INVALID_TYPE"
    );
    sb.shutdown().await;
}

async fn t_access(sb: &sia_sandbox::RunningSandbox, c: &reqwest::Client) -> String {
    login(sb, c).await["access_token"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn oauth_tokens_follow_the_documented_shape_and_visibility() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let admin_user = sb.salesforce().default_user().unwrap().clone();
    let admin = t_access(&sb, &c).await;
    let all = sb.salesforce().oauth_tokens();
    let count: Value = soql(&sb, &c, &admin, "query", "SELECT COUNT() FROM OauthToken")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(count["totalSize"], all.len());
    assert_eq!(count["records"], serde_json::json!([]));
    let q = format!(
        "SELECT AppName, UserId, CreatedDate, LastUsedDate, UseCount FROM OauthToken WHERE UserId = '{}'",
        admin_user.id
    );
    let body: Value = soql(&sb, &c, &admin, "query", &q)
        .await
        .json()
        .await
        .unwrap();
    let apps: Vec<&str> = body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["AppName"].as_str().unwrap())
        .collect();
    assert!(
        apps.contains(&sia_sandbox::salesforce::ACTIONS_APP_NAME),
        "{apps:?}"
    );
    assert!(apps.contains(&"Salesforce CLI"));

    // A non-admin sees only their own tokens; the demo can add one at run time.
    let rep = sb
        .salesforce()
        .users()
        .iter()
        .find(|u| u.is_active && u.api_enabled && !u.is_admin())
        .unwrap()
        .clone();
    assert!(
        sb.salesforce()
            .add_oauth_token(&rep.id, "Sales Insight Actions")
    );
    let theirs = token_for(&sb, &c, &rep.username).await;
    let body: Value = soql(
        &sb,
        &c,
        &theirs,
        "query",
        "SELECT AppName, UserId FROM OauthToken",
    )
    .await
    .json()
    .await
    .unwrap();
    let rows = body["records"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["UserId"] == rep.id.as_str()));
    let q = format!(
        "SELECT UserId FROM OauthToken WHERE UserId IN ('{}', '{}')",
        rep.id, admin_user.id
    );
    let body: Value = soql(&sb, &c, &admin, "query", &q)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        body["records"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["UserId"] == rep.id.as_str())
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn userinfo_needs_the_openid_scope() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let (verifier, code) = authorize(&sb, &c, &[("scope", "api refresh_token")]).await;
    let t: Value = exchange(&sb, &c, &code, &verifier, CALLBACK)
        .await
        .json()
        .await
        .unwrap();
    let resp = c
        .get(format!("{}/services/oauth2/userinfo", sb.salesforce_url()))
        .bearer_auth(t["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert!(
        resp.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("insufficient_scope")
    );
    let (verifier, code) = authorize(&sb, &c, &[("scope", "api id openid refresh_token")]).await;
    let t: Value = exchange(&sb, &c, &code, &verifier, CALLBACK)
        .await
        .json()
        .await
        .unwrap();
    let resp = c
        .get(format!("{}/services/oauth2/userinfo", sb.salesforce_url()))
        .bearer_auth(t["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    sb.shutdown().await;
}

#[tokio::test]
async fn an_older_msi_package_can_be_seeded() {
    let mut cfg = SandboxConfig::for_tests();
    cfg.salesforce.package_version = Some(PackageVersion {
        major: 1,
        minor: 229,
        patch: 0,
    });
    let sb = Sandbox::start(cfg).await.unwrap();
    let c = client();
    let admin = t_access(&sb, &c).await;
    let body: Value = soql(
        &sb,
        &c,
        &admin,
        "tooling/query",
        "SELECT SubscriberPackage.NamespacePrefix, SubscriberPackageVersion.MinorVersion FROM InstalledSubscriberPackage WHERE SubscriberPackage.NamespacePrefix = 'mkto_si'",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        body["records"][0]["SubscriberPackageVersion"]["MinorVersion"],
        229
    );
    sb.shutdown().await;
}
