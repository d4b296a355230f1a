//! Loading the three tables (SPEC §1): finding the files, decoding, header mapping,
//! typed values, and data errors for bad rows. Only this module opens input files.

pub mod cell;
pub mod csv;
pub mod encoding;
pub mod headers;
pub mod rows;
pub mod stream;
pub mod values;
pub mod xlsx;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::i18n::{Problem, say};
use crate::model::{Dataset, Field, Source, TableKind, fields_of};
use cell::Cell;
use encoding::TextEncoding;
use headers::{HeaderError, column_letter, map_headers_with};
use rows::Builder;

/// Where each table comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TablePath {
    /// A CSV (or tab-separated text) file.
    Csv(PathBuf),
    /// A workbook and the sheet to read (None: the sheet named like the table, else the first).
    Xlsx(PathBuf, Option<String>),
}

impl TablePath {
    pub fn path(&self) -> &Path {
        match self {
            TablePath::Csv(p) | TablePath::Xlsx(p, _) => p,
        }
    }
}

/// Reading options that apply to every file.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<u8>,
    /// `--columns`: per table (cadres, classes, attendance), header → field.
    pub columns: [Vec<(String, Field)>; 3],
    /// Bytes read at a time from a streamed file (attendance); 0 means the default.
    /// Small values let tests cross block boundaries everywhere.
    pub block: usize,
    /// A progress bar on stderr for large inputs, advanced by the bytes read.
    pub progress: Option<indicatif::ProgressBar>,
    /// Pieces a large file is split into and read in parallel; 0 means one per core.
    /// (Only files over 1 MB without quotes are split, unless `split_small` is set.)
    pub threads: usize,
    /// Split files of any size (lets tests read small fixtures in parts).
    pub split_small: bool,
}

impl ReadOptions {
    /// The smallest body of a file worth splitting.
    pub fn min_split(&self) -> usize {
        if self.split_small { 0 } else { 1 << 20 }
    }

    /// How many parts to read a large file in.
    pub fn parts(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get().min(8)),
            n => n,
        }
    }
}

