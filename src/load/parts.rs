//! Cutting work for every core: where to split a file's records into parts, a reading
//! thread that hands a file over in pieces of whole records as it reads it, and the
//! parts read in parallel, each into its own sink.

use std::path::Path;

use super::builder::RowSink;
use super::cell::Cell;
use super::encoding::{self, TextEncoding};
use super::options::ReadOptions;
use super::{csv, stream};
use crate::i18n::Problem;

/// What the reading thread hands over.
pub enum Chunk {
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
    /// The record (the header, when `header`) starting on `line` is over `limit`
    /// bytes of text (SPEC §8); it was not read whole.
    TooLong {
        line: u32,
        limit: usize,
        header: bool,
    },
    Io(std::io::Error),
}

/// Bytes the reading thread reads at a time: a few blocks are in flight (being read,
/// waiting, being parsed), so small blocks keep that memory small; 4 MiB still gives
/// every core a piece of thousands of rows.
const BLOCK: usize = 4 << 20;

/// Reads a file's text on its own thread, a block at a time, and hands it over as pieces
/// of whole records (a block in up to `parts` pieces, split as [`split_points`] does),
/// so that reading the file and reading its rows overlap.
///
/// Text handed back on `spent` is used again for the next block, so a large file costs
/// a few blocks of memory that stay mapped rather than fresh memory for every block.
pub fn read_chunks(
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
        let block = match opts.block {
            0 => BLOCK,
            n => n,
        };
        stream::TextStream::with_block(path, forced, block)
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
    let mut ends = csv::RecordEnds::default();
    let (record_limit, header_limit) = (opts.record_limit(), opts.header_limit());
    let mut line: u32 = 1;
    let mut sent = false;
    // Whether text holding a record (not only line breaks) was handed over: the record
    // being read is then not the first, the header (SPEC §8 limits).
    let mut records_sent = false;
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
                ends = csv::RecordEnds::default();
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
        let end = ends.advance(pending.as_bytes());
        // SPEC §8: a record may not outgrow the limit, so no more than the limit and a
        // block is ever held; nor the header its own.
        let header = !records_sent && stream::no_record_before(&pending.as_bytes()[..end]);
        let limit = if header { header_limit } else { record_limit };
        if pending.len() - end > limit {
            let line = line + encoding::row_at_end(&pending[..end]) as u32 - 1;
            let _ = out.send(Chunk::TooLong {
                line,
                limit,
                header,
            });
            return;
        }
        let end = if more { end } else { pending.len() };
        if end == 0 && more {
            continue;
        }
        if more {
            ends.consumed(end);
        }
        let mut rest = spent.try_recv().unwrap_or_default();
        rest.clear();
        rest.push_str(&pending[end..]);
        pending.truncate(end);
        records_sent = records_sent || !stream::no_record_before(pending.as_bytes());
        let text = std::sync::Arc::new(std::mem::replace(&mut pending, rest));
        let pieces = split_points(&text, 0, line, opts.parts(), opts.min_split());
        line += encoding::row_at_end(text.as_str()) as u32 - 1;
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

/// Reads each part of `text` (from `split_points`) into its sink, in parallel when
/// there are several. Returns the line of the first record over the record limit (SPEC
/// §8), which the caller refuses; rows after it in its part are not read.
pub fn read_parts<'l, S: RowSink<'l> + Send>(
    text: &str,
    delimiter: u8,
    bounds: &[(usize, usize, u32)],
    sinks: &mut [S],
    limit: usize,
) -> Option<u32> {
    let read_part = |sink: &mut S, (from, to, first): (usize, usize, u32)| -> Option<u32> {
        let width = sink.builder().table.columns.len();
        let mut reader = csv::Reader::starting_at(&text[..to], delimiter, from, first)
            .with_limit(limit)
            .with_width(width);
        let mut cells: Vec<Cell<'_>> = Vec::new();
        let mut too_long = None;
        loop {
            match reader.next_record(&mut cells) {
                Ok(Some(line)) => match reader.overflow() {
                    0 => sink.row(line, &cells),
                    found => sink.too_wide(line, &cells, found),
                },
                Ok(None) => break,
                Err(csv::RecordError::UnclosedQuote { line }) => {
                    sink.builder()
                        .error(line, None, None, Problem::UnclosedQuote);
                    break;
                }
                Err(csv::RecordError::TooLong { line }) => {
                    too_long = Some(line);
                    break;
                }
            }
        }
        sink.finish();
        too_long
    };
    if bounds.len() == 1 {
        read_part(&mut sinks[0], bounds[0])
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = sinks
                .iter_mut()
                .zip(bounds.iter().copied())
                .map(|(sink, b)| {
                    let read_part = &read_part;
                    s.spawn(move || read_part(sink, b))
                })
                .collect();
            handles
                .into_iter()
                .filter_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .min()
        })
    }
}

/// Where to split the data rows `text[start..]` (first line `line`) into `parts`
/// pieces: (from, to, first line) each, cut after a `\n`. A file with quotes or lone
/// `\r` line ends is not split.
pub fn split_points(
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
