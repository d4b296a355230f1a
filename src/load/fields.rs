//! Typed fields (SPEC §1 "Reading, precisely"): a row's cells read field by field into
//! a cadre, a class, a waiver or an attendance row, each problem found kept with its
//! field and value. A row is typed only when it has no problem; the builder reports the
//! problems as data errors and leaves the row out.

use std::borrow::Cow;

use chrono::NaiveDate;

use super::cell::Cell;
use super::values::{check_id, parse_completed, parse_date, parse_number, parse_serial_date};
use crate::i18n::Problem;
use crate::model::{Cadre, Class, Field};

/// The problems found in a row: field, value as written, problem.
pub type Problems = Vec<(Field, String, Problem)>;

/// A row's cells and where each field's column is.
pub struct RowCells<'c, 'k> {
    pub cells: &'c [Cell<'c>],
    pub cols: &'k [Option<usize>; Field::COUNT],
}

impl<'c> RowCells<'c, '_> {
    /// The trimmed text and the cell of a field ("" and no cell when absent).
    pub fn get(&self, f: Field) -> (Option<&'c Cell<'c>>, Cow<'c, str>) {
        match self.cols[f.index()].and_then(|c| self.cells.get(c)) {
            Some(cell) => (Some(cell), cell.text()),
            None => (None, Cow::Borrowed("")),
        }
    }
}

/// A cadre row: the cadre (its table row still to be set) when the row has no problem,
/// and whether its id can be kept.
pub fn cadre(
    row: &RowCells<'_, '_>,
    levels: &[String],
    problems: &mut Problems,
) -> (Option<Cadre>, bool) {
    let (id_cell, id_text) = row.get(Field::CadreId);
    let id_ok = id_field(Field::CadreId, id_cell, &id_text, problems);
    for f in [Field::Name, Field::Post] {
        let (_, t) = row.get(f);
        if t.is_empty() {
            problems.push((f, String::new(), Problem::Missing));
        }
    }
    let (c, t) = row.get(Field::AppointedOn);
    let appointed = date_field(Field::AppointedOn, c, &t, true, problems);
    let (c, t) = row.get(Field::LeftOn);
    let left = date_field(Field::LeftOn, c, &t, false, problems);
    let (_, t) = row.get(Field::UnitLevel);
    let level = level_field(levels, Field::UnitLevel, &t, false, problems);
    let cadre = match (problems.is_empty(), appointed) {
        (true, Some(appointed_on)) => Some(Cadre {
            row: 0,
            appointed_on,
            left_on: left,
            unit_level: level.unwrap_or(0),
        }),
        _ => None,
    };
    (cadre, id_ok)
}

/// A class row: the class (its table row still to be set) when the row has no problem,
/// and whether its id can be kept.
pub fn class(
    row: &RowCells<'_, '_>,
    levels: &[String],
    problems: &mut Problems,
) -> (Option<Class>, bool) {
    let (id_cell, id_text) = row.get(Field::ClassId);
    let id_ok = id_field(Field::ClassId, id_cell, &id_text, problems);
    let (_, t) = row.get(Field::OrganizerLevel);
    let level = level_field(levels, Field::OrganizerLevel, &t, true, problems);
    let (_, t) = row.get(Field::Category);
    if t.is_empty() {
        problems.push((Field::Category, String::new(), Problem::Missing));
    }
    let (c, t) = row.get(Field::StartOn);
    let start = date_field(Field::StartOn, c, &t, true, problems);
    let (c, end_text) = row.get(Field::EndOn);
    let end = date_field(Field::EndOn, c, &end_text, false, problems);
    let (c, t) = row.get(Field::Days);
    let days = number_field(Field::Days, c, &t, problems);
    if days.is_some_and(|d| d <= 0.0) {
        problems.push((Field::Days, t.to_string(), Problem::DaysNotPositive));
    }
    let (c, t) = row.get(Field::Fee);
    let fee = number_field(Field::Fee, c, &t, problems);
    if fee.is_some_and(|f| f < 0.0) {
        problems.push((Field::Fee, t.to_string(), Problem::FeeNegative));
    }
    let hours = hours_field(Field::Hours, row, problems);
    if let (Some(s), Some(e)) = (start, end)
        && e < s
    {
        problems.push((
            Field::EndOn,
            end_text.to_string(),
            Problem::EndBeforeStart { start: s },
        ));
    }
    let class = match (problems.is_empty(), start, level) {
        (true, Some(start_on), Some(organizer_level)) => {
            let end_on = end.unwrap_or(start_on);
            let days = days.unwrap_or_else(|| ((end_on - start_on).num_days() + 1) as f64);
            Some(Class {
                row: 0,
                start_on,
                end_on,
                days,
                fee: fee.unwrap_or(0.0),
                organizer_level,
                hours,
            })
        }
        _ => None,
    };
    (class, id_ok)
}

/// An `hours` cell (SPEC §6): a number ≥ 0, `None` when empty.
pub fn hours_field(f: Field, row: &RowCells<'_, '_>, problems: &mut Problems) -> Option<f64> {
    let (c, t) = row.get(f);
    let hours = number_field(f, c, &t, problems);
    if hours.is_some_and(|h| h < 0.0) {
        problems.push((f, t.to_string(), Problem::HoursNegative));
        return None;
    }
    hours
}

/// A waiver read without error (`--waivers`).
#[derive(Clone, Debug)]
pub struct WaiverRow {
    pub line: u32,
    pub rule: String,
    pub subject: String,
    pub period: Option<i32>,
    pub reason: String,
    pub approved_by: String,
    pub expires_on: Option<NaiveDate>,
}

