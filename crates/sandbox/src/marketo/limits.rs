//! Marketo's shared API limits: calls per 20 s window (606), calls in flight (615), calls per day (607).
//! A hold gate lets tests keep admitted calls in flight, to reach the concurrency limit without timing.

use crate::clock::Clock;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// Why a call was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    Rate,
    Concurrency,
    DailyQuota,
}

#[derive(Debug)]
struct Counters {
    window: VecDeque<i64>,
    day: i64,
    day_used: u64,
}

/// Limit settings that tests may change while running.
#[derive(Clone, Copy, Debug)]
pub struct LimitSettings {
    pub rate_limit: u32,
    pub rate_window: Duration,
    pub max_concurrent: u32,
    pub daily_quota: u64,
}

#[derive(Debug)]
pub(crate) struct Limiter {
    clock: Clock,
    settings: Mutex<LimitSettings>,
    counters: Mutex<Counters>,
    in_flight: Arc<AtomicU32>,
    hold: watch::Sender<bool>,
}

/// Decrements the in-flight count when the call ends.
pub(crate) struct Admitted {
    in_flight: Arc<AtomicU32>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Marketo's quota day starts at midnight US Central Standard Time (UTC-6).
pub(crate) fn day_of(ms: i64) -> i64 {
    (ms - 6 * 3_600_000).div_euclid(86_400_000)
}

impl Limiter {
    pub fn new(clock: Clock, settings: LimitSettings) -> Limiter {
        let day = day_of(clock.now_ms());
        Limiter {
            clock,
            settings: Mutex::new(settings),
            counters: Mutex::new(Counters {
                window: VecDeque::new(),
                day,
                day_used: 0,
            }),
            in_flight: Arc::new(AtomicU32::new(0)),
            hold: watch::channel(false).0,
        }
    }

    pub fn settings(&self) -> LimitSettings {
        *self.settings.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_settings(&self, s: LimitSettings) {
        *self.settings.lock().unwrap_or_else(|p| p.into_inner()) = s;
    }

    /// Admits a call or says which limit it hits. Refused calls do not count.
    pub fn admit(&self) -> Result<Admitted, Refusal> {
        let s = self.settings();
        let now = self.clock.now_ms();
        let mut c = self.counters.lock().unwrap_or_else(|p| p.into_inner());
        let window_ms = s.rate_window.as_millis() as i64;
        while c.window.front().is_some_and(|t| *t <= now - window_ms) {
            c.window.pop_front();
        }
        if c.window.len() >= s.rate_limit as usize {
            return Err(Refusal::Rate);
        }
        if self.in_flight.load(Ordering::SeqCst) >= s.max_concurrent {
            return Err(Refusal::Concurrency);
        }
        let day = day_of(now);
        if day != c.day {
            c.day = day;
            c.day_used = 0;
        }
        if c.day_used >= s.daily_quota {
            return Err(Refusal::DailyQuota);
        }
        c.window.push_back(now);
        c.day_used += 1;
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        Ok(Admitted {
            in_flight: self.in_flight.clone(),
        })
    }

    pub fn in_flight(&self) -> u32 {
        self.in_flight.load(Ordering::SeqCst)
    }

    pub fn daily_used(&self) -> u64 {
        self.counters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .day_used
    }

    pub fn set_daily_used(&self, n: u64) {
        self.counters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .day_used = n;
    }

    pub fn reset_window(&self) {
        self.counters
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .window
            .clear();
    }

    pub fn set_hold(&self, on: bool) {
        self.hold.send_replace(on);
    }

    /// Waits while the hold gate is closed (returns at once when it is open).
    pub async fn wait_released(&self) {
        let mut rx = self.hold.subscribe();
        let _ = rx.wait_for(|held| !*held).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(rate: u32, conc: u32, daily: u64) -> (Limiter, Clock) {
        let clock = Clock::new();
        let l = Limiter::new(
            clock.clone(),
            LimitSettings {
                rate_limit: rate,
                rate_window: Duration::from_secs(20),
                max_concurrent: conc,
                daily_quota: daily,
            },
        );
        (l, clock)
    }

    #[test]
    fn rate_window_refuses_then_recovers() {
        let (l, clock) = limiter(3, 10, 100);
        for _ in 0..3 {
            drop(l.admit().unwrap());
        }
        assert_eq!(l.admit().err(), Some(Refusal::Rate));
        clock.advance(Duration::from_secs(21));
        assert!(l.admit().is_ok());
    }

    #[test]
    fn concurrency_counts_live_calls() {
        let (l, _) = limiter(100, 2, 100);
        let a = l.admit().unwrap();
        let _b = l.admit().unwrap();
        assert_eq!(l.admit().err(), Some(Refusal::Concurrency));
        drop(a);
        assert!(l.admit().is_ok());
    }

    #[test]
    fn daily_quota_resets_next_day() {
        let (l, clock) = limiter(100, 10, 2);
        drop(l.admit().unwrap());
        drop(l.admit().unwrap());
        assert_eq!(l.admit().err(), Some(Refusal::DailyQuota));
        clock.advance(Duration::from_secs(86_400));
        assert!(l.admit().is_ok());
    }
}
