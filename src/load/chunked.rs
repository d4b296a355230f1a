//! Reading a CSV table in pieces while its file is read, so that its text is never held
//! whole: one thread reads and decodes the file block by block and hands over pieces of
//! whole records (`parts.rs`), the header is found in the first of them, and every core
//! reads the pieces that follow as they come. Attendance reads them into a sink per
//! core; the cadres and classes read each piece into its own builder, and the builders
//! are joined in line order as they complete (row order and first-row-wins ids need it).

use std::path::Path;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};

use anyhow::{Result, bail};

use super::builder::{Builder, RowSink};
use super::encoding::TextEncoding;
use super::headers::map_headers_with;
use super::locate::TablePath;
use super::options::ReadOptions;
use super::parts::{Chunk, read_chunks, read_parts};
use super::stream;
use super::table::{
    cannot_read, fits, header_error_in, header_errors, no_header, open_table, read_error,
    read_header, read_rows, too_long,
};
use crate::i18n::say;
use crate::limits;
use crate::model::{Column, Field, Source, TableKind, display_name};

/// A piece of a file's data rows: the whole records of `text[from..to]`, the first on
/// line `line`; pieces are numbered (`index`) in line order from 0.
pub struct Piece {
    pub index: usize,
    pub text: Arc<String>,
    pub from: usize,
    pub to: usize,
    pub line: u32,
}

/// A file's header, found in its first pieces: what every piece is read with.
pub struct Head<'o> {
    pub kind: TableKind,
    pub source: Source,
    pub columns: Vec<Column>,
    pub delimiter: u8,
    /// Non-blank lines passed over above the header (SPEC §8 "Title lines").
    pub title_lines: u32,
    /// The line the header was found on.
    pub header_line: u32,
    opts: &'o ReadOptions,
}

impl Head<'_> {
    /// A builder for rows of this file, with the `[values]` and `[columns]` of the run.
    pub fn builder<'l>(&self, levels: &'l [String]) -> Builder<'l> {
        let mut b = Builder::new(self.kind, self.source.clone(), self.columns.clone(), levels)
            .map_values(&self.opts.spellings, &self.opts.declared);
        b.title_lines = self.title_lines;
        b.header_line = self.header_line;
        b
    }

    /// Reads a piece's rows into `sink`; the line of a record over the record limit
    /// (SPEC §8), after which the piece's rows are not read.
    pub fn read<'l, S: RowSink<'l> + Send>(&self, piece: &Piece, sink: &mut S) -> Option<u32> {
        read_parts(
            &piece.text,
            self.delimiter,
            &[(piece.from, piece.to, piece.line)],
            std::slice::from_mut(sink),
            self.opts.record_limit(),
        )
    }
}

/// `--columns` of a table: the clerk's own headers for its fields.
fn custom_columns(kind: TableKind, opts: &ReadOptions) -> &[(String, Field)] {
    match kind {
        TableKind::Cadres => &opts.columns[0],
        TableKind::Classes => &opts.columns[1],
        TableKind::Attendance => &opts.columns[2],
        TableKind::Units | TableKind::Waivers => &[],
    }
}

/// The exit-2 error for what stopped the reading thread (bytes that are no text, a
/// record over its limit, a read that failed).
fn stopped(source: &Source, path: &Path, forced: Option<TextEncoding>, c: Chunk) -> anyhow::Error {
    match c {
        Chunk::Bad {
            offset,
            encoding,
            line,
        } => read_error(
            source,
            path,
            forced,
            stream::ReadError::Bad {
                offset,
                line,
                encoding,
            },
        ),
        Chunk::Io(e) => anyhow::Error::new(e).context(cannot_read(path)),
        Chunk::TooLong {
            line,
            limit,
            header,
        } => too_long(source, line, limit, header),
        Chunk::Text { .. } | Chunk::Restart => anyhow::anyhow!("{}", cannot_read(path)),
    }
}

