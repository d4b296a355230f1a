//! A workbook as the zip of XML parts it is (SPEC §8 "Limits instead of exhaustion"):
//! every part's declared size is checked before anything is inflated, the parts
//! calamine reads whole are inflated once under a cap (a part may lie about its size),
//! and a sheet's part is read through under the same cap for what calamine's cell
//! reader does not give (`sheetxml.rs`). No part is ever held in memory whole here.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use anyhow::{Result, anyhow};
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use super::sheetxml::{PartError, SheetScan, attr, quote, raw_scan, without_result, xml_reader};
use crate::i18n::say;
use crate::model::display_name;

/// A part may inflate to 100 times its compressed size…
pub const RATIO_LIMIT: u64 = 100;
/// …or to 256 MiB, whichever is more; beyond both it is refused.
pub const SIZE_LIMIT: u64 = 256 << 20;
/// The parts calamine reads whole when it opens a workbook.
const OPEN_PARTS: [&str; 4] = [
    "xl/_rels/workbook.xml.rels",
    "xl/workbook.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
];

/// An open workbook archive, its directory read.
pub struct Archive {
    zip: ZipArchive<BufReader<File>>,
    file: String,
}

/// The most a part may inflate to.
fn limit(compressed: u64) -> u64 {
    compressed.saturating_mul(RATIO_LIMIT).max(SIZE_LIMIT)
}

/// A size in words: `4.0 GiB`, `12.5 MiB`, `900 KiB`.
fn size(bytes: u64) -> String {
    let b = bytes as f64;
    if bytes >= 1 << 30 {
        format!("{:.1} GiB", b / (1u64 << 30) as f64)
    } else if bytes >= 1 << 20 {
        format!("{:.1} MiB", b / (1u64 << 20) as f64)
    } else {
        format!("{} KiB", bytes.div_ceil(1024))
    }
}

/// "cannot open workbook", as calamine's own failures to open say it.
pub fn unreadable(file: &str, e: &dyn std::fmt::Display) -> anyhow::Error {
    anyhow!(say(
        format!("无法打开工作簿 `{file}`：它不是可读的 .xlsx 文件（不完整，或另存成了别的格式）"),
        format!(
            "cannot open workbook `{file}`: {e}; it is not a readable .xlsx file (truncated, or saved in another format)"
        )
    ))
}

impl Archive {
    /// Opens a workbook's archive and checks every part's declared size: a part that
    /// says it inflates beyond both 100 times its compressed size and 256 MiB is refused
    /// before anything is inflated.
    pub fn open(path: &Path) -> Result<Archive> {
        let file = display_name(path);
        let f = File::open(path).map_err(|e| unreadable(&file, &e))?;
        let zip = ZipArchive::new(BufReader::new(f)).map_err(|e| unreadable(&file, &e))?;
        let mut a = Archive { zip, file };
        for i in 0..a.zip.len() {
            let (name, inflated, compressed) = {
                let p = a.zip.by_index_raw(i).map_err(|e| unreadable(&a.file, &e))?;
                (p.name().to_owned(), p.size(), p.compressed_size())
            };
            if inflated > limit(compressed) {
                return Err(a.too_big(&name, Some(inflated), compressed));
            }
        }
        Ok(a)
    }

    /// Inflates the parts calamine reads whole when it opens a workbook, refusing any
    /// that inflates beyond its limit, whatever size it declared.
    pub fn check_open_parts(&mut self) -> Result<()> {
        for part in OPEN_PARTS {
            if let Some(name) = self.find(part) {
                self.read_part(&name, |r| {
                    std::io::copy(r, &mut std::io::sink())?;
                    Ok(())
                })?;
            }
        }
        Ok(())
    }

    /// The part holding the `index`-th sheet of `xl/workbook.xml` (the order calamine
    /// lists them in), found as calamine finds it.
    pub fn sheet_part(&mut self, index: usize) -> Result<Option<String>> {
        let Some(book) = self.find("xl/workbook.xml") else {
            return Ok(None);
        };
        let Some(rels) = self.find("xl/_rels/workbook.xml.rels") else {
            return Ok(None);
        };
        let mut ids = Vec::new();
        self.read_part(&book, |r| {
            each_start(r, |e| {
                if e.local_name().as_ref() == b"sheet" {
                    ids.push(attr(e, &[b"r:id", b"relationships:id"]).unwrap_or_default());
                }
            })
        })?;
        let Some(id) = ids.get(index) else {
            return Ok(None);
        };
        let mut target = None;
        self.read_part(&rels, |r| {
            each_start(r, |e| {
                if e.local_name().as_ref() == b"Relationship"
                    && attr(e, &[b"Id"]).as_deref() == Some(id.as_str())
                {
                    target = attr(e, &[b"Target"]);
                }
            })
        })?;
        let Some(t) = target else {
            return Ok(None);
        };
        // As calamine resolves a target: relative to `xl/`, unless it starts there.
        let path = if let Some(rest) = t.strip_prefix('/') {
            rest.to_owned()
        } else if t.starts_with("xl/") {
            t
        } else {
            format!("xl/{t}")
        };
        Ok(Some(self.find(&path).unwrap_or(path)))
    }

