//! Reading one table: its file opened and decoded (or its sheet read), the header row
//! found and mapped to fields, and every data row handed to a sink (in parts on every
//! core for a large file); the exit-2 errors of a table that cannot be read at all.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::builder::{Builder, RowSink};
use super::cell::Cell;
use super::encoding::TextEncoding;
use super::headers::{self, HeaderError, column_letter, map_headers_with};
use super::locate::TablePath;
use super::options::ReadOptions;
use super::parts::{read_parts, split_points};
use super::{csv, stream, xlsx};
use crate::i18n::say;
use crate::limits;
use crate::model::{Declared, Field, Source, TableKind, display_name};
use crate::notice::{Detail, Notice, NoticeKind};
use crate::spelling::Spellings;

/// A table that could not be read at all (exit 2). Values are quoted cut and lists
/// shortened (SPEC §8), and a header row full of duplicates names the first few.
pub fn header_errors(source: &Source, kind: TableKind, errors: Vec<HeaderError>) -> anyhow::Error {
    let file = source.display();
    let mut lines = Vec::new();
    let mut duplicates = 0;
    for e in errors {
        match e {
            HeaderError::Duplicate {
                header,
                first,
                second,
            } => {
                duplicates += 1;
                if duplicates > limits::MAX_LISTED {
                    continue;
                }
                let (a, b) = (column_letter(first), column_letter(second));
                let header = limits::cut(&header);
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
                    limits::list(&found, "、", true)
                };
                let found_en = if found.is_empty() {
                    "no headers".to_owned()
                } else {
                    limits::list(&found, ", ", false)
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
                match headers::closest(field, &unmapped).map(limits::cut) {
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
    if duplicates > limits::MAX_LISTED {
        let more = duplicates - limits::MAX_LISTED;
        lines.push(say(
            format!("{file} 中另有 {more} 处重复的表头"),
            format!("{file} has {more} more duplicate headers"),
        ));
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
        /// The longest record and header line read (SPEC §8).
        limits: (usize, usize),
        /// The file and `--encoding`, for a word on the encoding in header errors.
        path: std::path::PathBuf,
        forced: Option<TextEncoding>,
    },
    Sheet {
        source: Source,
        /// Boxed: an open workbook is large beside the other variant.
        sheet: Box<xlsx::SheetData>,
    },
}

/// The exit-2 error for a file that cannot be read as text. When `--encoding` named an
/// encoding (`forced`) the file is not in, it says which one the file appears to be
/// (SPEC §8).
pub fn read_error(
    source: &Source,
    path: &Path,
    forced: Option<TextEncoding>,
    e: stream::ReadError,
) -> anyhow::Error {
    match e {
        stream::ReadError::Io(e) => anyhow::Error::new(e).context(cannot_read(path)),
        stream::ReadError::TooLong {
            line,
            limit,
            header,
        } => too_long(source, line, limit, header),
        stream::ReadError::Bad {
            offset,
            line,
            encoding,
        } => {
            let file = &source.file;
            let seems = stream::apparent_encoding(path, offset).filter(|&a| Some(a) != forced);
            if let Some(forced) = forced {
                let named = forced.name();
                let (zh, en) = match seems {
                    Some(a) => {
                        let (zh, en) = encoding_advice(a);
                        (format!("；{zh}"), format!("; {en}"))
                    }
                    None => (
                        "，看来也不是其他可读的编码（UTF-8、GB18030、带 BOM 的 UTF-16）".to_owned(),
                        ", nor does it look like another accepted encoding (UTF-8, GB18030, UTF-16 with a BOM)".to_owned(),
                    ),
                };
                return anyhow::anyhow!(say(
                    format!(
                        "{file} 不是有效的 {named}（--encoding 指定的编码）：第 {line} 行（第 {offset} 字节）{zh}"
                    ),
                    format!(
                        "{file} is not valid {named}, the encoding --encoding names: byte {offset} (line {line}){en}"
                    )
                ));
            }
            let (zh, en) = match seems {
                Some(TextEncoding::Utf16) => {
                    let (zh, en) = encoding_advice(TextEncoding::Utf16);
                    (format!("；{zh}"), format!("; {en}"))
                }
                _ => (
                    "；请另存为 UTF-8 或 Excel 的“CSV (逗号分隔)”".to_owned(),
                    "; save the file as UTF-8 or as Excel's “CSV (逗号分隔)”".to_owned(),
                ),
            };
            anyhow::anyhow!(say(
                format!(
                    "{file} 不是可读的文本：第 {line} 行（第 {offset} 字节）不是有效的 {encoding}，整个文件既不是 UTF-8 也不是 GB18030{zh}"
                ),
                format!(
                    "{file} is not readable text: byte {offset} (line {line}) is not valid {encoding}, and the file is valid neither as UTF-8 nor as GB18030{en}"
                )
            ))
        }
    }
}

/// What to do about a file that appears to be in encoding `a`, in both languages.
fn encoding_advice(a: TextEncoding) -> (String, String) {
    match a {
        TextEncoding::Utf8 => (
            "该文件看来是 UTF-8 编码：请去掉 --encoding，或改用 --encoding utf-8".to_owned(),
            "the file appears to be UTF-8: leave --encoding out, or give --encoding utf-8"
                .to_owned(),
        ),
        TextEncoding::Gb18030 => (
            "该文件看来是 GB18030（GBK）编码：请去掉 --encoding，或改用 --encoding gb18030"
                .to_owned(),
            "the file appears to be GB18030 (GBK): leave --encoding out, or give --encoding gb18030"
                .to_owned(),
        ),
        TextEncoding::Utf16 => (
            "该文件看来是没有 BOM 的 UTF-16 编码：请另存为 Excel 的“Unicode 文本”（带 BOM）或 UTF-8".to_owned(),
            "the file appears to be UTF-16 without a BOM: save it as Excel's “Unicode text” (which has one) or as UTF-8".to_owned(),
        ),
    }
}

/// A header error, with a word on the encoding when `--encoding` named one the file
/// appears not to be in: its headers were likely read as mojibake (SPEC §8).
pub fn header_error_in(
    err: anyhow::Error,
    path: &Path,
    forced: Option<TextEncoding>,
) -> anyhow::Error {
    let Some(forced) = forced else {
        return err;
    };
    match stream::apparent_encoding(path, 0).filter(|&a| a != forced) {
        Some(a) => {
            let (zh, en) = encoding_advice(a);
            let named = forced.name();
            anyhow::anyhow!(
                "{err}\n{}",
                say(
                    format!("（文件按 --encoding 读作 {named}；{zh}）"),
                    format!("(the file was read as {named}, as --encoding says; {en})")
                )
            )
        }
        None => err,
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

/// The exit-2 error for a record, or a header line, over its limit (SPEC §8).
pub fn too_long(source: &Source, line: u32, limit: usize, header: bool) -> anyhow::Error {
    let (file, limit) = (source.display(), limits::bytes_in_words(limit));
    anyhow::anyhow!(if header {
        say(
            format!(
                "{file} 第 {line} 行的表头超过 {limit} 的上限，不予读取：它不像表格的表头，请检查文件"
            ),
            format!(
                "{file}: the header on line {line} is longer than {limit}, the limit for a header line; it is not a table's header: check the file"
            ),
        )
    } else {
        say(
            format!(
                "{file} 第 {line} 行的记录超过 {limit} 的上限，不予读取：请检查文件（可能有引号没有闭合，或它不是表格的导出）"
            ),
            format!(
                "{file}: the record on line {line} is longer than {limit}, the limit for one record; check the file (a quote that never closes, or not a table export?)"
            ),
        )
    })
}

/// A header row: its cells, the byte position and line of the record after it, how
/// many non-blank lines above it were passed over as title lines (SPEC §8), and the
/// delimiter (given, or sniffed from the header line).
pub struct Header {
    pub names: Vec<String>,
    pub next: (usize, u32),
    pub title_lines: u32,
    pub delimiter: u8,
}

/// Finds the header record of `text` (SPEC §8 "Title lines"): the first record among
/// the first lines for which `fits` holds (it maps every required column); when none
/// does, the first non-blank record, as if there were no title lines. Blank lines are
/// passed over. Without a `delimiter`, each line's own is sniffed. None when `text` may
/// not yet hold enough records (`more` input is coming).
///
/// A record read as a header may be at most `limit` bytes: the first one longer is
/// refused (exit 2), a later one ends the search.
pub fn read_header(
    text: &str,
    delimiter: Option<u8>,
    source: &Source,
    more: bool,
    limit: usize,
    fits: impl Fn(&[String]) -> bool,
) -> Result<Option<Header>> {
    let mut cells: Vec<Cell<'_>> = Vec::new();
    let mut first: Option<Header> = None;
    let mut titles = 0;
    let (mut pos, mut line) = (0, 1);
    loop {
        let d = delimiter.unwrap_or_else(|| csv::sniff_delimiter(&text[pos..]));
        let mut reader = csv::Reader::starting_at(text, d, pos, line).with_limit(limit);
        let read = reader.next_record(&mut cells);
        (pos, line) = reader.position();
        match read {
            Ok(Some(at)) => {
                if first.is_some() && at > limits::HEADER_SEARCH_LINES {
                    return Ok(first);
                }
                if cells.iter().all(Cell::is_blank) {
                    continue;
                }
                let header = Header {
                    names: cells.iter().map(|c| c.text().into_owned()).collect(),
                    next: (pos, line),
                    title_lines: titles,
                    delimiter: d,
                };
                if at > limits::HEADER_SEARCH_LINES || fits(&header.names) {
                    return Ok(Some(header));
                }
                first.get_or_insert(Header {
                    title_lines: 0,
                    ..header
                });
                titles += 1;
            }
            Ok(None) if more => return Ok(None),
            Ok(None) => match first {
                Some(h) => return Ok(Some(h)),
                None => bail!(no_header(source)),
            },
            Err(_) if first.is_some() => return Ok(first),
            Err(csv::RecordError::TooLong { line }) => {
                return Err(too_long(source, line, limit, true));
            }
            Err(csv::RecordError::UnclosedQuote { line }) => bail!(say(
                format!(
                    "{}：第 {} 行开始的引号没有闭合，无法读出表头",
                    source.display(),
                    line
                ),
                format!(
                    "{}: a quote opened on line {} never closes",
                    source.display(),
                    line
                )
            )),
        }
    }
}

/// Whether a header row maps every required column of a table (SPEC §8 "Title lines").
pub fn fits(kind: TableKind, custom: &[(String, Field)]) -> impl Fn(&[String]) -> bool {
    move |names| map_headers_with(kind, names, custom).is_ok()
}

/// Reads a table's file (decoding, header row) without interpreting its rows.
pub fn open_table(kind: TableKind, path: &TablePath, opts: &ReadOptions) -> Result<Rows> {
    match path {
        TablePath::Csv(p) => {
            let source = Source {
                file: display_name(p),
                sheet: None,
            };
            if std::fs::metadata(p).is_ok_and(|m| m.len() >= limits::MAX_CSV_FILE_BYTES) {
                bail!(say(
                    format!("{} 超过 2 GiB，请拆分后再检查", source.file),
                    format!("{} is larger than 2 GiB; split it", source.file)
                ));
            }
            let (text, _enc) = stream::read_all_within(
                p,
                opts.encoding,
                (opts.record_limit(), opts.header_limit()),
            )
            .map_err(|e| read_error(&source, p, opts.encoding, e))?;
            crate::trace::stage(&format!("{} file read", kind.name()));
            let delimiter = opts.delimiter;
            Ok(Rows::Csv {
                source,
                text,
                delimiter,
                limits: (opts.record_limit(), opts.header_limit()),
                path: p.clone(),
                forced: opts.encoding,
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

/// SPEC §8 notice of a sheet taken by position.
fn sheet_notices(kind: TableKind, source: &Source, sheet: &xlsx::SheetData) -> Vec<Notice> {
    let mut out = Vec::new();
    if sheet.by_position {
        let mut n = Notice::new(NoticeKind::Sheet, Some(kind), 1);
        n.detail = Detail::From(source.clone());
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
    (spellings, declared): (&Spellings, &[Declared]),
    parts: usize,
    min_bytes: usize,
) -> Result<Builder<'l>> {
    let mut pieces = read_rows_in_parts(
        kind,
        rows,
        levels,
        custom,
        (spellings, declared),
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
    (spellings, declared): (&Spellings, &[Declared]),
    (parts, min_bytes): (usize, usize),
    mut make: impl FnMut(Builder<'l>) -> S,
) -> Result<Vec<S>> {
    match rows {
        Rows::Csv {
            source,
            text,
            delimiter,
            limits: (record_limit, header_limit),
            path,
            forced,
        } => {
            let text = text.as_str();
            let Some(header) = read_header(
                text,
                delimiter,
                &source,
                false,
                header_limit,
                fits(kind, custom),
            )?
            else {
                bail!(no_header(&source));
            };
            let delimiter = header.delimiter;
            let columns = map_headers_with(kind, &header.names, custom)
                .map_err(|e| header_error_in(header_errors(&source, kind, e), &path, forced))?;
            let (start, line) = header.next;
            let bounds = split_points(text, start, line, parts, min_bytes);
            let mut sinks: Vec<S> = bounds
                .iter()
                .map(|&(from, to, _)| {
                    let mut b = Builder::new(kind, source.clone(), columns.clone(), levels)
                        .map_values(spellings, declared);
                    b.title_lines = header.title_lines;
                    b.header_line = header.next.1.saturating_sub(1).max(1);
                    let mut s = make(b);
                    // Room for this part's rows, counted by its line breaks.
                    let rows = memchr::memchr_iter(b'\n', &text.as_bytes()[from..to]).count() + 1;
                    s.builder().reserve(rows);
                    s
                })
                .collect();
            if let Some(line) = read_parts(text, delimiter, &bounds, &mut sinks, record_limit) {
                return Err(too_long(&source, line, record_limit, false));
            }
            Ok(sinks)
        }
        Rows::Sheet { source, mut sheet } => {
            let columns = map_headers_with(kind, &sheet.header, custom)
                .map_err(|e| header_errors(&source, kind, e))?;
            let mut builder =
                Builder::new(kind, source.clone(), columns, levels).map_values(spellings, declared);
            builder.title_lines = sheet.title_lines;
            builder.header_line = sheet.header_line;
            builder.notices.extend(sheet_notices(kind, &source, &sheet));
            let mut b = make(builder);
            sheet.rows(|line, cells| b.row(line, cells))?;
            b.finish();
            Ok(vec![b])
        }
    }
}
