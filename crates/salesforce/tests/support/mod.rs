//! Shared by the integration tests: a Salesforce stand-in with registered callback ports, and
//! a headless "browser" that follows the sign-in redirects by hand.
#![allow(dead_code)]

use sia_salesforce::{CallbackPorts, LoginAttempt, LoginConfig, LoginHost, Session};
use sia_sandbox::harness::{ServeOptions, Served};
use sia_sandbox::salesforce::{self as sf, SalesforceConfig};
use sia_sandbox::{RequestLog, SalesforceControl};
use std::time::Duration;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A running stand-in and the loopback ports it has registered as callbacks.
pub struct Org {
    pub served: Served,
    pub control: SalesforceControl,
    pub ports: Vec<u16>,
}

impl Org {
    pub async fn start(
        tune: impl FnOnce(&mut SalesforceConfig),
    ) -> Result<Org, Box<dyn std::error::Error>> {
        let ports = free_ports(2).await?;
        let mut config = SalesforceConfig {
            redirect_uris: ports
                .iter()
                .map(|p| format!("http://127.0.0.1:{p}/callback"))
                .collect(),
            auto_approve: true,
            page_size: 40,
            user_count: 120,
            ..SalesforceConfig::default()
        };
        tune(&mut config);
        let (served, control) = sf::serve(0, config, ServeOptions::new("salesforce")).await?;
        Ok(Org {
            served,
            control,
            ports,
        })
    }

    pub fn log(&self) -> &RequestLog {
        self.served.log()
    }

    pub fn host(&self) -> LoginHost {
        LoginHost::parse(self.served.base_url().as_str())
            .unwrap_or_else(|_| LoginHost::production())
    }

    pub fn login_config(&self) -> LoginConfig {
        let mut c = LoginConfig::new(self.host(), self.control.consumer_key());
        c.ports = CallbackPorts::List {
            ports: self.ports.clone(),
        };
        c.timeout = Duration::from_secs(20);
        c.result_page_linger = Duration::from_secs(5);
        c
    }

    /// Every bearer token the stand-in saw, and the given refresh tokens, appear in no URL.
    pub fn assert_no_token_in_urls(&self, refresh_tokens: &[&str]) {
        let entries = self.log().entries();
        let mut tokens: Vec<String> = entries
            .iter()
            .filter_map(|e| e.header("authorization"))
            .filter_map(|h| h.split_once(' ').map(|(_, t)| t.to_string()))
            .collect();
        tokens.extend(refresh_tokens.iter().map(|t| t.to_string()));
        for t in &tokens {
            assert!(!t.is_empty());
            assert!(!self.log().any_url_contains(t), "a token appeared in a URL");
        }
        for e in &entries {
            let url = e.url();
            assert!(
                !url.contains("access_token=") && !url.contains("refresh_token="),
                "{url}"
            );
        }
    }
}

/// Ports that were free a moment ago (bound and released by the OS).
pub async fn free_ports(n: usize) -> Result<Vec<u16>, std::io::Error> {
    let mut held = Vec::new();
    for _ in 0..n {
        held.push(tokio::net::TcpListener::bind("127.0.0.1:0").await?);
    }
    held.iter()
        .map(|l| l.local_addr().map(|a| a.port()))
        .collect()
}

/// The app binds with SO_REUSEADDR (tokio's default), so this is the check that matters.
pub async fn port_is_free(port: u16) -> bool {
    tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .is_ok()
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

pub fn location(resp: &reqwest::Response) -> Option<String> {
    resp.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// What the headless browser saw.
#[derive(Debug, Default)]
pub struct Visit {
    pub callback_url: String,
    pub callback_status: u16,
    pub result_location: Option<String>,
    pub page_status: u16,
    pub page: String,
    pub csp: Option<String>,
    pub cache_control: Option<String>,
}

/// GET authorize (auto-approve redirects), then the callback, then the 303 result page.
pub async fn browse(authorize_url: String) -> Result<Visit, String> {
    let b = browser();
    let resp = b
        .get(&authorize_url)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let callback_url = location(&resp).ok_or(format!("authorize answered {}", resp.status()))?;
    follow_callback(&b, callback_url).await
}

pub async fn follow_callback(b: &reqwest::Client, callback_url: String) -> Result<Visit, String> {
    let resp = b
        .get(&callback_url)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let mut visit = Visit {
        callback_status: resp.status().as_u16(),
        result_location: location(&resp),
        callback_url: callback_url.clone(),
        ..Visit::default()
    };
    if let Some(loc) = &visit.result_location {
        let base = url::Url::parse(&callback_url).map_err(|e| e.to_string())?;
        let page_url = base.join(loc).map_err(|e| e.to_string())?;
        let page = b.get(page_url).send().await.map_err(|e| e.to_string())?;
        visit.page_status = page.status().as_u16();
        let h = |n: &str| {
            page.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        visit.csp = h("content-security-policy");
        visit.cache_control = h("cache-control");
        visit.page = page.text().await.map_err(|e| e.to_string())?;
    }
    Ok(visit)
}

pub async fn login(
    org: &Org,
    config: LoginConfig,
) -> Result<(Session, Visit, u16), Box<dyn std::error::Error>> {
    let attempt = LoginAttempt::start(config).await?;
    let port = attempt.port();
    attempt.preflight().await?;
    let browser = tokio::spawn(browse(attempt.authorize_url().to_string()));
    let session = attempt.finish().await?;
    let visit = browser.await??;
    assert!(port_is_free(port).await, "listener released");
    let _ = org;
    Ok((session, visit, port))
}
