//! Workbooks as an attacker, or an unlucky export, makes them (SPEC §8 "Reading,
//! tightened"): date cells holding no date, merged cells, formulas saved without a
//! result, hidden sheets, one value in the sheet's last cell, a header across all 16384
//! columns, a merge over the id column, zip bombs (for `validate` and `rules lint` too).
//! Each is built at test time, with rust_xlsxwriter where it can write the case and part
//! by part (XML in a zip written here) where no writer would.

use std::fs;
use std::path::Path;

use rust_xlsxwriter::{Format, Workbook};
use serde_json::{Value, json};

use crate::util::run;

const AS_OF: &str = "2021-03-01";

/// A 市 business class in 2019, and the attendance of `ids` at it.
fn other_tables(dir: &Path, ids: &[&str]) {
    fs::write(
        dir.join("classes.csv"),
        "id,organizer_level,category,start_on,end_on\nMY2019-01,市,业务培训,2019-06-03,2019-06-04\n",
    )
    .unwrap();
    let mut att = String::from("cadre_id,class_id\n");
    for id in ids {
        att.push_str(&format!("{id},MY2019-01\n"));
    }
    fs::write(dir.join("attendance.csv"), att).unwrap();
}

/// `check DIR --format json`: exit code, the report (Null when none) and stderr.
fn check(dir: &Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec![
        "check",
        dir.to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args, None);
    let v = serde_json::from_str(&out).unwrap_or(Value::Null);
    (code, v, err)
}

/// The data errors as (line, column, value).
fn errors(v: &Value) -> Vec<(u64, Value, Value)> {
    v["data_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].clone(),
                e["value"].clone(),
            )
        })
        .collect()
}

