//! Tests of whole loads: attendance streamed in blocks of any size, files read in
//! parts like whole, the reading limits and title lines; the cadres and classes read in
//! pieces as their file is read (`pieces`).

mod pieces;

mod streamed {
    use crate::load::locate::locate;
    use crate::load::*;

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
        // 119 rows, one naming a cadre whose row the demo rejects.
        assert_eq!(utf8.2, 118);
        for block in [64, 256, 1000] {
            assert_eq!(read(&gbk, block), utf8, "{block}-byte blocks");
        }
    }
}

mod part_tests {
    use crate::load::locate::locate;
    use crate::load::*;

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

mod limit_tests {
    use crate::load::locate::locate;
    use crate::load::*;

    fn levels() -> Vec<String> {
        crate::rules::parse::DEFAULT_LEVELS
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    /// The demo tables, with `edit` applied to one of them (0 cadres, 1 classes,
    /// 2 attendance), loaded with small limits and `block`-byte blocks.
    fn load_edited(
        table: usize,
        edit: impl Fn(&str) -> String,
        limits: (usize, usize),
        block: usize,
    ) -> Result<Dataset> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
        let dir = tempfile::tempdir().unwrap();
        for (i, t) in ["cadres.csv", "classes.csv", "attendance.csv"]
            .iter()
            .enumerate()
        {
            let text = std::fs::read_to_string(root.join(t)).unwrap();
            let text = if i == table { edit(&text) } else { text };
            std::fs::write(dir.path().join(t), text).unwrap();
        }
        let paths = locate(dir.path(), [None, None, None]).unwrap();
        let opts = ReadOptions {
            block,
            record_limit: limits.0,
            header_limit: limits.1,
            ..ReadOptions::default()
        };
        load(&paths, &opts, &levels())
    }

    /// Inserts `row` as line `at` (1-based) of a file's text.
    fn insert_line(text: &str, at: usize, row: &str) -> String {
        let mut lines: Vec<&str> = text.lines().collect();
        lines.insert(at - 1, row);
        lines.join("\n") + "\n"
    }

    fn message(r: Result<Dataset>) -> String {
        match r {
            Ok(_) => panic!("loaded"),
            Err(e) => e.to_string(),
        }
    }

    /// SPEC §8: a record over the limit is refused (exit 2) naming its first line and
    /// the limit, in the tables read whole and in the attendance read block by block,
    /// a plain field, a quoted one with line breaks, or a quote that runs to the end;
    /// a record at the limit is read.
    #[test]
    fn records_over_the_limit_are_refused_at_their_line() {
        let limits = (300, 200);
        let long = "x".repeat(301 - "510703,".len());
        let rows = [
            format!("510703,{long}"),
            format!("510703,\"{}\n{}\"", &long[..100], &long[101..]),
            format!("510703,\"{long}"),
        ];
        for (table, block) in [(0, 0), (2, 0), (2, 1), (2, 7), (2, 64), (2, 4096)] {
            for row in &rows {
                let m = message(load_edited(
                    table,
                    |t| insert_line(t, 4, row),
                    limits,
                    block,
                ));
                assert!(
                    m.contains("第 4 行") && m.contains("300 bytes"),
                    "table {table}, {block}-byte blocks, {row:?}: {m}"
                );
            }
            // At the limit: a row with a data error, not a refusal.
            let at_limit = &rows[0][1..];
            let d = load_edited(table, |t| insert_line(t, 4, at_limit), limits, block).unwrap();
            assert!(d.data_errors.iter().any(|e| e.line == 4), "table {table}");
        }
        // A quote that runs to the end within the limit stays a data error.
        let d = load_edited(2, |t| format!("{t}\"510703,"), limits, 0).unwrap();
        let e = d.data_errors.iter().find(|e| e.line == 121).unwrap();
        assert_eq!(e.problem, crate::i18n::Problem::UnclosedQuote);
    }

    /// SPEC §8: a header line over its limit is refused, naming it.
    #[test]
    fn header_lines_over_the_limit_are_refused() {
        let limits = (300, 200);
        for (table, block) in [(0, 0), (1, 0), (2, 0), (2, 1), (2, 13), (2, 4096)] {
            let m = message(load_edited(
                table,
                |t| format!("\n{}{t}", "表".repeat(67)),
                limits,
                block,
            ));
            assert!(
                m.contains("第 2 行") && m.contains("200 bytes") && m.contains("表头"),
                "table {table}, {block}-byte blocks: {m}"
            );
        }
    }

    /// SPEC §8 "Title lines": lines above the header are passed over and counted; line
    /// numbers stay the file's own.
    #[test]
    fn title_lines_above_the_header_keep_line_numbers() {
        let titled = |t: &str| format!("绵阳市工会干部培训台账\n\n导出日期：2021-03-01,,,\n{t}");
        let plain = load_edited(0, |t| t.to_owned(), (0, 0), 0).unwrap();
        let errors = |d: &Dataset, table: TableKind| -> Vec<(u32, Option<String>)> {
            d.data_errors
                .iter()
                .filter(|e| e.table == table)
                .map(|e| (e.line, e.value.clone()))
                .collect()
        };
        for (table, kind) in [
            (0, TableKind::Cadres),
            (1, TableKind::Classes),
            (2, TableKind::Attendance),
        ] {
            let want: Vec<(u32, Option<String>)> = errors(&plain, kind)
                .into_iter()
                .map(|(line, v)| (line + 3, v))
                .collect();
            for block in [0, 1, 5, 64] {
                let d = load_edited(table, titled, (0, 0), block).unwrap();
                assert_eq!(errors(&d, kind), want, "{kind:?}, {block}-byte blocks");
                let mut title_lines = [0; 3];
                title_lines[table] = 2;
                assert_eq!(d.title_lines, title_lines);
                assert_eq!(d.attended.len(), plain.attended.len());
            }
        }
    }

    /// A header far wider than its rows: cells past a row's end read as empty, and a
    /// value far out in an extra column is kept, in whichever part it was read.
    #[test]
    fn wide_headers_over_short_rows() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
        let extra: String = (0..5000).map(|i| format!(",列{i}")).collect();
        let far = ",".repeat(4000) + "远";
        let wide = |t: &str| {
            let mut lines: Vec<String> = t.lines().map(str::to_owned).collect();
            lines[0].push_str(&extra);
            lines[40].push_str(&far);
            lines.join("\n")
        };
        let dir = tempfile::tempdir().unwrap();
        for t in ["cadres.csv", "classes.csv", "attendance.csv"] {
            let text = std::fs::read_to_string(root.join(t)).unwrap();
            let text = if t == "cadres.csv" { wide(&text) } else { text };
            std::fs::write(dir.path().join(t), text).unwrap();
        }
        let paths = locate(dir.path(), [None, None, None]).unwrap();
        for threads in [1, 3] {
            let opts = ReadOptions {
                threads,
                split_small: true,
                ..ReadOptions::default()
            };
            let d = load(&paths, &opts, &levels()).unwrap();
            let t = &d.cadres_table;
            assert_eq!(t.columns.len(), 11 + 5000);
            let col = t.columns.iter().position(|c| c.header == "列3999").unwrap();
            let values: Vec<(u32, &str)> = (0..t.rows() as u32)
                .map(|r| (t.line(r), t.cell(r, col)))
                .filter(|(_, v)| !v.is_empty())
                .collect();
            assert_eq!(values, vec![(41, "远")], "{threads} parts");
            assert_eq!(t.cell(0, col + 1), "");
        }
    }
}
