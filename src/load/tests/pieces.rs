//! The cadres and classes read in pieces as their file is read (`chunked.rs`) against
//! the same file read whole (`open_table`, `read_rows`): tiny blocks put rows, quotes,
//! characters, title lines and the header across pieces.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::load::builder::Builder;
use crate::load::chunked::read_table;
use crate::load::locate::locate;
use crate::load::table::{open_table, read_rows};
use crate::load::*;
use crate::model::{Declared, ValueType};
use crate::spelling::ValueMap;

const BLOCKS: [usize; 8] = [1, 2, 3, 5, 8, 13, 64, 4096];

fn levels() -> Vec<String> {
    crate::rules::parse::DEFAULT_LEVELS
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Everything a read gives: the columns, every row's cells and line, the typed rows,
/// data errors, notices, mapped cells, title lines, header line and what every id
/// in the file settled to; or the error's message.
fn summary(read: Result<Builder<'_>>) -> Result<String, String> {
    let b = read.map_err(|e| e.to_string())?;
    let t = &b.table;
    let mut out = String::new();
    let columns: Vec<_> = t.columns.iter().map(|c| (&c.header, c.field)).collect();
    writeln!(out, "{columns:?}").unwrap();
    for r in 0..t.rows() as u32 {
        let cells: Vec<&str> = (0..t.columns.len()).map(|c| t.cell(r, c)).collect();
        writeln!(out, "{} {cells:?}", t.line(r)).unwrap();
    }
    writeln!(out, "{:?}\n{:?}\n{:?}", b.cadres, b.classes, b.errors).unwrap();
    writeln!(out, "{:?}\n{:?}", b.notices, b.mapped).unwrap();
    writeln!(out, "{} {}", b.title_lines, b.header_line).unwrap();
    let id = b.col(Field::CadreId).or(b.col(Field::ClassId)).unwrap_or(0);
    let ids = (0..t.rows() as u32)
        .map(|r| t.cell(r, id).to_owned())
        .chain(b.errors.iter().filter_map(|e| e.value.clone()));
    for text in ids {
        writeln!(out, "{text} {:?}", b.ids.get(&text, t, id)).unwrap();
    }
    Ok(out)
}

/// Reads `path` whole, as the cadres or classes were read before.
fn whole<'l>(
    kind: TableKind,
    path: &Path,
    opts: &ReadOptions,
    levels: &'l [String],
) -> Result<Builder<'l>> {
    let custom = &opts.columns[usize::from(kind == TableKind::Classes)];
    let rows = open_table(kind, &TablePath::Csv(path.to_owned()), opts)?;
    read_rows(
        kind,
        rows,
        levels,
        custom,
        (&opts.spellings, &opts.declared),
        1,
        0,
    )
}

/// Asserts that `path` read in pieces, with every block size and 1 to 3 cores,
/// gives what reading it whole gives; returns that.
fn same_as_whole(kind: TableKind, path: &Path, opts: &ReadOptions) -> Result<String, String> {
    let levels = levels();
    let want = summary(whole(kind, path, opts, &levels));
    for block in BLOCKS {
        for threads in [1, 2, 3] {
            let o = ReadOptions {
                block,
                threads,
                split_small: true,
                ..opts.clone()
            };
            let got = summary(read_table(kind, &TablePath::Csv(path.into()), &o, &levels));
            assert_eq!(
                got,
                want,
                "{} in {block}-byte blocks on {threads} cores",
                path.display()
            );
        }
    }
    want
}

/// Every fixture's cadres and classes (CSV, UTF-8, GB18030 and UTF-16, the
/// malformed ones included) read in pieces as whole.
#[test]
fn fixtures_in_pieces_read_like_the_whole_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut dirs = vec![root.clone()];
    let (mut compared, mut refused) = (0, 0);
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            }
        }
        let Ok(paths) = locate(&dir, [None, None, None]) else {
            continue;
        };
        for (kind, path) in [TableKind::Cadres, TableKind::Classes].iter().zip(&paths) {
            if let TablePath::Csv(p) = path {
                let read = same_as_whole(*kind, p, &ReadOptions::default());
                compared += 1;
                refused += usize::from(read.is_err());
            }
        }
    }
    assert!(
        compared > 80 && refused > 5,
        "{compared} files compared, {refused} refused"
    );
}

/// A table's text made hostile: title lines above the header, `\r\n` line ends,
/// names with quotes, commas and line breaks, a row wider than the header, a row's
/// id twice (once in lower case), a quote that never closes at the end.
fn hostile(text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for (i, l) in lines.iter_mut().enumerate().skip(1) {
        if i % 4 == 0 {
            let mut f: Vec<String> = l.split(',').map(str::to_owned).collect();
            f[1] = format!("\"{}\r\n（续）,\"\"甲\"\"\"", f[1]);
            *l = f.join(",");
        }
    }
    let wide = format!("{}{}多余", lines[3], ",".repeat(30));
    lines.insert(5, wide);
    let again = lines[2].to_lowercase();
    lines.push(again);
    lines.push("Z9,\"没有闭合的引号,2019-01-01".to_owned());
    let body = lines.join("\r\n");
    format!("绵阳市工会干部培训台账\r\n\r\n导出日期：2021-03-01,,,\r\n{body}")
}

