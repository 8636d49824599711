//! When Marketo's daily API quota (error 607) comes back: midnight US Central time.
//! Central time observes US daylight saving (second Sunday of March to first Sunday of November).

use time::{Date, Month, OffsetDateTime, Time, UtcOffset};

/// The `n`-th Sunday (1-based) of `month`.
fn nth_sunday(year: i32, month: Month, n: u8) -> Option<Date> {
    let first = Date::from_calendar_date(year, month, 1).ok()?;
    let to_sunday = (7 - first.weekday().number_days_from_sunday()) % 7;
    first.checked_add(time::Duration::days(
        i64::from(to_sunday) + 7 * i64::from(n - 1),
    ))
}

/// Central time's UTC offset at `instant` (CDT −5 between the DST switches at 02:00 local, else CST −6).
pub fn central_offset(instant: OffsetDateTime) -> UtcOffset {
    let cst = UtcOffset::from_hms(-6, 0, 0).unwrap_or(UtcOffset::UTC);
    let cdt = UtcOffset::from_hms(-5, 0, 0).unwrap_or(UtcOffset::UTC);
    let year = instant.to_offset(cst).year();
    let (Some(start), Some(end)) = (
        nth_sunday(year, Month::March, 2),
        nth_sunday(year, Month::November, 1),
    ) else {
        return cst;
    };
    // 02:00 CST starts DST; 02:00 CDT (= 01:00 CST) ends it.
    let dst_start = start
        .with_time(Time::from_hms(2, 0, 0).unwrap_or(Time::MIDNIGHT))
        .assume_offset(cst);
    let dst_end = end
        .with_time(Time::from_hms(2, 0, 0).unwrap_or(Time::MIDNIGHT))
        .assume_offset(cdt);
    if instant >= dst_start && instant < dst_end {
        cdt
    } else {
        cst
    }
}

/// The next midnight in US Central time after `now`, in UTC.
pub fn next_quota_reset(now: OffsetDateTime) -> OffsetDateTime {
    let local = now.to_offset(central_offset(now));
    let tomorrow = local.date().next_day().unwrap_or(local.date());
    let naive = tomorrow.midnight();
    // Midnight is never inside a DST switch (they happen at 02:00), so the offset at that date is exact.
    let guess = naive.assume_offset(central_offset(naive.assume_utc()));
    let exact = naive.assume_offset(central_offset(guess));
    exact.to_offset(UtcOffset::UTC)
}

/// `2026-11-24 06:00 UTC`: how the reset time reads in a message.
pub fn format_reset(t: &OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn winter_resets_at_six_utc() {
        let r = next_quota_reset(datetime!(2026-11-23 22:18 UTC));
        assert_eq!(r, datetime!(2026-11-24 06:00 UTC));
        // Just after midnight Central: the next reset is a full day away.
        let r = next_quota_reset(datetime!(2026-11-24 06:00:01 UTC));
        assert_eq!(r, datetime!(2026-11-25 06:00 UTC));
    }

    #[test]
    fn summer_resets_at_five_utc() {
        let r = next_quota_reset(datetime!(2026-07-01 12:00 UTC));
        assert_eq!(r, datetime!(2026-07-02 05:00 UTC));
    }

    #[test]
    fn dst_boundaries() {
        // 2026: DST from 8 March to 1 November.
        assert_eq!(
            next_quota_reset(datetime!(2026-03-07 12:00 UTC)),
            datetime!(2026-03-08 06:00 UTC)
        );
        assert_eq!(
            next_quota_reset(datetime!(2026-03-08 12:00 UTC)),
            datetime!(2026-03-09 05:00 UTC)
        );
        assert_eq!(
            next_quota_reset(datetime!(2026-10-31 12:00 UTC)),
            datetime!(2026-11-01 05:00 UTC)
        );
        assert_eq!(
            next_quota_reset(datetime!(2026-11-01 12:00 UTC)),
            datetime!(2026-11-02 06:00 UTC)
        );
        assert_eq!(
            format_reset(&datetime!(2026-11-02 06:00 UTC)),
            "2026-11-02 06:00 UTC"
        );
    }
}