/// A waiver row (`--waivers`): the waiver when the row has no problem.
pub fn waiver(row: &RowCells<'_, '_>, line: u32, problems: &mut Problems) -> Option<WaiverRow> {
    let text = |f: Field, required: bool, problems: &mut Problems| {
        let (_, t) = row.get(f);
        if required && t.is_empty() {
            problems.push((f, String::new(), Problem::Missing));
        }
        t.into_owned()
    };
    let rule = text(Field::WaiverRule, true, problems);
    let subject = text(Field::WaiverSubject, true, problems);
    let period_text = text(Field::WaiverPeriod, false, problems);
    let reason = text(Field::WaiverReason, true, problems);
    let approved_by = text(Field::WaiverApprovedBy, true, problems);
    let period = if period_text.is_empty() {
        None
    } else {
        match period_text.trim_end_matches('年').parse::<i32>() {
            Ok(y) if (1..=9999).contains(&y) => Some(y),
            _ => {
                problems.push((Field::WaiverPeriod, period_text.clone(), Problem::BadPeriod));
                None
            }
        }
    };
    let (c, t) = row.get(Field::WaiverExpiresOn);
    let expires_on = date_field(Field::WaiverExpiresOn, c, &t, false, problems);
    problems.is_empty().then_some(WaiverRow {
        line,
        rule,
        subject,
        period,
        reason,
        approved_by,
        expires_on,
    })
}

/// The `completed` field of an attendance row: a workbook's TRUE/FALSE, or a word
/// SPEC §1 accepts.
pub fn completed_field(
    cell: Option<&Cell<'_>>,
    text: &str,
    problems: &mut Problems,
) -> Option<bool> {
    match cell {
        Some(Cell::Bool(b)) => Some(*b),
        _ => match parse_completed(text) {
            Ok(b) => Some(b),
            Err(p) => {
                problems.push((Field::Completed, text.to_string(), p));
                None
            }
        },
    }
}

/// An id: present, and not mangled by Excel (SPEC §1).
pub fn id_field(f: Field, cell: Option<&Cell<'_>>, text: &str, problems: &mut Problems) -> bool {
    if text.is_empty() {
        problems.push((f, String::new(), Problem::Missing));
        return false;
    }
    let problem = match cell {
        // SPEC §1: a numeric id cell of 10^15 or more has lost digits.
        Some(Cell::Number(n)) if n.abs() >= 1e15 || n.fract() != 0.0 => Some(Problem::IdLostDigits),
        Some(Cell::Number(_)) => None,
        _ => check_id(text).err(),
    };
    match problem {
        Some(p) => {
            problems.push((f, text.to_owned(), p));
            false
        }
        None => true,
    }
}

/// A level name (`unit_level`, `organizer_level`): its place among the plan's levels.
fn level_field(
    levels: &[String],
    f: Field,
    text: &str,
    required: bool,
    problems: &mut Problems,
) -> Option<u8> {
    if text.is_empty() {
        if required {
            problems.push((f, String::new(), Problem::Missing));
        }
        return None;
    }
    match levels.iter().position(|l| l == text) {
        Some(i) => Some(i as u8),
        None => {
            problems.push((
                f,
                text.to_owned(),
                Problem::UnknownLevel {
                    levels: levels.to_vec(),
                },
            ));
            None
        }
    }
}

/// A date: a workbook date cell, a serial number, or text in an accepted spelling.
fn date_field(
    f: Field,
    cell: Option<&Cell<'_>>,
    text: &str,
    required: bool,
    problems: &mut Problems,
) -> Option<NaiveDate> {
    if text.is_empty() {
        if required {
            problems.push((f, String::new(), Problem::Missing));
        }
        return None;
    }
    match date_value(cell, text) {
        Ok(d) => Some(d),
        Err(p) => {
            problems.push((f, text.to_owned(), p));
            None
        }
    }
}

/// A date cell's date: a workbook date cell, a serial number, or text in an accepted
/// spelling.
fn date_value(cell: Option<&Cell<'_>>, text: &str) -> Result<NaiveDate, Problem> {
    match cell {
        Some(Cell::Date(_, Some(d))) => Ok(*d),
        // SPEC §8: a date cell holding no date serial (0 from `=IF(…, date, 0)`, a
        // negative number, NaN…) is no date, never a made-up one.
        Some(Cell::Date(serial, None)) if serial.floor() == 60.0 => Err(Problem::Serial1900Feb29),
        Some(Cell::Date(_, None)) => Err(Problem::SerialOutOfRange),
        Some(Cell::Number(n)) => parse_serial_date(*n),
        _ => parse_date(text),
    }
}

/// A cell of a column `[columns]` declares a date or a number (SPEC §6), read with
/// SPEC §1's rules: the text to keep for it (a workbook's serial becomes its date's
/// text; `None` keeps the cell as it is), or the problem.
pub fn declared_cell(cell: &Cell<'_>, date: bool) -> Result<Option<String>, Problem> {
    let text = cell.text();
    if text.is_empty() {
        return Ok(None);
    }
    if date {
        let d = date_value(Some(cell), &text)?;
        Ok(matches!(cell, Cell::Number(_)).then(|| crate::dates::fmt_date(d)))
    } else {
        match cell {
            Cell::Number(n) if n.is_finite() => Ok(None),
            _ => parse_number(&text).map(|_| None),
        }
    }
}

/// A number (days, fee): a numeric cell or text such as `1,200` or `200元`.
fn number_field(
    f: Field,
    cell: Option<&Cell<'_>>,
    text: &str,
    problems: &mut Problems,
) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    let parsed = match cell {
        Some(Cell::Number(n)) if n.is_finite() => Ok(*n),
        _ => parse_number(text),
    };
    match parsed {
        Ok(n) => Some(n),
        Err(p) => {
            problems.push((f, text.to_owned(), p));
            None
        }
    }
}