/// Reads a `--columns` file: a TOML table per table name, mapping a local header to a
/// field, e.g. `[cadres]` `"任职时期" = "appointed_on"`.
pub fn read_column_map(path: &Path) -> Result<[Vec<(String, Field)>; 3]> {
    let text = std::fs::read_to_string(path).with_context(|| {
        say(
            format!("无法读取表头对应文件 `{}`", path.display()),
            format!("cannot read column map `{}`", path.display()),
        )
    })?;
    let name = path.display().to_string();
    let doc = toml::de::DeTable::parse(&text).map_err(|e| {
        let (line, col) = crate::diag::line_col(&text, e.span().map_or(0, |s| s.start));
        anyhow::anyhow!(
            "{name}:{line}:{col}: not valid TOML: {}",
            e.message().trim()
        )
    })?;
    let mut out: [Vec<(String, Field)>; 3] = Default::default();
    let mut problems = Vec::new();
    for (k, v) in doc.get_ref().iter() {
        let table_name: &str = k.get_ref().as_ref();
        let Some(i) = TableKind::ALL
            .iter()
            .position(|t| t.name() == table_name || t.chinese() == table_name)
        else {
            let (line, col) = crate::diag::line_col(&text, k.span().start);
            problems.push(format!(
                "{name}:{line}:{col}: unknown table `{table_name}` (accepted: cadres, classes, attendance)"
            ));
            continue;
        };
        let kind = TableKind::ALL[i];
        let toml::de::DeValue::Table(t) = v.get_ref() else {
            let (line, col) = crate::diag::line_col(&text, v.span().start);
            problems.push(format!(
                "{name}:{line}:{col}: `{table_name}` must be a table of header = field"
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
                    problems.push(format!(
                        "{name}:{line}:{col}: `{field_name}` is not a field of {} (accepted: {})",
                        kind.name(),
                        names.join(", ")
                    ));
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        bail!("{}", problems.join("\n"))
    }
}

/// Finds the three tables: explicit paths win, then DATA (a folder or a workbook).
pub fn locate(data: &Path, explicit: [Option<PathBuf>; 3]) -> Result<[TablePath; 3]> {
    let mut found: [Option<TablePath>; 3] = [None, None, None];
    for (i, p) in explicit.into_iter().enumerate() {
        if let Some(p) = p {
            found[i] = Some(path_kind(&p, None));
        }
    }
    if found.iter().all(Option::is_some) {
        return Ok(found.map(|f| f.unwrap_or(TablePath::Csv(PathBuf::new()))));
    }
    if data.is_file() {
        if !is_xlsx(data) {
            bail!(say(
                format!(
                    "`{}` 是文件但不是 .xlsx 工作簿：数据应为包含干部名册、培训班、参训记录的文件夹，或含这三个工作表的一个工作簿",
                    data.display()
                ),
                format!(
                    "`{}` is a file but not an .xlsx workbook: DATA is a folder holding cadres, classes and attendance, or one workbook with those sheets",
                    data.display()
                )
            ));
        }
        let sheets = xlsx::sheet_names(data)?;
        for (i, kind) in TableKind::ALL.iter().enumerate() {
            if found[i].is_none() {
                let sheet = pick_sheet(&sheets, *kind).with_context(|| {
                    say(
                        format!(
                            "工作簿 `{}` 中没有工作表 `{}` 或 `{}`（现有工作表：{}）",
                            display_name(data),
                            kind.chinese(),
                            kind.name(),
                            sheets.join("、")
                        ),
                        format!(
                            "workbook `{}` has no sheet `{}` or `{}` (sheets: {})",
                            display_name(data),
                            kind.name(),
                            kind.chinese(),
                            sheets.join(", ")
                        ),
                    )
                })?;
                found[i] = Some(TablePath::Xlsx(data.to_path_buf(), Some(sheet)));
            }
        }
        return Ok(found.map(|f| f.unwrap_or(TablePath::Csv(PathBuf::new()))));
    }
    if !data.is_dir() {
        bail!(say(
            format!("数据文件夹 `{}` 不存在", data.display()),
            format!("data folder `{}` does not exist", data.display())
        ));
    }
    let entries: Vec<PathBuf> = std::fs::read_dir(data)
        .with_context(|| {
            say(
                format!("无法读取文件夹 `{}`", data.display()),
                format!("cannot read folder `{}`", data.display()),
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    let mut missing = Vec::new();
    for (i, kind) in TableKind::ALL.iter().enumerate() {
        if found[i].is_some() {
            continue;
        }
        let mut hits: Vec<&PathBuf> = entries.iter().filter(|p| names_table(p, *kind)).collect();
        hits.sort();
        match hits.as_slice() {
            [one] => found[i] = Some(path_kind(one, None)),
            [] => missing.push(*kind),
            [a, b, ..] => bail!(say(
                format!(
                    "{}（{}）表有两个文件：`{}` 和 `{}`，请只保留一个",
                    kind.chinese(),
                    kind.name(),
                    display_name(a),
                    display_name(b)
                ),
                format!(
                    "two files for the {} table: `{}` and `{}`; keep one",
                    kind.name(),
                    display_name(a),
                    display_name(b)
                )
            )),
        }
    }
    if !missing.is_empty() {
        // A folder whose only table source is one workbook.
        let books: Vec<&PathBuf> = entries.iter().filter(|p| is_xlsx(p)).collect();
        if missing.len() == 3 && books.len() == 1 {
            return locate(books[0], [None, None, None]);
        }
        let kind = missing[0];
        let (n, c) = (kind.name(), kind.chinese());
        bail!(say(
            format!(
                "`{}` 中没有{c}（{n}）表：应为 `{n}.csv`、`{c}.csv`、`{n}.xlsx` 或 `{c}.xlsx`，或用 --{n} 指定文件",
                data.display()
            ),
            format!(
                "no {n} table in `{}`: expected `{n}.csv`, `{c}.csv`, `{n}.xlsx` or `{c}.xlsx`, or --{n} FILE",
                data.display()
            )
        ));
    }
    Ok(found.map(|f| f.unwrap_or(TablePath::Csv(PathBuf::new()))))
}

fn path_kind(p: &Path, sheet: Option<String>) -> TablePath {
    if is_xlsx(p) {
        TablePath::Xlsx(p.to_path_buf(), sheet)
    } else {
        TablePath::Csv(p.to_path_buf())
    }
}

fn is_xlsx(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "xlsx" | "xlsm"))
}

fn names_table(p: &Path, kind: TableKind) -> bool {
    let (Some(stem), Some(ext)) = (
        p.file_stem().and_then(|s| s.to_str()),
        p.extension().and_then(|s| s.to_str()),
    ) else {
        return false;
    };
    let ext = ext.to_ascii_lowercase();
    let stem = stem.trim().to_lowercase();
    matches!(ext.as_str(), "csv" | "txt" | "tsv" | "xlsx" | "xlsm")
        && (stem == kind.name() || stem == kind.chinese())
}

fn pick_sheet(sheets: &[String], kind: TableKind) -> Option<String> {
    sheets
        .iter()
        .find(|s| {
            let n = s.trim().to_lowercase();
            n == kind.name() || n == kind.chinese()
        })
        .cloned()
}

/// A file's name as reports show it.
pub fn display_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// A table that could not be read at all (exit 2).
fn header_errors(source: &Source, kind: TableKind, errors: Vec<HeaderError>) -> anyhow::Error {
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
enum Rows {
    Csv {
        source: Source,
        text: stream::Text,
        /// `--delimiter`, else sniffed from the header line.
        delimiter: Option<u8>,
    },
    Sheet {
        source: Source,
        header: Vec<String>,
        rows: Vec<(u32, Vec<calamine::Data>)>,
    },
}

/// The exit-2 error for a file that cannot be read as text.
fn read_error(source: &Source, path: &Path, e: stream::ReadError) -> anyhow::Error {
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
fn cannot_read(path: &Path) -> String {
    say(
        format!("无法读取 `{}`", path.display()),
        format!("cannot read `{}`", path.display()),
    )
}

/// The exit-2 message for a file with no header row.
fn no_header(source: &Source) -> String {
    say(
        format!("{} 是空文件：没有表头行", source.display()),
        format!("{} is empty: it has no header row", source.display()),
    )
}

/// Where the last complete record of `text` ends: after the last line break outside
/// quotes (0 when there is none). `text` starts at a record boundary.
fn last_record_end(text: &str) -> usize {
    let b = text.as_bytes();
    if encoding::is_plain(b) {
        return memchr::memrchr(b'\n', b).map_or(0, |i| i + 1);
    }
    let mut in_quotes = false;
    let mut end = 0;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => end = i + 1,
            b'\r' if !in_quotes && b.get(i + 1) != Some(&b'\n') && i + 1 < b.len() => end = i + 1,
            _ => {}
        }
    }
    end
}

/// What the reading thread hands over.
enum Chunk {
    /// Whole records: `text[from..to]`, starting on spreadsheet line `line`. `more` is
    /// false on the last piece of the file.
    Text {
        text: std::sync::Arc<String>,
        from: usize,
        to: usize,
        line: u32,
        more: bool,
    },
    /// The file turned out not to be UTF-8 after text was handed over: it must be read
    /// again as GB18030.
    Restart,
    /// Bytes valid in no accepted encoding: where, and on which line.
    Bad {
        offset: u64,
        encoding: &'static str,
        line: usize,
    },
    Io(std::io::Error),
}

/// Reads a file's text on its own thread, a block at a time, and hands it over as pieces
/// of whole records (a block in up to `parts` pieces, split as [`split_points`] does),
/// so that reading the file and reading its rows overlap.
///
/// Text handed back on `spent` is used again for the next block, so a large file costs
/// a few blocks of memory that stay mapped rather than fresh memory for every block.
fn read_chunks(
    path: &Path,
    opts: &ReadOptions,
    out: &std::sync::mpsc::SyncSender<Chunk>,
    spent: &std::sync::mpsc::Receiver<String>,
) {
    let open = |gb18030: bool| {
        let forced = if gb18030 {
            Some(TextEncoding::Gb18030)
        } else {
            opts.encoding
        };
        match opts.block {
            0 => stream::TextStream::open(path, forced),
            n => stream::TextStream::with_block(path, forced, n),
        }
        .map(|s| s.with_progress(opts.progress.clone()))
    };
    let send_io = |e| {
        let _ = out.send(Chunk::Io(e));
    };
    let mut stream = match open(false) {
        Ok(s) => s,
        Err(e) => return send_io(e),
    };
    let mut pending = String::new();
    let mut line: u32 = 1;
    let mut sent = false;
    loop {
        let more = match stream.next_into(&mut pending) {
            Ok(more) => more,
            Err(stream::StreamError::NotUtf8) => {
                if sent {
                    let _ = out.send(Chunk::Restart);
                    return;
                }
                stream = match open(true) {
                    Ok(s) => s,
                    Err(e) => return send_io(e),
                };
                pending.clear();
                continue;
            }
            Err(stream::StreamError::Bad { offset, encoding }) => {
                let line = line as usize + encoding::row_at_end(&pending) - 1;
                let _ = out.send(Chunk::Bad {
                    offset,
                    encoding,
                    line,
                });
                return;
            }
            Err(stream::StreamError::Io(e)) => return send_io(e),
        };
        let end = if more {
            last_record_end(&pending)
        } else {
            pending.len()
        };
        if end == 0 && more {
            continue;
        }
        let mut rest = spent.try_recv().unwrap_or_default();
        rest.clear();
        rest.push_str(&pending[end..]);
        pending.truncate(end);
        let text = std::sync::Arc::new(std::mem::replace(&mut pending, rest));
        let pieces = split_points(&text, 0, line, opts.parts(), opts.min_split());
        line += encoding::row_at_end(&text) as u32 - 1;
        let last = pieces.len() - 1;
        for (i, (from, to, first)) in pieces.into_iter().enumerate() {
            let chunk = Chunk::Text {
                text: text.clone(),
                from,
                to,
                line: first,
                more: more || i < last,
            };
            if out.send(chunk).is_err() {
                return;
            }
        }
        sent = true;
        if !more {
            return;
        }
    }
}

/// Reads attendance from a CSV file block by block, resolving rows as they come, so the
/// largest table is never held in memory whole.
///
/// One thread reads the file; every core takes the next piece of records as it is free
/// (no waiting for each other), each into its own sink. Rows are independent, and data
/// errors are sorted by line afterwards, so the order pieces are read in does not show.
fn read_attendance_csv<'l>(
    path: &Path,
    opts: &ReadOptions,
    levels: &'l [String],
    cadres: &'l Builder<'l>,
    classes: &'l Builder<'l>,
) -> Result<Vec<rows::Attendance<'l>>> {
    let kind = TableKind::Attendance;
    let source = Source {
        file: display_name(path),
        sheet: None,
    };
    let parts = opts.parts();
    let (send, chunks) = std::sync::mpsc::sync_channel(parts + 1);
    let (give_back, spent) = std::sync::mpsc::channel::<String>();
    let bad_chunk = |c: Chunk| -> anyhow::Error {
        match c {
            Chunk::Bad {
                offset,
                encoding,
                line,
            } => read_error(
                &source,
                path,
                stream::ReadError::Bad {
                    offset,
                    line,
                    encoding,
                },
            ),
            Chunk::Io(e) => anyhow::Error::new(e).context(cannot_read(path)),
            _ => anyhow::anyhow!("{}", cannot_read(path)),
        }
    };
    let restarted = std::thread::scope(|s| -> Result<Option<Vec<rows::Attendance<'l>>>> {
        s.spawn(move || read_chunks(path, opts, &send, &spent));
        // Owned here, so an early return drops it and a blocked reader stops.
        let chunks = chunks;
        // The header: the first record of the first pieces.
        let mut head = String::new();
        let (header, rest) = loop {
            let (text, from, to, line, more) = match chunks.recv() {
                Ok(Chunk::Text {
                    text,
                    from,
                    to,
                    line,
                    more,
                }) => (text, from, to, line, more),
                Ok(Chunk::Restart) => return Ok(None),
                Ok(c) => return Err(bad_chunk(c)),
                Err(_) => bail!(no_header(&source)),
            };
            if head.is_empty() && line == 1 && from == 0 {
                // Keep the shared text as it is unless the header spans pieces.
                let d = opts
                    .delimiter
                    .unwrap_or_else(|| csv::sniff_delimiter(&text[from..to]));
                if let Some(h) = read_header(&text[from..to], d, &source, more)? {
                    break (h, (text, from, to, d));
                }
            }
            head.push_str(&text[from..to]);
            let d = opts
                .delimiter
                .unwrap_or_else(|| csv::sniff_delimiter(&head));
            if let Some(h) = read_header(&head, d, &source, more)? {
                let len = head.len();
                break (
                    h,
                    (std::sync::Arc::new(std::mem::take(&mut head)), 0, len, d),
                );
            }
            if !more {
                bail!(no_header(&source));
            }
        };
        let (names, (start, line)) = header;
        let (text, from, to, delimiter) = rest;
        let columns = map_headers_with(kind, &names, &opts.columns[2])
            .map_err(|e| header_errors(&source, kind, e))?;
        let mut sinks: Vec<rows::Attendance<'l>> = (0..parts)
            .map(|_| {
                rows::Attendance::new(
                    Builder::new(kind, source.clone(), columns.clone(), levels),
                    cadres,
                    classes,
                )
            })
            .collect();
        // The records after the header, then every piece as it comes.
        let first = std::sync::Mutex::new(Some((text, start.max(from), to, line)));
        let queue = std::sync::Mutex::new(chunks);
        let stop: std::sync::Mutex<Option<Chunk>> = std::sync::Mutex::new(None);
        let work = |sink: &mut rows::Attendance<'l>| {
            loop {
                let taken = first.lock().ok().and_then(|mut f| f.take());
                let (text, from, to, line) = match taken {
                    Some(t) => t,
                    None => {
                        let next = match queue.lock() {
                            Ok(q) => q.recv(),
                            Err(_) => return,
                        };
                        match next {
                            Ok(Chunk::Text {
                                text,
                                from,
                                to,
                                line,
                                ..
                            }) => (text, from, to, line),
                            Ok(c) => {
                                if let Ok(mut s) = stop.lock() {
                                    s.get_or_insert(c);
                                }
                                return;
                            }
                            Err(_) => return,
                        }
                    }
                };
                if stop.lock().map_or(true, |s| s.is_some()) {
                    return;
                }
                read_parts(
                    &text,
                    delimiter,
                    &[(from, to, line)],
                    std::slice::from_mut(sink),
                );
                // The last piece of a block read: its text can hold the next block.
                if let Ok(text) = std::sync::Arc::try_unwrap(text) {
                    let _ = give_back.send(text);
                }
            }
        };
        std::thread::scope(|w| {
            let (mine, others) = sinks.split_at_mut(1);
            for sink in others {
                let work = &work;
                w.spawn(move || work(sink));
            }
            work(&mut mine[0]);
        });
        drop(queue);
        match stop.into_inner().ok().flatten() {
            Some(Chunk::Restart) => Ok(None),
            Some(c) => Err(bad_chunk(c)),
            None => Ok(Some(sinks)),
        }
    })?;
    match restarted {
        Some(sinks) => Ok(sinks),
        // Not UTF-8 after all, found only after rows were read: read it again.
        None => {
            let again = ReadOptions {
                encoding: Some(TextEncoding::Gb18030),
                ..opts.clone()
            };
            read_attendance_csv(path, &again, levels, cadres, classes)
        }
    }
}

