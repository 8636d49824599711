//! Keeps calls under the configured rate and concurrency: `governor` (GCRA) plus a tokio semaphore.
//! The GCRA burst is a fifth of the budget, so no sliding window ever sees more than `calls`.

use std::num::NonZeroU32;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::config::RateLimit;

pub(crate) struct Pacer {
    rate: DefaultDirectRateLimiter,
    slots: Semaphore,
}

/// A GCRA quota whose worst case over any window of `per` is at most `calls`:
/// `burst` at once, then one every `per / (calls - burst)`; burst + ceil(per/period) - 1 ≤ calls.
fn quota(rate: RateLimit) -> Quota {
    let calls = rate.calls.max(1);
    let burst = (calls / 5).max(1);
    let refill = (calls - burst).max(1);
    let period = (rate.per / refill).max(std::time::Duration::from_micros(1));
    Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
}

impl Pacer {
    pub fn new(rate: RateLimit, max_in_flight: u32) -> Pacer {
        Pacer {
            rate: RateLimiter::direct(quota(rate)),
            slots: Semaphore::new(max_in_flight.max(1) as usize),
        }
    }

    /// Waits for a free slot, then for the rate; the call goes out right after.
    pub async fn admit(&self) -> Option<SemaphorePermit<'_>> {
        let permit = self.slots.acquire().await.ok()?;
        self.rate.until_ready().await;
        Some(permit)
    }
}
