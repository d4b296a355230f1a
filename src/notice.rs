//! Notices (SPEC §8 "Notices"): what changes the answer without being a data error —
//! rows dated after the as-of date, a spelling no rule names, a column a rule uses that
//! the file lacks, an empty table, lines above a header, a table found by a part of its
//! file's name or by a sheet's position, cells a `[values]` mapping changed. They are
//! made where the data is read or evaluated and only shown by the reports.

use chrono::NaiveDate;

use crate::dates::fmt_date;
use crate::i18n::Lang;
use crate::tables::{Source, TableKind};

/// At most this many example rows per notice.
pub const MAX_EXAMPLES: usize = 5;

/// The kinds of SPEC §8, in the order reports list them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoticeKind {
    AfterAsOf,
    ByName,
    ColumnAbsent,
    /// `validate`: a column a rule names that the data lacks (`check` stops on it).
    ColumnMissing,
    EmptyTable,
    Sheet,
    TitleLines,
    ValuesMapped,
    VariantValue,
}

impl NoticeKind {
    /// The name JSON gives the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::AfterAsOf => "after_as_of",
            NoticeKind::ByName => "by_name",
            NoticeKind::ColumnAbsent => "column_absent",
            NoticeKind::ColumnMissing => "column_missing",
            NoticeKind::EmptyTable => "empty_table",
            NoticeKind::Sheet => "sheet",
            NoticeKind::TitleLines => "title_lines",
            NoticeKind::ValuesMapped => "values_mapped",
            NoticeKind::VariantValue => "variant_value",
        }
    }
}

/// A row a notice points to, so a clerk can find it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    pub source: Source,
    pub line: u32,
    pub value: Option<String>,
}

/// What a notice says beyond its kind, table, column and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    None,
    /// `after_as_of`: the latest date among the rows left out, and its line.
    Latest {
        date: NaiveDate,
        line: u32,
    },
    /// `variant_value`: the word of a rule the value resembles.
    Resembles(String),
    /// `column_absent`: the rules that use the column.
    Rules(Vec<String>),
    /// `by_name`, `sheet`, `empty_table`: the file (and sheet) the table was read from.
    From(Source),
    /// `title_lines`: the file (and sheet), and the line the header was found on.
    Header {
        from: Source,
        line: u32,
    },
}

/// One notice (SPEC §8).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub table: Option<TableKind>,
    /// The column's canonical name, or its header as written for other columns.
    pub column: Option<String>,
    /// The column's header as written in the file, which messages name.
    pub header: Option<String>,
    pub value: Option<String>,
    pub count: u64,
    pub examples: Vec<Example>,
    pub detail: Detail,
}

impl Notice {
    /// A notice of `kind` about `table`, counting `count`, with nothing else yet.
    pub fn new(kind: NoticeKind, table: Option<TableKind>, count: u64) -> Notice {
        Notice {
            kind,
            table,
            column: None,
            header: None,
            value: None,
            count,
            examples: Vec::new(),
            detail: Detail::None,
        }
    }

