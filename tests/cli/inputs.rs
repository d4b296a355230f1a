//! Real exports as clerks have them: GBK, BOM and UTF-16 CSV, `;` separators, xlsx
//! workbooks (one per table, or one with three sheets, with a title row above the
//! header, date cells, serial numbers and numeric ids). Each must give the same
//! findings as the plain UTF-8 demo. Also `-o`, `--lang en` and `validate`.

use std::fs;
use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;

use crate::util::{comparable, fixture, run};

const TABLES: [(&str, &str); 3] = [
    ("cadres", "干部名册"),
    ("classes", "培训班"),
    ("attendance", "参训记录"),
];

fn demo_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "check",
        dir.to_str().unwrap(),
        "--as-of",
        "2021-03-01",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args, None);
    assert!(err.is_empty(), "{err}");
    (
        code,
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}")),
    )
}

fn demo_text(table: &str) -> String {
    let s = fs::read_to_string(fixture("demo-no-units").join(format!("{table}.csv"))).unwrap();
    s.strip_prefix('\u{feff}').unwrap_or(&s).to_owned()
}

/// Findings and rule counts, which must not depend on how the data was stored.
fn findings(v: &Value) -> (Value, Value, Value) {
    let c = comparable(v.clone());
    (
        c["summary"].clone(),
        c["rules"].clone(),
        c["findings"].clone(),
    )
}

