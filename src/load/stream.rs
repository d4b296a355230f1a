//! Reading a text file block by block, decoded as it goes (SPEC §1 "Text"): a BOM
//! decides (UTF-8, UTF-16LE, UTF-16BE); without one the file is taken as UTF-8 unless
//! a byte proves otherwise, in which case it is read again from the start as GB18030.
//! Large files are never held twice in memory, and nothing is decoded lossily.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use encoding_rs::{Decoder, GB18030, UTF_16BE, UTF_16LE};

use super::encoding::{self, TextEncoding};

const BLOCK: usize = 8 << 20;

/// Bytes decoded at a time (GB18030, UTF-16) into [`TextStream::decoded`].
const DECODE_SLICE: usize = 64 << 10;

/// Why a stream stopped.
#[derive(Debug)]
pub enum StreamError {
    /// The file is not UTF-8 after all: read it again as GB18030.
    NotUtf8,
    /// Bytes valid in no accepted encoding, at this file offset (the text decoded up to
    /// them has been appended).
    Bad {
        offset: u64,
        encoding: &'static str,
    },
    Io(std::io::Error),
}

/// Decoded text of a file, a block at a time.
pub struct TextStream {
    file: File,
    /// None: UTF-8 read directly; Some: a decoder (GB18030 or UTF-16).
    decoder: Option<Decoder>,
    encoding: TextEncoding,
    /// UTF-8 mode only because no BOM and no `--encoding` said so.
    tentative: bool,
    /// Bytes of an unfinished UTF-8 sequence from the previous block.
    carry: Vec<u8>,
    /// File offset of the next byte to read.
    offset: u64,
    buf: Vec<u8>,
    /// Text decoded from one slice of a block, before it is appended.
    decoded: String,
    done: bool,
    /// Advanced by the bytes read, when showing progress.
    progress: Option<indicatif::ProgressBar>,
}

impl TextStream {
    /// Opens a file; `forced` overrides sniffing (but a BOM still wins, as Excel writes it).
    pub fn open(path: &Path, forced: Option<TextEncoding>) -> std::io::Result<TextStream> {
        TextStream::with_block(path, forced, BLOCK)
    }

    /// Like [`TextStream::open`], reading `block` bytes at a time.
    pub fn with_block(
        path: &Path,
        forced: Option<TextEncoding>,
        block: usize,
    ) -> std::io::Result<TextStream> {
        let mut file = File::open(path)?;
        let mut head = [0u8; 3];
        let mut n = 0;
        while n < 3 {
            let r = file.read(&mut head[n..])?;
            if r == 0 {
                break;
            }
            n += r;
        }
        let head = &head[..n];
        let (skip, encoding, decoder) = if head.starts_with(b"\xEF\xBB\xBF") {
            (3, TextEncoding::Utf8, None)
        } else if head.starts_with(b"\xFF\xFE") {
            (
                2,
                TextEncoding::Utf16,
                Some(UTF_16LE.new_decoder_without_bom_handling()),
            )
        } else if head.starts_with(b"\xFE\xFF") {
            (
                2,
                TextEncoding::Utf16,
                Some(UTF_16BE.new_decoder_without_bom_handling()),
            )
        } else {
            match forced {
                Some(TextEncoding::Gb18030) => (
                    0,
                    TextEncoding::Gb18030,
                    Some(GB18030.new_decoder_without_bom_handling()),
                ),
                Some(TextEncoding::Utf16) => (
                    0,
                    TextEncoding::Utf16,
                    Some(UTF_16LE.new_decoder_without_bom_handling()),
                ),
                _ => (0, TextEncoding::Utf8, None),
            }
        };
        let tentative = n < 3 || !head.starts_with(b"\xEF\xBB\xBF");
        let tentative = tentative && decoder.is_none() && forced.is_none();
        Ok(TextStream {
            file,
            decoder,
            encoding,
            tentative,
            // The bytes after the BOM are read again from here on the first call.
            carry: head[skip..].to_vec(),
            offset: n as u64,
            buf: vec![0; block.max(1)],
            decoded: String::new(),
            done: false,
            progress: None,
        })
    }

    /// Opens the same file again as GB18030 (after [`StreamError::NotUtf8`]).
    pub fn reopen_gb18030(&self, path: &Path) -> std::io::Result<TextStream> {
        TextStream::with_block(path, Some(TextEncoding::Gb18030), self.buf.len())
    }

