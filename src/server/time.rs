//! Stored instants (UTC milliseconds) on the practice's wall clock: the edge where the
//! practice's time zone is applied. The words come from `domain::when`.

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// The instant `at_ms` in `tz`.
pub fn local(tz: Tz, at_ms: i64) -> DateTime<Tz> {
    Utc.timestamp_millis_opt(at_ms)
        .single()
        .unwrap_or_default()
        .with_timezone(&tz)
}

/// The wall-clock date and time of `at_ms` in `tz`, for `domain::when`.
pub fn wall(tz: Tz, at_ms: i64) -> NaiveDateTime {
    local(tz, at_ms).naive_local()
}

/// The first instant of `day` in `tz` (UTC milliseconds): local midnight, or the first
/// moment after it where a clock change skips midnight.
pub fn start_of_day(tz: Tz, day: chrono::NaiveDate) -> i64 {
    (0..24)
        .find_map(|hour| {
            tz.from_local_datetime(&day.and_hms_opt(hour, 0, 0)?)
                .earliest()
        })
        .map_or_else(
            || {
                day.and_time(chrono::NaiveTime::MIN)
                    .and_utc()
                    .timestamp_millis()
            },
            |t| t.timestamp_millis(),
        )
}
