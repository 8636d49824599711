//! The whole sign-in and the API calls over real HTTP against the Salesforce stand-in, with a
//! headless "browser" (reqwest, no automatic redirects) and every attack and fault of issue 6.

mod support;

use sia_salesforce::{
    ActionsAppMatch, ApiEnabledSource, CallbackPorts, DEFAULT_SCOPES, LoginAttempt, LoginConfig,
    LoginHost, MSI_MINIMUM_VERSION, PackageStatus, PackageVersion, RemoteSiteState,
    SalesforceClient, SalesforceError, SalesforceOrgType, SalesforceUserStatus, UiLanguage,
    match_actions_apps,
};
use sia_sandbox::harness::FaultRule;
use sia_sandbox::salesforce::{self as sf, OrgType, RemoteSite};
use std::time::Duration;
use support::*;

#[tokio::test]
async fn whole_login_with_a_headless_browser() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let (session, visit, port) = login(&org, org.login_config()).await?;
    assert_eq!(port, org.ports[0], "first free port of the list");
    // The callback answers 303 so the code leaves the address bar.
    assert_eq!(visit.callback_status, 303);
    assert_eq!(visit.result_location.as_deref(), Some("/done"));
    assert_eq!(visit.page_status, 200);
    assert!(visit.page.contains("Connected, you can close this tab"));
    assert_eq!(visit.cache_control.as_deref(), Some("no-store"));
    let csp = visit.csp.unwrap_or_default();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert!(!visit.page.contains("http"), "no external resources");

    let admin = org.control.default_user().ok_or("no admin")?.clone();
    let s = &session.summary;
    assert_eq!(s.org_id, org.control.org_id());
    assert_eq!(s.user_id, admin.id);
    assert_eq!(s.username, admin.username);
    assert_eq!(s.email, admin.email);
    assert_eq!(s.display_name, admin.name());
    assert_eq!(s.instance_url, org.served.base_url());
    assert_eq!(s.org_type, SalesforceOrgType::Production);
    assert_eq!(s.api_version, "v62.0");
    assert!(!format!("{session:?}").contains(session.refresh_token.expose()));
    let json = serde_json::to_string(&session.summary)?;
    assert!(json.contains("\"orgId\"") && json.contains("\"instanceUrl\""));

    // PKCE S256 and the exact callback went to Salesforce; the verifier only to /token.
    let auth = org.log().with_path("/services/oauth2/authorize");
    let q = auth
        .last()
        .and_then(|e| e.query.clone())
        .unwrap_or_default();
    assert!(q.contains("code_challenge_method=S256") && q.contains("state="));
    let token_calls = org.log().with_path("/services/oauth2/token");
    assert_eq!(token_calls.len(), 1);
    assert!(token_calls[0].body.contains("code_verifier="));
    assert_eq!(token_calls[0].method, "POST");
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn result_page_speaks_traditional_chinese() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let mut config = org.login_config();
    config.language = UiLanguage::ZhTw;
    let (session, visit, _) = login(&org, config).await?;
    assert!(visit.page.contains("已連線到 Salesforce"), "{}", visit.page);
    assert!(visit.page.contains("lang=\"zh-Hant-TW\""));
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn localhost_callback_host_works_end_to_end() -> TestResult {
    let ports = free_ports(1).await?;
    let org = Org::start(|c| {
        c.redirect_uris = vec![format!("http://localhost:{}/callback", ports[0])];
    })
    .await?;
    let mut config = org.login_config();
    config.ports = CallbackPorts::List {
        ports: ports.clone(),
    };
    config.callback_host = sia_salesforce::CallbackHost::Localhost;
    assert_eq!(
        config.callback_urls(),
        [format!("http://localhost:{}/callback", ports[0])]
    );
    let (session, visit, port) = login(&org, config).await?;
    assert_eq!(port, ports[0]);
    assert!(visit.callback_url.starts_with("http://localhost:"));
    assert!(visit.page.contains("Connected"));
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn wrong_state_is_refused() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let attempt = LoginAttempt::start(org.login_config()).await?;
    let port = attempt.port();
    let b = browser();
    let resp = b.get(attempt.authorize_url()).send().await?;
    let callback = location(&resp).ok_or("no redirect")?;
    let mut url = url::Url::parse(&callback)?;
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let forged = k == "state";
            (
                k.into_owned(),
                if forged {
                    "forged".to_string()
                } else {
                    v.into_owned()
                },
            )
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    let visit = tokio::spawn(async move { follow_callback(&browser(), url.to_string()).await });
    let err = attempt.finish().await.expect_err("state mismatch");
    assert_eq!(err.code(), "state_mismatch");
    let visit = visit.await??;
    assert_eq!(visit.callback_status, 303);
    assert!(visit.page.contains("did not belong"), "{}", visit.page);
    assert!(port_is_free(port).await);
    // The code was never exchanged.
    assert!(org.log().with_path("/services/oauth2/token").is_empty());
    org.assert_no_token_in_urls(&[]);
    Ok(())
}