    /// Adds an example row, if fewer than [`MAX_EXAMPLES`] are kept.
    pub fn example(&mut self, source: &Source, line: u32, value: Option<&str>) {
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(Example {
                source: source.clone(),
                line,
                value: value.map(str::to_owned),
            });
        }
    }

    /// The order reports list notices in: kind, table, column, value.
    pub fn sort_key(&self) -> (&'static str, Option<TableKind>, Option<&str>, Option<&str>) {
        (
            self.kind.as_str(),
            self.table,
            self.column.as_deref(),
            self.value.as_deref(),
        )
    }

    /// The notice in words.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let table = |t: Option<TableKind>| match (t, zh) {
            (Some(t), true) => t.chinese().to_owned(),
            (Some(t), false) => t.name().to_owned(),
            (None, _) => String::new(),
        };
        let t = table(self.table);
        let n = self.count;
        let column = self
            .header
            .as_deref()
            .or(self.column.as_deref())
            .unwrap_or("");
        let value = self.value.as_deref().unwrap_or("");
        let from = match &self.detail {
            Detail::From(s) | Detail::Header { from: s, .. } => s.display(),
            _ => String::new(),
        };
        let header_line = match &self.detail {
            Detail::Header { line, .. } => *line,
            _ => n as u32 + 1,
        };
        match (self.kind, zh) {
            (NoticeKind::AfterAsOf, _) => {
                let (date, line) = match &self.detail {
                    Detail::Latest { date, line } => (fmt_date(*date), *line),
                    _ => (String::new(), 0),
                };
                let what_zh = match self.table {
                    Some(TableKind::Cadres) => "任职日期",
                    _ => "开班日期",
                };
                let what_en = match self.table {
                    Some(TableKind::Cadres) => "appointed",
                    _ => "starting",
                };
                if zh {
                    format!(
                        "{t}中有 {n} 行{what_zh}晚于检查日，按规定不计入（最晚 {date}，第 {line} 行）；若是录入错误，请更正"
                    )
                } else {
                    format!(
                        "{n} row(s) of {t} {what_en} after the as-of date are left out (latest {date}, line {line}); if a date is mistyped, correct it"
                    )
                }
            }
            (NoticeKind::VariantValue, _) => {
                let word = match &self.detail {
                    Detail::Resembles(w) => w.as_str(),
                    _ => "",
                };
                if zh {
                    format!(
                        "{t}“{column}”列的值“{value}”（{n} 行）像是规则中的“{word}”，但没有规则认它：请在表头对应文件（--columns）的 [values] 中对应，或列入 [known]"
                    )
                } else {
                    format!(
                        "{t} {column} “{value}” ({n} row(s)) looks like “{word}”, which a rule names: map it in the columns file's [values], or list it in [known]"
                    )
                }
            }
            (NoticeKind::ColumnAbsent, _) => {
                let rules = match &self.detail {
                    Detail::Rules(r) => r.join(", "),
                    _ => String::new(),
                };
                if zh {
                    format!(
                        "规则 {rules} 用到{t}的 `{column}` 列，但文件中没有这一列：该列按空值计，规则可能检查不到应查的内容"
                    )
                } else {
                    format!(
                        "rule(s) {rules} use the {t} column `{column}`, which the file lacks: it reads as empty, so the rule may check nothing"
                    )
                }
            }
            (NoticeKind::ColumnMissing, _) => {
                let rules = match &self.detail {
                    Detail::Rules(r) => r.join(", "),
                    _ => String::new(),
                };
                if zh {
                    format!(
                        "规则 {rules} 用到{t}的 `{column}` 列，但数据中没有这一列：check 会因此停止（退出码 2）"
                    )
                } else {
                    format!(
                        "rule(s) {rules} name the {t} column `{column}`, which the data lacks: check stops on it (exit 2)"
                    )
                }
            }
            (NoticeKind::EmptyTable, true) => format!("{t}（{from}）没有数据行"),
            (NoticeKind::EmptyTable, false) => format!("the {t} table ({from}) has no data rows"),
            (NoticeKind::TitleLines, true) => {
                format!("{from} 的表头在第 {header_line} 行，上方 {n} 行标题或说明已跳过")
            }
            (NoticeKind::TitleLines, false) => format!(
                "{from}: the header is on line {header_line}; {n} line(s) of title or notes above it were skipped"
            ),
            (NoticeKind::ByName, true) => format!(
                "没有名为“{}”或“{}”的文件，{t}取自文件名含“{}”的 `{from}`",
                self.table.map_or("", TableKind::chinese),
                self.table.map_or("", TableKind::name),
                value
            ),
            (NoticeKind::ByName, false) => format!(
                "no file is named `{}` or `{}`: the {t} table was taken from `{from}`, whose name contains “{}”",
                self.table.map_or("", TableKind::name),
                self.table.map_or("", TableKind::chinese),
                value
            ),
            (NoticeKind::Sheet, true) => format!(
                "工作簿中没有名为“{}”的工作表，{t}取自第一个可见工作表 `{from}`",
                self.table.map_or("", TableKind::chinese)
            ),
            (NoticeKind::Sheet, false) => format!(
                "the workbook has no sheet named `{}`: the {t} table was read from the first visible sheet, `{from}`",
                self.table.map_or("", TableKind::name)
            ),
            (NoticeKind::ValuesMapped, true) => {
                format!("{t}的 {column} 列有 {n} 个单元格按 [values] 改写为规则用词")
            }
            (NoticeKind::ValuesMapped, false) => {
                format!("{n} cell(s) of the {t} column {column} were mapped by [values]")
            }
        }
    }
}