    /// Reads a sheet's part through once, under its limit: its merged ranges and its
    /// formulas saved without a result (read again with an XML reader only when the
    /// raw bytes could not place a formula).
    pub fn scan_sheet(&mut self, part: &str) -> Result<SheetScan> {
        let mut scan = SheetScan::default();
        self.read_part(part, |r| {
            scan = raw_scan(r)?;
            Ok(())
        })?;
        scan.merges.sort_by_key(|m| (m.top, m.left));
        if scan.unsure {
            self.read_part(part, |r| {
                scan.formulas = without_result(r)?;
                Ok(())
            })?;
        }
        Ok(scan)
    }

    /// The archive's name for a part, matched as calamine matches it (ignoring ASCII
    /// case and `\` for `/`).
    fn find(&self, part: &str) -> Option<String> {
        self.zip
            .file_names()
            .find(|n| n.replace('\\', "/").eq_ignore_ascii_case(part))
            .map(str::to_owned)
    }

    /// Inflates a part into `read`, stopping it at the part's limit.
    fn read_part(
        &mut self,
        name: &str,
        read: impl FnOnce(&mut dyn BufRead) -> Result<(), PartError>,
    ) -> Result<()> {
        let file = self.file.clone();
        let (compressed, over, result) = {
            let mut part = self.zip.by_name(name).map_err(|e| unreadable(&file, &e))?;
            let compressed = part.compressed_size();
            let mut capped = Capped {
                inner: &mut part,
                left: limit(compressed),
                over: false,
            };
            let result = read(&mut BufReader::with_capacity(1 << 16, &mut capped));
            (compressed, capped.over, result)
        };
        if over {
            return Err(self.too_big(name, None, compressed));
        }
        result.map_err(|PartError::Damaged(e)| {
            anyhow!(say(
                format!(
                    "无法读取工作簿 `{file}` 的 `{}`：文件已损坏，请在 Excel 中打开后另存（详情：`{e}`）",
                    quote(name)
                ),
                format!(
                    "cannot read `{}` of workbook `{file}`: {e}; the file is damaged: open it in Excel and save it again",
                    quote(name)
                )
            ))
        })
    }

    /// The exit-2 error for a part over its limit (`inflated`: its declared size).
    fn too_big(&self, part: &str, inflated: Option<u64>, compressed: u64) -> anyhow::Error {
        let (file, part) = (&self.file, quote(part));
        let cap = size(limit(compressed));
        let (zh, en) = match inflated {
            Some(n) => (
                format!("解压后为 {}", size(n)),
                format!("inflates to {}", size(n)),
            ),
            None => (
                format!("解压后超过 {cap}"),
                format!("inflates to more than {cap}"),
            ),
        };
        anyhow!(say(
            format!(
                "拒绝读取工作簿 `{file}`：其中的 `{part}` 压缩后 {}，{zh}，超过上限（压缩大小的 {RATIO_LIMIT} 倍，且超过 256 MiB）；文件已损坏，或是“压缩炸弹”",
                size(compressed)
            ),
            format!(
                "workbook `{file}` refused: its part `{part}` is {} compressed and {en}, beyond the limit ({RATIO_LIMIT} times its compressed size, and 256 MiB); the file is damaged, or a zip bomb",
                size(compressed)
            )
        ))
    }
}

/// A reader that gives at most `left` bytes, and notes when there was more.
struct Capped<R> {
    inner: R,
    left: u64,
    over: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            // One byte more says whether the part goes on past its limit.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? > 0 {
                self.over = true;
                return Err(std::io::Error::other("part over its size limit"));
            }
            return Ok(0);
        }
        let want = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..want])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// Calls `f` with every start tag of a small XML part.
fn each_start(r: &mut dyn BufRead, mut f: impl FnMut(&BytesStart<'_>)) -> Result<(), PartError> {
    let mut xml = xml_reader(r);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf)? {
            Event::Start(e) => f(&e),
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_is_stopped_one_byte_past_its_limit() {
        let read = |data: &[u8], left: u64| {
            let mut capped = Capped {
                inner: data,
                left,
                over: false,
            };
            let result = std::io::copy(&mut capped, &mut std::io::sink());
            (result.ok(), capped.over)
        };
        assert_eq!(read(b"0123456789", 10), (Some(10), false));
        assert_eq!(read(b"0123456789a", 10), (None, true));
        assert_eq!(limit(1000), SIZE_LIMIT);
        assert_eq!(limit(10 << 20), 1000 << 20);
    }
}
