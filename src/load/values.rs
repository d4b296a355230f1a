//! Cell values as clerks write them (SPEC §1 "Values" and "Reading, precisely"):
//! dates in five spellings, Excel serial numbers, numbers with `元` and thousands
//! separators, yes/no for `completed`, and ids mangled by Excel.
//!
//! Every parser returns a [`Problem`] on failure; the loader turns it into a data
//! error with the file, line and column around it.

use chrono::NaiveDate;

use crate::i18n::Problem;
use crate::model::trim;

/// Parses a date written as text in a CSV cell or a spreadsheet text cell.
///
/// Accepted: `2018-09-12`, `2018/9/12`, `2018.9.12`, `2018年9月12日`, `20180912`,
/// each optionally followed by a time (`2018-09-12 00:00:00`, `2018/9/12 0:00`).
/// Day-first and month-first forms are refused as ambiguous; any other bare number
/// is refused with the date it would be as an Excel serial number.
pub fn parse_date(text: &str) -> Result<NaiveDate, Problem> {
    let s = trim(text);
    let date_part = strip_time(s);
    if !date_part.is_empty() && date_part.bytes().all(|b| b.is_ascii_digit()) {
        if date_part.len() == 8 {
            let y = num(&date_part[0..4]);
            let m = num(&date_part[4..6]);
            let d = num(&date_part[6..8]);
            return ymd(y, m, d);
        }
        return Err(
            match date_part.parse::<f64>().ok().and_then(serial_to_date) {
                Some(d) => Problem::BareNumberDate {
                    serial_date: Some(d),
                },
                None => Problem::BareNumberDate { serial_date: None },
            },
        );
    }
    if let Some(n) = parse_plain_float(date_part)
        && date_part.contains('.')
        && date_part.split('.').count() == 2
    {
        // `43355.5`: a serial number with a time fraction, not `2018.9.12`.
        return Err(Problem::BareNumberDate {
            serial_date: serial_to_date(n),
        });
    }
    let parts = split_date(date_part).ok_or(Problem::BadDate)?;
    let (a, b, c) = parts;
    if a.len() == 4 {
        ymd(num(a), num(b), num(c))
    } else if c.len() == 4 {
        Err(Problem::AmbiguousDate)
    } else {
        Err(Problem::BadDate)
    }
}

fn num(s: &str) -> u32 {
    s.parse().unwrap_or(0)
}

fn ymd(y: u32, m: u32, d: u32) -> Result<NaiveDate, Problem> {
    if !(1..=12).contains(&m) || d == 0 || y == 0 {
        return Err(Problem::NoSuchDate);
    }
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(Problem::NoSuchDate)
}

/// Removes a trailing time (` 0:00`, ` 00:00:00`, `T08:30`) from a date.
fn strip_time(s: &str) -> &str {
    let cut = s.find([' ', 'T', '\u{3000}']).unwrap_or(s.len());
    let (date, rest) = s.split_at(cut);
    let rest = trim(rest.trim_start_matches('T'));
    if rest.is_empty() {
        return date;
    }
    let is_time =
        rest.split(':').enumerate().all(|(i, p)| {
            i < 3 && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        }) && rest.contains(':');
    if is_time { date } else { s }
}

/// Splits `2018-9-12`, `2018/9/12`, `2018.9.12`, `2018年9月12日` into three digit runs.
fn split_date(s: &str) -> Option<(&str, &str, &str)> {
    if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        let all = [y, m, d];
        return all
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .then_some((y, m, d));
    }
    for sep in ['-', '/', '.'] {
        let mut it = s.split(sep);
        let (Some(a), Some(b), Some(c), None) = (it.next(), it.next(), it.next(), it.next()) else {
            continue;
        };
        let ok = |p: &str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
        if ok(a) && ok(b) && ok(c) && b.len() <= 2 && (a.len() == 4 || c.len() == 4) {
            return Some((a, b, c));
        }
    }
    None
}

/// Converts an Excel serial number (1900 date system) to a date, as Excel shows it:
/// 1 = 1900-01-01, 59 = 1900-02-28, 60 is Excel's non-existent 1900-02-29 (none),
/// 61 = 1900-03-01. A fractional part is a time of day and is dropped.
pub fn serial_to_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let n = serial.floor() as i64;
    if n == 60 {
        return None;
    }
    let base = NaiveDate::from_ymd_opt(1899, 12, 31)?;
    let offset = if n < 60 { n } else { n - 1 };
    base.checked_add_days(chrono::Days::new(offset as u64))
}

