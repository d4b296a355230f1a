//! One cell as a reader produced it (CSV text, or a workbook's typed value) and the
//! text a spreadsheet user sees in it. At the bottom of `load`: every reader makes
//! cells and every later stage reads them.

use std::borrow::Cow;

use chrono::NaiveDate;

use crate::model::trim;

/// One cell as a reader produced it.
#[derive(Clone, Debug)]
pub enum Cell<'a> {
    Text(Cow<'a, str>),
    Number(f64),
    Bool(bool),
    /// A spreadsheet date cell: its serial value and the date Excel shows (None for
    /// Excel's phantom 1900-02-29, and for a number that is no date serial at all).
    Date(f64, Option<NaiveDate>),
    /// A spreadsheet error value such as `#N/A`.
    Error(String),
    /// A workbook formula saved without its result (SPEC §8): the formula as Excel's
    /// formula bar shows it (`=TODAY()`), or empty when the file does not say.
    Uncomputed(String),
}

impl Cell<'_> {
    /// The text a spreadsheet user sees, trimmed.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => Cow::Borrowed(trim(s)),
            Cell::Number(n) => Cow::Owned(number_text(*n)),
            Cell::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
            Cell::Date(serial, d) => Cow::Owned(match d {
                Some(d) => crate::dates::fmt_date(*d),
                None => number_text(*serial),
            }),
            Cell::Error(e) | Cell::Uncomputed(e) => Cow::Borrowed(e),
        }
    }

    /// Empty, or only white space.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Text(s) => trim(s).is_empty(),
            _ => false,
        }
    }
}

/// A numeric cell as text: integers without `.0`.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}