#[tokio::test]
async fn replayed_code_is_refused_and_withdraws_the_grant() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let (session, visit, _) = login(&org, org.login_config()).await?;
    let old = url::Url::parse(&visit.callback_url)?;
    let code = old
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .ok_or("no code")?;

    // Replayed into a new attempt: the old state does not match.
    let attempt = LoginAttempt::start(org.login_config()).await?;
    let port = attempt.port();
    let replay = format!(
        "http://127.0.0.1:{port}/callback?{}",
        old.query().unwrap_or("")
    );
    let visit = tokio::spawn(async move { follow_callback(&browser(), replay).await });
    let err = attempt.finish().await.expect_err("replay");
    assert_eq!(err.code(), "state_mismatch");
    visit.await??;
    assert!(port_is_free(port).await);

    // Replayed straight at the token endpoint: Salesforce refuses and withdraws the grant.
    let resp = browser()
        .post(format!("{}/services/oauth2/token", org.served.base_url()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", org.control.consumer_key()),
            ("redirect_uri", org.control.redirect_uris()[0].as_str()),
        ])
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 400);
    assert!(resp.text().await?.contains("invalid_grant"));
    org.control.expire_access_tokens();
    let err = session.client.active_users().await.expect_err("withdrawn");
    assert_eq!(err.code(), "signin_required");
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn a_second_callback_is_gone() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let attempt = LoginAttempt::start(org.login_config()).await?;
    let port = attempt.port();
    let authorize = attempt.authorize_url().to_string();
    let finish = tokio::spawn(attempt.finish());
    let b = browser();
    let resp = b.get(&authorize).send().await?;
    let callback = location(&resp).ok_or("no redirect")?;
    let first = b.get(&callback).send().await?;
    assert_eq!(first.status().as_u16(), 303);
    let second = b.get(&callback).send().await?;
    assert_eq!(second.status().as_u16(), 410);
    let page = b
        .get(format!("http://127.0.0.1:{port}/done"))
        .send()
        .await?;
    assert!(page.text().await?.contains("Connected"));
    let session = finish.await??;
    assert_eq!(
        org.log().with_path("/services/oauth2/token").len(),
        1,
        "one exchange"
    );
    assert!(port_is_free(port).await);
    // And once closed, nothing answers on the port.
    assert!(b.get(&callback).send().await.is_err());
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn non_get_foreign_host_and_other_paths_are_refused_without_ending_the_attempt() -> TestResult
{
    let org = Org::start(|_| {}).await?;
    let attempt = LoginAttempt::start(org.login_config()).await?;
    let port = attempt.port();
    let base = format!("http://127.0.0.1:{port}");
    let b = browser();
    for method in [
        reqwest::Method::POST,
        reqwest::Method::PUT,
        reqwest::Method::DELETE,
    ] {
        let r = b
            .request(method, format!("{base}/callback?code=x&state=y"))
            .send()
            .await?;
        assert_eq!(r.status().as_u16(), 405);
        assert_eq!(
            r.headers().get("allow").and_then(|v| v.to_str().ok()),
            Some("GET")
        );
    }
    let r = b
        .get(format!("{base}/callback?code=x&state=y"))
        .header("host", format!("evil.example:{port}"))
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 400, "foreign Host refused");
    let r = b
        .get(format!("{base}/callback?code=x&state=y"))
        .header("host", format!("127.0.0.1:{}", port.wrapping_add(1)))
        .send()
        .await?;
    assert_eq!(r.status().as_u16(), 400, "wrong port in Host refused");
    let r = b.get(format!("{base}/elsewhere")).send().await?;
    assert_eq!(r.status().as_u16(), 404);
    let r = b.get(format!("{base}/callback")).send().await?;
    assert_eq!(r.status().as_u16(), 400, "a bare visit is not an answer");
    let r = b.get(format!("{base}/done")).send().await?;
    assert_eq!(r.status().as_u16(), 404, "no result before a callback");
    // localhost:port is a valid Host, and the real sign-in still completes.
    let browse_task = tokio::spawn(browse(attempt.authorize_url().to_string()));
    let session = attempt.finish().await?;
    let visit = browse_task.await??;
    assert!(visit.page.contains("Connected"));
    assert!(port_is_free(port).await);
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

/// Sends raw bytes to the listener and returns the status line.
async fn raw_request(port: u16, request: &str) -> Result<String, std::io::Error> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let text = String::from_utf8_lossy(&answer).into_owned();
    Ok(text.lines().next().unwrap_or_default().to_string())
}

#[tokio::test]
async fn raw_http_without_host_or_with_a_repeated_state_is_refused() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let attempt = LoginAttempt::start(org.login_config()).await?;
    let port = attempt.port();
    let state = url::Url::parse(attempt.authorize_url())?
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .ok_or("no state")?;
    let status = raw_request(port, "GET /callback?code=x&state=y HTTP/1.0\r\n\r\n").await?;
    assert!(status.contains(" 400 "), "{status}");
    let status = raw_request(
        port,
        &format!("GET /callback?code=x&state=y HTTP/1.1\r\nHost: [::1]:{port}\r\nConnection: close\r\n\r\n"),
    )
    .await?;
    assert!(status.contains(" 400 "), "{status}");
    // The genuine state twice: one of them could have been smuggled, so it is refused.
    let finish = tokio::spawn(attempt.finish());
    let enc: String = url::form_urlencoded::byte_serialize(state.as_bytes()).collect();
    let status = raw_request(
        port,
        &format!(
            "GET /callback?code=x&state={enc}&state={enc} HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"
        ),
    )
    .await?;
    assert!(status.contains(" 303 "), "{status}");
    let status = raw_request(
        port,
        &format!("GET /done HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"),
    )
    .await?;
    assert!(status.contains(" 200 "), "{status}");
    let err = finish.await?.expect_err("repeated state");
    assert_eq!(err.code(), "state_mismatch");
    assert!(port_is_free(port).await);
    assert!(org.log().with_path("/services/oauth2/token").is_empty());
    org.assert_no_token_in_urls(&[]);
    Ok(())
}