/// A header row, and the byte position and line of the record after it.
type Header = (Vec<String>, (usize, u32));

/// Reads the header record of `text` (blank lines before it skipped): the headers and
/// the position and line of the first data record. None when `text` may not yet hold a
/// whole record (`more` input is coming).
fn read_header(text: &str, delimiter: u8, source: &Source, more: bool) -> Result<Option<Header>> {
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

/// Reads each part of `text` (from `split_points`) into its sink, in parallel when
/// there are several.
fn read_parts<'l, S: RowSink<'l> + Send>(
    text: &str,
    delimiter: u8,
    bounds: &[(usize, usize, u32)],
    sinks: &mut [S],
) {
    let read_part = |sink: &mut S, (from, to, first): (usize, usize, u32)| {
        let mut reader = csv::Reader::starting_at(&text[..to], delimiter, from, first);
        let mut cells: Vec<Cell<'_>> = Vec::new();
        loop {
            match reader.next_record(&mut cells) {
                Ok(Some(line)) => sink.row(line, &cells),
                Ok(None) => break,
                Err(e) => {
                    sink.builder()
                        .error(e.line, None, None, Problem::UnclosedQuote);
                    break;
                }
            }
        }
        sink.finish();
    };
    if bounds.len() == 1 {
        read_part(&mut sinks[0], bounds[0]);
    } else {
        std::thread::scope(|s| {
            for (sink, b) in sinks.iter_mut().zip(bounds.iter().copied()) {
                let read_part = &read_part;
                s.spawn(move || read_part(sink, b));
            }
        });
    }
}

/// Reads a table's file (decoding, header row) without interpreting its rows.
fn open_table(kind: TableKind, path: &TablePath, opts: &ReadOptions) -> Result<Rows> {
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
                header: data.header,
                rows: data.rows,
            })
        }
    }
}

