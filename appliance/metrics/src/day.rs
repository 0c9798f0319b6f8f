//! Calendar days in UTC: the finest time the store keeps. Dates are computed from the Unix day
//! number with the proleptic Gregorian calendar, so no time-zone database is needed.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A UTC calendar day, as days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i64);

impl Day {
    /// The day with Unix day number `days` (0 is 1970-01-01).
    pub const fn from_unix_days(days: i64) -> Self {
        Self(days)
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Self {
        let seconds = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
        };
        Self(seconds.div_euclid(86_400))
    }

    /// The Unix day number.
    pub const fn unix_days(self) -> i64 {
        self.0
    }

    /// The day `n` days later (earlier when negative).
    pub const fn plus(self, n: i64) -> Self {
        Self(self.0 + n)
    }

    /// The Monday that starts this day's ISO week.
    pub fn week_start(self) -> Self {
        // 1970-01-01 was a Thursday: Monday is three days before.
        Self(self.0 - (self.0 + 3).rem_euclid(7))
    }

    /// Year, month (1–12) and day of month (1–31).
    pub fn civil(self) -> (i64, u32, u32) {
        // Shift to an era starting on 0000-03-01, so the leap day ends each 4-year cycle.
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        (year, u32::try_from(month).unwrap_or(1), u32::try_from(day).unwrap_or(1))
    }

    /// The day for a year, month and day of month, if they name a real date.
    pub fn from_civil(year: i64, month: u32, day: u32) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > 31 {
            return None;
        }
        let y = if month <= 2 { year - 1 } else { year };
        let era = y.div_euclid(400);
        let year_of_era = y.rem_euclid(400);
        let m = i64::from(month);
        let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        let result = Self(era * 146_097 + day_of_era - 719_468);
        (result.civil() == (year, month, day)).then_some(result)
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, '-');
        let year = parts.next()?;
        let month = parts.next()?;
        let day = parts.next()?;
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        Self::from_civil(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = self.civil();
        write!(f, "{year:04}-{month:02}-{day:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_across_leap_years_and_eras() {
        assert_eq!(Day::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Day::parse("2024-02-29").map(Day::unix_days), Some(19_782));
        assert_eq!(Day::parse("2023-02-29"), None);
        assert_eq!(Day::parse("2000-13-01"), None);
        for days in (-700_000..2_900_000).step_by(997) {
            let day = Day::from_unix_days(days);
            assert_eq!(Day::parse(&day.to_string()), Some(day), "{day}");
        }
    }

    #[test]
    fn weeks_start_on_monday() {
        // 2026-03-05 is a Thursday; its week starts on Monday 2026-03-02.
        let thursday = Day::parse("2026-03-05").expect("a date");
        assert_eq!(thursday.week_start().to_string(), "2026-03-02");
        let monday = Day::parse("2026-03-02").expect("a date");
        assert_eq!(monday.week_start(), monday);
        assert_eq!(Day::parse("2026-03-08").expect("a date").week_start(), monday);
    }
}
