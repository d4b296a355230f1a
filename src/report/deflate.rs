//! Deflate on every core, as pigz does: text cut into pieces, each piece compressed on
//! its own and ended on a byte boundary (a sync flush), the pieces joined in order into
//! one raw deflate stream, with the CRC-32 and length of the whole text. This is what a
//! zip entry holds; the xlsx report's rule sheets are written so (a sheet of a million
//! findings is 230 MB of XML, 0.55 s of one core to deflate whole).
//!
//! flate2 compresses (zlib-rs underneath, the library rust_xlsxwriter's zip uses too)
//! and crc32fast checksums and joins the pieces' checksums; neither splits one stream
//! across threads, nor does the zip crate, hence this file.

use std::io::{self, Write};
use std::sync::{Mutex, PoisonError, mpsc};

use flate2::{Compress, Compression, FlushCompress, Status};

/// Text per piece: large enough that starting each piece with an empty dictionary
/// costs next to nothing in size (well under 1 %), small enough for both cores to share
/// a sheet.
const PIECE: usize = 1 << 20;

/// A raw deflate stream, or a part of one, in pieces, with the CRC-32 and length of
/// its text.
#[derive(Default)]
pub(super) struct Deflated {
    /// The stream: its pieces end to end (kept apart, not copied into one).
    pub(super) data: Vec<Vec<u8>>,
    pub(super) crc: crc32fast::Hasher,
    pub(super) len: u64,
}

impl Deflated {
    /// Appends `next`, the stream of the text that follows.
    pub(super) fn push(&mut self, next: Deflated) {
        self.data.extend(next.data);
        self.crc.combine(&next.crc);
        self.len += next.len;
    }

    /// The CRC-32 of the whole text.
    pub(super) fn crc32(&self) -> u32 {
        self.crc.clone().finalize()
    }
}

/// Compresses `text` at `level`. With `last`, the stream ends there (its final block);
/// otherwise it stops on a byte boundary and another part may follow.
pub(super) fn piece(text: &[u8], level: u32, last: bool) -> io::Result<Deflated> {
    let mut c = Compress::new(Compression::new(level), false);
    piece_with(&mut c, text, last)
}

fn piece_with(c: &mut Compress, text: &[u8], last: bool) -> io::Result<Deflated> {
    c.reset();
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    let mut out = Vec::with_capacity(text.len() / 4 + 64);
    loop {
        let done = c.total_in() as usize;
        let status = c
            .compress_vec(&text[done..], &mut out, flush)
            .map_err(io::Error::other)?;
        let consumed = c.total_in() as usize == text.len();
        // Done when every byte went in and the flush left room to spare (zlib's rule
        // for a sync flush), or the stream ended.
        if consumed && (status == Status::StreamEnd || (!last && out.len() < out.capacity())) {
            break;
        }
        out.reserve(out.capacity().max(4096));
    }
    let mut crc = crc32fast::Hasher::new();
    crc.update(text);
    Ok(Deflated {
        data: vec![out],
        crc,
        len: text.len() as u64,
    })
}

/// Runs `fill` with a writer whose text is deflated at `level` a piece at a time on
/// every core while `fill` goes on; returns what `fill` returns and the stream, not
/// ended (a last part with [`piece`] ends it).
pub(super) fn on_every_core<R>(
    level: u32,
    fill: impl FnOnce(&mut Pieces<'_>) -> io::Result<R>,
) -> io::Result<(R, Deflated)> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    // Pieces waiting for a core: with the one each core compresses, the text held is a
    // few pieces, whatever its length.
    let (send, receive) = mpsc::sync_channel::<(usize, Vec<u8>)>(threads);
    let receive = Mutex::new(receive);
    let done: Mutex<Vec<(usize, io::Result<Deflated>)>> = Mutex::new(Vec::new());
    // Pieces compressed go back to be filled again: fresh memory costs a page fault
    // every 4 KiB.
    let spent: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
    let result = std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                let mut c = Compress::new(Compression::new(level), false);
                loop {
                    let next = receive
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .recv();
                    let Ok((k, mut text)) = next else { return };
                    let made = piece_with(&mut c, &text, false);
                    done.lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push((k, made));
                    text.clear();
                    spent
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(text);
                }
            });
        }
        let mut w = Pieces {
            send,
            spent: &spent,
            buf: Vec::with_capacity(PIECE),
            count: 0,
        };
        // What is left after `fill` goes to a worker too.
        let r = fill(&mut w).and_then(|r| w.send().map(|()| r));
        // The workers end when the channel is closed and empty.
        drop(w);
        r
    });
    let r = result?;
    let mut parts = done.into_inner().unwrap_or_else(PoisonError::into_inner);
    parts.sort_by_key(|(k, _)| *k);
    let mut all = Deflated::default();
    for (_, part) in parts {
        all.push(part?);
    }
    Ok((r, all))
}

