//! Shared helpers for the integration tests: an HTTP client and the PKCE login dance.
#![allow(dead_code)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sia_sandbox::RunningSandbox;

pub const CALLBACK: &str = "http://127.0.0.1:53682/callback";

/// A client that does not follow redirects, as an OAuth token client must not.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

pub fn pkce() -> (String, String) {
    let verifier = sia_sandbox::ids::random_alnum(64);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// Query parameters of a `Location` header.
pub fn location_params(resp: &reqwest::Response) -> Vec<(String, String)> {
    let loc = resp.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let url = url::Url::parse(&loc).expect("url");
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn param(pairs: &[(String, String)], key: &str) -> Option<String> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

/// GET /authorize with PKCE; returns (verifier, code) from the auto-approved redirect.
pub async fn authorize(
    sb: &RunningSandbox,
    c: &reqwest::Client,
    extra: &[(&str, &str)],
) -> (String, String) {
    let (verifier, challenge) = pkce();
    let mut q = vec![
        ("response_type", "code"),
        ("client_id", sb.salesforce_consumer_key()),
        ("redirect_uri", CALLBACK),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("state", "st4te"),
    ];
    q.extend_from_slice(extra);
    let resp = c
        .get(format!("{}/services/oauth2/authorize", sb.salesforce_url()))
        .query(&q)
        .send()
        .await
        .expect("authorize");
    assert_eq!(resp.status(), 302, "authorize should redirect");
    let p = location_params(&resp);
    assert_eq!(param(&p, "state").as_deref(), Some("st4te"));
    (verifier, param(&p, "code").expect("code"))
}

pub async fn exchange(
    sb: &RunningSandbox,
    c: &reqwest::Client,
    code: &str,
    verifier: &str,
    redirect: &str,
) -> reqwest::Response {
    c.post(format!("{}/services/oauth2/token", sb.salesforce_url()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", sb.salesforce_consumer_key()),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .expect("token")
}

/// Full login: returns the token response body.
pub async fn login(sb: &RunningSandbox, c: &reqwest::Client) -> Value {
    let (verifier, code) = authorize(sb, c, &[]).await;
    let resp = exchange(sb, c, &code, &verifier, CALLBACK).await;
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("json")
}

pub async fn soql(
    sb: &RunningSandbox,
    c: &reqwest::Client,
    token: &str,
    path: &str,
    q: &str,
) -> reqwest::Response {
    c.get(format!(
        "{}/services/data/v62.0/{path}",
        sb.salesforce_url()
    ))
    .query(&[("q", q)])
    .bearer_auth(token)
    .send()
    .await
    .expect("query")
}

pub async fn marketo_token(sb: &RunningSandbox, c: &reqwest::Client) -> Value {
    let creds = sb.marketo_credentials();
    let resp = c
        .post(format!("{}/oauth/token", sb.marketo_identity_url()))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", creds.client_id.as_str()),
            ("client_secret", creds.client_secret.as_str()),
        ])
        .send()
        .await
        .expect("token");
    assert_eq!(resp.status(), 200);
    resp.json().await.expect("json")
}

pub async fn mk_get(
    sb: &RunningSandbox,
    c: &reqwest::Client,
    token: &str,
    path: &str,
    q: &[(&str, &str)],
) -> reqwest::Response {
    c.get(format!("{}{path}", sb.marketo_url()))
        .query(q)
        .bearer_auth(token)
        .send()
        .await
        .expect("marketo call")
}

/// The first error code of a Marketo envelope, if the call failed.
pub fn mk_error(body: &Value) -> Option<String> {
    if body["success"] == true {
        return None;
    }
    body["errors"][0]["code"].as_str().map(str::to_string)
}
