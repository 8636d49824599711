//! When to try again: exponential backoff with full jitter, and the server's `Retry-After`.
//! The server's word wins over our own schedule when it asks for longer.

use std::time::{Duration, SystemTime};

/// Delay before attempt `attempt + 1` (`attempt` counts failures so far, from 1):
/// a uniform pick in `[0, min(max, base * 2^(attempt-1))]` ("full jitter"), so many clients
/// that failed together do not come back together.
pub fn backoff_delay(attempt: u32, base: Duration, max: Duration, unit_random: f64) -> Duration {
    let exp = attempt.saturating_sub(1).min(30);
    let ceiling = base.saturating_mul(1u32 << exp).min(max);
    ceiling.mul_f64(unit_random.clamp(0.0, 1.0))
}

/// The delay to wait: at least what the server asked for, else our backoff.
pub fn retry_delay(
    attempt: u32,
    base: Duration,
    max: Duration,
    retry_after: Option<Duration>,
) -> Duration {
    let ours = backoff_delay(attempt, base, max, rand::random::<f64>());
    match retry_after {
        Some(server) => server.max(ours.min(base)),
        None => ours,
    }
}

/// Parses a `Retry-After` value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
/// A date in the past means "now"; anything unreadable is ignored. Capped at one hour, so a
/// broken header cannot park a job forever.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    const CAP: Duration = Duration::from_secs(3600);
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs).min(CAP));
    }
    let format = time::format_description::parse_borrowed::<1>(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT",
    )
    .ok()?;
    let at = time::PrimitiveDateTime::parse(v, &format)
        .ok()?
        .assume_utc();
    let at: SystemTime = at.into();
    Some(at.duration_since(now).unwrap_or(Duration::ZERO).min(CAP))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_millis(100);
    const MAX: Duration = Duration::from_secs(5);

    #[test]
    fn backoff_doubles_up_to_the_cap_and_jitters_below_it() {
        assert_eq!(backoff_delay(1, BASE, MAX, 1.0), Duration::from_millis(100));
        assert_eq!(backoff_delay(2, BASE, MAX, 1.0), Duration::from_millis(200));
        assert_eq!(backoff_delay(4, BASE, MAX, 1.0), Duration::from_millis(800));
        assert_eq!(backoff_delay(20, BASE, MAX, 1.0), MAX);
        assert_eq!(backoff_delay(u32::MAX, BASE, MAX, 1.0), MAX);
        assert_eq!(backoff_delay(3, BASE, MAX, 0.0), Duration::ZERO);
        assert_eq!(backoff_delay(3, BASE, MAX, 0.5), Duration::from_millis(200));
        // Out-of-range randomness is clamped rather than trusted.
        assert_eq!(backoff_delay(1, BASE, MAX, 7.0), BASE);
        for attempt in 1..12 {
            let d = retry_delay(attempt, BASE, MAX, None);
            assert!(d <= MAX);
        }
    }

    #[test]
    fn the_server_can_only_lengthen_the_wait() {
        let d = retry_delay(1, BASE, MAX, Some(Duration::from_secs(3)));
        assert_eq!(d, Duration::from_secs(3));
        let d = retry_delay(9, BASE, MAX, Some(Duration::ZERO));
        assert!(d <= BASE);
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // 2015-10-21 07:28:00 UTC
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("999999999", now),
            Some(Duration::from_secs(3600))
        );
        for bad in ["", "-1", "soon", "1.5", "Wed, 99 Oct 2015 07:28:00 GMT"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }
}