/// Parses a date from a spreadsheet's numeric cell: a serial number, or an 8-digit
/// `YYYYMMDD` typed as a number (far above any serial Excel uses, so never ambiguous).
pub fn parse_serial_date(serial: f64) -> Result<NaiveDate, Problem> {
    if serial.fract() == 0.0 && (10_000_101.0..=99_991_231.0).contains(&serial) {
        return parse_date(&format!("{}", serial as i64));
    }
    if serial.floor() as i64 == 60 && serial.is_finite() {
        return Err(Problem::Serial1900Feb29);
    }
    serial_to_date(serial).ok_or(Problem::SerialOutOfRange)
}

fn parse_plain_float(s: &str) -> Option<f64> {
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
    {
        return None;
    }
    s.parse().ok()
}

/// Parses a number such as `0.5`, `1,200`, `200元`, `免费` (free = 0).
/// Refuses `NaN` and infinities; the range check belongs to the caller.
pub fn parse_number(text: &str) -> Result<f64, Problem> {
    let s = trim(text);
    if s == "免费" {
        return Ok(0.0);
    }
    let s = trim(s.strip_suffix('元').unwrap_or(s));
    if s.contains([',', '，']) && !thousands_grouped(s) {
        // `1,5` is not 15: a comma only separates thousands (`1,200`, `12,345.5`).
        return Err(Problem::NotANumber);
    }
    let cleaned: String = s.chars().filter(|&c| c != ',' && c != '，').collect();
    if cleaned.is_empty()
        || !cleaned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return Err(Problem::NotANumber);
    }
    let n: f64 = cleaned.parse().map_err(|_| Problem::NotANumber)?;
    if !n.is_finite() {
        return Err(Problem::NotANumber);
    }
    Ok(n)
}

/// `1,200` or `-12,345.5`: commas only between groups of three digits before the point.
fn thousands_grouped(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let int = s.split('.').next().unwrap_or("");
    let groups: Vec<&str> = int.split([',', '，']).collect();
    let digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    !s[int.len()..].contains([',', '，'])
        && groups.first().is_some_and(|g| digits(g) && g.len() <= 3)
        && groups[1..].iter().all(|g| digits(g) && g.len() == 3)
}

/// Reads the `completed` column: SPEC §1 lists the accepted words.
pub fn parse_completed(text: &str) -> Result<bool, Problem> {
    let s = trim(text);
    match s {
        "是" | "" => return Ok(true),
        "否" => return Ok(false),
        _ => {}
    }
    let s = s.to_lowercase();
    match s.as_str() {
        "" | "是" | "已结业" | "结业" | "yes" | "y" | "true" | "1" => Ok(true),
        "否" | "未结业" | "no" | "n" | "false" | "0" => Ok(false),
        _ => Err(Problem::BadCompleted),
    }
}

