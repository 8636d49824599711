//! Counts the REST calls this process made, per Marketo instance, API client and Marketo day.
//! Marketo's usage statistics count calls per API user, and SIA Setup signs in with the
//! Integration Information's credentials — the same API user as Actions. Without this ledger the
//! app's own calls would read as evidence that Actions reads Marketo.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};

use time::OffsetDateTime;

use crate::quota::central_offset;

type Key = (String, String);

fn ledger() -> &'static Mutex<HashMap<Key, BTreeMap<String, u64>>> {
    static LEDGER: OnceLock<Mutex<HashMap<Key, BTreeMap<String, u64>>>> = OnceLock::new();
    LEDGER.get_or_init(Default::default)
}

/// Marketo's day for `instant` (`YYYY-MM-DD`, midnight to midnight US Central time), the day its
/// usage statistics file a call under.
pub fn marketo_day(instant: OffsetDateTime) -> String {
    let local = instant.to_offset(central_offset(instant));
    format!(
        "{:04}-{:02}-{:02}",
        local.year(),
        u8::from(local.month()),
        local.day()
    )
}

/// Records one REST call sent with a token of `client_id` to `base`.
pub(crate) fn record(base: &str, client_id: &str) {
    let day = marketo_day(OffsetDateTime::now_utc());
    let mut ledger = ledger().lock().unwrap_or_else(|p| p.into_inner());
    *ledger
        .entry((base.to_owned(), client_id.to_owned()))
        .or_default()
        .entry(day)
        .or_default() += 1;
}

/// The REST calls this process sent to `base` as `client_id`, per Marketo day.
pub fn own_rest_calls(base: &str, client_id: &str) -> BTreeMap<String, u64> {
    ledger()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&(base.to_owned(), client_id.to_owned()))
        .cloned()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_day_is_marketos_central_time_day() {
        // 03:00 UTC on 5 Dec is still 4 Dec in Chicago (CST, UTC-6).
        assert_eq!(marketo_day(datetime!(2026-12-05 03:00 UTC)), "2026-12-04");
        assert_eq!(marketo_day(datetime!(2026-12-05 07:00 UTC)), "2026-12-05");
        // Summer: CDT, UTC-5.
        assert_eq!(marketo_day(datetime!(2026-07-01 04:30 UTC)), "2026-06-30");
    }

    #[test]
    fn calls_are_counted_per_instance_and_client() {
        record("https://a.example", "one");
        record("https://a.example", "one");
        record("https://a.example", "two");
        let today = marketo_day(OffsetDateTime::now_utc());
        assert_eq!(
            own_rest_calls("https://a.example", "one").get(&today),
            Some(&2)
        );
        assert_eq!(
            own_rest_calls("https://a.example", "two").get(&today),
            Some(&1)
        );
        assert!(own_rest_calls("https://b.example", "one").is_empty());
    }
}
