//! The client's politeness knobs: calls per window, calls in flight, backoff, token renewal.
//! Defaults sit at half of Marketo's documented ceilings, because every integration shares them.

use std::time::Duration;

/// At most `calls` calls in any window of `per` (Marketo's ceiling: 100 per 20 s per instance).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub calls: u32,
    pub per: Duration,
}

/// Exponential backoff with jitter for retryable answers (606, 615, 604, 608, 611, 429, 5xx, drops).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Wait before the second attempt; doubles each time.
    pub base: Duration,
    /// Longest single wait.
    pub cap: Duration,
    /// Attempts in all, the first included.
    pub max_attempts: u32,
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub rate: RateLimit,
    /// Calls in flight at once (Marketo's ceiling: 10).
    pub max_in_flight: u32,
    pub backoff: Backoff,
    /// Renew the access token when less than this is left of its life.
    pub renew_margin: Duration,
    /// Whole-request timeout.
    pub timeout: Duration,
    pub connect_timeout: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            rate: RateLimit {
                calls: 50,
                per: Duration::from_secs(20),
            },
            max_in_flight: 5,
            backoff: Backoff {
                base: Duration::from_secs(1),
                cap: Duration::from_secs(20),
                max_attempts: 6,
            },
            renew_margin: Duration::from_secs(60),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

impl Backoff {
    /// The wait after attempt `attempt` (1-based): half fixed, half random ("equal jitter"),
    /// so clients that failed together do not come back together, yet each waits a little.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.cap);
        let half = exp / 2;
        let jitter = half.mul_f64(rand::random::<f64>());
        let d = half + jitter;
        match retry_after {
            Some(r) => d.max(r.min(self.cap)),
            None => d,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let b = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
            max_attempts: 5,
        };
        for _ in 0..50 {
            let d1 = b.delay(1, None);
            assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100));
            let d3 = b.delay(3, None);
            assert!(d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400));
            assert!(b.delay(30, None) <= Duration::from_secs(1));
            assert!(b.delay(1, Some(Duration::from_millis(700))) >= Duration::from_millis(700));
            assert!(b.delay(1, Some(Duration::from_secs(60))) <= Duration::from_secs(1));
        }
    }
}