/// What takes a table's rows: a [`Builder`], or attendance resolution.
pub trait RowSink<'l> {
    fn builder(&mut self) -> &mut Builder<'l>;
    fn row(&mut self, line: u32, cells: &[Cell<'_>]);
    /// Called after the last row of a part.
    fn finish(&mut self) {}
}

impl<'l> RowSink<'l> for Builder<'l> {
    fn builder(&mut self) -> &mut Builder<'l> {
        self
    }
    fn row(&mut self, line: u32, cells: &[Cell<'_>]) {
        Builder::row(self, line, cells);
    }
}

/// Reads every data row of a table into a [`Builder`], a large file in `parts` parts
/// read in parallel, then settles the ids in line order.
fn read_rows<'l>(
    kind: TableKind,
    rows: Rows,
    levels: &'l [String],
    custom: &[(String, Field)],
    parts: usize,
    min_bytes: usize,
) -> Result<Builder<'l>> {
    let mut pieces =
        read_rows_in_parts(kind, rows, levels, custom, parts, min_bytes, |b| b)?.into_iter();
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

/// Like [`read_rows`], splitting a large CSV file into up to `parts` pieces read in
/// parallel, each by its own sink (in file order). Only files without quotes are split,
/// since a quoted field may hold a line break.
fn read_rows_in_parts<'l, S: RowSink<'l> + Send>(
    kind: TableKind,
    rows: Rows,
    levels: &'l [String],
    custom: &[(String, Field)],
    parts: usize,
    min_bytes: usize,
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
                    let mut s = make(Builder::new(kind, source.clone(), columns.clone(), levels));
                    // Room for this part's rows, counted by its line breaks.
                    let rows = memchr::memchr_iter(b'\n', &text.as_bytes()[from..to]).count() + 1;
                    s.builder().reserve(rows);
                    s
                })
                .collect();
            read_parts(text, delimiter, &bounds, &mut sinks);
            Ok(sinks)
        }
        Rows::Sheet {
            source,
            header,
            rows,
        } => {
            let columns = map_headers_with(kind, &header, custom)
                .map_err(|e| header_errors(&source, kind, e))?;
            let mut b = make(Builder::new(kind, source, columns, levels));
            let mut cells: Vec<Cell<'_>> = Vec::new();
            for (line, r) in &rows {
                cells.clear();
                cells.extend(r.iter().map(xlsx::cell));
                b.row(*line, &cells);
            }
            b.finish();
            Ok(vec![b])
        }
    }
}

