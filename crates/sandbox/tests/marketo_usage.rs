//! The Marketo stand-in's usage stats over real HTTP: `stats/usage.json` and
//! `stats/usage/last7days.json` in Marketo's documented shape, counting real calls per API user,
//! including the calls the Actions service's data sync makes through the Integration Information.

mod common;

use common::*;
use serde_json::{Value, json};
use sia_sandbox::marketo::{ACTIONS_API_USERID, DW_EXPORT_USERID};
use sia_sandbox::{Outcome, RunningSandbox, Sandbox, SandboxConfig};
use std::time::Duration;

const TODAY: &str = "/rest/v1/stats/usage.json";
const LAST7: &str = "/rest/v1/stats/usage/last7days.json";
const DESCRIBE: &str = "/rest/v1/leads/describe2.json";

async fn get_json(sb: &RunningSandbox, c: &reqwest::Client, token: &str, path: &str) -> Value {
    let resp = mk_get(sb, c, token, path, &[]).await;
    assert_eq!(resp.status(), 200, "{path}");
    resp.json().await.expect("json")
}

fn count_of(day: &Value, userid: &str) -> u64 {
    day["users"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["userId"] == userid)
        .and_then(|u| u["count"].as_u64())
        .unwrap_or(0)
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.bytes()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[tokio::test]
async fn usage_counts_each_call_for_the_api_user_the_token_belongs_to() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let tok = marketo_token(&sb, &c).await;
    assert_eq!(
        tok["scope"], ACTIONS_API_USERID,
        "the token names its API user"
    );
    let token = tok["access_token"].as_str().unwrap().to_string();
    for _ in 0..3 {
        get_json(&sb, &c, &token, DESCRIBE).await;
    }
    let body = get_json(&sb, &c, &token, TODAY).await;
    assert_eq!(body["success"], true);
    assert!(body["requestId"].is_string());
    let days = body["result"].as_array().unwrap();
    assert_eq!(days.len(), 1);
    let today = &days[0];
    assert!(is_date(today["date"].as_str().unwrap()), "{today}");
    // Three describes and this call itself (admitted before it answers).
    assert_eq!(count_of(today, ACTIONS_API_USERID), 4);
    assert_eq!(today["total"], 4);
    assert_eq!(sb.marketo().usage_today(ACTIONS_API_USERID), 4);

    // Another integration's API user logs in with its own credentials and counts on its own.
    let other = sb.marketo().other_api_clients()[0].clone();
    assert_eq!(other.userid, DW_EXPORT_USERID);
    let resp: Value = c
        .post(format!("{}/oauth/token", sb.marketo_identity_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", other.client_id.as_str()),
            ("client_secret", other.client_secret.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(resp["scope"], DW_EXPORT_USERID);
    let dw_token = resp["access_token"].as_str().unwrap().to_string();
    assert_ne!(dw_token, token);
    for _ in 0..2 {
        get_json(&sb, &c, &dw_token, DESCRIBE).await;
    }
    let today = get_json(&sb, &c, &token, TODAY).await["result"][0].clone();
    assert_eq!(count_of(&today, ACTIONS_API_USERID), 5);
    assert_eq!(count_of(&today, DW_EXPORT_USERID), 2);
    assert_eq!(today["total"], 7);

    // History: earlier days show in last7days, newest first; eight days ago does not.
    sb.marketo().add_usage(2, DW_EXPORT_USERID, 40);
    sb.marketo().add_usage(6, ACTIONS_API_USERID, 9);
    sb.marketo().add_usage(7, ACTIONS_API_USERID, 1000);
    let body = get_json(&sb, &c, &token, LAST7).await;
    assert_eq!(body["success"], true);
    let days = body["result"].as_array().unwrap();
    let dates: Vec<&str> = days.iter().map(|d| d["date"].as_str().unwrap()).collect();
    assert_eq!(dates.len(), 3, "{dates:?}");
    assert!(dates.iter().all(|d| is_date(d)));
    assert!(
        dates.windows(2).all(|w| w[0] > w[1]),
        "newest first: {dates:?}"
    );
    assert_eq!(
        count_of(&days[0], ACTIONS_API_USERID),
        6,
        "five before, and this call"
    );
    assert_eq!(count_of(&days[1], DW_EXPORT_USERID), 40);
    assert_eq!(days[2]["total"], 9);
    sb.shutdown().await;
}

#[tokio::test]
async fn usage_needs_a_token_and_refused_calls_count_nowhere() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    for path in [TODAY, LAST7] {
        let none: Value = c
            .get(format!("{}{path}", sb.marketo_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(mk_error(&none).as_deref(), Some("600"), "{path}");
        let resp = mk_get(&sb, &c, "not-a-token:sj", path, &[]).await;
        assert_eq!(
            resp.status(),
            200,
            "an envelope, as the lead database API answers"
        );
        let bad: Value = resp.json().await.unwrap();
        assert_eq!(bad["success"], false);
        assert_eq!(mk_error(&bad).as_deref(), Some("601"), "{path}");
    }
    let token = marketo_token(&sb, &c).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    sb.marketo().expire_token();
    let expired: Value = mk_get(&sb, &c, &token, TODAY, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mk_error(&expired).as_deref(), Some("602"));
    assert_eq!(sb.marketo().usage_today(ACTIONS_API_USERID), 0);
    // A forgotten token (the API user's secret was reset) is unknown: 601.
    let token = marketo_token(&sb, &c).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    sb.marketo().forget_tokens();
    let forgotten: Value = mk_get(&sb, &c, &token, TODAY, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mk_error(&forgotten).as_deref(), Some("601"));
    sb.shutdown().await;
}

#[tokio::test]
async fn api_only_users_include_the_integration_informations_user() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let c = client();
    let token = marketo_token(&sb, &c).await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let users: Value = mk_get(
        &sb,
        &c,
        &token,
        "/userservice/management/v1/users/allusers.json",
        &[("pageSize", "200")],
    )
    .await
    .json()
    .await
    .unwrap();
    let api: Vec<&Value> = users
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["apiOnly"] == true)
        .collect();
    let ids: Vec<&str> = api.iter().map(|u| u["userid"].as_str().unwrap()).collect();
    assert_eq!(ids, [ACTIONS_API_USERID, DW_EXPORT_USERID]);
    let actions = api[0];
    let name = format!("{} {}", actions["firstName"], actions["lastName"]).to_lowercase();
    assert!(name.contains("sales insight actions"), "{name}");
    sb.shutdown().await;
}

/// The Actions service's sync reads Marketo with the Integration Information's credentials, so
/// its calls show under that API user in the usage stats: step 4's evidence in real-product mode.
#[tokio::test]
async fn the_actions_sync_shows_in_the_usage_of_its_api_user() {
    let sb = Sandbox::start(SandboxConfig::for_tests()).await.unwrap();
    let actions = sb.actions_url().unwrap().to_owned();
    let token = sb.actions_token().unwrap().to_owned();
    let http = client();
    let call = |method: reqwest::Method, path: &str, body: Option<Value>| {
        let mut req = http
            .request(method, format!("{actions}{path}"))
            .bearer_auth(&token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        async move {
            let r = req.send().await.expect("actions answers");
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or_default(),
            )
        }
    };
    let (st, body) = call(
        reqwest::Method::POST,
        "/api/v1/instance/activation",
        Some(json!({"admins": [{"email": "jordan.lee@acme-demo.example"}]})),
    )
    .await;
    assert_eq!(st, 200, "{body}");
    let owner = body["instance"]["originalUserId"]
        .as_str()
        .unwrap()
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
        Some(json!({
            "ownerUserId": owner,
            "munchkinId": info["munchkinId"],
            "clientId": info["clientId"],
            "clientSecret": info["clientSecret"],
        })),
    )
    .await;
    assert_eq!(st, 201, "{conn}");
    assert_eq!(sb.marketo().usage_today(ACTIONS_API_USERID), 0);
    let (st, _) = call(reqwest::Method::POST, "/api/v1/sync", None).await;
    assert_eq!(st, 202);
    let mut status = Value::Null;
    for _ in 0..1000 {
        status = call(reqwest::Method::GET, "/api/v1/sync", None).await.1;
        if status["state"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(status["state"], "completed", "{status}");
    let rest_calls = sb
        .log()
        .for_service("marketo")
        .iter()
        .filter(|e| e.path.starts_with("/rest/") && e.outcome == Outcome::Answered)
        .count() as u64;
    let pages = sb.marketo().people().div_ceil(300);
    let counted = sb.marketo().usage_today(ACTIONS_API_USERID);
    assert!(counted >= pages, "{counted} calls for {pages} pages");
    assert_eq!(
        counted, rest_calls,
        "every call the sync made, and only those"
    );
    assert_eq!(sb.marketo().usage_today(DW_EXPORT_USERID), 0);
    sb.shutdown().await;
}
