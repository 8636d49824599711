//! Shared helpers for the tests over HTTP: a sandbox, clients tuned for test speed, log checks.
#![allow(dead_code)]

use std::time::Duration;

use sia_marketo::{Backoff, ClientConfig, Credentials, Endpoint, MarketoClient, RateLimit};
use sia_sandbox::marketo::LimitSettings;
use sia_sandbox::{LoggedRequest, RunningSandbox, Sandbox, SandboxConfig};

pub const IDENTITY: &str = "/identity/oauth/token";

pub async fn sandbox() -> RunningSandbox {
    Sandbox::start(SandboxConfig::for_tests())
        .await
        .expect("sandbox")
}

/// Short waits so retries do not slow the suite; the policy itself is unchanged.
pub fn quick(rate: RateLimit, max_in_flight: u32, attempts: u32) -> ClientConfig {
    ClientConfig {
        rate,
        max_in_flight,
        backoff: Backoff {
            base: Duration::from_millis(10),
            cap: Duration::from_millis(300),
            max_attempts: attempts,
        },
        ..ClientConfig::default()
    }
}

pub fn loose() -> RateLimit {
    RateLimit {
        calls: 100_000,
        per: Duration::from_secs(1),
    }
}

pub fn client(sb: &RunningSandbox, config: ClientConfig) -> MarketoClient {
    let c = sb.marketo_credentials();
    MarketoClient::new(
        Endpoint::parse(sb.marketo_url()).expect("endpoint"),
        Credentials::new(c.client_id, c.client_secret),
        config,
    )
    .expect("client")
}

pub fn set_limits(sb: &RunningSandbox, rate: u32, window: Duration, concurrent: u32, daily: u64) {
    sb.marketo().set_limits(LimitSettings {
        rate_limit: rate,
        rate_window: window,
        max_concurrent: concurrent,
        daily_quota: daily,
    });
}

pub fn marketo_log(sb: &RunningSandbox) -> Vec<LoggedRequest> {
    sb.log().for_service("marketo")
}

pub fn count(sb: &RunningSandbox, path: &str) -> usize {
    marketo_log(sb).iter().filter(|e| e.path == path).count()
}

/// The secret appears only in the identity call's own query, and never in a REST call or header.
pub fn assert_secret_only_in_identity_query(sb: &RunningSandbox) {
    let secret = sb.marketo_credentials().client_secret;
    let log = marketo_log(sb);
    assert!(!log.is_empty());
    for e in &log {
        let in_headers = e.headers.iter().any(|(_, v)| v.contains(&secret));
        assert!(!in_headers, "secret in a header of {}", e.path);
        assert!(!e.body.contains(&secret), "secret in a body of {}", e.path);
        if e.path != IDENTITY {
            assert!(!e.url().contains(&secret), "secret in REST URL {}", e.path);
            assert!(
                !e.query.as_deref().unwrap_or("").contains("access_token"),
                "token sent as a query parameter on {}",
                e.path
            );
            if e.outcome == sia_sandbox::Outcome::Answered {
                let auth = e.header("authorization").unwrap_or("");
                assert!(
                    auth.starts_with("Bearer "),
                    "no Bearer header on {}",
                    e.path
                );
            }
        }
    }
}