/// The writer [`on_every_core`] hands out: cuts the text into pieces for the workers.
pub(super) struct Pieces<'a> {
    send: mpsc::SyncSender<(usize, Vec<u8>)>,
    spent: &'a Mutex<Vec<Vec<u8>>>,
    buf: Vec<u8>,
    count: usize,
}

impl Pieces<'_> {
    /// Hands the text gathered to a worker.
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let fresh = self
            .spent
            .lock()
            .ok()
            .and_then(|mut s| s.pop())
            .unwrap_or_else(|| Vec::with_capacity(PIECE));
        let text = std::mem::replace(&mut self.buf, fresh);
        let sent = self.send.send((self.count, text));
        self.count += 1;
        sent.map_err(|_| io::Error::other("a compressing thread ended"))
    }
}

impl Write for Pieces<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= PIECE {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn inflate(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::DeflateDecoder::new(data)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    /// Text that compresses like a sheet's rows and is not the same piece to piece.
    fn text(len: usize) -> Vec<u8> {
        let mut t = Vec::with_capacity(len + 100);
        let mut i = 0u64;
        while t.len() < len {
            i += 1;
            let x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
            t.extend_from_slice(
                format!("<row r=\"{i}\"><c>{x}</c><c>名{}</c></row>", x % 977).as_bytes(),
            );
        }
        t.truncate(len);
        t
    }

    #[test]
    fn pieces_joined_are_the_text_and_its_checksum() {
        for len in [0, 1, 1000, PIECE - 1, PIECE, PIECE + 1, 3 * PIECE + 12_345] {
            let t = text(len);
            let ((), mut d) = on_every_core(3, |w| {
                // Written in uneven slices, as rows are.
                for chunk in t.chunks(7919) {
                    w.write_all(chunk)?;
                }
                Ok(())
            })
            .unwrap();
            d.push(piece(b"</end>", 3, true).unwrap());
            let mut want = t.clone();
            want.extend_from_slice(b"</end>");
            assert_eq!(inflate(&d.data.concat()), want, "length {len}");
            assert_eq!(d.len, want.len() as u64);
            assert_eq!(d.crc32(), crc32fast::hash(&want));
        }
    }

    #[test]
    fn a_stream_of_parts_is_one_stream() {
        let mut d = piece(b"<head>", 3, false).unwrap();
        d.push(piece(b"", 3, false).unwrap());
        d.push(piece(&text(5000), 1, false).unwrap());
        d.push(piece(b"</tail>", 3, true).unwrap());
        let mut want = b"<head>".to_vec();
        want.extend(text(5000));
        want.extend_from_slice(b"</tail>");
        assert_eq!(inflate(&d.data.concat()), want);
        assert_eq!(d.crc32(), crc32fast::hash(&want));
    }

    #[test]
    fn an_error_filling_is_returned() {
        let r = on_every_core(3, |w| {
            w.write_all(&text(2 * PIECE))?;
            Err::<(), _>(io::Error::other("stopped"))
        });
        assert_eq!(r.err().map(|e| e.to_string()).as_deref(), Some("stopped"));
    }
}