/// Hostile cadres and classes, with `[values]` and `[columns]`, in UTF-8 with a BOM
/// and in GB18030, read in pieces as whole.
#[test]
fn hostile_text_in_pieces_reads_like_the_whole_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mapping = |table, column: &str, word: &str, spelling: &str| ValueMap {
        table,
        column: column.to_owned(),
        word: word.to_owned(),
        spelling: spelling.to_owned(),
    };
    let mut opts = ReadOptions::default();
    opts.spellings.values = vec![
        mapping(TableKind::Cadres, "性别", "男性", "男"),
        mapping(TableKind::Cadres, "post", "主席", "副主席"),
        mapping(TableKind::Classes, "county", "市直属", "市直"),
    ];
    opts.declared = vec![
        Declared {
            table: TableKind::Cadres,
            name: "提任日期",
            value_type: ValueType::Date,
        },
        Declared {
            table: TableKind::Classes,
            name: "经费",
            value_type: ValueType::Number,
        },
    ];
    let dir = tempfile::tempdir().unwrap();
    for fixture in ["demo", "typed-columns"] {
        for (kind, name) in [
            (TableKind::Cadres, "cadres.csv"),
            (TableKind::Classes, "classes.csv"),
        ] {
            let text = std::fs::read_to_string(root.join(fixture).join(name)).unwrap();
            let text = hostile(text.trim_start_matches('\u{feff}'));
            let (gbk, _, lossy) = encoding_rs::GB18030.encode(&text);
            assert!(!lossy);
            let utf8 = format!("\u{feff}{text}");
            for bytes in [utf8.as_bytes(), &gbk] {
                let p = dir.path().join(name);
                std::fs::write(&p, bytes).unwrap();
                let read = same_as_whole(kind, &p, &opts).unwrap();
                assert!(read.contains("UnclosedQuote"), "{fixture} {name}: {read}");
                assert!(read.contains("DuplicateId"), "{fixture} {name}: {read}");
                assert!(read.contains("TooManyFields"), "{fixture} {name}: {read}");
                assert!(read.contains("\n2 4\n"), "{fixture} {name}: title lines");
            }
        }
    }
}

/// Files that cannot be read stop with the same message as read whole: records and
/// header lines over their limits, bytes that are no text, no header at all.
#[test]
fn unreadable_files_in_pieces_fail_like_the_whole_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let demo = std::fs::read_to_string(root.join("cadres.csv")).unwrap();
    let demo = demo.trim_start_matches('\u{feff}');
    let line = |at: usize, row: &str| {
        let mut lines: Vec<&str> = demo.lines().collect();
        lines.insert(at - 1, row);
        lines.join("\n") + "\n"
    };
    let long = "x".repeat(300);
    let gbk = |t: &str| encoding_rs::GB18030.encode(t).0.into_owned();
    let mut bad_gbk = gbk(&line(30, "坏,字节"));
    let at = bad_gbk
        .windows(2)
        .position(|w| w == gbk("坏").as_slice())
        .unwrap();
    bad_gbk[at] = 0xFF;
    let mut bad_utf8 = format!("\u{feff}{}", line(30, "坏,字节")).into_bytes();
    let at = bad_utf8
        .windows(3)
        .position(|w| w == "坏".as_bytes())
        .unwrap();
    bad_utf8[at] = 0xFF;
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (line(4, &format!("510703,{long}")).into_bytes(), "第 4 行"),
        (
            line(4, &format!("510703,\"{}\n{}\"", &long[..100], &long[100..])).into_bytes(),
            "第 4 行",
        ),
        (line(4, &format!("510703,\"{long}")).into_bytes(), "第 4 行"),
        (
            format!("\n{}{demo}", "表".repeat(67)).into_bytes(),
            "第 2 行",
        ),
        (bad_gbk, "第 30 行"),
        (bad_utf8, "第 30 行"),
        (b"\"\n\n".to_vec(), "引号"),
        (Vec::new(), "空文件"),
        (b"\r\n\n\r\n".to_vec(), "空文件"),
        (b"a,b\n1,2\n".to_vec(), "缺少"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let p: PathBuf = dir.path().join("cadres.csv");
    let opts = ReadOptions {
        record_limit: 300,
        header_limit: 200,
        ..ReadOptions::default()
    };
    for (bytes, says) in cases {
        std::fs::write(&p, &bytes).unwrap();
        let m = same_as_whole(TableKind::Cadres, &p, &opts).unwrap_err();
        assert!(m.contains(says), "{says}: {m}");
    }
}

/// A file that is ASCII for many blocks and GB18030 further on is read again from
/// the start: the rows are those of the same text saved as UTF-8.
#[test]
fn late_gb18030_bytes_read_the_table_again() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let demo = std::fs::read_to_string(root.join("classes.csv")).unwrap();
    let mut text = String::new();
    for (i, line) in demo.lines().enumerate() {
        // ASCII for the first 20 lines (many 64-byte blocks), Chinese after.
        let line = if i < 20 {
            line.chars()
                .map(|c| if c.is_ascii() { c } else { 'x' })
                .collect()
        } else {
            line.to_owned()
        };
        text.push_str(&line);
        text.push('\n');
    }
    let (gbk, _, lossy) = encoding_rs::GB18030.encode(&text);
    assert!(!lossy && std::str::from_utf8(&gbk[..1500]).is_ok());
    let levels = levels();
    let read = |bytes: &[u8], block: usize| {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("classes.csv");
        std::fs::write(&p, bytes).unwrap();
        let opts = ReadOptions {
            block,
            threads: 2,
            split_small: true,
            ..ReadOptions::default()
        };
        summary(read_table(
            TableKind::Classes,
            &TablePath::Csv(p),
            &opts,
            &levels,
        ))
    };
    let utf8 = read(text.as_bytes(), 0).unwrap();
    assert!(utf8.contains("2019年盐亭县") && utf8.contains("value: Some(\"x\")"));
    for block in [0, 64, 256, 1000] {
        assert_eq!(read(&gbk, block).unwrap(), utf8, "{block}-byte blocks");
    }
}
