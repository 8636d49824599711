//! The client against the Marketo stand-in over real HTTP: credentials, tokens, limits, faults,
//! quota, and the calls of steps 1, 3 and 4. The request log is the witness for every claim.

mod support;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use sia_actions_service::sync::{PeopleSource, SourceCredentials, keep_owned};
use sia_marketo::{
    ClientConfig, Credentials, MarketoFieldStatus, MarketoPeopleSource, clean_credentials,
    credentials_from_block, test_credentials,
};
use sia_sandbox::{FaultRule, Outcome};
use support::*;

const DESCRIBE: &str = "/rest/v1/leads/describe2.json";
const LEADS: &str = "/rest/v1/leads.json";

#[tokio::test]
async fn good_credentials_pass_the_live_test() {
    let sb = sandbox().await;
    let c = sb.marketo_credentials();
    let t = test_credentials(
        sb.marketo_url(),
        Credentials::new(c.client_id, c.client_secret),
        ClientConfig::default(),
    )
    .await
    .expect("test passes");
    assert_eq!(t.endpoint, sb.marketo_url());
    assert_eq!(
        t.munchkin_id, None,
        "a loopback stand-in names no Munchkin ID"
    );
    assert_eq!(t.api_user, sia_sandbox::marketo::ACTIONS_API_USERID);
    assert!(t.token_expires_in_seconds > 3000 && t.token_expires_in_seconds <= 3600);
    assert_eq!(count(&sb, IDENTITY), 1);
    assert_secret_only_in_identity_query(&sb);
}

#[tokio::test]
async fn bad_credentials_are_rejected_in_words_without_the_secret() {
    let sb = sandbox().await;
    let c = sb.marketo_credentials();
    let wrong = format!("{}x", c.client_secret);
    let err = test_credentials(
        sb.marketo_url(),
        Credentials::new(c.client_id.clone(), wrong.clone()),
        ClientConfig::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "credentials_rejected");
    assert!(!err.to_string().contains(&wrong) && !format!("{err:?}").contains(&wrong));
    // Asked once: a 401 is an answer, not a transient failure.
    assert_eq!(count(&sb, IDENTITY), 1);

    // A stray space from pasting is a bad credential to Marketo; cleaning it first makes it pass.
    let pasted = clean_credentials(
        &format!(" {}/rest\n", sb.marketo_url()),
        &format!("{}\u{200B}", c.client_id),
        &format!("{} \r\n", c.client_secret),
    );
    assert!(pasted.report.changed());
    let ok = test_credentials(
        &pasted.munchkin_or_endpoint,
        Credentials {
            client_id: pasted.client_id,
            client_secret: pasted.client_secret,
        },
        ClientConfig::default(),
    )
    .await;
    assert!(ok.is_ok(), "{ok:?}");
}

#[tokio::test]
async fn a_pasted_integration_block_fills_the_form_and_connects() {
    let sb = sandbox().await;
    let c = sb.marketo_credentials();
    let block = format!(
        "整合資訊\n\nREST API 端點\n{}/rest\n複製\n\n用戶端 ID\n{}\n複製\n\n用戶端密碼\n{}\u{00A0}\n複製\n",
        sb.marketo_url(),
        c.client_id,
        c.client_secret
    );
    let filled = credentials_from_block(&block).expect("a block");
    assert_eq!(filled.report.filled_from_block.len(), 3);
    assert_eq!(filled.client_id, c.client_id);
    let t = test_credentials(
        &filled.munchkin_or_endpoint,
        Credentials {
            client_id: filled.client_id,
            client_secret: filled.client_secret,
        },
        ClientConfig::default(),
    )
    .await
    .expect("connects");
    assert_eq!(t.endpoint, sb.marketo_url());
}

