//! A zip archive written from entries compressed already: the xlsx report's rule
//! sheets are deflated on every core ([`super::deflate`]) and the workbook's other parts
//! copied as rust_xlsxwriter compressed them. The zip crates write only what they
//! compress themselves (or copy from another archive), hence this file: local headers,
//! the central directory and its end, with ZIP64 fields where a size or an offset does
//! not fit in 32 bits (APPNOTE 6.3.10, 4.3.7–4.3.16, 4.5.3).

use std::io::{self, Write};

/// The first size or offset that needs ZIP64 fields.
const ZIP64_FROM: u64 = 0xFFFF_FFFF;

/// One entry: its name, how its data is compressed (0 stored, 8 deflated), its MS-DOS
/// time and date, the CRC-32 and length of its text, its Unix mode if it has one.
pub(super) struct Entry<'a> {
    pub(super) name: &'a str,
    pub(super) method: u16,
    pub(super) time: u16,
    pub(super) date: u16,
    pub(super) crc: u32,
    pub(super) len: u64,
    pub(super) unix_mode: Option<u32>,
    /// The compressed data, in pieces end to end.
    pub(super) data: &'a [&'a [u8]],
}

/// An archive being written.
pub(super) struct ZipOut<'w> {
    w: &'w mut dyn Write,
    offset: u64,
    central: Vec<u8>,
    count: u64,
    zip64_from: u64,
}

