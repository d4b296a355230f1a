//! Reading one table: its file opened and decoded (or its sheet read), the header row
//! found and mapped to fields, and every data row handed to a sink (in parts on every
//! core for a large file); the exit-2 errors of a table that cannot be read at all.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::builder::{Builder, RowSink};
use super::cell::Cell;
use super::headers::{self, HeaderError, column_letter, map_headers_with};
use super::locate::TablePath;
use super::options::ReadOptions;
use super::parts::{read_parts, split_points};
use super::{csv, stream, xlsx};
use crate::i18n::say;
use crate::model::{Field, Source, TableKind, display_name};
use crate::notice::{Detail, Notice, NoticeKind};
use crate::spelling::Spellings;

/// A table that could not be read at all (exit 2).
pub fn header_errors(source: &Source, kind: TableKind, errors: Vec<HeaderError>) -> anyhow::Error {
    let file = source.display();
    let mut lines = Vec::new();
    for e in errors {
        match e {
            HeaderError::Duplicate {
                header,
                first,
                second,
            } => {
                let (a, b) = (column_letter(first), column_letter(second));
                lines.push(say(
                    format!("{file} 中表头 `{header}` 出现了两次（{a} 和 {b} 列），请改名或删去一列"),
                    format!("header `{header}` appears twice in {file} (columns {a} and {b}); rename or delete one"),
                ));
            }
            HeaderError::Missing {
                field,
                found,
                unmapped,
            } => {
                let accepted: Vec<&str> = std::iter::once(field.name)
                    .chain(field.aliases.iter().copied())
                    .collect();
                let (name, table) = (field.name, kind.name());
                let found_zh = if found.is_empty() {
                    "无".to_owned()
                } else {
                    found.join("、")
                };
                let found_en = if found.is_empty() {
                    "no headers".to_owned()
                } else {
                    found.join(", ")
                };
                let mut zh = format!(
                    "{file} 缺少 `{name}` 列（可用表头：{}）；现有表头：{found_zh}",
                    accepted.join("、")
                );
                let mut en = format!(
                    "missing column `{name}` in {file} (accepted: {}); found: {found_en}",
                    accepted.join(", ")
                );
                if let [only] = found.as_slice()
                    && only.contains([',', ';', '\t'])
                {
                    zh.push_str(
                        "。表头只读出一列且其中含分隔符，请检查 --delimiter 或文件的分隔符",
                    );
                    en.push_str(
                        "; the header was read as one column holding separators: check --delimiter",
                    );
                }
                match headers::closest(field, &unmapped) {
                    Some(h) => {
                        zh.push_str(&format!("。是否就是 `{h}`？可用 --columns 对应（如 [{table}] \"{h}\" = \"{name}\"）"));
                        en.push_str(&format!(
                            " — did you mean `{h}`? map it with --columns (e.g. [{table}] \"{h}\" = \"{name}\")"
                        ));
                    }
                    None => {
                        zh.push_str(&format!("。若该列用了别的表头，可用 --columns 对应（如 [{table}] \"表头\" = \"{name}\"）"));
                        en.push_str(&format!(
                            "; if the column has another name, map it with --columns (e.g. [{table}] \"表头\" = \"{name}\")"
                        ));
                    }
                }
                lines.push(say(zh, en));
            }
        }
    }
    anyhow::anyhow!(lines.join("\n"))
}

/// A table's rows: decoded CSV text, or a workbook sheet.
pub enum Rows {
    Csv {
        source: Source,
        text: stream::Text,
        /// `--delimiter`, else sniffed from the header line.
        delimiter: Option<u8>,
    },
    Sheet {
        source: Source,
        /// Boxed: an open workbook is large beside the other variant.
        sheet: Box<xlsx::SheetData>,
    },
}

/// The exit-2 error for a file that cannot be read as text.
pub fn read_error(source: &Source, path: &Path, e: stream::ReadError) -> anyhow::Error {
    match e {
        stream::ReadError::Io(e) => anyhow::Error::new(e).context(cannot_read(path)),
        stream::ReadError::Bad {
            offset,
            line,
            encoding,
        } => {
            let file = &source.file;
            anyhow::anyhow!(say(
                format!(
                    "{file} 不是可读的文本：第 {line} 行（第 {offset} 字节）不是有效的 {encoding}，整个文件既不是 UTF-8 也不是 GB18030；请另存为 UTF-8 或 Excel 的“CSV (逗号分隔)”"
                ),
                format!(
                    "{file} is not readable text: byte {offset} (line {line}) is not valid {encoding}, and the file is valid neither as UTF-8 nor as GB18030; save the file as UTF-8 or as Excel's “CSV (逗号分隔)”"
                )
            ))
        }
    }
}

/// "cannot read `path`", in the message language.
pub fn cannot_read(path: &Path) -> String {
    say(
        format!("无法读取 `{}`", path.display()),
        format!("cannot read `{}`", path.display()),
    )
}

/// The exit-2 message for a file with no header row.
pub fn no_header(source: &Source) -> String {
    say(
        format!("{} 是空文件：没有表头行", source.display()),
        format!("{} is empty: it has no header row", source.display()),
    )
}

/// A header row, and the byte position and line of the record after it.
pub type Header = (Vec<String>, (usize, u32));