#[tokio::test]
async fn unknown_host_and_wrong_path_are_told_apart() {
    let sb = sandbox().await;
    let c = sb.marketo_credentials();
    let creds = || Credentials::new(c.client_id.clone(), c.client_secret.clone());
    // Nothing listens on port 9 of loopback: a network failure, retried a bounded number of times.
    let err = test_credentials("http://127.0.0.1:9", creds(), quick(loose(), 5, 2))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "network", "{err}");
    // The host answers but has no Marketo instance under this path.
    let err = test_credentials(
        &format!("{}/not-marketo", sb.marketo_url()),
        creds(),
        ClientConfig::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "instance_not_found", "{err}");
    // Not an address at all.
    let err = test_credentials("https://example.com/rest", creds(), ClientConfig::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_endpoint");
}

#[tokio::test]
async fn token_is_cached_per_client_and_sent_as_bearer() {
    let sb = sandbox().await;
    let client = client(&sb, ClientConfig::default());
    for _ in 0..5 {
        client.describe_leads().await.expect("describe");
    }
    // A clone shares the cache.
    client.clone().describe_leads().await.expect("describe");
    assert_eq!(count(&sb, IDENTITY), 1);
    assert_eq!(count(&sb, DESCRIBE), 6);
    assert_secret_only_in_identity_query(&sb);
}