/// Where to split the data rows `text[start..]` (first line `line`) into `parts`
/// pieces: (from, to, first line) each, cut after a `\n`. A file with quotes or lone
/// `\r` line ends is not split.
fn split_points(
    text: &str,
    start: usize,
    line: u32,
    parts: usize,
    min_bytes: usize,
) -> Vec<(usize, usize, u32)> {
    let body = &text.as_bytes()[start..];
    let splittable = parts > 1
        && body.len() > min_bytes
        && memchr::memchr(b'"', body).is_none()
        && memchr::memchr_iter(b'\r', body).all(|i| body.get(i + 1).is_none_or(|&c| c == b'\n'));
    if !splittable {
        return vec![(start, text.len(), line)];
    }
    let mut out = Vec::new();
    let (mut from, mut from_line) = (start, line);
    for i in 1..parts {
        let target = start + body.len() * i / parts;
        let Some(nl) = text.as_bytes()[target.max(from)..]
            .iter()
            .position(|&b| b == b'\n')
        else {
            break;
        };
        let cut = target.max(from) + nl + 1;
        let breaks = memchr::memchr_iter(b'\n', &text.as_bytes()[from..cut]).count() as u32;
        out.push((from, cut, from_line));
        from = cut;
        from_line += breaks;
    }
    out.push((from, text.len(), from_line));
    out
}