impl<'w> ZipOut<'w> {
    pub(super) fn new(w: &'w mut dyn Write) -> ZipOut<'w> {
        ZipOut {
            w,
            offset: 0,
            central: Vec::new(),
            count: 0,
            zip64_from: ZIP64_FROM,
        }
    }

    fn put(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.w.write_all(bytes)?;
        self.offset += bytes.len() as u64;
        Ok(())
    }

    /// Writes an entry, and keeps its central directory record for [`ZipOut::finish`].
    pub(super) fn add(&mut self, e: &Entry<'_>) -> io::Result<()> {
        let csize: u64 = e.data.iter().map(|d| d.len() as u64).sum();
        let big = e.len >= self.zip64_from || csize >= self.zip64_from;
        let at = self.offset;
        let far = at >= self.zip64_from;
        let needed: u16 = if big || far { 45 } else { 20 };
        let name = e.name.as_bytes();
        let name_len =
            u16::try_from(name.len()).map_err(|_| io::Error::other("zip: name too long"))?;
        // UTF-8 names (bit 11) when not ASCII.
        let flags: u16 = if e.name.is_ascii() { 0 } else { 1 << 11 };

        let mut local = Vec::with_capacity(30 + name.len() + 20);
        local.extend(0x0403_4b50u32.to_le_bytes());
        local.extend(needed.to_le_bytes());
        local.extend(flags.to_le_bytes());
        local.extend(e.method.to_le_bytes());
        local.extend(e.time.to_le_bytes());
        local.extend(e.date.to_le_bytes());
        local.extend(e.crc.to_le_bytes());
        let short = |n: u64| if big { u32::MAX } else { n as u32 };
        local.extend(short(csize).to_le_bytes());
        local.extend(short(e.len).to_le_bytes());
        local.extend(name_len.to_le_bytes());
        local.extend((if big { 20u16 } else { 0 }).to_le_bytes());
        local.extend(name);
        if big {
            // The local header's ZIP64 field holds both sizes.
            local.extend(1u16.to_le_bytes());
            local.extend(16u16.to_le_bytes());
            local.extend(e.len.to_le_bytes());
            local.extend(csize.to_le_bytes());
        }
        self.put(&local)?;
        for piece in e.data {
            self.put(piece)?;
        }

        // The central record's ZIP64 field holds only what does not fit, in this order.
        let mut extra = Vec::new();
        let field = |n: u64, extra: &mut Vec<u8>| -> u32 {
            if n >= self.zip64_from {
                extra.extend(n.to_le_bytes());
                u32::MAX
            } else {
                n as u32
            }
        };
        let len32 = field(e.len, &mut extra);
        let csize32 = field(csize, &mut extra);
        let at32 = field(at, &mut extra);
        let extra_len = if extra.is_empty() { 0 } else { extra.len() + 4 };
        let c = &mut self.central;
        c.extend(0x0201_4b50u32.to_le_bytes());
        let made_by: u16 = match e.unix_mode {
            Some(_) => (3 << 8) | 45,
            None => 45,
        };
        c.extend(made_by.to_le_bytes());
        c.extend(needed.to_le_bytes());
        c.extend(flags.to_le_bytes());
        c.extend(e.method.to_le_bytes());
        c.extend(e.time.to_le_bytes());
        c.extend(e.date.to_le_bytes());
        c.extend(e.crc.to_le_bytes());
        c.extend(csize32.to_le_bytes());
        c.extend(len32.to_le_bytes());
        c.extend(name_len.to_le_bytes());
        c.extend((extra_len as u16).to_le_bytes());
        c.extend(0u16.to_le_bytes()); // comment
        c.extend(0u16.to_le_bytes()); // disk
        c.extend(0u16.to_le_bytes()); // internal attributes
        c.extend((e.unix_mode.unwrap_or(0) << 16).to_le_bytes());
        c.extend(at32.to_le_bytes());
        c.extend(name);
        if !extra.is_empty() {
            c.extend(1u16.to_le_bytes());
            c.extend((extra.len() as u16).to_le_bytes());
            c.extend(extra);
        }
        self.count += 1;
        Ok(())
    }

    /// Writes the central directory and its end.
    pub(super) fn finish(mut self) -> io::Result<()> {
        let at = self.offset;
        let central = std::mem::take(&mut self.central);
        self.put(&central)?;
        let size = central.len() as u64;
        let far = at >= self.zip64_from || size >= self.zip64_from || self.count >= 0xFFFF;
        let mut end = Vec::with_capacity(100);
        if far {
            let end64 = self.offset;
            end.extend(0x0606_4b50u32.to_le_bytes());
            end.extend(44u64.to_le_bytes());
            end.extend(45u16.to_le_bytes());
            end.extend(45u16.to_le_bytes());
            end.extend(0u32.to_le_bytes());
            end.extend(0u32.to_le_bytes());
            end.extend(self.count.to_le_bytes());
            end.extend(self.count.to_le_bytes());
            end.extend(size.to_le_bytes());
            end.extend(at.to_le_bytes());
            end.extend(0x0706_4b50u32.to_le_bytes());
            end.extend(0u32.to_le_bytes());
            end.extend(end64.to_le_bytes());
            end.extend(1u32.to_le_bytes());
        }
        let count16 = if far { u16::MAX } else { self.count as u16 };
        end.extend(0x0605_4b50u32.to_le_bytes());
        end.extend(0u16.to_le_bytes());
        end.extend(0u16.to_le_bytes());
        end.extend(count16.to_le_bytes());
        end.extend(count16.to_le_bytes());
        end.extend((if far { u32::MAX } else { size as u32 }).to_le_bytes());
        end.extend((if far { u32::MAX } else { at as u32 }).to_le_bytes());
        end.extend(0u16.to_le_bytes());
        self.put(&end)?;
        self.w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    /// Writes `texts` (deflated, or stored when `stored`) and reads them back with the
    /// zip crate, checking each entry's name, text, checksum and mode.
    fn round_trip(zip64_from: u64) {
        let texts: Vec<(String, Vec<u8>)> = vec![
            ("[Content_Types].xml".into(), b"<Types/>".to_vec()),
            (
                "xl/worksheets/sheet2.xml".into(),
                "<sheetData>名单</sheetData>".repeat(500).into_bytes(),
            ),
            ("docProps/空.xml".into(), Vec::new()),
        ];
        let mut out = Vec::new();
        let mut z = ZipOut::new(&mut out);
        z.zip64_from = zip64_from;
        for (i, (name, text)) in texts.iter().enumerate() {
            let stored = i == 0;
            let data = if stored {
                text.clone()
            } else {
                crate::report::deflate::piece(text, 3, true)
                    .unwrap()
                    .data
                    .concat()
            };
            z.add(&Entry {
                name,
                method: if stored { 0 } else { 8 },
                time: 0x6000,
                date: 0x5A21,
                crc: crc32fast::hash(text),
                len: text.len() as u64,
                unix_mode: Some(0o100_644),
                data: &[&data[..]],
            })
            .unwrap();
        }
        z.finish().unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(out)).unwrap();
        assert_eq!(archive.len(), texts.len());
        for (i, (name, text)) in texts.iter().enumerate() {
            let mut f = archive.by_index(i).unwrap();
            assert_eq!(f.name(), name);
            assert_eq!(f.crc32(), crc32fast::hash(text));
            assert_eq!(f.unix_mode(), Some(0o100_644));
            let mut got = Vec::new();
            f.read_to_end(&mut got).unwrap();
            assert_eq!(&got, text, "{name}");
        }
    }

    #[test]
    fn entries_read_back() {
        round_trip(ZIP64_FROM);
    }

    #[test]
    fn entries_read_back_with_zip64_fields() {
        // Every size and offset past the threshold: each ZIP64 field written and read.
        round_trip(0);
        round_trip(40);
    }
}