    /// Reports the bytes read to a progress bar.
    pub fn with_progress(mut self, progress: Option<indicatif::ProgressBar>) -> Self {
        self.progress = progress;
        self
    }

    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// Appends the next block's text to `out`; false once the file is done.
    pub fn next_into(&mut self, out: &mut String) -> Result<bool, StreamError> {
        if self.done {
            return Ok(false);
        }
        let n = self.file.read(&mut self.buf).map_err(StreamError::Io)?;
        if let Some(p) = &self.progress {
            p.inc(n as u64);
        }
        let last = n == 0;
        // UTF-8 needs no copying: checked in place (with SIMD; most blocks are valid),
        // appended to `out`. A character cut by the block's end waits for the next
        // block, which finishes it first. Anything else is left to the path below,
        // which finds the bad bytes and says where.
        if self.decoder.is_none()
            && (!last || self.carry.is_empty())
            && let Some((head, text, tail)) = utf8_parts(&self.carry, &self.buf[..n], last)
        {
            out.push_str(&head);
            out.push_str(text);
            self.carry = tail.to_vec();
            self.offset += n as u64;
            if last {
                self.done = true;
            }
            return Ok(!last);
        }
        let carried = std::mem::take(&mut self.carry);
        // The file offset of bytes[0].
        let start_offset = self.offset - carried.len() as u64;
        // The block as read, unless bytes carried over go first (the block is then
        // copied after them).
        let bytes: std::borrow::Cow<'_, [u8]> = if carried.is_empty() {
            std::borrow::Cow::Borrowed(&self.buf[..n])
        } else {
            let mut bytes = carried;
            bytes.extend_from_slice(&self.buf[..n]);
            std::borrow::Cow::Owned(bytes)
        };
        self.offset += n as u64;
        match &mut self.decoder {
            None => match simdutf8::compat::from_utf8(&bytes) {
                Ok(s) => out.push_str(s),
                Err(e) => {
                    let valid = e.valid_up_to();
                    // An unfinished sequence at the end of a block waits for the next one.
                    let unfinished = e.error_len().is_none() && !last;
                    out.push_str(std::str::from_utf8(&bytes[..valid]).unwrap_or(""));
                    if unfinished {
                        self.carry = bytes[valid..].to_vec();
                    } else if self.tentative {
                        return Err(StreamError::NotUtf8);
                    } else {
                        return Err(StreamError::Bad {
                            offset: start_offset + valid as u64,
                            encoding: "UTF-8",
                        });
                    }
                }
            },
            Some(decoder) => {
                // A slice at a time through a small buffer: the decoder touches every
                // page of the room it is given, so room for a whole block's worst case
                // (three times its size) would all become memory in use.
                let mut read_total = 0;
                loop {
                    let end = (read_total + DECODE_SLICE).min(bytes.len());
                    let need = decoder.max_utf8_buffer_length_without_replacement(end - read_total);
                    self.decoded.clear();
                    self.decoded
                        .reserve(need.unwrap_or((end - read_total) * 3 + 16));
                    let (result, read) = decoder.decode_to_string_without_replacement(
                        &bytes[read_total..end],
                        &mut self.decoded,
                        last && end == bytes.len(),
                    );
                    read_total += read;
                    out.push_str(&self.decoded);
                    match result {
                        encoding_rs::DecoderResult::InputEmpty if read_total >= bytes.len() => {
                            break;
                        }
                        encoding_rs::DecoderResult::InputEmpty
                        | encoding_rs::DecoderResult::OutputFull => continue,
                        encoding_rs::DecoderResult::Malformed(bad, after) => {
                            // The bad bytes may have begun in an earlier block.
                            let end = start_offset + read_total as u64;
                            return Err(StreamError::Bad {
                                offset: end.saturating_sub(u64::from(bad) + u64::from(after)),
                                encoding: decoder.encoding().name(),
                            });
                        }
                    }
                }
            }
        }
        if last {
            self.done = true;
        }
        Ok(!last)
    }
}

/// Valid UTF-8 read as `carry` (bytes left from the block before) then `block`: the
/// text of `carry` and the first bytes of `block`, the rest of `block`'s text, and
/// the bytes of a character the block's end cuts (none when it is the `last`). None
/// when some bytes are not UTF-8.
fn utf8_parts<'b>(
    carry: &[u8],
    block: &'b [u8],
    last: bool,
) -> Option<(String, &'b str, &'b [u8])> {
    // Where an unfinished character at the end of `b` starts.
    let whole = |b: &[u8]| -> usize {
        if last {
            return b.len();
        }
        for back in 1..=b.len().min(3) {
            let c = b[b.len() - back];
            if c & 0xC0 == 0x80 {
                continue;
            }
            let width = match c {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                0xF0..=0xF7 => 4,
                _ => 1,
            };
            return if width > back {
                b.len() - back
            } else {
                b.len()
            };
        }
        b.len()
    };
    // `carry` and up to four bytes of the block, up to a character's end.
    let mut head = carry.to_vec();
    head.extend_from_slice(&block[..block.len().min(4)]);
    let cut = if carry.is_empty() { 0 } else { whole(&head) };
    if cut < carry.len() {
        return None;
    }
    head.truncate(cut);
    let head = simdutf8::basic::from_utf8(&head).ok()?.to_owned();
    let rest = &block[cut - carry.len()..];
    let end = whole(rest);
    let text = simdutf8::basic::from_utf8(&rest[..end]).ok()?;
    Some((head, text, &rest[end..]))
}