/// Loads the three tables and resolves attendance (SPEC §1 "References").
///
/// Cadres and classes are read in parallel while the attendance file is decoded;
/// attendance rows are then resolved as they are read, so they are never stored.
pub fn load(paths: &[TablePath; 3], opts: &ReadOptions, levels: &[String]) -> Result<Dataset> {
    let (cadres, classes) = std::thread::scope(|s| {
        let c = s.spawn(|| {
            open_table(TableKind::Cadres, &paths[0], opts).and_then(|r| {
                read_rows(
                    TableKind::Cadres,
                    r,
                    levels,
                    &opts.columns[0],
                    opts.parts(),
                    opts.min_split(),
                )
            })
        });
        let classes = open_table(TableKind::Classes, &paths[1], opts).and_then(|r| {
            read_rows(
                TableKind::Classes,
                r,
                levels,
                &opts.columns[1],
                opts.parts(),
                opts.min_split(),
            )
        });
        let cadres = c
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("reading cadres failed")));
        (cadres, classes)
    });
    let cadres = cadres?;
    let classes = classes?;
    crate::trace::stage("cadres and classes read");
    let atts = match &paths[2] {
        TablePath::Csv(p) => read_attendance_csv(p, opts, levels, &cadres, &classes)?,
        sheet => {
            let rows = open_table(TableKind::Attendance, sheet, opts)?;
            read_rows_in_parts(
                TableKind::Attendance,
                rows,
                levels,
                &opts.columns[2],
                1,
                0,
                |b| rows::Attendance::new(b, &cadres, &classes),
            )?
        }
    };
    crate::trace::stage("attendance read");
    let mut attended = Vec::new();
    let mut att_errors = Vec::new();
    let attendance = match atts.first() {
        Some(a) => (
            a.b.table.source.clone(),
            a.b.table.columns.clone(),
            atts.iter().map(|a| a.rows_ok).sum(),
        ),
        None => (
            Source {
                file: String::new(),
                sheet: None,
            },
            Vec::new(),
            0,
        ),
    };
    for a in atts {
        attended.extend(a.attended);
        att_errors.extend(a.b.errors);
    }

    let id_cols = (
        cadres.col(Field::CadreId).unwrap_or(0),
        classes.col(Field::ClassId).unwrap_or(0),
    );
    let mut data_errors = cadres.errors;
    data_errors.extend(classes.errors);
    data_errors.extend(att_errors);
    data_errors.sort_by(|a, b| {
        (a.table, a.line, a.column.unwrap_or(""), a.column.is_some()).cmp(&(
            b.table,
            b.line,
            b.column.unwrap_or(""),
            b.column.is_some(),
        ))
    });
    Ok(Dataset {
        cadres_table: cadres.table,
        classes_table: classes.table,
        cadres: cadres.cadres,
        classes: classes.classes,
        attended,
        data_errors,
        id_cols,
        attendance,
    })
}

