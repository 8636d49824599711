//! Shared test helpers: a stand-in Actions service on loopback, sized for thousands of invites.

#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use sia_actions_service::RateLimit;
use sia_invite::{Invitee, Result, Secret, TokenProvider};
use sia_sandbox::{RunningSandbox, Sandbox, SandboxConfig};

pub const ADMIN: &str = "admin@example.com";

/// The sandbox with an activated Actions instance, room for `seats` users and a generous rate window.
pub async fn sandbox(seats: usize) -> RunningSandbox {
    let mut c = SandboxConfig::for_tests();
    let mut ac = c.actions.take().unwrap_or_default();
    ac.seat_limit = seats;
    ac.rate_limit = RateLimit {
        requests: 1_000_000,
        window: Duration::from_secs(60),
    };
    c.actions = Some(ac);
    let sb = Sandbox::start(c).await.expect("sandbox starts");
    sb.actions_service()
        .expect("actions service")
        .activate(&[ADMIN])
        .expect("activates");
    sb
}

pub fn people(prefix: &str, n: u32) -> Vec<Invitee> {
    (0..n)
        .map(|i| Invitee {
            email: format!("{prefix}{i:05}@example.com"),
            first_name: format!("F{i}"),
            last_name: "Test".into(),
            ..Invitee::default()
        })
        .collect()
}

/// Outbox recipients except the activation admin.
pub fn invited(sb: &RunningSandbox) -> Vec<String> {
    sb.actions_service()
        .map(|s| s.outbox())
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.recipient)
        .filter(|r| r != ADMIN)
        .collect()
}

pub struct Fixed(pub String);

#[async_trait::async_trait]
impl TokenProvider for Fixed {
    async fn token(&self) -> Result<Secret> {
        Ok(Secret::new(self.0.clone()))
    }
    async fn refresh(&self, _: &Secret) -> Result<Secret> {
        Err(sia_invite::InviteError::Unauthorized)
    }
}

pub fn fixed(sb: &RunningSandbox) -> Arc<dyn TokenProvider> {
    Arc::new(Fixed(sb.actions_token().unwrap_or_default().to_owned()))
}