/// A whole file's text: the file's own bytes when they are UTF-8 (checked, not copied
/// or decoded), else the decoded text.
pub struct Text {
    /// UTF-8 from `from` on (checked when made).
    bytes: Vec<u8>,
    from: usize,
}

impl Text {
    /// The text. (Checks the bytes again, a few milliseconds for 100 MB: call once.)
    pub fn as_str(&self) -> &str {
        simdutf8::basic::from_utf8(self.bytes.get(self.from..).unwrap_or_default()).unwrap_or("")
    }
}

/// Decodes GB18030 text in parts on every core, cut after line feeds (a 0x0A byte is
/// never inside a GB18030 character). None when some bytes are not GB18030.
fn decode_gb18030_in_parts(bytes: Vec<u8>) -> Option<String> {
    let parts = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let mut cuts = vec![0];
    for i in 1..parts {
        let target = (bytes.len() * i / parts).max(*cuts.last()?);
        match memchr::memchr(b'\n', &bytes[target..]) {
            Some(nl) => cuts.push(target + nl + 1),
            None => break,
        }
    }
    cuts.push(bytes.len());
    let decode = |part: &[u8]| -> Option<String> {
        let mut decoder = GB18030.new_decoder_without_bom_handling();
        let mut out =
            String::with_capacity(decoder.max_utf8_buffer_length_without_replacement(part.len())?);
        let (result, _) = decoder.decode_to_string_without_replacement(part, &mut out, true);
        matches!(result, encoding_rs::DecoderResult::InputEmpty).then_some(out)
    };
    let decoded: Vec<Option<String>> = std::thread::scope(|s| {
        let handles: Vec<_> = cuts
            .windows(2)
            .map(|w| {
                let part = &bytes[w[0]..w[1]];
                s.spawn(move || decode(part))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    drop(bytes);
    // Joined onto the first part, the others freed as they are copied.
    let mut decoded = decoded.into_iter();
    let mut text = decoded.next().flatten()?;
    let rest: Vec<String> = decoded.collect::<Option<_>>()?;
    text.shrink_to_fit();
    text.reserve_exact(rest.iter().map(String::len).sum());
    for d in rest {
        text.push_str(&d);
    }
    Some(text)
}

/// Reads a whole file as text (for the tables kept in memory), within the limits of
/// SPEC §8: see [`read_all_within`].
pub fn read_all(
    path: &Path,
    forced: Option<TextEncoding>,
) -> Result<(Text, TextEncoding), ReadError> {
    let limits = (
        crate::limits::MAX_RECORD_BYTES,
        crate::limits::MAX_HEADER_BYTES,
    );
    read_all_within(path, forced, limits)
}

/// Reads a whole file as text (for the tables kept in memory).
///
/// A UTF-8 file (with or without BOM, unless `--encoding` says otherwise) is read in
/// blocks into one buffer and checked in place; any other is decoded block by block.
/// Either way a record over `limits.0` bytes, or a first line over `limits.1` (the
/// header's limit), is refused as soon as it is seen, before the rest is read (SPEC §8).
pub fn read_all_within(
    path: &Path,
    forced: Option<TextEncoding>,
    limits: (usize, usize),
) -> Result<(Text, TextEncoding), ReadError> {
    if matches!(forced, None | Some(TextEncoding::Utf8))
        && let Some(bytes) = read_bytes(path, limits)?
    {
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        let from = if bom { 3 } else { 0 };
        if simdutf8::basic::from_utf8(&bytes[from..]).is_ok() {
            return Ok((Text { bytes, from }, TextEncoding::Utf8));
        }
        // Not UTF-8 and nothing says it must be: GB18030, decoded on every core.
        if !bom
            && forced.is_none()
            && let Some(text) = decode_gb18030_in_parts(bytes)
        {
            return Ok((
                Text {
                    bytes: text.into_bytes(),
                    from: 0,
                },
                TextEncoding::Gb18030,
            ));
        }
        // Otherwise the block reader below finds the bad bytes and says where.
    }
    let (text, encoding) = read_all_in_blocks(path, forced, BLOCK, None, limits)?;
    Ok((
        Text {
            bytes: text.into_bytes(),
            from: 0,
        },
        encoding,
    ))
}

/// Reads a file's bytes whole, a block at a time; None for a UTF-16 file (by its BOM),
/// which is decoded instead.
///
/// A record or first line is refused once its bytes pass twice its limit: every
/// accepted encoding's bytes decode to at least half as many bytes of text, so nothing
/// within the limit is refused here, and a file that is one giant line is not read
/// whole first. The decoded text is held to the limits exactly when its records are
/// read.
fn read_bytes(path: &Path, limits: (usize, usize)) -> Result<Option<Vec<u8>>, ReadError> {
    let mut file = File::open(path).map_err(ReadError::Io)?;
    let size = file.metadata().map_or(0, |m| m.len() as usize);
    let mut bytes = Vec::with_capacity(size + 1);
    let mut ends = super::csv::RecordEnds::default();
    loop {
        let n = (&mut file)
            .take(BLOCK as u64)
            .read_to_end(&mut bytes)
            .map_err(ReadError::Io)?;
        if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            return Ok(None);
        }
        if n == 0 {
            return Ok(Some(bytes));
        }
        let end = ends.advance(&bytes);
        let header = no_record_before(&bytes[..end]);
        let limit = if header { limits.1 } else { limits.0 };
        if bytes.len() - end > limit.saturating_mul(2) {
            return Err(ReadError::TooLong {
                line: super::encoding::row_at_end(&bytes[..end]) as u32,
                limit,
                header,
            });
        }
    }
}

/// Whether text holds nothing but a BOM and line breaks: the record after it is the
/// first, the header.
pub fn no_record_before(text: &[u8]) -> bool {
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    text.iter().all(|&b| b == b'\n' || b == b'\r')
}

/// Like [`read_all`], advancing a progress bar by the bytes read.
pub fn read_all_with_progress(
    path: &Path,
    forced: Option<TextEncoding>,
    progress: Option<indicatif::ProgressBar>,
    limits: (usize, usize),
) -> Result<(String, TextEncoding), ReadError> {
    read_all_in_blocks(path, forced, BLOCK, progress, limits)
}

fn read_all_in_blocks(
    path: &Path,
    forced: Option<TextEncoding>,
    block: usize,
    progress: Option<indicatif::ProgressBar>,
    limits: (usize, usize),
) -> Result<(String, TextEncoding), ReadError> {
    let mut stream = TextStream::with_block(path, forced, block)
        .map_err(ReadError::Io)?
        .with_progress(progress.clone());
    let mut text =
        String::with_capacity(std::fs::metadata(path).map_or(0, |m| m.len() as usize) + 16);
    let mut ends = super::csv::RecordEnds::default();
    loop {
        match stream.next_into(&mut text) {
            Ok(more) => {
                let end = ends.advance(text.as_bytes());
                let header = no_record_before(&text.as_bytes()[..end]);
                let limit = if header { limits.1 } else { limits.0 };
                if text.len() - end > limit {
                    return Err(ReadError::TooLong {
                        line: super::encoding::row_at_end(&text[..end]) as u32,
                        limit,
                        header,
                    });
                }
                if !more {
                    return Ok((text, stream.encoding()));
                }
            }
            Err(StreamError::NotUtf8) => {
                stream = stream
                    .reopen_gb18030(path)
                    .map_err(ReadError::Io)?
                    .with_progress(progress.clone());
                text.clear();
                ends = super::csv::RecordEnds::default();
            }
            Err(StreamError::Bad { offset, encoding }) => {
                return Err(ReadError::Bad {
                    offset,
                    line: super::encoding::row_at_end(&text),
                    encoding,
                });
            }
            Err(StreamError::Io(e)) => return Err(ReadError::Io(e)),
        }
    }
}

/// The encoding the file at `path` appears to be (see [`encoding::apparent`]), judged
/// from its start and from the lines around byte `near`.
pub fn apparent_encoding(path: &Path, near: u64) -> Option<TextEncoding> {
    const SPAN: u64 = 64 << 10;
    let mut file = File::open(path).ok()?;
    let mut head = Vec::new();
    (&mut file).take(SPAN).read_to_end(&mut head).ok()?;
    let from = near.saturating_sub(SPAN);
    file.seek(SeekFrom::Start(from)).ok()?;
    let mut sample = Vec::new();
    file.take(2 * SPAN).read_to_end(&mut sample).ok()?;
    // From a line start, so that no character is cut at the start.
    let start = match from {
        0 => 0,
        _ => memchr::memchr(b'\n', &sample).map_or(sample.len(), |i| i + 1),
    };
    encoding::apparent(&head, &sample[start..])
}

/// A file that could not be read as text.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    Bad {
        offset: u64,
        line: usize,
        encoding: &'static str,
    },
    /// The record (the header, when `header`) starting on `line` is over `limit` bytes
    /// of text (SPEC §8).
    TooLong {
        line: u32,
        limit: usize,
        header: bool,
    },
}

#[cfg(test)]
mod tests;