/// Reads a waivers file (`--waivers`, CSV or xlsx): the waivers read without error,
/// and data errors for the rest.
pub fn read_waivers(
    path: &Path,
    opts: &ReadOptions,
) -> Result<(Vec<rows::WaiverRow>, Vec<crate::model::DataError>)> {
    let rows = open_table(TableKind::Waivers, &path_kind(path, None), opts)?;
    let b = read_rows(TableKind::Waivers, rows, &[], &[], 1, 0)?;
    Ok((b.waivers, b.errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels() -> Vec<String> {
        crate::rules::parse::DEFAULT_LEVELS
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// Attendance read block by block gives the same rows and errors whatever the block
    /// size, so block boundaries inside characters, rows and quotes are handled.
    #[test]
    fn streamed_attendance_does_not_depend_on_block_size() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let dirs = [
            "demo",
            "data-errors",
            "exports/gbk",
            "exports/unicode-text",
            "malformed/line-numbers-multiline-record",
            "malformed/unterminated-quote",
            "malformed/gbk-encoded",
            "malformed/crlf-line-endings",
            "malformed/attendance-references",
        ];
        let levels = levels();
        for dir in dirs {
            let paths = locate(&root.join(dir), [None, None, None]).unwrap();
            let summary = |block: usize| {
                let opts = ReadOptions {
                    block,
                    ..ReadOptions::default()
                };
                let d = load(&paths, &opts, &levels).unwrap();
                let errors: Vec<(TableKind, u32, Option<&str>, Option<String>)> = d
                    .data_errors
                    .iter()
                    .map(|e| (e.table, e.line, e.column, e.value.clone()))
                    .collect();
                // Pieces are read by whichever core is free: compare as a set.
                let mut attended = d.attended.clone();
                attended.sort_unstable();
                (attended, errors)
            };
            let whole = summary(0);
            assert!(
                !whole.0.is_empty() || dir.contains("unterminated"),
                "{dir} has attendance"
            );
            for block in [1, 2, 3, 5, 8, 13, 64, 4096] {
                assert_eq!(summary(block), whole, "{dir} with {block}-byte blocks");
            }
        }
    }

    /// A file that is ASCII for many blocks and GB18030 further on: rows read before the
    /// first non-UTF-8 byte are read again, and the outcome is that of the same text
    /// saved as UTF-8.
    #[test]
    fn late_gb18030_bytes_read_the_file_again() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
        let demo = std::fs::read_to_string(root.join("attendance.csv")).unwrap();
        let mut text = String::from("class_id,cadre_id,name,completed\n");
        for (i, line) in demo.lines().skip(1).enumerate() {
            let f: Vec<&str> = line.split(',').collect();
            // ASCII for the first 80 rows (several 64-byte blocks), Chinese after.
            let (name, done) = if i < 80 {
                ("x", if f[3] == "否" { "0" } else { "1" })
            } else {
                (f[2], f[3])
            };
            text.push_str(&format!("{},{},{name},{done}\n", f[0], f[1]));
        }
        let (gbk, _, lossy) = encoding_rs::GB18030.encode(&text);
        assert!(!lossy && std::str::from_utf8(&gbk).is_err());
        let levels = levels();
        let read = |bytes: &[u8], block: usize| {
            let dir = tempfile::tempdir().unwrap();
            for t in ["cadres.csv", "classes.csv"] {
                std::fs::copy(root.join(t), dir.path().join(t)).unwrap();
            }
            std::fs::write(dir.path().join("attendance.csv"), bytes).unwrap();
            let paths = locate(dir.path(), [None, None, None]).unwrap();
            let opts = ReadOptions {
                block,
                ..ReadOptions::default()
            };
            let d = load(&paths, &opts, &levels).unwrap();
            let mut attended = d.attended.clone();
            attended.sort_unstable();
            let errors: Vec<(u32, Option<String>)> = d
                .data_errors
                .iter()
                .map(|e| (e.line, e.value.clone()))
                .collect();
            (attended, errors, d.attendance.2)
        };
        let utf8 = read(text.as_bytes(), 0);
        // 118 rows, one naming a cadre whose row the demo rejects.
        assert_eq!(utf8.2, 117);
        for block in [64, 256, 1000] {
            assert_eq!(read(&gbk, block), utf8, "{block}-byte blocks");
        }
    }
}

#[cfg(test)]
mod part_tests {
    use super::*;

    /// A data error as compared: table, line, column, value, problem.
    type ErrorKey<'a> = (TableKind, u32, Option<&'a str>, Option<String>, String);

    /// Reading a file in parts gives exactly what reading it whole gives: the same rows,
    /// ids, attendance and data errors (duplicates across parts included).
    #[test]
    fn parts_read_like_the_whole_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let levels: Vec<String> = crate::rules::parse::DEFAULT_LEVELS
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut dirs: Vec<std::path::PathBuf> = [
            "demo",
            "data-errors",
            "date-spellings",
            "deadline-boundaries",
            "exports/gbk",
        ]
        .iter()
        .map(|d| root.join(d))
        .collect();
        for e in std::fs::read_dir(root.join("malformed")).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            }
        }
        let mut compared = 0;
        for dir in dirs {
            let Ok(paths) = locate(&dir, [None, None, None]) else {
                continue;
            };
            let summary = |threads: usize| {
                let opts = ReadOptions {
                    threads,
                    split_small: true,
                    ..ReadOptions::default()
                };
                load(&paths, &opts, &levels).ok().map(|d| {
                    let cadres: Vec<(String, String, chrono::NaiveDate)> = d
                        .cadres
                        .iter()
                        .map(|c| {
                            (
                                d.cadre_id(c).to_owned(),
                                d.cadre_text(c, Field::Name).to_owned(),
                                c.appointed_on,
                            )
                        })
                        .collect();
                    let classes: Vec<(String, f64)> = d
                        .classes
                        .iter()
                        .map(|c| (d.class_id(c).to_owned(), c.days))
                        .collect();
                    let errors: Vec<ErrorKey> = d
                        .data_errors
                        .iter()
                        .map(|e| {
                            (
                                e.table,
                                e.line,
                                e.column,
                                e.value.clone(),
                                format!("{:?}", e.problem),
                            )
                        })
                        .collect();
                    let mut attended = d.attended.clone();
                    attended.sort_unstable();
                    (cadres, classes, attended, errors)
                })
            };
            let whole = summary(1);
            for threads in [2, 3, 5] {
                assert_eq!(
                    summary(threads),
                    whole,
                    "{} read in {threads} parts",
                    dir.display()
                );
            }
            compared += 1;
        }
        assert!(compared > 40, "{compared} fixtures compared");
    }
}
