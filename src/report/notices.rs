//! The notices of a run (SPEC §8) as report entries: what JSON prints and the human
//! formats show, sorted by kind, table, column and value.

use serde::Serialize;

use crate::dates::fmt_date;
use crate::i18n::Lang;
use crate::notice::{Detail, Notice};
use crate::tables::TableKind;

/// One entry of `notices` (SPEC §8).
#[derive(Clone, Debug, Serialize)]
pub struct NoticeEntry {
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The column's header as written, where it differs from `column`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    pub count: u64,
    pub message: String,
    pub examples: Vec<ExampleEntry>,
    /// `after_as_of`: the latest date left out and its line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest: Option<LatestEntry>,
    /// `title_lines`: the line the header was found on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_line: Option<u32>,
    /// `variant_value`: the word of a rule the value resembles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resembles: Option<String>,
    /// `column_absent`: the rules that use the column.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<String>>,
    /// `by_name`, `sheet`, `title_lines`, `empty_table`: the file the table was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

/// A row a notice points to.
#[derive(Clone, Debug, Serialize)]
pub struct ExampleEntry {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub line: u32,
    pub value: Option<String>,
}

/// `latest` of an `after_as_of` notice.
#[derive(Clone, Debug, Serialize)]
pub struct LatestEntry {
    pub date: String,
    pub line: u32,
}

/// The notices of a run as report entries, sorted by kind, table, column, value.
pub fn notice_entries<'n>(
    notices: impl Iterator<Item = &'n Notice>,
    lang: Lang,
) -> Vec<NoticeEntry> {
    let mut all: Vec<&Notice> = notices.collect();
    all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    all.into_iter()
        .map(|n| {
            let (file, sheet) = match &n.detail {
                Detail::From(s) | Detail::Header { from: s, .. } => {
                    (Some(s.file.clone()), s.sheet.clone())
                }
                _ => (None, None),
            };
            NoticeEntry {
                kind: n.kind.as_str(),
                table: n.table.map(TableKind::name),
                column: n.column.clone(),
                header: n.header.clone().filter(|h| Some(h) != n.column.as_ref()),
                value: n.value.clone(),
                count: n.count,
                message: n.message(lang),
                examples: n
                    .examples
                    .iter()
                    .map(|e| ExampleEntry {
                        file: e.source.file.clone(),
                        sheet: e.source.sheet.clone(),
                        line: e.line,
                        value: e.value.clone(),
                    })
                    .collect(),
                latest: match &n.detail {
                    Detail::Latest { date, line } => Some(LatestEntry {
                        date: fmt_date(*date),
                        line: *line,
                    }),
                    _ => None,
                },
                header_line: match &n.detail {
                    Detail::Header { line, .. } => Some(*line),
                    _ => None,
                },
                resembles: match &n.detail {
                    Detail::Resembles(w) => Some(w.clone()),
                    _ => None,
                },
                rules: match &n.detail {
                    Detail::Rules(r) => Some(r.clone()),
                    _ => None,
                },
                file,
                sheet,
            }
        })
        .collect()
}
