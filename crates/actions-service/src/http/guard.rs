//! The guard in front of every route: a bearer token, then a per-token rate limit.
//! Rejections use the error format of the surface the request was for.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::reply::{Problem, ScimError};
use crate::config::RateLimit;
use crate::error::ActionsError;
use crate::service::Shared;

/// A fixed window per token: simple to reason about, and `Retry-After` is exact.
pub struct RateLimiter {
    limit: RateLimit,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request; `Err(seconds)` when the token must wait.
    pub fn check(&self, token: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let entry = windows.entry(token.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.limit.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit.requests {
            let left = self
                .limit
                .window
                .saturating_sub(now.duration_since(entry.0));
            return Err((left.as_secs_f64().ceil() as u64).max(1));
        }
        entry.1 += 1;
        Ok(())
    }
}

/// Compares without an early exit, so timing does not reveal how much of a token matched.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn bearer(req: &Request) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

pub async fn guard(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let scim = req.uri().path().starts_with("/scim/");
    let reject = |e: ActionsError| {
        if scim {
            ScimError(e).into_response()
        } else {
            Problem(e).into_response()
        }
    };
    let token = match bearer(&req) {
        Some(t)
            if shared
                .config
                .tokens
                .iter()
                .any(|ok| same(ok.as_bytes(), t.as_bytes())) =>
        {
            t.to_owned()
        }
        _ => return reject(ActionsError::Unauthorized),
    };
    if let Err(retry_after_secs) = shared.limiter.check(&token) {
        return reject(ActionsError::RateLimited { retry_after_secs });
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn window_allows_n_then_asks_to_wait() {
        let l = RateLimiter::new(RateLimit {
            requests: 2,
            window: Duration::from_secs(30),
        });
        assert!(l.check("t").is_ok());
        assert!(l.check("t").is_ok());
        let wait = l.check("t").err().unwrap_or(0);
        assert!((1..=30).contains(&wait), "{wait}");
        assert!(l.check("other").is_ok());
    }

    #[test]
    fn tokens_compare_exactly() {
        assert!(same(b"abc", b"abc"));
        assert!(!same(b"abc", b"abd"));
        assert!(!same(b"abc", b"abcd"));
    }
}
