//! Keeps calls under the configured rate and concurrency: `governor` (GCRA) plus a tokio semaphore.
//! The GCRA burst is a fifth of the budget, so no sliding window ever sees more than `calls`.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

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
    let period = (rate.per / refill).max(Duration::from_micros(1));
    Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
}

type Key = (String, u32, Duration, u32);

impl Pacer {
    /// The pacer of one Marketo instance for these limits, shared process-wide: Marketo counts
    /// per instance, so every client of the instance must draw from the same budget.
    pub fn shared(base: &str, rate: RateLimit, max_in_flight: u32) -> Arc<Pacer> {
        static PACERS: OnceLock<Mutex<HashMap<Key, Arc<Pacer>>>> = OnceLock::new();
        let key = (base.to_owned(), rate.calls, rate.per, max_in_flight);
        let mut g = PACERS
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        g.entry(key)
            .or_insert_with(|| Arc::new(Pacer::new(rate, max_in_flight)))
            .clone()
    }

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
