//! Dates as peixun prints them and the calendar arithmetic of SPEC §2 (a month later,
//! a year's first and last day). Below every other module: the language, the model and
//! the reports all format dates here.

use chrono::{Datelike, NaiveDate};

/// Formats a date the one way peixun prints dates.
pub fn fmt_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// Same day N months later, clamped to the end of the month.
pub fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    let total = d.year() as i64 * 12 + (d.month0() as i64) + n as i64;
    let year = (total.div_euclid(12)) as i32;
    let month = (total.rem_euclid(12)) as u32 + 1;
    let mut day = d.day();
    loop {
        if let Some(x) = NaiveDate::from_ymd_opt(year, month, day) {
            return x;
        }
        if day <= 28 {
            return NaiveDate::MAX;
        }
        day -= 1;
    }
}

/// The last day of a year.
pub fn year_end(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX)
}

/// The first day of a year.
pub fn year_start(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN)
}