/// Reads the header record of `text` (blank lines before it skipped): the headers and
/// the position and line of the first data record. None when `text` may not yet hold a
/// whole record (`more` input is coming).
pub fn read_header(
    text: &str,
    delimiter: u8,
    source: &Source,
    more: bool,
) -> Result<Option<Header>> {
    let mut reader = csv::Reader::new(text, delimiter);
    let mut cells: Vec<Cell<'_>> = Vec::new();
    loop {
        match reader.next_record(&mut cells) {
            Ok(Some(_)) if cells.iter().all(Cell::is_blank) => continue,
            Ok(Some(_)) => {
                let header = cells.iter().map(|c| c.text().into_owned()).collect();
                return Ok(Some((header, reader.position())));
            }
            Ok(None) if more => return Ok(None),
            Ok(None) => bail!(no_header(source)),
            Err(e) => bail!(say(
                format!(
                    "{}：第 {} 行开始的引号没有闭合，无法读出表头",
                    source.display(),
                    e.line
                ),
                format!(
                    "{}: a quote opened on line {} never closes",
                    source.display(),
                    e.line
                )
            )),
        }
    }
}

/// Reads a table's file (decoding, header row) without interpreting its rows.
pub fn open_table(kind: TableKind, path: &TablePath, opts: &ReadOptions) -> Result<Rows> {
    match path {
        TablePath::Csv(p) => {
            let source = Source {
                file: display_name(p),
                sheet: None,
            };
            if std::fs::metadata(p).is_ok_and(|m| m.len() >= (1 << 31)) {
                bail!(say(
                    format!("{} 超过 2 GiB，请拆分后再检查", source.file),
                    format!("{} is larger than 2 GiB; split it", source.file)
                ));
            }
            let (text, _enc) =
                stream::read_all(p, opts.encoding).map_err(|e| read_error(&source, p, e))?;
            crate::trace::stage(&format!("{} file read", kind.name()));
            let delimiter = opts.delimiter;
            Ok(Rows::Csv {
                source,
                text,
                delimiter,
            })
        }
        TablePath::Xlsx(p, sheet) => {
            let data = xlsx::read_sheet(p, sheet.as_deref(), kind)?;
            let source = Source {
                file: display_name(p),
                sheet: Some(data.sheet.clone()),
            };
            Ok(Rows::Sheet {
                source,
                sheet: Box::new(data),
            })
        }
    }
}

/// SPEC §8 notices of a sheet: taken by position, lines above its header.
fn sheet_notices(kind: TableKind, source: &Source, sheet: &xlsx::SheetData) -> Vec<Notice> {
    let mut out = Vec::new();
    if sheet.by_position {
        let mut n = Notice::new(NoticeKind::Sheet, Some(kind), 1);
        n.detail = Detail::From(source.clone());
        out.push(n);
    }
    if sheet.title_lines > 0 {
        let mut n = Notice::new(
            NoticeKind::TitleLines,
            Some(kind),
            u64::from(sheet.title_lines),
        );
        n.detail = Detail::Header {
            from: source.clone(),
            line: sheet.header_line,
        };
        out.push(n);
    }
    out
}

/// Reads every data row of a table into a [`Builder`], a large file in `parts` parts
/// read in parallel, then settles the ids in line order.
pub fn read_rows<'l>(
    kind: TableKind,
    rows: Rows,
    levels: &'l [String],
    custom: &[(String, Field)],
    spellings: &Spellings,
    parts: usize,
    min_bytes: usize,
) -> Result<Builder<'l>> {
    let mut pieces = read_rows_in_parts(
        kind,
        rows,
        levels,
        custom,
        spellings,
        (parts, min_bytes),
        |b| b,
    )?
    .into_iter();
    crate::trace::stage(&format!("{} rows parsed", kind.name()));
    let mut b = pieces.next().context("no rows were read")?;
    for p in pieces {
        b.absorb(p);
    }
    crate::trace::stage(&format!("{} parts joined", kind.name()));
    b.resolve_ids(parts);
    crate::trace::stage(&format!("{} ids settled", kind.name()));
    Ok(b)
}

/// Like [`read_rows`], splitting a large CSV file into up to `parts` pieces (files over
/// `min_bytes`) read in parallel, each by its own sink (in file order). Only files
/// without quotes are split, since a quoted field may hold a line break.
pub fn read_rows_in_parts<'l, S: RowSink<'l> + Send>(
    kind: TableKind,
    rows: Rows,
    levels: &'l [String],
    custom: &[(String, Field)],
    spellings: &Spellings,
    (parts, min_bytes): (usize, usize),
    mut make: impl FnMut(Builder<'l>) -> S,
) -> Result<Vec<S>> {
    match rows {
        Rows::Csv {
            source,
            text,
            delimiter,
        } => {
            let text = text.as_str();
            let delimiter = delimiter.unwrap_or_else(|| csv::sniff_delimiter(text));
            let Some((header, (start, line))) = read_header(text, delimiter, &source, false)?
            else {
                bail!(no_header(&source));
            };
            let columns = map_headers_with(kind, &header, custom)
                .map_err(|e| header_errors(&source, kind, e))?;
            let bounds = split_points(text, start, line, parts, min_bytes);
            let mut sinks: Vec<S> = bounds
                .iter()
                .map(|&(from, to, _)| {
                    let mut s = make(
                        Builder::new(kind, source.clone(), columns.clone(), levels)
                            .map_values(spellings),
                    );
                    // Room for this part's rows, counted by its line breaks.
                    let rows = memchr::memchr_iter(b'\n', &text.as_bytes()[from..to]).count() + 1;
                    s.builder().reserve(rows);
                    s
                })
                .collect();
            read_parts(text, delimiter, &bounds, &mut sinks);
            Ok(sinks)
        }
        Rows::Sheet { source, mut sheet } => {
            let columns = map_headers_with(kind, &sheet.header, custom)
                .map_err(|e| header_errors(&source, kind, e))?;
            let mut builder =
                Builder::new(kind, source.clone(), columns, levels).map_values(spellings);
            builder.notices.extend(sheet_notices(kind, &source, &sheet));
            let mut b = make(builder);
            sheet.rows(|line, cells| b.row(line, cells))?;
            b.finish();
            Ok(vec![b])
        }
    }
}