/// Finds the header in the first pieces the reading thread hands over: the header and
/// the records after it, as piece 0. None when the file turned out not to be UTF-8 and
/// must be read again.
fn read_head<'o>(
    kind: TableKind,
    chunks: &Receiver<Chunk>,
    opts: &'o ReadOptions,
    (path, forced): (&Path, Option<TextEncoding>),
) -> Result<Option<(Head<'o>, Piece)>> {
    let source = Source {
        file: display_name(path),
        sheet: None,
    };
    let custom = custom_columns(kind, opts);
    // The text of the pieces read so far, when the header spans pieces.
    let mut head = String::new();
    let (header, (text, from, to)) = loop {
        let (text, from, to, line, more) = match chunks.recv() {
            Ok(Chunk::Text {
                text,
                from,
                to,
                line,
                more,
            }) => (text, from, to, line, more),
            Ok(Chunk::Restart) => return Ok(None),
            Ok(c) => return Err(stopped(&source, path, forced, c)),
            Err(_) => bail!(no_header(&source)),
        };
        let header_in = |text: &str| {
            read_header(
                text,
                opts.delimiter,
                &source,
                more,
                opts.header_limit(),
                fits(kind, custom),
            )
        };
        if head.is_empty() && line == 1 && from == 0 {
            // Keep the shared text as it is unless the header spans pieces.
            if let Some(h) = header_in(&text[from..to])? {
                break (h, (text, from, to));
            }
        }
        head.push_str(&text[from..to]);
        if let Some(h) = header_in(&head)? {
            let len = head.len();
            break (h, (Arc::new(std::mem::take(&mut head)), 0, len));
        }
        if !more {
            bail!(no_header(&source));
        }
    };
    let columns = map_headers_with(kind, &header.names, custom)
        .map_err(|e| header_error_in(header_errors(&source, kind, e), path, forced))?;
    let (start, line) = header.next;
    let piece = Piece {
        index: 0,
        text,
        from: start.max(from),
        to,
        line,
    };
    let head = Head {
        kind,
        source,
        columns,
        delimiter: header.delimiter,
        title_lines: header.title_lines,
        header_line: header.next.1.saturating_sub(1).max(1),
        opts,
    };
    Ok(Some((head, piece)))
}