/// The reason of the data error on `line`.
fn reason(v: &Value, line: u64) -> String {
    v["data_errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["line"] == line)
        .map(|e| e["reason"].as_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// (subject, status) of a rule's findings.
fn findings(v: &Value, rule: &str) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            (
                f["subject"].as_str().unwrap().to_owned(),
                f["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

// ---- Workbooks written part by part ----

/// CRC-32 (the zip's), bit by bit: the parts it runs over are small.
fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// One zip entry: its name, its bytes as stored, the method (0 stored, 8 deflated),
/// its CRC and the inflated size it declares.
struct Entry {
    name: String,
    data: Vec<u8>,
    method: u16,
    crc: u32,
    size: u32,
}

fn stored(name: &str, text: &str) -> Entry {
    Entry {
        name: name.to_owned(),
        data: text.as_bytes().to_vec(),
        method: 0,
        crc: crc32(text.as_bytes()),
        size: text.len() as u32,
    }
}

/// Writes a zip archive (local headers, data, central directory, end record).
fn write_zip(path: &Path, entries: &[Entry]) {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let name = e.name.as_bytes();
        let fixed = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&e.method.to_le_bytes());
            h.extend_from_slice(&0u32.to_le_bytes()); // time, date
            h.extend_from_slice(&e.crc.to_le_bytes());
            h.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
            h.extend_from_slice(&e.size.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            h
        };
        out.extend(fixed(0x0403_4b50, false));
        out.extend_from_slice(name);
        out.extend_from_slice(&e.data);
        central.extend(fixed(0x0201_4b50, true));
        central.extend_from_slice(&[0; 10]); // comment, disk, internal, external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
    }
    let (cd_offset, cd_size) = (out.len() as u32, central.len() as u32);
    out.extend(central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    let n = (entries.len() as u16).to_le_bytes();
    out.extend_from_slice(&n);
    out.extend_from_slice(&n);
    out.extend_from_slice(&cd_size.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&[0; 2]);
    fs::write(path, out).unwrap();
}

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The parts of a workbook with these sheets (name, state, worksheet XML); style 1 is
/// a date format (built-in 14).
fn book_parts(sheets: &[(&str, &str, String)]) -> Vec<Entry> {
    let mut listed = String::new();
    let mut rels = String::new();
    let mut parts = Vec::new();
    for (i, (name, state, xml)) in sheets.iter().enumerate() {
        let n = i + 1;
        listed.push_str(&format!(
            r#"<sheet name="{name}" sheetId="{n}" state="{state}" r:id="rId{n}"/>"#
        ));
        rels.push_str(&format!(
            r#"<Relationship Id="rId{n}" Type="{RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        ));
        parts.push(stored(&format!("xl/worksheets/sheet{n}.xml"), xml));
    }
    rels.push_str(&format!(
        r#"<Relationship Id="rIdS" Type="{RELS}/styles" Target="styles.xml"/>"#
    ));
    let mut entries = vec![
        stored(
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#,
        ),
        stored(
            "xl/workbook.xml",
            &format!(
                r#"<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>{listed}</sheets></workbook>"#
            ),
        ),
        stored(
            "xl/_rels/workbook.xml.rels",
            &format!(
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
            ),
        ),
        stored(
            "xl/styles.xml",
            &format!(
                r#"<styleSheet xmlns="{MAIN}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#
            ),
        ),
    ];
    entries.extend(parts);
    entries
}

/// A worksheet from its rows' XML and what follows the cells (merges, …).
fn sheet_xml(rows: &[String], after: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{}</sheetData>{after}</worksheet>"#,
        rows.concat()
    )
}

fn row(r: u32, cells: &[String]) -> String {
    format!(r#"<row r="{r}">{}</row>"#, cells.concat())
}

fn col(c: usize) -> char {
    (b'A' + c as u8) as char
}

/// A row of text cells from column A.
fn texts(r: u32, values: &[&str]) -> String {
    let cells: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(c, v)| text(&format!("{}{r}", col(c)), v))
        .collect();
    row(r, &cells)
}

fn text(at: &str, s: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{s}</t></is></c>"#)
}

/// A date-formatted number, written as the file holds it (`0`, `NaN`, …).
fn date_cell(at: &str, v: &str) -> String {
    format!(r#"<c r="{at}" s="1"><v>{v}</v></c>"#)
}

fn number(at: &str, v: &str) -> String {
    format!(r#"<c r="{at}"><v>{v}</v></c>"#)
}

// ---- The cases ----

/// SPEC §8: a date-formatted 0 (what `=IF(…, date, 0)` gives) is no 1899-12-31, and no
/// other number that is not a date serial becomes a date, in a date cell or a plain one.
#[test]
fn date_cells_holding_no_date_serial_are_data_errors() {
    let dir = tempfile::tempdir().unwrap();
    let head = texts(1, &["身份证号", "姓名", "职务", "任职日期", "离任日期"]);
    let person = |r: u32, id: &str, post: &str, appointed: String, left: Option<String>| {
        let mut cells = vec![
            text(&format!("A{r}"), id),
            text(&format!("B{r}"), "某"),
            text(&format!("C{r}"), post),
            appointed,
        ];
        cells.extend(left);
        row(r, &cells)
    };
    let ok = |r: u32| date_cell(&format!("D{r}"), "43473");
    let rows = vec![
        head,
        person(2, "D1", "工会主席", ok(2), Some(date_cell("E2", "0"))),
        person(3, "D2", "委员", ok(3), Some(date_cell("E3", "-1"))),
        person(4, "D3", "委员", ok(4), Some(date_cell("E4", "0.5"))),
        person(5, "D4", "委员", date_cell("D5", "NaN"), None),
        person(6, "D5", "委员", date_cell("D6", "INF"), None),
        person(7, "D6", "委员", date_cell("D7", "4294967296"), None),
        person(8, "D7", "委员", ok(8), Some(number("E8", "0"))),
        person(9, "D8", "委员", date_cell("D9", "60"), None),
        person(10, "D9", "委员", ok(10), Some(date_cell("E10", "43600.5"))),
    ];
    write_zip(
        &dir.path().join("cadres.xlsx"),
        &book_parts(&[("干部名册", "visible", sheet_xml(&rows, ""))]),
    );
    other_tables(dir.path(), &["D9"]);
    let (code, v, err) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        errors(&v),
        [
            (2, json!("left_on"), json!("0")),
            (3, json!("left_on"), json!("-1")),
            (4, json!("left_on"), json!("0.5")),
            (5, json!("appointed_on"), json!("NaN")),
            (6, json!("appointed_on"), json!("inf")),
            (7, json!("appointed_on"), json!("4294967296")),
            (8, json!("left_on"), json!("0")),
            (9, json!("appointed_on"), json!("60")),
        ]
    );
    for line in [2, 3, 4, 5, 6, 7, 8] {
        let r = reason(&v, line);
        assert!(
            r.contains("1900-01-01") && r.contains("=IF("),
            "line {line}: {r}"
        );
    }
    assert!(reason(&v, 9).contains("1900-02-29"));
    // The chair who "left in 1899" is not quietly out of the rules: her row is an error.
    assert!(findings(&v, "new-chair-training").is_empty());
    // 43600.5 is 2019-05-14 at noon: a date, and D9 counts as a cadre.
    assert_eq!(v["summary"]["data_errors"], 8);
}

/// SPEC §8: merged cells take the value of the merge's top-left cell. A 市 chair whose
/// 单位层级 is the lower half of a merged `市` is checked as 市: a 市 class is not above
/// her, so she has a violation, like the chair above her.
#[test]
fn merged_cells_take_their_top_left_value() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("干部名册").unwrap();
    let plain = Format::new();
    ws.merge_range(0, 0, 0, 5, "绵阳市工会干部名册（导出）", &plain)
        .unwrap();
    for (c, h) in ["身份证号", "姓名", "单位层级", "职务", "专兼职", "任职日期"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    let people = [
        ("C1001", "黄一", "2019-01-08"),
        ("C1002", "黄二", "2019-02-01"),
        ("C1003", "黄三", "2019-03-01"),
    ];
    for (i, (id, name, appointed)) in people.iter().enumerate() {
        let r = 2 + i as u32;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_string(r, 1, *name).unwrap();
        ws.write_string(r, 3, "工会主席").unwrap();
        ws.write_string(r, 4, "专职").unwrap();
        ws.write_string(r, 5, *appointed).unwrap();
    }
    ws.merge_range(2, 2, 3, 2, "市", &plain).unwrap();
    ws.write_string(4, 2, "基层").unwrap();
    wb.save(dir.path().join("cadres.xlsx")).unwrap();
    other_tables(dir.path(), &["C1001", "C1002", "C1003"]);

    let (code, v, err) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(errors(&v).is_empty(), "{:?}", errors(&v));
    assert_eq!(
        findings(&v, "new-chair-training"),
        [
            ("C1001".to_owned(), "violation".to_owned()),
            ("C1002".to_owned(), "violation".to_owned()),
        ]
    );
    // 黄三 (基层) met the rule with the same class.
    let rule = &v["rules"][0];
    assert_eq!(
        (rule["checked"].as_u64(), rule["met"].as_u64()),
        (Some(3), Some(1))
    );
}

/// SPEC §8: a formula saved without its result (a file a program wrote and Excel never
/// calculated) is a data error saying so, in a field or an extra column; one saved with
/// its result is read. A long formula is quoted to 200 characters.
#[test]
fn formulas_saved_without_a_result_are_data_errors() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(300);
    let rows = vec![
        texts(1, &["身份证号", "姓名", "职务", "任职日期", "备注"]),
        row(
            2,
            &[
                text("A2", "F1"),
                text("B2", "甲"),
                text("C2", "委员"),
                r#"<c r="D2" s="1"><f>DATE(2019,1,8)</f></c>"#.to_owned(),
            ],
        ),
        row(
            3,
            &[
                text("A3", "F2"),
                text("B3", "乙"),
                text("C3", "委员"),
                date_cell("D3", "43473"),
                r#"<c r="E3" t="str"><f>"备注"&amp;A3</f></c>"#.to_owned(),
            ],
        ),
        row(
            4,
            &[
                text("A4", "F3"),
                text("B4", "丙"),
                text("C4", "工会主席"),
                r#"<c r="D4" s="1"><f>DATE(2019,1,8)</f><v>43473</v></c>"#.to_owned(),
            ],
        ),
        row(
            5,
            &[
                text("A5", "F4"),
                format!(r#"<c r="B5" t="str"><f>"{long}"</f></c>"#),
                text("C5", "委员"),
                date_cell("D5", "43473"),
            ],
        ),
    ];
    let with_refs = sheet_xml(&rows, "");
    // Cells may leave out their reference (`r`): they follow the one before.
    let without_refs = with_refs
        .replace(r#" r="D2""#, "")
        .replace(r#" r="E3""#, "");
    for xml in [with_refs, without_refs] {
        write_zip(
            &dir.path().join("cadres.xlsx"),
            &book_parts(&[("干部名册", "visible", xml)]),
        );
        other_tables(dir.path(), &["F3"]);
        let (code, v, err) = check(dir.path(), &[]);
        assert_eq!(code, 1, "{err}");
        let quoted = format!("=\"{}…", &long[..198]);
        assert_eq!(
            errors(&v),
            [
                (2, json!("appointed_on"), json!("=DATE(2019,1,8)")),
                (3, Value::Null, json!("=\"备注\"&A3")),
                (5, json!("name"), json!(quoted)),
            ]
        );
        assert!(reason(&v, 2).contains("Excel"), "{}", reason(&v, 2));
        assert!(reason(&v, 3).contains("备注"), "{}", reason(&v, 3));
        // F3's formula had its result: the chair is read, and met the rule.
        let rule = &v["rules"][0];
        assert_eq!(
            (rule["checked"].as_u64(), rule["met"].as_u64()),
            (Some(1), Some(1))
        );
        assert_eq!(v["summary"]["data_errors"], 3);
    }
}

/// SPEC §8: hidden and very hidden sheets are never taken by position; a sheet named
/// like the table is taken by its name even when hidden.
#[test]
fn hidden_sheets_are_never_taken_by_position() {
    let roster = |id: &str| {
        sheet_xml(
            &[
                texts(1, &["身份证号", "姓名", "职务", "任职日期"]),
                texts(2, &[id, "某", "工会主席", "2019-01-08"]),
            ],
            "",
        )
    };
    let chair = |sheets: &[(&str, &str, String)]| {
        let dir = tempfile::tempdir().unwrap();
        write_zip(&dir.path().join("cadres.xlsx"), &book_parts(sheets));
        other_tables(dir.path(), &[]);
        let (code, v, err) = check(dir.path(), &[]);
        let found = if v.is_null() {
            Vec::new()
        } else {
            findings(&v, "new-chair-training")
        };
        (code, found, err)
    };
    let (code, found, err) = chair(&[
        ("旧名单", "hidden", roster("H0")),
        ("备用", "veryHidden", roster("H1")),
        ("Sheet3", "visible", roster("H2")),
    ]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(found, [("H2".to_owned(), "violation".to_owned())]);

    let (code, found, _) = chair(&[
        ("Sheet1", "visible", roster("H2")),
        ("干部名册", "hidden", roster("H3")),
    ]);
    assert_eq!(code, 1);
    assert_eq!(found, [("H3".to_owned(), "violation".to_owned())]);

    let (code, found, err) = chair(&[("旧名单", "hidden", roster("H0"))]);
    assert_eq!((code, found.len()), (2, 0));
    assert!(
        err.contains("cadres.xlsx") && err.contains("没有可见的工作表") && err.contains("旧名单"),
        "{err}"
    );
}

/// SPEC §8: memory follows the non-empty cells, never the used range. One value at
/// XFD1048576 (calamine's range would take 512 GiB) is one more row, with too many
/// fields.
#[test]
fn one_value_in_the_last_cell_is_one_row_with_too_many_fields() {
    let dir = tempfile::tempdir().unwrap();
    let rows = vec![
        texts(1, &["身份证号", "姓名", "职务", "任职日期"]),
        texts(2, &["L1", "某", "工会主席", "2019-01-08"]),
        row(1_048_576, &[text("XFD1048576", "x")]),
    ];
    let xml = sheet_xml(&rows, "").replace(
        "<sheetData>",
        r#"<dimension ref="A1:XFD1048576"/><sheetData>"#,
    );
    write_zip(
        &dir.path().join("cadres.xlsx"),
        &book_parts(&[("干部名册", "visible", xml)]),
    );
    other_tables(dir.path(), &["L1"]);
    let (code, v, err) = check(dir.path(), &["--lang", "en"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(errors(&v), [(1_048_576, Value::Null, Value::Null)]);
    assert!(
        reason(&v, 1_048_576).contains("16384 fields"),
        "{}",
        reason(&v, 1_048_576)
    );
    let rule = &v["rules"][0];
    assert_eq!(
        (rule["checked"].as_u64(), rule["met"].as_u64()),
        (Some(1), Some(1))
    );
}

/// A workbook damaged in ways Excel never writes stops the run (exit 2) and says to
/// save it again in Excel, rather than being read some way or other.
#[test]
fn damaged_workbooks_stop_the_run_saying_so() {
    let head = texts(1, &["身份证号", "姓名", "职务", "任职日期"]);
    let one = |r: u32| texts(r, &["K1", "某", "委员", "2019-01-08"]);
    let cases = [
        ("rows out of order", vec![head.clone(), one(3), one(2)], ""),
        (
            "overlapping merges",
            vec![head.clone(), one(2), one(3)],
            r#"<mergeCells count="2"><mergeCell ref="B2:C3"/><mergeCell ref="C3:D3"/></mergeCells>"#,
        ),
        (
            "a cell beyond XFD1048576",
            vec![head.clone(), row(2, &[text("XFE2", "x")])],
            "",
        ),
    ];
    for (what, rows, after) in cases {
        let dir = tempfile::tempdir().unwrap();
        write_zip(
            &dir.path().join("cadres.xlsx"),
            &book_parts(&[("干部名册", "visible", sheet_xml(&rows, after))]),
        );
        other_tables(dir.path(), &[]);
        let (code, v, err) = check(dir.path(), &["--lang", "en"]);
        assert_eq!((code, v), (2, Value::Null), "{what}: {err}");
        assert!(
            err.contains("cadres.xlsx") && err.contains("damaged") && err.contains("Excel"),
            "{what}: {err}"
        );
    }
}

/// A deflate stream of one space and `copies` copies of 258 bytes from one byte back
/// (fixed Huffman codes): 1 + 258 · `copies` spaces from about 13 bits per copy.
fn deflated_spaces(copies: usize) -> Vec<u8> {
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u64, 0u32);
    let mut put = |out: &mut Vec<u8>, value: u64, n: u32| {
        acc |= value << bits;
        bits += n;
        while bits >= 8 {
            out.push(acc as u8);
            acc >>= 8;
            bits -= 8;
        }
    };
    // Huffman codes go most significant bit first.
    let code = |c: u64, n: u32| (0..n).fold(0, |r, i| (r << 1) | ((c >> i) & 1));
    put(&mut out, 0b011, 3); // the last block, fixed codes
    put(&mut out, code(0x30 + u64::from(b' '), 8), 8);
    for _ in 0..copies {
        put(&mut out, code(0xC5, 8), 8); // length 258 (code 285)
        put(&mut out, 0, 5); // distance 1 (code 0)
    }
    put(&mut out, 0, 7 + 7); // end of block, and the last byte's padding
    out
}

/// A roster workbook whose shared strings inflate to 300 MiB from about 2 MB, and say
/// they inflate to `declared` bytes. (Its CRC is not the spaces' own: a part over its
/// limit is refused before its end, where the CRC would be checked.)
fn bomb(path: &Path, declared: Option<u32>) {
    let copies = (300 << 20) / 258;
    let data = deflated_spaces(copies);
    let mut entries = book_parts(&[(
        "干部名册",
        "visible",
        sheet_xml(&[texts(1, &["身份证号", "姓名", "职务", "任职日期"])], ""),
    )]);
    entries.push(Entry {
        name: "xl/sharedStrings.xml".to_owned(),
        data,
        method: 8,
        crc: 0,
        size: declared.unwrap_or(1 + 258 * copies as u32),
    });
    write_zip(path, &entries);
}

/// SPEC §8: a part whose inflated size exceeds both 100 times its compressed size and
/// 256 MiB is refused before it is inflated (exit 2, naming the file and the limit).
#[test]
fn a_zip_bomb_is_refused_by_its_declared_size() {
    let dir = tempfile::tempdir().unwrap();
    bomb(&dir.path().join("cadres.xlsx"), None);
    other_tables(dir.path(), &[]);
    let (code, v, err) = check(dir.path(), &[]);
    assert_eq!((code, v), (2, Value::Null));
    for part in [
        "cadres.xlsx",
        "xl/sharedStrings.xml",
        "300.0 MiB",
        "100 倍",
        "256 MiB",
    ] {
        assert!(err.contains(part), "{part}: {err}");
    }
    let (_, _, err) = check(dir.path(), &["--lang", "en"]);
    assert!(
        err.contains("inflates to 300.0 MiB") && err.contains("zip bomb"),
        "{err}"
    );
}

/// SPEC §8: a part that declares a small size is still stopped at its limit, and the
/// run ends (exit 2) instead of inflating 300 MiB.
#[test]
fn a_zip_bomb_lying_about_its_size_is_stopped_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    bomb(&dir.path().join("cadres.xlsx"), Some(1000));
    other_tables(dir.path(), &[]);
    let (code, _, err) = check(dir.path(), &["--lang", "en"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("cadres.xlsx")
            && err.contains("xl/sharedStrings.xml")
            && err.contains("more than 256.0 MiB"),
        "{err}"
    );
}

/// A merged cell over the id column gives each row of the merge the top-left id: the
/// later rows are duplicate ids, each a data error on its own line, never a cadre
/// quietly dropped or counted twice. The same in `validate` and `rules lint`.
#[test]
fn a_merged_cell_over_the_id_column_makes_duplicate_ids() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("干部名册").unwrap();
    for (c, h) in ["身份证号", "姓名", "职务", "专兼职", "任职日期"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (i, name) in ["黄一", "黄二", "黄三"].iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string(r, 1, *name).unwrap();
        ws.write_string(r, 2, "委员").unwrap();
        ws.write_string(r, 3, "专职").unwrap();
        ws.write_string(r, 4, "2019-01-08").unwrap();
    }
    ws.merge_range(1, 0, 3, 0, "M1", &Format::new()).unwrap();
    wb.save(dir.path().join("cadres.xlsx")).unwrap();
    other_tables(dir.path(), &["M1"]);

    let (code, v, err) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        errors(&v),
        [(3, json!("id"), json!("M1")), (4, json!("id"), json!("M1"))]
    );
    assert_eq!(v["rules"][2]["checked"], 1, "full-rotation checks M1 once");
    let d = dir.path().to_str().unwrap();
    let (code, out, err) = run(&["validate", d, "--format", "json"], None);
    assert_eq!(code, 1, "{err}");
    let val: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(val["data_errors"].as_array().unwrap().len(), 2, "{out}");
    let (code, out, err) = run(&["rules", "lint", d], None);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("数据错误 2 条"), "{out}");
}

/// A sheet whose header runs across all 16384 columns (the last, XFD, a real field) is
/// read: every other header is an extra column, and the run takes no longer for it.
#[test]
fn a_sheet_of_16384_columns_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut head: Vec<String> = (0..16_383).map(|i| format!("备注{i}")).collect();
    head[0] = "身份证号".to_owned();
    head[1] = "姓名".to_owned();
    head[2] = "职务".to_owned();
    head[3] = "专兼职".to_owned();
    head.push("任职日期".to_owned());
    let refs: Vec<&str> = head.iter().map(String::as_str).collect();
    // A1 … XFD: the column's letters, as Excel names them.
    let name = |c: usize| {
        let mut n = c + 1;
        let mut s = Vec::new();
        while n > 0 {
            s.push(b'A' + ((n - 1) % 26) as u8);
            n = (n - 1) / 26;
        }
        s.reverse();
        String::from_utf8(s).unwrap()
    };
    let cells = |r: u32, values: &[&str]| {
        let cells: Vec<String> = values
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_empty())
            .map(|(c, v)| text(&format!("{}{r}", name(c)), v))
            .collect();
        row(r, &cells)
    };
    let mut data = vec!["W1", "某", "委员", "专职"];
    data.resize(16_383, "");
    data.push("2019-01-08");
    let xml = sheet_xml(&[cells(1, &refs), cells(2, &data)], "");
    assert!(xml.contains("XFD1"), "the header reaches the last column");
    write_zip(
        &dir.path().join("cadres.xlsx"),
        &book_parts(&[("干部名册", "visible", xml)]),
    );
    other_tables(dir.path(), &["W1"]);
    let started = std::time::Instant::now();
    let (code, v, err) = check(dir.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(errors(&v).is_empty(), "{:?}", errors(&v));
    assert_eq!(
        v["rules"][2]["met"], 1,
        "W1's appointment date, in XFD, was read"
    );
    let d = dir.path().to_str().unwrap();
    let (code, out, err) = run(&["validate", d], None);
    assert_eq!(code, 0, "{out}{err}");
    // rules lint finds the embedded rules' words missing from so small a roster, and
    // no data error.
    let (code, out, err) = run(&["rules", "lint", d, "--format", "json"], None);
    assert_eq!(code, 1, "{out}{err}");
    let lint: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(lint["summary"]["data_errors"], 0, "{out}");
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}

/// The zip bomb stops `validate` and `rules lint` as it stops `check`: exit 2 naming the
/// file and the part, nothing on stdout.
#[test]
fn a_zip_bomb_stops_validate_and_rules_lint() {
    let dir = tempfile::tempdir().unwrap();
    bomb(&dir.path().join("cadres.xlsx"), None);
    other_tables(dir.path(), &[]);
    let d = dir.path().to_str().unwrap();
    for args in [
        &["validate", d][..],
        &["validate", d, "--format", "json"],
        &["rules", "lint", d],
        &["rules", "lint", d, "--format", "json"],
    ] {
        let (code, out, err) = run(args, None);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(
            err.contains("cadres.xlsx") && err.contains("xl/sharedStrings.xml"),
            "{args:?}: {err}"
        );
    }
}
