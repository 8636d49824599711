//! The whole sign-in and the API calls over real HTTP against the Salesforce stand-in, with a
//! headless "browser" (reqwest, no automatic redirects) and every attack and fault of issue 6.

mod support;

use sia_salesforce::{
    CallbackPorts, LoginAttempt, LoginConfig, LoginHost, PackageStatus, PackageVersion,
    RemoteSiteState, SalesforceClient, SalesforceError, SalesforceOrgType, UiLanguage,
};
use sia_sandbox::harness::FaultRule;
use sia_sandbox::salesforce::{OrgType, RemoteSite};
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
        .find(|u| u.is_active && !u.api_enabled)
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
    let required = PackageVersion::new(1, 0, 0);
    assert_eq!(
        c.package_status(required).await?,
        PackageStatus::Installed {
            version: PackageVersion::new(1, 229, 0)
        }
    );
    let newer = PackageVersion::new(2, 0, 0);
    let PackageStatus::Outdated {
        installed,
        required: r,
        listing_url,
    } = c.package_status(newer).await?
    else {
        return Err("expected outdated".into());
    };
    assert_eq!((installed, r), (PackageVersion::new(1, 229, 0), newer));
    assert!(listing_url.ends_with("listingId=a0N30000001SVZmEAO"));
    org.control.set_package_version(None);
    assert!(matches!(
        c.package_status(required).await?,
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
async fn active_users_follow_every_page() -> TestResult {
    let org = Org::start(|c| {
        c.user_count = 300;
        c.page_size = 25;
    })
    .await?;
    let (session, _, _) = login(&org, org.login_config()).await?;
    let users = session.client.active_users().await?;
    let seeded: Vec<_> = org.control.users().iter().filter(|u| u.is_active).collect();
    assert_eq!(users.len(), seeded.len());
    assert!(users.all().iter().all(|u| u.active));
    let pages = org
        .log()
        .entries()
        .iter()
        .filter(|e| e.path.starts_with("/services/data/v62.0/query/"))
        .count();
    assert_eq!(
        pages,
        seeded.len().div_ceil(25) - 1,
        "every nextRecordsUrl followed"
    );
    for u in &seeded {
        let found = users.by_email(&u.invite_email);
        assert_eq!(
            found.len(),
            1,
            "case-insensitive lookup of {}",
            u.invite_email
        );
        assert_eq!(found[0].api_enabled, u.api_enabled);
        assert_eq!(found[0].username, u.username);
    }
    assert!(seeded.iter().any(|u| u.email_case_differs()));
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
