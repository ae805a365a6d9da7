//! The tenant's clock: system time plus an offset that tests move, and Entra's time formats.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub(crate) type UnixTime = i64;

/// System time shifted by an offset that tests set (a tenant whose clock is off, or time passing).
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    /// Now, in seconds since the epoch.
    pub(crate) fn now(&self) -> UnixTime {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        system + self.offset_secs.load(Ordering::Relaxed)
    }

    /// Moves the clock forward.
    pub(crate) fn advance(&self, by: Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX / 4);
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }

    /// Puts the clock `secs` seconds ahead of system time (behind when negative).
    pub(crate) fn set_offset(&self, secs: i64) {
        self.offset_secs.store(secs, Ordering::Relaxed);
    }
}

/// Seconds of a lifetime, as the signed arithmetic on timestamps wants them.
pub(crate) fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 4)
}

/// Calendar date and time (UTC) of a Unix time: (year, month, day, hour, minute, second).
fn civil(t: UnixTime) -> (i64, u32, u32, u32, u32, u32) {
    let days = t.div_euclid(86_400);
    let rem = t.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        (rem / 3600) as u32,
        (rem % 3600 / 60) as u32,
        (rem % 60) as u32,
    )
}

/// Entra's error timestamp: `2024-01-09 02:02:12Z`.
pub(crate) fn entra_timestamp(t: UnixTime) -> String {
    let (y, mo, d, h, mi, s) = civil(t);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}Z")
}

/// RFC 3339: `2024-01-09T02:02:12Z`.
pub(crate) fn rfc3339(t: UnixTime) -> String {
    let (y, mo, d, h, mi, s) = civil(t);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// X.509 UTCTime (`YYMMDDHHMMSSZ`), valid for the years 1950 to 2049.
pub(crate) fn utc_time(t: UnixTime) -> Option<String> {
    let (y, mo, d, h, mi, s) = civil(t);
    (1950..2050)
        .contains(&y)
        .then(|| format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z", y % 100))
}

/// X.509 GeneralizedTime (`YYYYMMDDHHMMSSZ`).
pub(crate) fn generalized_time(t: UnixTime) -> String {
    let (y, mo, d, h, mi, s) = civil(t);
    format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants_like_entra() {
        assert_eq!(entra_timestamp(1_452_304_932), "2016-01-09 02:02:12Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(utc_time(1_452_304_932).as_deref(), Some("160109020212Z"));
        assert_eq!(generalized_time(2_556_143_999), "20501231235959Z");
    }

    #[test]
    fn advancing_moves_now_forward() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(Duration::from_secs(600));
        assert!(clock.now() >= before + 600);
    }
}