#[test]
fn gbk_bom_and_utf16_csv_read_like_utf8() {
    let (code, plain) = demo_json(&fixture("demo-no-units"), &[]);
    assert_eq!(code, 1);
    for variant in ["gbk", "bom", "utf16", "semicolon"] {
        let dir = tempfile::tempdir().unwrap();
        for (table, _) in TABLES {
            let text = demo_text(table);
            let bytes: Vec<u8> = match variant {
                "gbk" => encoding_rs::GB18030.encode(&text).0.into_owned(),
                "bom" => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
                "utf16" => {
                    // Excel's "Unicode text": UTF-16LE with BOM, tab-separated.
                    let tsv = text.replace(',', "\t");
                    let mut b = vec![0xFF, 0xFE];
                    for u in tsv.encode_utf16() {
                        b.extend_from_slice(&u.to_le_bytes());
                    }
                    b
                }
                _ => text.replace(',', ";").into_bytes(),
            };
            let name = if variant == "utf16" {
                format!("{table}.txt")
            } else {
                format!("{table}.csv")
            };
            fs::write(dir.path().join(name), bytes).unwrap();
        }
        let (code2, v) = demo_json(dir.path(), &[]);
        assert_eq!(code2, code, "{variant}");
        assert!(
            findings(&v) == findings(&plain),
            "{variant} gives other results"
        );
        let lines = |v: &Value| -> Vec<(Value, Value, Value)> {
            v["data_errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| (e["line"].clone(), e["column"].clone(), e["value"].clone()))
                .collect()
        };
        assert_eq!(lines(&v), lines(&plain), "{variant}: data errors");
        let out = serde_json::to_string(&v).unwrap();
        assert!(!out.contains('\u{fffd}'), "{variant}: mojibake in output");
    }
}

#[test]
fn chinese_file_names_are_found() {
    let dir = tempfile::tempdir().unwrap();
    for (table, zh) in TABLES {
        fs::copy(
            fixture("demo-no-units").join(format!("{table}.csv")),
            dir.path().join(format!("{zh}.CSV")),
        )
        .unwrap();
    }
    let (_, v) = demo_json(dir.path(), &[]);
    let (_, plain) = demo_json(&fixture("demo-no-units"), &[]);
    assert_eq!(findings(&v), findings(&plain));
}

/// Writes the demo tables into one workbook; `title` puts a title row and a blank row
/// above each header, as many exports do.
fn demo_workbook(path: &Path, title: bool, sheet_names: [&str; 3]) {
    let mut wb = Workbook::new();
    for ((table, _), sheet) in TABLES.iter().zip(sheet_names) {
        let ws = wb.add_worksheet();
        ws.set_name(sheet).unwrap();
        let offset = if title {
            ws.write_string(0, 0, format!("绵阳市{sheet}（导出）"))
                .unwrap();
            2
        } else {
            0
        };
        for (r, line) in demo_text(table).lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                ws.write_string(r as u32 + offset, c as u16, cell).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn one_workbook_with_three_sheets() {
    let (_, plain) = demo_json(&fixture("demo-no-units"), &[]);
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("台账.xlsx");
    demo_workbook(&book, false, ["干部名册", "培训班", "参训记录"]);
    let (code, v) = demo_json(&book, &[]);
    assert_eq!(code, 1);
    assert_eq!(findings(&v), findings(&plain));
    // Data errors keep their lines and name the workbook and sheet.
    let errs = v["data_errors"].as_array().unwrap();
    let plain_errs = plain["data_errors"].as_array().unwrap();
    assert_eq!(errs.len(), plain_errs.len());
    for (e, p) in errs.iter().zip(plain_errs) {
        assert_eq!(e["file"], "台账.xlsx");
        assert_eq!(e["line"], p["line"]);
        assert_eq!(e["column"], p["column"]);
        assert_eq!(e["value"], p["value"]);
    }
    assert_eq!(errs[0]["sheet"], "干部名册");

    // The folder holding only that workbook reads the same.
    let (_, v2) = demo_json(dir.path(), &[]);
    assert_eq!(findings(&v2), findings(&plain));
}

#[test]
fn title_rows_above_the_header_shift_excel_row_numbers() {
    let (_, plain) = demo_json(&fixture("demo-no-units"), &[]);
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("export.xlsx");
    demo_workbook(&book, true, ["cadres", "classes", "attendance"]);
    let (_, v) = demo_json(&book, &[]);
    assert_eq!(findings(&v), findings(&plain));
    let lines: Vec<u64> = v["data_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    let plain_lines: Vec<u64> = plain["data_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap() + 2)
        .collect();
    assert_eq!(lines, plain_lines, "the row numbers Excel shows");
}

#[test]
fn workbook_cells_dates_serials_numeric_ids_and_booleans() {
    let dir = tempfile::tempdir().unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("cadres").unwrap();
    for (c, h) in ["工号", "姓名", "职务", "任职日期", "专兼职", "县区"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    // Row 2: numeric id, a real date cell.
    ws.write_number(1, 0, 1001.0).unwrap();
    ws.write_string(1, 1, "王一").unwrap();
    ws.write_string(1, 2, "工会主席").unwrap();
    ws.write_datetime_with_format(1, 3, ExcelDateTime::from_ymd(2019, 3, 15).unwrap(), &date)
        .unwrap();
    ws.write_string(1, 4, "专职").unwrap();
    ws.write_string(1, 5, "涪城区").unwrap();
    // Row 3: a serial number typed as a number (43355 = 2018-09-12).
    ws.write_number(2, 0, 1002.0).unwrap();
    ws.write_string(2, 1, "王二").unwrap();
    ws.write_string(2, 2, "委员").unwrap();
    ws.write_number(2, 3, 43355.0).unwrap();
    ws.write_string(2, 4, "兼职").unwrap();
    ws.write_string(2, 5, "涪城区").unwrap();
    // Row 4: an 18-digit id stored as a number has lost digits; serial 60 is no date.
    ws.write_number(3, 0, 510703198001010011.0).unwrap();
    ws.write_string(3, 1, "王三").unwrap();
    ws.write_string(3, 2, "委员").unwrap();
    ws.write_number(3, 3, 60.0).unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("classes").unwrap();
    for (c, h) in ["编号", "举办层级", "培训类别", "开班日期", "县区"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "K1").unwrap();
    ws.write_string(1, 1, "市").unwrap();
    ws.write_string(1, 2, "业务培训").unwrap();
    ws.write_datetime_with_format(1, 3, ExcelDateTime::from_ymd(2019, 6, 1).unwrap(), &date)
        .unwrap();
    ws.write_string(1, 4, "涪城区").unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("attendance").unwrap();
    for (c, h) in ["cadre_id", "class_id", "completed"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_number(1, 0, 1001.0).unwrap();
    ws.write_string(1, 1, "K1").unwrap();
    ws.write_boolean(1, 2, true).unwrap();
    ws.write_number(2, 0, 1002.0).unwrap();
    ws.write_string(2, 1, "K1").unwrap();
    ws.write_boolean(2, 2, false).unwrap();
    let book = dir.path().join("book.xlsx");
    wb.save(&book).unwrap();

    let (code, v) = demo_json(&book, &[]);
    assert_eq!(code, 1);
    let errs = comparable(serde_json::json!({ "data_errors": v["data_errors"].clone() }));
    assert_eq!(
        errs["data_errors"],
        comparable(serde_json::json!({ "data_errors": [
            {"file": "book.xlsx", "sheet": "cadres", "line": 4, "column": "appointed_on", "value": "60"},
            {"file": "book.xlsx", "sheet": "cadres", "line": 4, "column": "id", "value": "510703198001010000"},
        ]}))["data_errors"]
    );
    // 1001, a chair appointed 2019-03-15, attended K1 (市, 2019-06-01): met.
    let chair = &v["rules"][0];
    assert_eq!(
        (chair["checked"].as_u64(), chair["met"].as_u64()),
        (Some(1), Some(1))
    );
    // 1002 (兼职, appointed 2018-09-12 from the serial) did not complete K1: the only
    // rotation finding, with subject "1002" (integer text, not "1002.0").
    let rotation: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "full-rotation")
        .collect();
    assert_eq!(rotation.len(), 1);
    assert_eq!(rotation[0]["subject"], "1002");
}

#[test]
fn output_file_is_written_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    let (code, stdout, _) = run(
        &[
            "check",
            fixture("demo-no-units").to_str().unwrap(),
            "--as-of",
            "2021-03-01",
            "--format",
            "json",
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    let v: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    let (_, plain) = demo_json(&fixture("demo-no-units"), &[]);
    assert_eq!(v, plain);
    let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
}

#[test]
fn english_changes_texts_only() {
    // The demo with its units table: no rule runs by its fallback, whose `basis` is
    // text too.
    let (_, zh) = demo_json(&fixture("demo"), &[]);
    let (_, en) = demo_json(&fixture("demo"), &["--lang", "en"]);
    assert_eq!(comparable(zh.clone()), comparable(en.clone()));
    let msg = en["findings"][0]["message"].as_str().unwrap();
    assert!(msg.is_ascii() || msg.contains("class"), "{msg}");
    assert_ne!(zh["findings"][0]["message"], en["findings"][0]["message"]);
    let (_, text, _) = run(
        &[
            "check",
            fixture("demo-no-units").to_str().unwrap(),
            "--as-of",
            "2021-03-01",
            "--lang",
            "en",
        ],
        None,
    );
    assert!(
        text.contains("data errors") && text.contains("not compliant"),
        "{text}"
    );
}

#[test]
fn validate_reports_data_problems_only() {
    let (code, out, _) = run(
        &[
            "validate",
            fixture("demo-no-units").to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let (_, plain) = demo_json(&fixture("demo-no-units"), &[]);
    assert_eq!(v["data_errors"], plain["data_errors"]);
    assert!(v.get("findings").is_none());
    let (code, out, _) = run(
        &["validate", fixture("quota-boundaries").to_str().unwrap()],
        None,
    );
    assert_eq!(code, 0, "{out}");
}

#[test]
fn validate_counts_per_file_and_kind() {
    let (code, out, _) = run(
        &[
            "validate",
            fixture("data-errors").to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let errors = v["data_errors"].as_array().unwrap();
    let by_file = v["summary"]["by_file"].as_object().unwrap();
    let total: u64 = by_file.values().map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(total as usize, errors.len());
    for (file, n) in by_file {
        let count = errors.iter().filter(|e| e["file"] == file.as_str()).count();
        assert_eq!(n.as_u64(), Some(count as u64), "{file}");
    }
    let by_kind = v["summary"]["by_kind"].as_object().unwrap();
    assert_eq!(
        by_kind.values().map(|n| n.as_u64().unwrap()).sum::<u64>() as usize,
        errors.len()
    );
    assert_eq!(by_kind["duplicate_id"], 2);
}

#[test]
fn column_map_names_unusual_headers() {
    let dir = tempfile::tempdir().unwrap();
    for (table, _) in TABLES {
        let mut text = demo_text(table);
        if table == "cadres" {
            text = text.replacen("任职日期", "任职时期", 1);
        }
        fs::write(dir.path().join(format!("{table}.csv")), text).unwrap();
    }
    let (code, _, err) = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--as-of",
            "2021-03-01",
        ],
        None,
    );
    assert_eq!(code, 2);
    // Chinese by default, English with --lang en.
    assert!(
        err.contains("缺少 `appointed_on` 列") && err.contains("是否就是 `任职时期`"),
        "{err}"
    );
    let (_, _, err) = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--as-of",
            "2021-03-01",
            "--lang",
            "en",
        ],
        None,
    );
    assert!(
        err.contains("missing column `appointed_on`") && err.contains("did you mean `任职时期`"),
        "{err}"
    );
    assert!(err.contains("--columns"), "{err}");

    let map = dir.path().join("columns.toml");
    fs::write(&map, "[cadres]\n\"任职时期\" = \"appointed_on\"\n").unwrap();
    let (_, v) = demo_json(dir.path(), &["--columns", map.to_str().unwrap()]);
    let (_, plain) = demo_json(&fixture("demo-no-units"), &[]);
    assert_eq!(findings(&v), findings(&plain));

    fs::write(&map, "[cadres]\n\"任职时期\" = \"appointed\"\n").unwrap();
    let (code, out, err) = run(
        &[
            "check",
            dir.path().to_str().unwrap(),
            "--columns",
            map.to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("columns.toml:2:") && err.contains("`appointed` 不是 cadres 表的字段"),
        "{err}"
    );
}

#[test]
fn init_writes_templates_that_validate_clean() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("new");
    let (code, _, _) = run(&["init", d.to_str().unwrap()], None);
    assert_eq!(code, 0);
    let cadres = fs::read(d.join("干部名册.csv")).unwrap();
    assert!(
        cadres.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with BOM for Excel"
    );
    assert!(String::from_utf8(cadres).unwrap().contains("身份证号,姓名"));
    // Empty, the roster stops the run (SPEC §8); with one cadre, the templates are clean.
    let (code, _, err) = run(&["validate", d.to_str().unwrap()], None);
    assert_eq!(code, 2);
    assert!(err.contains("没有数据行"), "{err}");
    let row = "510703196805010012,黄卫东,绵阳市总工会,市直,市,工会主席,专职,2019-01-08,\n";
    let roster = dir.path().join("roster.csv");
    fs::write(
        &roster,
        fs::read_to_string(d.join("干部名册.csv")).unwrap() + row,
    )
    .unwrap();
    fs::write(d.join("干部名册.csv"), fs::read(&roster).unwrap()).unwrap();
    let (code, out, _) = run(&["validate", d.to_str().unwrap()], None);
    assert_eq!(code, 0, "{out}");
    // Never overwrites.
    let (code, _, err) = run(&["init", d.to_str().unwrap()], None);
    assert_eq!(code, 2);
    assert!(err.contains("已存在"), "{err}");

    let x = dir.path().join("book");
    let (code, _, _) = run(&["init", x.to_str().unwrap(), "--xlsx"], None);
    assert_eq!(code, 0);
    let book = x.join("台账.xlsx");
    let (code, _, err) = run(&["validate", book.to_str().unwrap()], None);
    assert_eq!(code, 2);
    assert!(err.contains("没有数据行"), "{err}");
    let (code, out, _) = run(
        &[
            "validate",
            book.to_str().unwrap(),
            "--cadres",
            roster.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 0, "{out}");
    use calamine::Reader;
    let wb: calamine::Xlsx<_> = calamine::open_workbook(&book).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["干部名册", "培训班", "参训记录", "工会组织", "说明"]
    );
}

/// The committed exports (written by `examples/export_fixtures.rs`) read like the demo.
#[test]
fn committed_exports_read_like_the_demo() {
    let (_, plain) = demo_json(&fixture("demo-no-units"), &[]);
    for dir in [
        "exports/gbk",
        "exports/bom",
        "exports/unicode-text",
        "exports/workbook/台账.xlsx",
    ] {
        let (code, v) = demo_json(&fixture(dir), &[]);
        assert_eq!(code, 1, "{dir}");
        assert!(
            findings(&v) == findings(&plain),
            "{dir} gives other findings"
        );
        assert_eq!(v["data_errors"].as_array().unwrap().len(), 4, "{dir}");
    }
}

/// `-o` to a device or pipe writes into it instead of renaming a file over it.
#[test]
fn output_to_a_device_writes_in_place() {
    if !std::path::Path::new("/dev/stdout").exists() {
        return;
    }
    let (code, stdout, err) = run(
        &[
            "check",
            fixture("demo-no-units").to_str().unwrap(),
            "--as-of",
            "2021-03-01",
            "--format",
            "json",
            "-o",
            "/dev/stdout",
        ],
        None,
    );
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["as_of"], "2021-03-01");
}

/// Broken workbooks stop with exit 2 and a message naming the file or the sheet.
#[test]
fn broken_workbooks_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    // Not a zip at all.
    let fake = dir.path().join("fake.xlsx");
    fs::write(&fake, "身份证号,姓名\n").unwrap();
    let (code, out, err) = run(&["check", fake.to_str().unwrap(), "--format", "json"], None);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("fake.xlsx") && err.contains("不是可读的 .xlsx"),
        "{err}"
    );

    // A real workbook cut short.
    let whole = dir.path().join("whole.xlsx");
    demo_workbook(&whole, false, ["干部名册", "培训班", "参训记录"]);
    let bytes = fs::read(&whole).unwrap();
    let cut = dir.path().join("cut.xlsx");
    fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let (code, out, err) = run(&["check", cut.to_str().unwrap()], None);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("cut.xlsx"), "{err}");

    // A workbook without the attendance sheet.
    let two = dir.path().join("two.xlsx");
    demo_workbook(&two, false, ["干部名册", "培训班", "其他"]);
    let (code, _, err) = run(&["check", two.to_str().unwrap()], None);
    assert_eq!(code, 2);
    assert!(
        err.contains("two.xlsx") && err.contains("参训记录") && err.contains("attendance"),
        "{err}"
    );
}

/// The hint for a missing column names only a header that is not used already.
#[test]
fn missing_column_hint_skips_headers_in_use() {
    let dir = tempfile::tempdir().unwrap();
    for (table, _) in TABLES {
        fs::write(dir.path().join(format!("{table}.csv")), demo_text(table)).unwrap();
    }
    // classes.csv without organizer_level: `organizer` is mapped, so it is no hint.
    let classes = demo_text("classes");
    let mut lines = classes.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let drop = header.iter().position(|h| *h == "organizer_level").unwrap();
    let mut out = String::new();
    for line in std::iter::once(header.join(",")).chain(lines.map(str::to_owned)) {
        let cells: Vec<&str> = line
            .split(',')
            .enumerate()
            .filter(|(i, _)| *i != drop)
            .map(|(_, c)| c)
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    fs::write(dir.path().join("classes.csv"), out).unwrap();
    let (code, _, err) = run(
        &["check", dir.path().to_str().unwrap(), "--lang", "en"],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("missing column `organizer_level`"), "{err}");
    assert!(!err.contains("did you mean `organizer`"), "{err}");
    // validate names the header used for every table, attendance included.
    let (_, text, _) = run(
        &["validate", fixture("demo-no-units").to_str().unwrap()],
        None,
    );
    assert!(
        text.contains("attendance.csv：118") && text.contains("cadre_id←身份证号"),
        "{text}"
    );
}