#[tokio::test]
async fn access_denied_in_salesforce() -> TestResult {
    let org = Org::start(|c| c.auto_approve = false).await?;
    let attempt = LoginAttempt::start(org.login_config()).await?;
    let port = attempt.port();
    let authorize = url::Url::parse(attempt.authorize_url())?;
    // The user clicks Deny on the login page: the form posts the carried parameters.
    let mut form: Vec<(String, String)> = authorize
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    form.push(("decision".into(), "deny".into()));
    let b = browser();
    let page = b.get(authorize.as_str()).send().await?;
    assert_eq!(page.status().as_u16(), 200, "login page");
    let resp = b
        .post(format!(
            "{}/services/oauth2/authorize",
            org.served.base_url()
        ))
        .form(&form)
        .send()
        .await?;
    let callback = location(&resp).ok_or("no redirect")?;
    assert!(callback.contains("error=access_denied"));
    let visit = tokio::spawn(async move { follow_callback(&browser(), callback).await });
    let err = attempt.finish().await.expect_err("denied");
    assert_eq!(err.code(), "access_denied");
    assert!(err.to_string().contains("click Allow"));
    let visit = visit.await??;
    assert!(visit.page.contains("denied"));
    assert!(port_is_free(port).await);
    org.assert_no_token_in_urls(&[]);
    Ok(())
}

#[tokio::test]
async fn timeout_releases_the_port() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let mut config = org.login_config();
    config.timeout = Duration::from_millis(200);
    let attempt = LoginAttempt::start(config).await?;
    let port = attempt.port();
    let err = attempt.finish().await.expect_err("timeout");
    assert_eq!(err.code(), "timeout");
    assert!(port_is_free(port).await);
    org.assert_no_token_in_urls(&[]);
    Ok(())
}

#[tokio::test]
async fn cancel_and_drop_release_the_port() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let attempt = LoginAttempt::start(org.login_config()).await?;
    let port = attempt.port();
    let cancel = attempt.cancel_handle();
    let finish = tokio::spawn(attempt.finish());
    tokio::task::yield_now().await;
    cancel.cancel();
    let err = finish.await?.expect_err("cancelled");
    assert_eq!(err.code(), "cancelled");
    assert!(port_is_free(port).await);

    // Dropped without finish: the drop guard stops the server.
    let attempt = LoginAttempt::start(org.login_config()).await?;
    let port = attempt.port();
    drop(attempt);
    let mut free = false;
    for _ in 0..100 {
        if port_is_free(port).await {
            free = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(free, "port released after drop");
    org.assert_no_token_in_urls(&[]);
    Ok(())
}

#[tokio::test]
async fn busy_ports_fall_back_then_all_busy_is_reported() -> TestResult {
    let org = Org::start(|_| {}).await?;
    // First registered port busy: the second one is used.
    let blocker = tokio::net::TcpListener::bind(("127.0.0.1", org.ports[0])).await?;
    let (session, _visit, port) = login(&org, org.login_config()).await?;
    assert_eq!(port, org.ports[1]);
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    drop(session);
    // Every port busy.
    let blocker2 = tokio::net::TcpListener::bind(("127.0.0.1", org.ports[1])).await?;
    let err = LoginAttempt::start(org.login_config())
        .await
        .expect_err("busy");
    assert_eq!(err.code(), "ports_busy");
    let SalesforceError::PortsBusy { ports } = &err else {
        return Err("wrong variant".into());
    };
    assert_eq!(ports, &org.ports);
    assert!(err.to_string().contains(&org.ports[1].to_string()));
    drop((blocker, blocker2));
    for p in &org.ports {
        assert!(port_is_free(*p).await);
    }
    Ok(())
}

#[tokio::test]
async fn any_port_mode_binds_an_ephemeral_port() -> TestResult {
    // Any port is only for providers that allow it; the listener side is tested alone here.
    let mut config = LoginConfig::new(LoginHost::production(), "key");
    config.ports = CallbackPorts::AnyPort;
    config.timeout = Duration::from_millis(100);
    let attempt = LoginAttempt::start(config).await?;
    let port = attempt.port();
    assert!(port > 0);
    assert!(attempt.redirect_uri().starts_with("http://127.0.0.1:"));
    assert!(
        attempt
            .authorize_url()
            .starts_with("https://login.salesforce.com/services/oauth2/authorize?")
    );
    assert_eq!(
        attempt.finish().await.expect_err("timeout").code(),
        "timeout"
    );
    assert!(port_is_free(port).await);
    Ok(())
}

#[tokio::test]
async fn redirect_uri_mismatch_is_explained() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let mut config = org.login_config();
    let unregistered = free_ports(1).await?;
    config.ports = CallbackPorts::List {
        ports: unregistered.clone(),
    };
    config.timeout = Duration::from_millis(300);
    let attempt = LoginAttempt::start(config).await?;
    let port = attempt.port();
    let err = attempt.preflight().await.expect_err("mismatch");
    assert_eq!(err.code(), "redirect_uri_mismatch");
    let expected = format!("http://127.0.0.1:{}/callback", unregistered[0]);
    assert!(err.to_string().contains(&expected), "{err}");
    // The browser ends on Salesforce's own error page; the attempt then times out.
    let resp = browser().get(attempt.authorize_url()).send().await?;
    assert_eq!(resp.status().as_u16(), 400);
    assert!(resp.text().await?.contains("redirect_uri_mismatch"));
    assert_eq!(
        attempt.finish().await.expect_err("timeout").code(),
        "timeout"
    );
    assert!(port_is_free(port).await);
    org.assert_no_token_in_urls(&[]);
    Ok(())
}

