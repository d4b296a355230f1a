//! The xlsx report's rule sheets with rows written as XML on every core, held to the
//! same sheets filled by the library: every part of the two workbooks compared.
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use super::*;
use crate::report::{Change, Format, WaiverEntry};

/// The demo's report whole, its findings repeated `times` (each copy with its own
/// ids), in `lang`.
fn demo(lang: Lang, times: usize) -> Report {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let rules = crate::rules::parse::parse("rules", crate::rules::DEFAULT_RULES).unwrap();
    let located = crate::load::locate::locate_all(&dir, [None, None, None]).unwrap();
    let opts = crate::load::options::ReadOptions::default();
    let data = crate::load::load(&located.paths, &opts, &rules.plan.levels).unwrap();
    let mut rules = rules;
    assert!(rules.bind(&data).is_empty());
    let as_of = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let ev = crate::eval::run(&rules, &data, as_of);
    let mut report = Report::frame(&rules, &data, &ev, lang, Format::Xlsx);
    let entries = crate::report::stream::Findings::new(&rules, &data, &ev, lang, true).entries();
    for k in 0..times {
        report.findings.extend(entries.iter().cloned().map(|mut f| {
            f.id = format!("{}#{k}", f.id);
            f
        }));
    }
    // Findings by rule, in the report's order.
    let order: BTreeMap<&str, usize> = report
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let order: BTreeMap<String, usize> =
        order.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    report.findings.sort_by_key(|f| order.get(&f.rule).copied());
    report
}

/// Text that asks for every escape and choice a cell has: XML's characters, Excel's
/// `_xHHHH_`, control characters, space kept at either end, formula-like text,
/// non-characters, text past Excel's limit, empty text.
const HOSTILE: [&str; 16] = [
    "a & b < c > d \"e\" 'f'",
    "_x0041_ and _x00e9_ and _x12_ and _xGGGG_ and _x0041",
    "tab\tinside, line\nbreak, carriage\rreturn",
    " leading space",
    "trailing space ",
    "\tleading tab",
    "=SUM(A1:A9)",
    "-42",
    "+86 0816",
    "@handle",
    "",
    "ctrl \u{1} and \u{1f} and bidi \u{202E}txet",
    "non-characters \u{FFFE}\u{FFFF} end",
    "名字_x4E2D_",
    "\r\nfirst line blank",
    "x",
];

/// Fills the report's findings with [`HOSTILE`] text, waivers, changes, dates that
/// are not dates, and marks some due soon.
fn hostile(report: &mut Report) {
    let long = "😀".repeat(20_000);
    for (i, f) in report.findings.iter_mut().enumerate() {
        let h = |k: usize| HOSTILE[(i + k) % HOSTILE.len()].to_owned();
        if i % 7 == 0 {
            f.message = h(0);
            f.subject = h(1);
            f.who = Some((h(2), h(3), h(4)));
        }
        if i % 11 == 0 {
            f.due = ["2021-13-45", "", "2021-3-1", "1900-01-01", "9999-12-31"][i % 5].to_owned();
        }
        if i % 97 == 0 {
            f.message = long.clone();
        }
        if i % 5 == 0 {
            f.waiver = Some(WaiverEntry {
                reason: h(5),
                approved_by: h(6),
                expires_on: [Some("2021-06-30".to_owned()), None, Some(h(7))][i % 3].clone(),
            });
        }
        if i % 3 == 0 {
            f.change = Some(
                [
                    Change::New,
                    Change::Escalated,
                    Change::Eased,
                    Change::Unchanged,
                ][i % 4],
            );
            f.previous_status = Some("pending".to_owned());
        }
        f.due_soon = i % 4 == 1;
        if i % 13 == 0 {
            f.period = None;
        }
    }
}

/// Every part of a zip, by name, decompressed.
fn parts(zip: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut text = Vec::new();
            f.read_to_end(&mut text).unwrap();
            (f.name().to_owned(), text)
        })
        .collect()
}

/// The workbook with the rule sheets' rows written as XML and put in, and as the
/// library writes them.
fn both_ways(report: &Report, lang: Lang, max_rows: usize) -> (Vec<u8>, Vec<u8>) {
    let listed = Listed(report.findings_by_rule());
    let columns = (
        report.findings.iter().any(|f| f.waiver.is_some()),
        report.findings.iter().any(|f| f.change.is_some()),
    );
    let (saved, rows) = build(report, &listed, columns, lang, RowsBy::Xml, max_rows).unwrap();
    let mut ours = Vec::new();
    xlsx_rows::put_in(&saved, rows, &mut ours).unwrap();
    let (library, rows) = build(report, &listed, columns, lang, RowsBy::Library, max_rows).unwrap();
    assert!(rows.is_empty());
    (ours, library)
}

fn assert_same(ours: &[u8], library: &[u8]) {
    let (ours, library) = (parts(ours), parts(library));
    assert_eq!(
        ours.keys().collect::<Vec<_>>(),
        library.keys().collect::<Vec<_>>()
    );
    for (name, text) in &library {
        if ours[name] != *text {
            let (a, b) = (
                String::from_utf8_lossy(&ours[name]),
                String::from_utf8_lossy(text),
            );
            let at = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
            panic!(
                "{name} differs at byte {at}:\n ours:    {}\n library: {}",
                &a[at.saturating_sub(80)..(at + 200).min(a.len())],
                &b[at.saturating_sub(80)..(at + 200).min(b.len())]
            );
        }
    }
}

/// The rule sheets' rows written as XML on every core are the library's rows: every
/// part of the workbook is the same once decompressed, with hostile text, waivers,
/// changes and dates that are not dates, in both languages.
#[test]
fn rows_written_as_xml_are_the_librarys() {
    for lang in [Lang::Zh, Lang::En] {
        let mut report = demo(lang, 1);
        hostile(&mut report);
        let (ours, library) = both_ways(&report, lang, MAX_ROWS);
        assert_same(&ours, &library);
        // Not two empty workbooks: the first rule sheet has its findings.
        let sheet = &parts(&ours)["xl/worksheets/sheet2.xml"];
        let rows = String::from_utf8_lossy(sheet).matches("<row ").count();
        assert!(rows > 4, "{rows} rows");
    }
}

/// Without waivers or changes; many findings (a sheet deflated in several pieces, the
/// biggest over a megabyte of XML); and sheets cut at a row limit, with the note of
/// how many rows are missing.
#[test]
fn many_rows_and_cut_sheets_are_the_librarys() {
    let report = demo(Lang::Zh, 600);
    let (ours, library) = both_ways(&report, Lang::Zh, MAX_ROWS);
    let sheets = parts(&ours);
    assert!(
        sheets.values().any(|t| t.len() > 2 << 20),
        "a sheet over 2 MiB"
    );
    assert_same(&ours, &library);
    let mut report = demo(Lang::En, 3);
    hostile(&mut report);
    let (ours, library) = both_ways(&report, Lang::En, 3 + 4);
    let sheet = String::from_utf8_lossy(&parts(&ours)["xl/worksheets/sheet2.xml"]).into_owned();
    assert!(
        sheet.contains("more rows exceed Excel's row limit"),
        "{sheet}"
    );
    assert!(sheet.contains("<dimension ref=\"A1:M7\"/>"), "{sheet}");
    assert_same(&ours, &library);
}