/// Reads the CSV file `path` in pieces on every core, as it is read: once the header is
/// found, `state` makes each core's state, and each core reads the next piece with
/// `read` as it is free (pieces in no particular order; `Piece::index` gives theirs).
/// `read` returns the line of a record over the limit (SPEC §8). Returns the cores'
/// states; None when the file turned out not to be UTF-8 after pieces were read, so it
/// must be read again as GB18030. `forced` is `--encoding` as given, for messages.
///
/// A record over the limit in a piece stops the rows being read, but not the file: as
/// when a file is read whole before its rows, bytes further on that are no text are the
/// error said; else the first record over the limit is.
pub fn read_in_pieces<S: Send>(
    kind: TableKind,
    path: &Path,
    opts: &ReadOptions,
    forced: Option<TextEncoding>,
    mut state: impl FnMut(&Head<'_>) -> S,
    read: impl Fn(&mut S, &Head<'_>, &Piece) -> Option<u32> + Sync,
) -> Result<Option<Vec<S>>> {
    let parts = opts.parts();
    let (send, chunks) = std::sync::mpsc::sync_channel(parts + 1);
    let (give_back, spent) = std::sync::mpsc::channel::<String>();
    std::thread::scope(|s| {
        s.spawn(move || read_chunks(path, opts, &send, &spent));
        // Owned here, so an early return drops it and a blocked reader stops.
        let chunks = chunks;
        let Some((head, first)) = read_head(kind, &chunks, opts, (path, forced))? else {
            return Ok(None);
        };
        let mut states: Vec<S> = (0..parts.max(1)).map(|_| state(&head)).collect();
        // The records after the header, then every piece as it comes, numbered.
        let first = Mutex::new(Some(first));
        let queue = Mutex::new((chunks, 1usize));
        // What stopped the reading thread; the first line over the record limit.
        let stop: Mutex<Option<Chunk>> = Mutex::new(None);
        let over: Mutex<Option<u32>> = Mutex::new(None);
        let work = |st: &mut S| {
            loop {
                let taken = first.lock().ok().and_then(|mut f| f.take());
                let piece = match taken {
                    Some(p) => p,
                    None => {
                        let Ok(mut q) = queue.lock() else {
                            return;
                        };
                        match q.0.recv() {
                            Ok(Chunk::Text {
                                text,
                                from,
                                to,
                                line,
                                ..
                            }) => {
                                q.1 += 1;
                                Piece {
                                    index: q.1 - 1,
                                    text,
                                    from,
                                    to,
                                    line,
                                }
                            }
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
                // Once a record is over the limit, the rest is read but not its rows.
                if over.lock().is_ok_and(|o| o.is_none())
                    && let Some(line) = read(st, &head, &piece)
                    && let Ok(mut o) = over.lock()
                {
                    *o = Some(o.map_or(line, |l| l.min(line)));
                }
                // The last piece of a block read: its text can hold the next block.
                if let Ok(text) = Arc::try_unwrap(piece.text) {
                    let _ = give_back.send(text);
                }
            }
        };
        std::thread::scope(|w| {
            let (mine, others) = states.split_at_mut(1);
            for st in others {
                let work = &work;
                w.spawn(move || work(st));
            }
            work(&mut mine[0]);
        });
        drop(queue);
        match stop.into_inner().ok().flatten() {
            Some(Chunk::Restart) => Ok(None),
            Some(c) => Err(stopped(&head.source, path, forced, c)),
            None => match over.into_inner().ok().flatten() {
                Some(line) => Err(too_long(&head.source, line, opts.record_limit(), false)),
                None => Ok(Some(states)),
            },
        }
    })
}

/// The most rows room is made for before they are read.
const ROOM_FOR_ROWS: usize = 4 << 20;

/// The builders of a file's pieces, joined in line order as they complete: a piece is
/// absorbed as soon as every piece before it is, so few wait.
struct Joiner<'l> {
    joined: Option<Builder<'l>>,
    /// The index of the next piece to absorb.
    next: usize,
    /// Pieces read before their turn.
    waiting: Vec<(usize, Builder<'l>)>,
}

impl<'l> Joiner<'l> {
    fn add(&mut self, index: usize, b: Builder<'l>) {
        self.waiting.push((index, b));
        while let Some(at) = self.waiting.iter().position(|(i, _)| *i == self.next) {
            let (_, b) = self.waiting.swap_remove(at);
            match &mut self.joined {
                Some(j) => j.absorb(b),
                None => self.joined = Some(b),
            }
            self.next += 1;
        }
    }
}

/// Reads a cadres or classes CSV file as it is read, each piece into its own builder,
/// the builders joined in line order: the rows, errors and notices of the whole file
/// read at once, without its text held whole. None as [`read_in_pieces`].
fn read_pieces_in_order<'l>(
    kind: TableKind,
    path: &Path,
    opts: &ReadOptions,
    forced: Option<TextEncoding>,
    levels: &'l [String],
) -> Result<Option<Builder<'l>>> {
    let joiner = Mutex::new(Joiner {
        joined: None,
        next: 0,
        waiting: Vec::new(),
    });
    let file_len = std::fs::metadata(path).map_or(0, |m| m.len() as usize);
    let read = read_in_pieces(
        kind,
        path,
        opts,
        forced,
        |_| (),
        |(), head, piece| {
            let mut b = head.builder(levels);
            // Room for this piece's rows, counted by its line breaks; the first piece,
            // which the others join, makes room for the file's rows as it suggests (up
            // to a bound): the table's vectors then never move while they fill.
            let text = &piece.text.as_bytes()[piece.from..piece.to];
            let rows = memchr::memchr_iter(b'\n', text).count() + 1;
            let rows = match piece.index {
                0 => (file_len / text.len().max(1))
                    .saturating_mul(rows)
                    .clamp(rows, ROOM_FOR_ROWS),
                _ => rows,
            };
            b.reserve(rows);
            let over = head.read(piece, &mut b);
            if let Ok(mut j) = joiner.lock() {
                j.add(piece.index, b);
            }
            over
        },
    )?;
    if read.is_none() {
        return Ok(None);
    }
    let joined = joiner.into_inner().ok().and_then(|j| j.joined);
    match joined {
        Some(b) => Ok(Some(b)),
        None => bail!("{}", cannot_read(path)),
    }
}

/// Reads a table's rows into a [`Builder`] and settles its ids in line order: a CSV
/// file in pieces as it is read (the cadres and classes), a sheet whole.
pub fn read_table<'l>(
    kind: TableKind,
    path: &TablePath,
    opts: &ReadOptions,
    levels: &'l [String],
) -> Result<Builder<'l>> {
    let TablePath::Csv(p) = path else {
        let rows = open_table(kind, path, opts)?;
        return read_rows(
            kind,
            rows,
            levels,
            custom_columns(kind, opts),
            (&opts.spellings, &opts.declared),
            opts.parts(),
            opts.min_split(),
        );
    };
    if std::fs::metadata(p).is_ok_and(|m| m.len() >= limits::MAX_CSV_FILE_BYTES) {
        bail!(say(
            format!("{} 超过 2 GiB，请拆分后再检查", display_name(p)),
            format!("{} is larger than 2 GiB; split it", display_name(p))
        ));
    }
    let mut b = match read_pieces_in_order(kind, p, opts, opts.encoding, levels)? {
        Some(b) => b,
        // Not UTF-8 after all, found only after rows were read: read it again.
        None => {
            let again = ReadOptions {
                encoding: Some(TextEncoding::Gb18030),
                ..opts.clone()
            };
            match read_pieces_in_order(kind, p, &again, opts.encoding, levels)? {
                Some(b) => b,
                None => bail!("{}", cannot_read(p)),
            }
        }
    };
    crate::trace::stage(&format!("{} rows read", kind.name()));
    b.resolve_ids(opts.parts());
    crate::trace::stage(&format!("{} ids settled", kind.name()));
    Ok(b)
}