#[tokio::test]
async fn wrong_org_type_is_refused_and_the_grant_revoked() -> TestResult {
    let org = Org::start(|c| c.org_type = OrgType::Sandbox).await?;
    let mut config = org.login_config();
    config.expected_org_type = Some(SalesforceOrgType::Production);
    let attempt = LoginAttempt::start(config).await?;
    let port = attempt.port();
    let visit = tokio::spawn(browse(attempt.authorize_url().to_string()));
    let err = attempt.finish().await.expect_err("wrong org");
    assert_eq!(err.code(), "wrong_org_type");
    assert!(err.to_string().contains("sandbox org"));
    let visit = visit.await??;
    assert!(visit.page.contains("other kind of org"));
    assert!(port_is_free(port).await);
    assert_eq!(org.control.live_access_tokens(), 0, "grant revoked");
    assert_eq!(org.log().with_path("/services/oauth2/revoke").len(), 1);

    // Expecting a sandbox, the same org signs in and says so.
    let mut config = org.login_config();
    config.expected_org_type = Some(SalesforceOrgType::Sandbox);
    let (session, _, _) = login(&org, config).await?;
    assert_eq!(session.summary.org_type, SalesforceOrgType::Sandbox);
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn api_disabled_user_gets_a_plain_error() -> TestResult {
    let org = Org::start(|c| {
        c.login_username = None;
    })
    .await?;
    let no_api = org
        .control
        .users()
        .iter()
        .find(|u| u.is_active && !u.has_api_access())
        .ok_or("seed has no API-disabled user")?
        .username
        .clone();
    let org = Org::start(|c| c.login_username = Some(no_api)).await?;
    let attempt = LoginAttempt::start(org.login_config()).await?;
    let port = attempt.port();
    let visit = tokio::spawn(browse(attempt.authorize_url().to_string()));
    let err = attempt.finish().await.expect_err("api disabled");
    assert_eq!(err.code(), "api_disabled");
    assert!(err.to_string().contains("API Enabled"));
    assert!(visit.await??.page.contains("API Enabled"));
    assert!(port_is_free(port).await);
    org.assert_no_token_in_urls(&[]);
    Ok(())
}

#[tokio::test]
async fn expired_access_token_mid_use_is_refreshed_once() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let (session, _, _) = login(&org, org.login_config()).await?;
    let client = session.client.clone();
    let before = org.log().with_path("/services/oauth2/token").len();
    org.control.expire_access_tokens();
    let users = client.active_users().await?;
    assert_eq!(
        users.len(),
        org.control.users().iter().filter(|u| u.is_active).count()
    );
    let token_calls = org.log().with_path("/services/oauth2/token");
    assert_eq!(token_calls.len(), before + 1, "one refresh");
    assert!(
        token_calls
            .last()
            .is_some_and(|e| e.body.contains("grant_type=refresh_token"))
    );
    let statuses: Vec<Option<u16>> = org
        .log()
        .entries()
        .iter()
        .filter(|e| e.path.contains("/query"))
        .map(|e| e.status)
        .collect();
    assert!(statuses.contains(&Some(401)), "the expired call was seen");
    assert_eq!(client.take_rotated_refresh_token().await.map(|_| ()), None);
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn access_token_is_refreshed_before_its_presumed_expiry() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let mut config = org.login_config();
    config.client.assumed_token_lifetime = Duration::from_millis(50);
    let (session, _, _) = login(&org, config).await?;
    tokio::time::sleep(Duration::from_millis(80)).await;
    let before = org.log().with_path("/services/oauth2/token").len();
    session.client.active_users().await?;
    let entries = org.log().entries();
    let refresh_at = entries
        .iter()
        .rposition(|e| e.path == "/services/oauth2/token")
        .ok_or("no refresh")?;
    assert_eq!(
        org.log().with_path("/services/oauth2/token").len(),
        before + 1
    );
    // The refresh came first, so no call met a 401.
    assert!(entries[refresh_at..].iter().all(|e| e.status != Some(401)));
    assert!(entries.iter().all(|e| e.status != Some(401)));
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn expired_token_on_userinfo_is_refreshed_too() -> TestResult {
    // userinfo answers 403 Bad_OAuth_Token, not 401, for an expired session.
    let org = Org::start(|_| {}).await?;
    let (session, _, _) = login(&org, org.login_config()).await?;
    org.control.expire_access_tokens();
    assert_eq!(session.client.session_summary().await?, session.summary);
    let userinfo: Vec<Option<u16>> = org
        .log()
        .with_path("/services/oauth2/userinfo")
        .iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(userinfo, [Some(200), Some(403), Some(200)]);
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn rotated_refresh_tokens_are_handed_back() -> TestResult {
    let org = Org::start(|c| c.rotate_refresh_tokens = true).await?;
    let (session, _, _) = login(&org, org.login_config()).await?;
    org.control.expire_access_tokens();
    session.client.org_type().await?;
    let rotated = session
        .client
        .take_rotated_refresh_token()
        .await
        .ok_or("no rotation")?;
    assert_ne!(rotated.expose(), session.refresh_token.expose());
    assert!(
        session.client.take_rotated_refresh_token().await.is_none(),
        "handed out once"
    );
    // The client keeps working on the rotated token.
    org.control.expire_access_tokens();
    session.client.org_type().await?;
    org.assert_no_token_in_urls(&[session.refresh_token.expose(), rotated.expose()]);
    Ok(())
}

#[tokio::test]
async fn revoked_refresh_token_asks_to_sign_in_again() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let (session, _, _) = login(&org, org.login_config()).await?;
    // Disconnect from another copy (as the app's Disconnect does), then use the first one.
    session.client.clone().disconnect().await?;
    let revoke = org.log().with_path("/services/oauth2/revoke");
    assert_eq!(revoke.len(), 1);
    assert_eq!(revoke[0].method, "POST");
    assert!(revoke[0].query.is_none(), "the token travels in the body");
    let err = session.client.active_users().await.expect_err("revoked");
    assert_eq!(err.code(), "signin_required");
    // Resuming from the stored token fails the same way.
    let resumed = SalesforceClient::resume(
        &org.host(),
        org.control.consumer_key(),
        &session.summary.instance_url,
        sia_salesforce::Secret::new(session.refresh_token.expose()),
        Default::default(),
    )?;
    assert_eq!(
        resumed.session_summary().await.expect_err("revoked").code(),
        "signin_required"
    );
    // Revoking again is not an error: the token is gone either way.
    sia_salesforce::revoke_refresh_token(&org.host(), &session.refresh_token).await?;
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn resume_after_restart_reads_the_same_session() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let (session, _, _) = login(&org, org.login_config()).await?;
    let resumed = SalesforceClient::resume(
        &org.host(),
        org.control.consumer_key(),
        &session.summary.instance_url,
        sia_salesforce::Secret::new(session.refresh_token.expose()),
        Default::default(),
    )?;
    assert_eq!(resumed.session_summary().await?, session.summary);
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn package_checks_installed_outdated_missing() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let (session, _, _) = login(&org, org.login_config()).await?;
    let c = &session.client;
    // The stand-in's default is the minimum itself.
    assert_eq!(MSI_MINIMUM_VERSION, PackageVersion::new(1, 8000, 0));
    assert_eq!(
        c.msi_package_status().await?,
        PackageStatus::Installed {
            version: MSI_MINIMUM_VERSION
        }
    );
    // An older install (1.229 is minor 229, below 8000) asks for the upgrade.
    org.control.set_package_version(Some(sf::PackageVersion {
        major: 1,
        minor: 229,
        patch: 0,
    }));
    let PackageStatus::Outdated {
        installed,
        required,
        listing_url,
    } = c.msi_package_status().await?
    else {
        return Err("expected outdated".into());
    };
    assert_eq!(
        (installed, required),
        (PackageVersion::new(1, 229, 0), MSI_MINIMUM_VERSION)
    );
    assert!(listing_url.ends_with("listingId=a0N30000001SVZmEAO"));
    org.control.set_package_version(None);
    assert!(matches!(
        c.msi_package_status().await?,
        PackageStatus::Missing { .. }
    ));
    let tooling = org
        .log()
        .entries()
        .into_iter()
        .filter(|e| e.path == "/services/data/v62.0/tooling/query")
        .count();
    assert_eq!(tooling, 3);
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn remote_site_checks() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let (session, _, _) = login(&org, org.login_config()).await?;
    // The stand-in's default: IMS active, Actions host present but inactive.
    let s = session.client.remote_site_status().await?;
    assert_eq!(s.sites[0].state, RemoteSiteState::Active);
    assert_eq!(s.sites[1].state, RemoteSiteState::Inactive);
    assert!(!s.all_active);
    org.control.set_remote_sites(vec![
        RemoteSite::new("IMS", "https://IMS-NA1.adobelogin.com/", true),
        RemoteSite::new("Other", "https://example.com", true),
    ]);
    let s = session.client.remote_site_status().await?;
    assert_eq!(s.sites[0].state, RemoteSiteState::Active);
    assert_eq!(s.sites[0].site_name.as_deref(), Some("IMS"));
    assert_eq!(s.sites[1].state, RemoteSiteState::Missing);
    org.control.set_remote_sites(vec![
        RemoteSite::new("IMS", "https://ims-na1.adobelogin.com", true),
        RemoteSite::new("Actions", "https://mkto-sales-connect.adobe.io/", true),
    ]);
    assert!(session.client.remote_site_status().await?.all_active);
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn users_follow_every_page_and_keep_the_inactive() -> TestResult {
    let org = Org::start(|c| {
        c.user_count = 300;
        c.page_size = 25;
    })
    .await?;
    let (session, _, _) = login(&org, org.login_config()).await?;
    let users = session.client.users().await?;
    let seeded = org.control.users();
    assert_eq!(users.len(), seeded.len(), "active and inactive");
    assert!(users.permission_sets_read());
    let pages = org
        .log()
        .entries()
        .iter()
        .filter(|e| e.path.starts_with("/services/data/v62.0/query/"))
        .count();
    assert_eq!(
        pages,
        seeded.len().div_ceil(25) - 1,
        "every nextRecordsUrl of the User query followed"
    );
    // Two queries in all: users, then the permission set assignments; none per person.
    let queries: Vec<String> = org
        .log()
        .entries()
        .iter()
        .filter(|e| e.path == "/services/data/v62.0/query")
        .filter_map(|e| e.query.clone())
        // The sign-in's own org-type query.
        .filter(|q| !q.contains("FROM+Organization"))
        .collect();
    assert_eq!(queries.len(), 2, "{queries:?}");
    assert!(
        queries
            .iter()
            .all(|q| !q.contains("IsActive+%3D+true") && !q.contains("IsActive%20%3D%20true"))
    );
    for u in seeded {
        let found = users.by_email(&u.invite_email);
        assert_eq!(
            found.len(),
            1,
            "case-insensitive lookup of {}",
            u.invite_email
        );
        assert_eq!(found[0].active, u.is_active);
        assert_eq!(found[0].api_enabled, u.has_api_access());
        assert_eq!(found[0].username, u.username);
        let status = users.status(&u.invite_email);
        let expected = if !u.is_active {
            SalesforceUserStatus::Inactive {
                user_id: u.id.clone(),
            }
        } else if !u.has_api_access() {
            SalesforceUserStatus::ApiDisabled {
                user_id: u.id.clone(),
            }
        } else {
            SalesforceUserStatus::Ready {
                user_id: u.id.clone(),
            }
        };
        assert_eq!(status, expected);
    }
    assert!(
        seeded.iter().any(|u| !u.is_active),
        "the seed has inactive users"
    );
    assert!(seeded.iter().any(|u| u.email_case_differs()));
    assert_eq!(
        users.status("nobody@acme-demo.example"),
        SalesforceUserStatus::Missing
    );
    // active_users keeps its meaning.
    let active = session.client.active_users().await?;
    assert_eq!(active.len(), seeded.iter().filter(|u| u.is_active).count());
    assert!(active.all().iter().all(|u| u.active));
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn rate_limits_and_network_faults_have_codes() -> TestResult {
    let org = Org::start(|_| {}).await?;
    let (session, _, _) = login(&org, org.login_config()).await?;
    let id = org.served.faults().add(
        FaultRule::on("/services/data/v62.0/query")
            .status(429)
            .times(1),
    );
    let err = session.client.active_users().await.expect_err("429");
    assert_eq!(err.code(), "rate_limited");
    org.served.faults().remove(id);
    org.served.faults().add(
        FaultRule::on("/services/data/v62.0/query")
            .drop_connection()
            .times(1),
    );
    let err = session.client.active_users().await.expect_err("dropped");
    assert_eq!(err.code(), "network");
    assert!(
        !err.to_string().contains("127.0.0.1"),
        "no URL in the message"
    );
    // The next call works again.
    session.client.active_users().await?;
    // A login host that does not answer at all.
    let dead = free_ports(1).await?[0];
    let mut config = org.login_config();
    config.login_host = LoginHost::parse(&format!("http://127.0.0.1:{dead}"))?;
    config.timeout = Duration::from_millis(200);
    let attempt = LoginAttempt::start(config).await?;
    assert_eq!(
        attempt.preflight().await.expect_err("down").code(),
        "network"
    );
    let port = attempt.port();
    drop(attempt);
    let mut free = false;
    for _ in 0..100 {
        if port_is_free(port).await {
            free = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(free);
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn settings_are_validated_before_anything_listens() -> TestResult {
    for key in ["", "  ", "abc def"] {
        let err = LoginAttempt::start(LoginConfig::new(LoginHost::production(), key))
            .await
            .expect_err("bad key");
        assert_eq!(err.code(), "invalid_consumer_key");
    }
    let mut config = LoginConfig::new(LoginHost::production(), "key");
    config.callback_path = "no-slash".into();
    assert_eq!(
        LoginAttempt::start(config).await.expect_err("path").code(),
        "listener_failed"
    );
    assert_eq!(
        LoginHost::parse("http://login.salesforce.com")
            .expect_err("http")
            .code(),
        "invalid_login_host"
    );
    Ok(())
}

#[tokio::test]
async fn api_enabled_from_a_permission_set_counts() -> TestResult {
    let org = Org::start(|c| c.user_count = 300).await?;
    let via_set = org
        .control
        .users()
        .iter()
        .find(|u| u.api_enabled_by_permission_set)
        .ok_or("seed has no user with API Enabled from a permission set")?
        .clone();
    assert!(
        via_set.is_active && !via_set.api_enabled,
        "profile lacks it"
    );
    let (session, _, _) = login(&org, org.login_config()).await?;
    let users = session.client.active_users().await?;
    let found = users.by_email(&via_set.invite_email);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].api_enabled,
        "API Enabled comes from the permission set"
    );
    assert_eq!(
        found[0].api_enabled_source,
        Some(ApiEnabledSource::PermissionSet)
    );
    assert_eq!(
        users.status(&via_set.invite_email),
        SalesforceUserStatus::Ready {
            user_id: via_set.id.clone()
        }
    );
    // And the stand-in lets that user use the API, as Salesforce would.
    let org2 = Org::start(|c| {
        c.user_count = 300;
        c.login_username = Some(via_set.username.clone());
    })
    .await?;
    let (s2, _, _) = login(&org2, org2.login_config()).await?;
    assert_eq!(s2.summary.user_id, via_set.id);
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

/// A user who may read neither permission set assignments nor other users' tokens: an active
/// non-admin with API access.
fn non_admin(org: &Org) -> Option<sf::SeedUser> {
    org.control
        .users()
        .iter()
        .find(|u| u.is_active && u.api_enabled && !u.is_admin())
        .cloned()
}

#[tokio::test]
async fn without_view_setup_api_enabled_comes_from_profiles_only() -> TestResult {
    let probe = Org::start(|c| c.user_count = 300).await?;
    let who = non_admin(&probe).ok_or("no non-admin")?;
    let org = Org::start(|c| {
        c.user_count = 300;
        c.login_username = Some(who.username.clone());
    })
    .await?;
    let (session, _, _) = login(&org, org.login_config()).await?;
    let users = session.client.users().await?;
    assert!(!users.permission_sets_read(), "the object is hidden");
    assert_eq!(users.len(), org.control.users().len());
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn oauth_tokens_show_who_authorised_actions() -> TestResult {
    let org = Org::start(|c| {
        c.user_count = 300;
        c.page_size = 5;
    })
    .await?;
    let (session, _, _) = login(&org, org.login_config()).await?;
    let c = &session.client;
    let admin = org.control.default_user().ok_or("no admin")?.clone();
    let seeded = org.control.oauth_tokens();
    assert!(seeded.len() > 5, "more than one page");

    assert_eq!(c.oauth_token_count().await?, seeded.len() as u64);
    let tokens = c.oauth_tokens().await?;
    assert_eq!(tokens.len(), seeded.len(), "every nextRecordsUrl followed");
    let mine: Vec<_> = tokens.iter().filter(|t| t.user_id == admin.id).collect();
    assert!(mine.iter().all(|t| t.created_date.is_some()));
    assert_eq!(
        match_actions_apps(mine.iter().map(|t| t.app_name.as_str())),
        ActionsAppMatch::One {
            name: sf::ACTIONS_APP_NAME.into()
        }
    );

    // An invitee who has not connected yet has no Actions grant; once the demo's "connect
    // Salesforce" records one, the same query shows it.
    let invitee = org
        .control
        .users()
        .iter()
        .filter(|u| u.is_active && u.has_api_access())
        .find(|u| !seeded.iter().any(|t| t.user_id == u.id))
        .ok_or("no invitee without tokens")?
        .clone();
    assert!(c.oauth_tokens_of(&[invitee.id.as_str()]).await?.is_empty());
    assert!(
        org.control
            .add_oauth_token(&invitee.id, sf::ACTIONS_APP_NAME)
    );
    assert!(
        !org.control.add_oauth_token("005000000000000", "x"),
        "unknown user"
    );
    let theirs = c
        .oauth_tokens_of(&[invitee.id.as_str(), admin.id.as_str()])
        .await?;
    assert!(theirs.iter().any(|t| t.user_id == invitee.id
        && t.app_name == sf::ACTIONS_APP_NAME
        && t.use_count == Some(1)
        && t.last_used_date.is_some()));
    assert!(
        theirs
            .iter()
            .all(|t| t.user_id == invitee.id || t.user_id == admin.id)
    );
    assert_eq!(c.oauth_token_count().await?, seeded.len() as u64 + 1);
    let err = c
        .oauth_tokens_of(&["005' OR UserId != '"])
        .await
        .expect_err("not an ID");
    assert_eq!(err.code(), "protocol");

    // Raw shape, as the Object Reference documents it.
    let access = org
        .log()
        .entries()
        .iter()
        .filter_map(|e| e.header("authorization"))
        .filter_map(|h| h.strip_prefix("Bearer ").map(str::to_string))
        .next_back()
        .ok_or("no bearer")?;
    let body: serde_json::Value = browser()
        .get(format!("{}/services/data/v62.0/query", org.served.base_url()))
        .query(&[("q", "SELECT Id, AppName, UserId, CreatedDate, LastUsedDate, UseCount FROM OauthToken WHERE UserId = '".to_string() + &admin.id + "'")])
        .bearer_auth(&access)
        .send()
        .await?
        .json()
        .await?;
    let rec = &body["records"][0];
    assert_eq!(rec["attributes"]["type"], "OauthToken");
    assert!(rec["Id"].is_null(), "Id is reserved and always null");
    assert!(rec["UseCount"].is_u64());
    assert!(
        rec["CreatedDate"]
            .as_str()
            .is_some_and(|d| d.ends_with("+0000"))
    );
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn without_customize_application_a_user_sees_only_own_tokens() -> TestResult {
    let probe = Org::start(|c| c.user_count = 300).await?;
    let who = non_admin(&probe).ok_or("no non-admin")?;
    let org = Org::start(|c| {
        c.user_count = 300;
        c.login_username = Some(who.username.clone());
    })
    .await?;
    let (session, _, _) = login(&org, org.login_config()).await?;
    assert!(org.control.add_oauth_token(&who.id, sf::ACTIONS_APP_NAME));
    let tokens = session.client.oauth_tokens().await?;
    assert!(!tokens.is_empty());
    assert!(tokens.iter().all(|t| t.user_id == who.id));
    assert!(
        org.control
            .oauth_tokens()
            .iter()
            .any(|t| t.user_id != who.id)
    );
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

/// `UserPermissionAccess` says what the signed-in user may do, and `OauthToken` obeys the same
/// model: an admin whose Customize Application is taken away keeps View Setup (permission sets
/// still read) but sees only their own grants.
#[tokio::test]
async fn user_permission_access_tells_whether_every_grant_is_visible() -> TestResult {
    let org = Org::start(|c| c.user_count = 300).await?;
    let (session, _, _) = login(&org, org.login_config()).await?;
    let c = &session.client;
    let admin = org.control.default_user().ok_or("no admin")?.clone();
    assert!(admin.is_admin());
    assert_eq!(
        c.user_permissions().await?,
        sia_salesforce::UserPermissions {
            customize_application: true,
            view_setup: true,
            api_enabled: true,
        }
    );
    let everyone = c.oauth_tokens().await?;
    assert!(everyone.iter().any(|t| t.user_id != admin.id));

    assert!(org.control.set_customize_application(&admin.id, false));
    assert!(
        !org.control
            .set_customize_application("005000000000000", false)
    );
    let p = c.user_permissions().await?;
    assert!(!p.customize_application);
    assert!(p.view_setup && p.api_enabled);
    let own = c.oauth_tokens().await?;
    assert!(!own.is_empty(), "the admin's own grants stay listed");
    assert!(own.iter().all(|t| t.user_id == admin.id));
    assert!(c.users().await?.permission_sets_read(), "View Setup stays");

    // Given back: every grant again.
    assert!(org.control.set_customize_application(&admin.id, true));
    assert_eq!(c.oauth_tokens().await?.len(), everyone.len());

    // Raw shape: the Query resource's, one record with the type alone in `attributes` (no Id).
    let access = org
        .log()
        .entries()
        .iter()
        .filter_map(|e| e.header("authorization"))
        .filter_map(|h| h.strip_prefix("Bearer ").map(str::to_string))
        .next_back()
        .ok_or("no bearer")?;
    let body: serde_json::Value = browser()
        .get(format!(
            "{}/services/data/v62.0/query",
            org.served.base_url()
        ))
        .query(&[("q", sia_salesforce::USER_PERMISSIONS_SOQL)])
        .bearer_auth(&access)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(body["totalSize"], 1);
    assert_eq!(body["done"], true);
    let rec = &body["records"][0];
    assert_eq!(rec["attributes"]["type"], "UserPermissionAccess");
    assert_eq!(rec["PermissionsCustomizeApplication"], true);
    assert_eq!(rec["PermissionsViewSetup"], true);
    assert_eq!(rec["PermissionsApiEnabled"], true);
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

#[tokio::test]
async fn a_user_without_admin_rights_reads_their_own_permissions() -> TestResult {
    let probe = Org::start(|c| c.user_count = 300).await?;
    let who = non_admin(&probe).ok_or("no non-admin")?;
    let org = Org::start(|c| {
        c.user_count = 300;
        c.login_username = Some(who.username.clone());
    })
    .await?;
    let (session, _, _) = login(&org, org.login_config()).await?;
    assert_eq!(
        session.client.user_permissions().await?,
        sia_salesforce::UserPermissions {
            customize_application: false,
            view_setup: false,
            api_enabled: true,
        }
    );
    Ok(())
}

#[tokio::test]
async fn sign_in_asks_for_openid_and_userinfo_refuses_tokens_without_it() -> TestResult {
    let org = Org::start(|_| {}).await?;
    // The app's sign-in asks for openid and succeeds.
    assert_eq!(DEFAULT_SCOPES, ["api", "id", "openid", "refresh_token"]);
    let (session, _, _) = login(&org, org.login_config()).await?;
    let q = org
        .log()
        .with_path("/services/oauth2/authorize")
        .last()
        .and_then(|e| e.query.clone())
        .unwrap_or_default();
    assert!(q.contains("openid"), "{q}");
    assert_eq!(session.client.session_summary().await?, session.summary);

    // A sign-in without openid gets a token userinfo refuses, as OIDC Core §5.3 has it.
    let mut config = org.login_config();
    config.scopes = ["api", "id", "refresh_token"].map(String::from).to_vec();
    let attempt = LoginAttempt::start(config).await?;
    let visit = tokio::spawn(browse(attempt.authorize_url().to_string()));
    let err = attempt.finish().await.expect_err("userinfo refused");
    assert_eq!(err.code(), "insufficient_scope");
    assert!(err.to_string().contains("openid"));
    let _ = visit.await?;
    let refused = org
        .log()
        .with_path("/services/oauth2/userinfo")
        .last()
        .and_then(|e| e.status);
    assert_eq!(refused, Some(403));

    // The same over raw HTTP: 403 with RFC 6750's insufficient_scope in WWW-Authenticate.
    let b = browser();
    let (verifier, challenge) = pkce_pair();
    let redirect = org.control.redirect_uris()[0].clone();
    let resp = b
        .get(format!(
            "{}/services/oauth2/authorize",
            org.served.base_url()
        ))
        .query(&[
            ("response_type", "code"),
            ("client_id", org.control.consumer_key()),
            ("redirect_uri", redirect.as_str()),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
            ("scope", "api refresh_token"),
        ])
        .send()
        .await?;
    let callback = url::Url::parse(&location(&resp).ok_or("no redirect")?)?;
    let code = callback
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .ok_or("no code")?;
    let token: serde_json::Value = b
        .post(format!("{}/services/oauth2/token", org.served.base_url()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("client_id", org.control.consumer_key()),
            ("redirect_uri", redirect.as_str()),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await?
        .json()
        .await?;
    let access = token["access_token"].as_str().ok_or("no token")?;
    let resp = b
        .get(format!(
            "{}/services/oauth2/userinfo",
            org.served.base_url()
        ))
        .bearer_auth(access)
        .send()
        .await?;
    assert_eq!(resp.status().as_u16(), 403);
    let www = resp
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        www.starts_with("Bearer ") && www.contains("error=\"insufficient_scope\""),
        "{www}"
    );
    let body: serde_json::Value = resp.json().await?;
    assert_eq!(body["error"], "insufficient_scope");
    // The REST API does not need openid: the same token still queries.
    let q = b
        .get(format!(
            "{}/services/data/v62.0/query",
            org.served.base_url()
        ))
        .query(&[("q", "SELECT COUNT() FROM User")])
        .bearer_auth(access)
        .send()
        .await?;
    assert_eq!(q.status().as_u16(), 200);
    org.assert_no_token_in_urls(&[session.refresh_token.expose()]);
    Ok(())
}

/// A PKCE verifier and its S256 challenge.
fn pkce_pair() -> (String, String) {
    use base64::Engine;
    use sha2::Digest;
    let verifier = "v".repeat(20) + "erifier-for-the-openid-scope-test-0123456789";
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}
