//! Calls per API user per day, as `stats/usage.json` reports them. Counted at the gate, so every
//! admitted REST call made with a token counts for the API user the token was issued to.

use std::collections::BTreeMap;
use std::sync::Mutex;

/// Days kept: today and the six before it (what `last7days.json` covers), plus one of slack.
const KEEP_DAYS: i64 = 8;

/// Day number (see `limits::day_of`) -> API user id -> calls.
#[derive(Debug, Default)]
pub(crate) struct Usage {
    days: Mutex<BTreeMap<i64, BTreeMap<String, u64>>>,
}

/// One day of usage: its number, total, and calls per user (sorted by user id).
pub(crate) type DayUsage = (i64, u64, Vec<(String, u64)>);

impl Usage {
    /// Adds `n` calls by `userid` on `day`; forgets days older than a week before `today`.
    pub fn add(&self, today: i64, day: i64, userid: &str, n: u64) {
        let mut days = self.days.lock().unwrap_or_else(|p| p.into_inner());
        *days
            .entry(day)
            .or_default()
            .entry(userid.to_string())
            .or_insert(0) += n;
        days.retain(|d, _| *d > today - KEEP_DAYS);
    }

    /// Calls `userid` made on `day`.
    pub fn count(&self, day: i64, userid: &str) -> u64 {
        let days = self.days.lock().unwrap_or_else(|p| p.into_inner());
        days.get(&day)
            .and_then(|u| u.get(userid))
            .copied()
            .unwrap_or(0)
    }

    /// The days in `from..=to` that had calls, newest first.
    pub fn range(&self, from: i64, to: i64) -> Vec<DayUsage> {
        let days = self.days.lock().unwrap_or_else(|p| p.into_inner());
        days.range(from..=to)
            .rev()
            .filter(|(_, users)| users.values().any(|n| *n > 0))
            .map(|(d, users)| {
                let list: Vec<(String, u64)> = users
                    .iter()
                    .filter(|(_, n)| **n > 0)
                    .map(|(u, n)| (u.clone(), *n))
                    .collect();
                (*d, list.iter().map(|(_, n)| n).sum(), list)
            })
            .collect()
    }
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01 in Marketo's quota time zone).
pub(crate) fn date_of_day(day: i64) -> String {
    // Howard Hinnant's civil_from_days.
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_days() {
        assert_eq!(date_of_day(0), "1970-01-01");
        assert_eq!(date_of_day(59), "1970-03-01");
        assert_eq!(date_of_day(11_016), "2000-02-29");
        assert_eq!(date_of_day(20_791), "2026-12-04");
        assert_eq!(date_of_day(-1), "1969-12-31");
    }

    #[test]
    fn counts_per_user_and_day_newest_first_old_days_forgotten() {
        let u = Usage::default();
        u.add(100, 100, "b", 2);
        u.add(100, 100, "a", 1);
        u.add(100, 98, "a", 5);
        u.add(100, 90, "a", 7);
        assert_eq!(u.count(100, "b"), 2);
        assert_eq!(u.count(90, "a"), 0, "older than a week");
        let r = u.range(94, 100);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0], (100, 3, vec![("a".into(), 1), ("b".into(), 2)]));
        assert_eq!(r[1].0, 98);
    }
}