/// Checks an id: Excel's scientific notation (`5.10703E+17`) means the real id was lost.
pub fn check_id(text: &str) -> Result<(), Problem> {
    let s = trim(text);
    // Most ids have no letter e at all.
    if !s.bytes().any(|b| b | 0x20 == b'e') {
        return Ok(());
    }
    let Some((mantissa, exp)) = s.split_once(['e', 'E']) else {
        return Ok(());
    };
    let mantissa_ok = !mantissa.is_empty()
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && mantissa.bytes().any(|b| b.is_ascii_digit());
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    let exp_ok = !exp.is_empty() && exp.bytes().all(|b| b.is_ascii_digit());
    if mantissa_ok && exp_ok {
        Err(Problem::ScientificId)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn date_spellings() {
        let cases = [
            ("2018-09-12", d(2018, 9, 12)),
            ("2018-9-12", d(2018, 9, 12)),
            ("2018/9/12", d(2018, 9, 12)),
            ("2018.9.12", d(2018, 9, 12)),
            ("2018年9月12日", d(2018, 9, 12)),
            ("20180912", d(2018, 9, 12)),
            ("2018-09-12 00:00:00", d(2018, 9, 12)),
            ("2018/9/12 0:00", d(2018, 9, 12)),
            ("  2018-09-12\u{3000}", d(2018, 9, 12)),
            ("2020-02-29", d(2020, 2, 29)),
            ("2018-09-12T08:30:00", d(2018, 9, 12)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_date(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn rejected_dates() {
        assert_eq!(parse_date("12/9/2018"), Err(Problem::AmbiguousDate));
        assert_eq!(parse_date("2019-02-29"), Err(Problem::NoSuchDate));
        assert_eq!(parse_date("2018-13-01"), Err(Problem::NoSuchDate));
        assert_eq!(
            parse_date("43355"),
            Err(Problem::BareNumberDate {
                serial_date: Some(d(2018, 9, 12))
            })
        );
        assert_eq!(parse_date("2018-09"), Err(Problem::BadDate));
        assert_eq!(parse_date("soon"), Err(Problem::BadDate));
        assert_eq!(parse_date("2018-09-12 noon"), Err(Problem::BadDate));
    }

    #[test]
    fn excel_serials() {
        assert_eq!(serial_to_date(1.0), Some(d(1900, 1, 1)));
        assert_eq!(serial_to_date(59.0), Some(d(1900, 2, 28)));
        assert_eq!(serial_to_date(60.0), None);
        assert_eq!(serial_to_date(61.0), Some(d(1900, 3, 1)));
        assert_eq!(serial_to_date(43355.0), Some(d(2018, 9, 12)));
        assert_eq!(serial_to_date(43355.75), Some(d(2018, 9, 12)));
        assert_eq!(serial_to_date(0.0), None);
        assert_eq!(parse_serial_date(60.0), Err(Problem::Serial1900Feb29));
        assert_eq!(parse_serial_date(0.5), Err(Problem::SerialOutOfRange));
        // SPEC §8: no number that is not a date serial becomes a date.
        for bad in [
            0.0,
            -1.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            2_958_466.0,
            4_294_967_296.0,
        ] {
            assert_eq!(
                parse_serial_date(bad),
                Err(Problem::SerialOutOfRange),
                "{bad}"
            );
        }
        assert_eq!(parse_serial_date(2_958_465.5), Ok(d(9999, 12, 31)));
        assert_eq!(parse_serial_date(20180912.0), Ok(d(2018, 9, 12)));
        assert_eq!(parse_serial_date(20181312.0), Err(Problem::NoSuchDate));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("0.5"), Ok(0.5));
        assert_eq!(parse_number("1,200"), Ok(1200.0));
        assert_eq!(parse_number("1,200元"), Ok(1200.0));
        assert_eq!(parse_number("12,345.5"), Ok(12345.5));
        assert_eq!(parse_number("1,5"), Err(Problem::NotANumber));
        assert_eq!(parse_number("12,00"), Err(Problem::NotANumber));
        assert_eq!(parse_number("1.5,0"), Err(Problem::NotANumber));
        assert_eq!(parse_number("200 元"), Ok(200.0));
        assert_eq!(parse_number("免费"), Ok(0.0));
        assert_eq!(parse_number("-5"), Ok(-5.0));
        assert_eq!(parse_number("NaN"), Err(Problem::NotANumber));
        assert_eq!(parse_number("inf"), Err(Problem::NotANumber));
        assert_eq!(parse_number("1e999"), Err(Problem::NotANumber));
        assert_eq!(parse_number("两天"), Err(Problem::NotANumber));
    }

    #[test]
    fn completed_words() {
        for yes in ["是", "已结业", "结业", "YES", "y", "True", "1", ""] {
            assert_eq!(parse_completed(yes), Ok(true), "{yes}");
        }
        for no in ["否", "未结业", "No", "n", "FALSE", "0"] {
            assert_eq!(parse_completed(no), Ok(false), "{no}");
        }
        assert_eq!(parse_completed("缺席"), Err(Problem::BadCompleted));
    }

    #[test]
    fn ids() {
        assert_eq!(check_id("5.10703E+17"), Err(Problem::ScientificId));
        assert_eq!(check_id("5.10703e17"), Err(Problem::ScientificId));
        assert_eq!(check_id("51070319800101001X"), Ok(()));
        assert_eq!(check_id("E02"), Ok(()));
    }
}
