//! The reading options every stage of a load takes (`--encoding`, `--delimiter`,
//! `--columns`, progress, how many cores), and the `--columns` file that maps a clerk's
//! own headers to fields.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::encoding::TextEncoding;
use crate::i18n::say;
use crate::model::{Field, TableKind, fields_of};
use crate::spelling::Spellings;

/// Reading options that apply to every file.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<u8>,
    /// `--columns`: per table (cadres, classes, attendance), header → field.
    pub columns: [Vec<(String, Field)>; 3],
    /// Bytes read at a time from a streamed file (attendance, and the cadres and classes
    /// CSV); 0 means the default.
    /// Small values let tests cross block boundaries everywhere.
    pub block: usize,
    /// A progress bar on stderr for large inputs, advanced by the bytes read.
    pub progress: Option<indicatif::ProgressBar>,
    /// Pieces a large file is split into and read in parallel; 0 means one per core.
    /// (Only files over 1 MB without quotes are split, unless `split_small` is set.)
    pub threads: usize,
    /// Split files of any size (lets tests read small fixtures in parts).
    pub split_small: bool,
    /// `[values]` and `[known]` of the rule file and the columns file, merged.
    pub spellings: Spellings,
    /// `[columns]` of the rule file (SPEC §6): extra columns read as dates or numbers.
    pub declared: Vec<crate::model::Declared>,
    /// The longest CSV record and header line, in bytes of text; 0 means the limits of
    /// SPEC §8 (`crate::limits`). Small values let tests cross them cheaply.
    pub record_limit: usize,
    pub header_limit: usize,
    /// No rule counts hours (SPEC §6): attendance `hours` cells are still checked (a
    /// bad one is a data error) but not kept.
    pub hours_unused: bool,
}

impl ReadOptions {
    /// The smallest body of a file worth splitting.
    pub fn min_split(&self) -> usize {
        if self.split_small { 0 } else { 1 << 20 }
    }

    /// The longest CSV record read (SPEC §8).
    pub fn record_limit(&self) -> usize {
        match self.record_limit {
            0 => crate::limits::MAX_RECORD_BYTES,
            n => n,
        }
    }

    /// The longest CSV header line read (SPEC §8).
    pub fn header_limit(&self) -> usize {
        match self.header_limit {
            0 => crate::limits::MAX_HEADER_BYTES,
            n => n,
        }
    }

    /// How many parts to read a large file in.
    pub fn parts(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
            n => n,
        }
    }
}

/// What a `--columns` file says: per table, header → field; and value spellings.
pub type ColumnsFile = ([Vec<(String, Field)>; 3], Spellings);

/// Reads a `--columns` file: a TOML table per table name, mapping a local header to a
/// field, e.g. `[cadres]` `"任职时期" = "appointed_on"`; and `[values]`/`[known]`
/// (SPEC §8 "Value spellings").
pub fn read_column_map(path: &Path) -> Result<ColumnsFile> {
    let text = std::fs::read_to_string(path).with_context(|| {
        say(
            format!("无法读取表头对应文件 `{}`", path.display()),
            format!("cannot read column map `{}`", path.display()),
        )
    })?;
    let name = path.display().to_string();
    let doc = toml::de::DeTable::parse(&text).map_err(|e| {
        let (line, col) = crate::diag::line_col(&text, e.span().map_or(0, |s| s.start));
        anyhow::anyhow!(say(
            format!(
                "{name}:{line}:{col}: 不是有效的 TOML：{}",
                crate::diag::toml_message(e.message())
            ),
            format!(
                "{name}:{line}:{col}: not valid TOML: {}",
                crate::diag::toml_message(e.message())
            ),
        ))
    })?;
    let mut out: [Vec<(String, Field)>; 3] = Default::default();
    let mut problems = Vec::new();
    let mut spelling_problems = Vec::new();
    let spellings = Spellings::read(doc.get_ref(), &mut spelling_problems);
    for (span, message) in spelling_problems {
        let (line, col) = crate::diag::line_col(&text, span.start);
        problems.push(format!("{name}:{line}:{col}: {message}"));
    }
    for (k, v) in doc.get_ref().iter() {
        let table_name: &str = k.get_ref().as_ref();
        if matches!(table_name, "values" | "known") {
            continue;
        }
        let Some(i) = TableKind::ALL
            .iter()
            .position(|t| t.name() == table_name || t.chinese() == table_name)
        else {
            let (line, col) = crate::diag::line_col(&text, k.span().start);
            problems.push(say(
                format!(
                    "{name}:{line}:{col}: 表 `{}` 无法识别（可用：cadres、classes、attendance）",
                    crate::limits::cut(table_name)
                ),
                format!(
                    "{name}:{line}:{col}: unknown table `{}` (accepted: cadres, classes, attendance)",
                    crate::limits::cut(table_name)
                ),
            ));
            continue;
        };
        let kind = TableKind::ALL[i];
        let toml::de::DeValue::Table(t) = v.get_ref() else {
            let (line, col) = crate::diag::line_col(&text, v.span().start);
            problems.push(say(
                format!(
                    "{name}:{line}:{col}: `{}` 应为“表头 = 字段”的表",
                    crate::limits::cut(table_name)
                ),
                format!(
                    "{name}:{line}:{col}: `{}` must be a table of header = field",
                    crate::limits::cut(table_name)
                ),
            ));
            continue;
        };
        for (hk, hv) in t.iter() {
            let field_name = hv.get_ref().as_str().unwrap_or("");
            match fields_of(kind).iter().find(|f| f.name == field_name) {
                Some(f) => out[i].push((hk.get_ref().to_string(), f.field)),
                None => {
                    let (line, col) = crate::diag::line_col(&text, hv.span().start);
                    let names: Vec<&str> = fields_of(kind).iter().map(|f| f.name).collect();
                    problems.push(say(
                        format!(
                            "{name}:{line}:{col}: `{}` 不是 {} 表的字段（可用：{}）",
                            crate::limits::cut(field_name),
                            kind.name(),
                            names.join("、")
                        ),
                        format!(
                            "{name}:{line}:{col}: `{}` is not a field of {} (accepted: {})",
                            crate::limits::cut(field_name),
                            kind.name(),
                            names.join(", ")
                        ),
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok((out, spellings))
    } else {
        bail!("{}", problems.join("\n"))
    }
}