#[tokio::test]
async fn expired_token_mid_sync_is_renewed_and_nothing_is_asked_twice() {
    let sb = sandbox().await;
    let c = sb.marketo_credentials();
    let source =
        MarketoPeopleSource::with_endpoint(quick(loose(), 5, 4), sb.marketo_url()).expect("source");
    let creds = SourceCredentials {
        munchkin_id: c.munchkin_id.clone(),
        client_id: c.client_id.clone(),
        client_secret: c.client_secret.clone(),
    };
    // The runner's loop: page, keep owned people, next cursor.
    let (mut cursor, mut pages) = (None, 0);
    let mut kept_ids = Vec::new();
    let mut skipped = 0;
    loop {
        if pages == 3 {
            // An hour passes on Marketo's side: the cached token is now expired there (602).
            sb.clock().advance(Duration::from_secs(3601));
        }
        let page = source.page(&creds, cursor.clone()).await.expect("page");
        pages += 1;
        let (kept, s) = keep_owned(&page.people);
        kept_ids.extend(kept.into_iter().map(|(id, _)| id));
        skipped += s;
        match page.next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    // Nothing lost, nothing twice.
    let unique: HashSet<_> = kept_ids.iter().collect();
    assert_eq!(unique.len(), kept_ids.len());
    assert_eq!(kept_ids.len() as u64, sb.marketo().people_with_owner());
    assert_eq!(kept_ids.len() as u64 + skipped, sb.marketo().people());

    // Two tokens in all; one refused request, retried once with the new token and the same cursor.
    assert_eq!(count(&sb, IDENTITY), 2);
    let leads: Vec<_> = marketo_log(&sb)
        .into_iter()
        .filter(|e| e.path == LEADS)
        .collect();
    assert_eq!(leads.len(), pages + 1);
    let auth: Vec<_> = leads
        .iter()
        .map(|e| e.header("authorization").unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        auth[3], auth[0],
        "the fourth request still used the old token"
    );
    assert_ne!(auth[4], auth[3], "the retry used a new token");
    assert_eq!(
        leads[3].query, leads[4].query,
        "the retry asked for the same page"
    );
    let queries: Vec<_> = leads.iter().skip(4).map(|e| e.query.clone()).collect();
    let distinct: HashSet<_> = queries.iter().collect();
    assert_eq!(
        distinct.len(),
        queries.len(),
        "no page asked twice after the renewal"
    );
    assert_secret_only_in_identity_query(&sb);
}

#[tokio::test]
async fn short_token_lifetime_asks_identity_once_per_token() {
    let sb = sandbox().await;
    // Shorter than the renewal margin: Marketo hands back the same token until it dies.
    sb.marketo().set_token_ttl(Duration::from_secs(30));
    let client = client(&sb, ClientConfig::default());
    for _ in 0..10 {
        client.describe_leads().await.expect("describe");
    }
    assert_eq!(
        count(&sb, IDENTITY),
        2,
        "one fetch, one renewal attempt, then the same token is used"
    );
    sb.clock().advance(Duration::from_secs(31));
    client
        .describe_leads()
        .await
        .expect("describe after expiry");
    assert_eq!(count(&sb, IDENTITY), 3);
    assert_eq!(count(&sb, DESCRIBE), 12, "one refused call retried once");
}

#[tokio::test]
async fn default_pacing_never_meets_606_or_615() {
    let sb = sandbox().await;
    // The real ceilings (100 per window, 10 in flight) with the window shortened to 1 s so the
    // test takes seconds; the client keeps its defaults (50 per window, 5 in flight) on the same window.
    set_limits(&sb, 100, Duration::from_secs(1), 10, 50_000);
    let mut config = ClientConfig::default();
    config.rate.per = Duration::from_secs(1);
    config.backoff.max_attempts = 1; // any refusal would fail the call outright
    let client = client(&sb, config);
    let calls = 300;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..calls {
        let c = client.clone();
        tasks.spawn(async move {
            if i % 2 == 0 {
                c.describe_leads().await.map(|_| ())
            } else {
                c.user_roles("jordan.lee@acme-demo.example")
                    .await
                    .map(|_| ())
            }
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.expect("task").expect("no call refused");
    }
    let rest: Vec<_> = marketo_log(&sb)
        .into_iter()
        .filter(|e| e.path != IDENTITY)
        .collect();
    assert_eq!(rest.len(), calls, "every call asked exactly once");
    assert!(
        rest.iter().all(|e| e.status == Some(200)),
        "no 429 on user management either"
    );
    assert_eq!(sb.marketo().daily_used(), calls as u64);
}

#[tokio::test]
async fn loosened_pacing_meets_606_backs_off_and_completes() {
    let sb = sandbox().await;
    set_limits(&sb, 20, Duration::from_millis(500), 1000, 50_000);
    let client = client(&sb, quick(loose(), 50, 30));
    let calls = 80;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..calls {
        let c = client.clone();
        tasks.spawn(async move { c.user_roles("jordan.lee@acme-demo.example").await });
    }
    while let Some(r) = tasks.join_next().await {
        assert_eq!(r.expect("task").expect("completes").len(), 1);
    }
    let roles: Vec<_> = marketo_log(&sb)
        .into_iter()
        .filter(|e| e.path.ends_with("/roles.json"))
        .collect();
    let refused = roles.iter().filter(|e| e.status == Some(429)).count();
    assert!(refused > 0, "the burst met the rate limit");
    assert_eq!(
        roles.len() - refused,
        calls,
        "each call answered exactly once"
    );
}

#[tokio::test]
async fn loosened_pacing_meets_615_backs_off_and_completes() {
    let sb = sandbox().await;
    set_limits(&sb, 100_000, Duration::from_secs(20), 3, 50_000);
    let client = client(&sb, quick(loose(), 20, 40));
    client.describe_leads().await.expect("warm the token");
    let hold = sb.marketo().hold();
    let calls = 20;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..calls {
        let c = client.clone();
        tasks.spawn(async move { c.user_roles("yijun.chen@acme-demo.example").await });
    }
    // Keep three calls inside the service until others have been refused with 615.
    let refused = || {
        marketo_log(&sb)
            .iter()
            .filter(|e| e.path.ends_with("/roles.json") && e.status == Some(429))
            .count()
    };
    for _ in 0..2000 {
        if refused() >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        refused() >= 5,
        "calls beyond the in-flight limit were refused"
    );
    drop(hold);
    while let Some(r) = tasks.join_next().await {
        assert_eq!(r.expect("task").expect("completes").len(), 2);
    }
    let answered = marketo_log(&sb)
        .iter()
        .filter(|e| e.path.ends_with("/roles.json") && e.status == Some(200))
        .count();
    assert_eq!(answered, calls);
}

#[tokio::test]
async fn exhausted_rate_limit_is_a_clear_error() {
    let sb = sandbox().await;
    set_limits(&sb, 1, Duration::from_secs(3600), 10, 50_000);
    let client = client(&sb, quick(loose(), 5, 3));
    client.describe_leads().await.expect("the one allowed call");
    let err = client.describe_leads().await.unwrap_err();
    assert_eq!(err.code(), "rate_limited");
    assert_eq!(count(&sb, DESCRIBE), 1 + 3);
}

#[tokio::test]
async fn daily_quota_stops_cleanly_with_the_reset_time() {
    let sb = sandbox().await;
    let client = client(&sb, ClientConfig::default());
    sb.marketo().set_daily_used(50_000);
    let err = client.describe_leads().await.unwrap_err();
    assert_eq!(err.code(), "daily_quota_exceeded");
    let resets = err.quota_resets_at().expect("reset time");
    let now = time::OffsetDateTime::now_utc();
    assert!(resets > now && resets - now <= time::Duration::hours(24));
    assert_eq!((resets.minute(), resets.second()), (0, 0));
    assert!(
        matches!(resets.hour(), 5 | 6),
        "midnight Central is 05:00 or 06:00 UTC"
    );
    assert!(err.to_string().contains("UTC") && err.to_string().contains("midnight US Central"));
    assert_eq!(count(&sb, DESCRIBE), 1, "no retry against a used-up quota");
}

#[tokio::test]
async fn dropped_connections_and_5xx_are_retried_and_complete() {
    let sb = sandbox().await;
    let faults = sb.marketo_faults();
    faults.add(FaultRule::on(DESCRIBE).drop_connection().times(2));
    faults.add(FaultRule::on(LEADS).status(503).times(2));
    faults.add(FaultRule::on("/userservice/*").status(429).times(1));
    faults.add(FaultRule::on(IDENTITY).status(502).times(1));
    let client = client(&sb, quick(loose(), 5, 5));
    let fields = client.describe_leads().await.expect("describe after drops");
    assert!(fields.iter().any(|f| f.name == "sfdcLeadOwnerId"));
    let preview = client.sync_preview(1).await.expect("preview after 503s");
    assert_eq!(preview.people_scanned, 300);
    assert!(!preview.complete);
    client.list_users().await.expect("users after 429");
    let log = marketo_log(&sb);
    let of = |p: &str, o: Outcome| log.iter().filter(|e| e.path == p && e.outcome == o).count();
    assert_eq!(of(IDENTITY, Outcome::Injected), 1);
    assert_eq!(of(DESCRIBE, Outcome::Dropped), 2);
    assert_eq!(
        of(DESCRIBE, Outcome::Answered),
        2,
        "the drops, then describe, then the preview's describe"
    );
    assert_eq!(of(LEADS, Outcome::Injected), 2);
    assert_eq!(of(LEADS, Outcome::Answered), 1);
    assert_secret_only_in_identity_query(&sb);
}

#[tokio::test]
async fn persistent_5xx_gives_up_after_the_bounded_attempts() {
    let sb = sandbox().await;
    sb.marketo_faults().add(FaultRule::on(DESCRIBE).status(500));
    let client = client(&sb, quick(loose(), 5, 4));
    let err = client.describe_leads().await.unwrap_err();
    assert_eq!(err.code(), "unavailable");
    assert_eq!(count(&sb, DESCRIBE), 4);
}

#[tokio::test]
async fn admin_users_are_those_with_an_admin_role() {
    let sb = sandbox().await;
    let client = client(&sb, ClientConfig::default());
    let users = client.list_users().await.expect("users");
    assert_eq!(users.len(), 9);
    let admins = client.admin_users().await.expect("admins");
    let emails: Vec<_> = admins.iter().map(|a| a.email.as_str()).collect();
    assert_eq!(
        emails,
        [
            "jordan.lee@acme-demo.example",
            "yijun.chen@acme-demo.example",
            "zhiming.lin@acme-demo.example",
            "priya.sharma@acme-demo.example"
        ]
    );
    assert!(
        admins
            .iter()
            .find(|a| a.email.starts_with("priya"))
            .is_some_and(|a| a.locked)
    );
    assert!(
        admins
            .iter()
            .find(|a| a.first_name == "怡君")
            .is_some_and(|a| a.roles.len() == 2)
    );
    let err = client
        .user_roles("nobody@acme-demo.example")
        .await
        .unwrap_err();
    assert_eq!(err.code(), "api_error");
}

#[tokio::test]
async fn sync_preview_checks_fields_and_counts_owners() {
    let sb = sandbox().await;
    let client = client(&sb, ClientConfig::default());
    let p = client.sync_preview(20).await.expect("preview");
    assert_eq!(p.fields.len(), 13);
    assert_eq!(p.missing_fields, 0);
    assert!(
        p.fields
            .iter()
            .all(|f| f.status != MarketoFieldStatus::Missing)
    );
    let status = |k: &str| p.fields.iter().find(|f| f.key == k).map(|f| f.status);
    assert_eq!(status("email"), Some(MarketoFieldStatus::Present));
    assert_eq!(
        status("salesforceLeadId"),
        Some(MarketoFieldStatus::ReadOnly)
    );
    assert!(p.complete);
    assert_eq!(p.people_scanned, sb.marketo().people());
    assert_eq!(p.with_owner, sb.marketo().people_with_owner());
    assert_eq!(p.with_owner + p.without_owner, p.people_scanned);
    // describe2 once and ceil(2000 / 300) pages.
    assert_eq!(count(&sb, LEADS), 7);
}

#[tokio::test]
async fn people_source_reports_failures_with_stable_codes() {
    let sb = sandbox().await;
    let c = sb.marketo_credentials();
    let source: Arc<dyn PeopleSource> = Arc::new(
        MarketoPeopleSource::with_endpoint(quick(loose(), 5, 2), sb.marketo_url()).expect("source"),
    );
    let bad = SourceCredentials {
        munchkin_id: c.munchkin_id.clone(),
        client_id: c.client_id.clone(),
        client_secret: "wrong".into(),
    };
    let err = source.page(&bad, None).await.err().expect("refused");
    assert_eq!(err.code, "credentials_rejected");
    sb.marketo().set_daily_used(u64::MAX / 2);
    let good = SourceCredentials {
        client_secret: c.client_secret.clone(),
        ..bad
    };
    let err = source.page(&good, None).await.err().expect("quota");
    assert_eq!(err.code, "daily_quota_exceeded");
    assert!(err.message.contains("UTC"));
    // Without an override the Munchkin ID picks https://{id}.mktorest.com: never called here.
    let real = MarketoPeopleSource::new(ClientConfig::default());
    let bad_id = SourceCredentials {
        munchkin_id: "not an id".into(),
        ..good
    };
    assert_eq!(
        real.page(&bad_id, None).await.err().expect("invalid").code,
        "invalid_endpoint"
    );
}

#[tokio::test]
async fn a_shared_client_serves_the_sync_with_its_token() {
    let sb = sandbox().await;
    let c = sb.marketo_credentials();
    let client = client(&sb, quick(loose(), 5, 3));
    client.describe_leads().await.expect("describe");
    let source = MarketoPeopleSource::with_client(client);
    let creds = SourceCredentials {
        munchkin_id: c.munchkin_id.clone(),
        client_id: c.client_id.clone(),
        client_secret: c.client_secret.clone(),
    };
    let page = source.page(&creds, None).await.expect("page");
    assert_eq!(page.people.len(), 300);
    assert!(page.next.is_some());
    assert_eq!(
        count(&sb, IDENTITY),
        1,
        "the sync reused the preview's token"
    );
}

/// The real runner of the Actions service, started through its admin API, reading through this crate.
#[tokio::test]
async fn the_actions_sync_runner_reads_through_the_marketo_source() {
    let sb = sandbox().await;
    let actions = sb.actions_url().expect("actions").to_owned();
    let token = sb.actions_token().expect("token").to_owned();
    let service = sb.actions_service().expect("service");
    service.set_people_source(Arc::new(
        MarketoPeopleSource::with_endpoint(quick(loose(), 5, 2), sb.marketo_url()).expect("source"),
    ));
    let http = reqwest::Client::new();
    let call = |method: reqwest::Method, path: &str, body: Option<serde_json::Value>| {
        let mut req = http
            .request(method, format!("{actions}{path}"))
            .bearer_auth(&token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        async move {
            let r = req.send().await.expect("actions answers");
            let status = r.status().as_u16();
            (
                status,
                r.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };
    let (st, body) = call(
        reqwest::Method::POST,
        "/api/v1/instance/activation",
        Some(serde_json::json!({"admins": [{"email": "jordan.lee@acme-demo.example"}]})),
    )
    .await;
    assert_eq!(st, 200, "{body}");
    let owner = body["instance"]["originalUserId"]
        .as_str()
        .expect("owner")
        .to_owned();
    let (st, _) = call(
        reqwest::Method::POST,
        &format!("/api/v1/demo/users/{owner}/accept-invitation"),
        None,
    )
    .await;
    assert_eq!(st, 200);
    let (_, info) = call(reqwest::Method::GET, "/api/v1/instance/integration", None).await;
    let (st, conn) = call(
        reqwest::Method::POST,
        "/api/v1/connections/marketo",
        Some(serde_json::json!({
            "ownerUserId": owner,
            "munchkinId": info["munchkinId"],
            "clientId": info["clientId"],
            "clientSecret": info["clientSecret"],
        })),
    )
    .await;
    assert_eq!(st, 201, "{conn}");
    let (st, _) = call(reqwest::Method::POST, "/api/v1/sync", None).await;
    assert_eq!(st, 202);
    let mut status = serde_json::Value::Null;
    for _ in 0..500 {
        status = call(reqwest::Method::GET, "/api/v1/sync", None).await.1;
        if status["state"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The Integration Information is the Marketo stand-in's API user, so the runner logs in
    // with what step 3 pasted and reads every owned person.
    assert_eq!(status["state"], "completed", "{status}");
    assert_eq!(status["peopleSynced"], sb.marketo().people_with_owner());
    assert!(count(&sb, LEADS) >= 1);
    assert_secret_only_in_identity_query(&sb);
}

#[tokio::test]
async fn separately_created_clients_share_the_token_but_a_wrong_secret_borrows_nothing() {
    let sb = sandbox().await;
    let c = sb.marketo_credentials();
    client(&sb, ClientConfig::default())
        .describe_leads()
        .await
        .expect("first client");
    // The app may create a client per command: the second one reuses the token.
    client(&sb, ClientConfig::default())
        .describe_leads()
        .await
        .expect("second client");
    assert_eq!(count(&sb, IDENTITY), 1);
    let wrong = sia_marketo::MarketoClient::new(
        sia_marketo::Endpoint::parse(sb.marketo_url()).expect("endpoint"),
        Credentials::new(c.client_id.clone(), "not-the-secret"),
        ClientConfig::default(),
    )
    .expect("client");
    let err = wrong.describe_leads().await.unwrap_err();
    assert_eq!(err.code(), "credentials_rejected");
    assert_eq!(count(&sb, IDENTITY), 2);
    assert_eq!(
        count(&sb, DESCRIBE),
        2,
        "the wrong secret made no REST call"
    );
}
