//! The xlsx report as a clerk finds it in Excel: rule sheets named from the rule
//! titles (shortened, valid and unique however odd the titles), links from 汇总 to
//! each rule sheet and back, and the quota matrices' cells coloured by status under a
//! legend. The workbook is read back with calamine for the cells and part by part (its
//! zip and XML) for what calamine does not give: hyperlinks and fills.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use quick_xml::events::Event;

use crate::util::{check_json, fixture, run};

/// Rules whose titles are as awkward as a rule file allows: longer than a sheet name,
/// with every character Excel forbids in one, twice the same, `History`, only
/// apostrophes, an apostrophe first. Each kind is there, a quota rule for the matrix.
const RULES: &str = r#"
[plan]
id = "hostile-titles"
title = "标题刁钻的规则集"
authority = "绵阳市总工会"
start = 2018-01-01
end = 2020-12-31
levels = ["基层", "县区", "市", "省", "全国"]

[[rules]]
id = "long"
kind = "deadline"
title = "新任工会主席在任职一年内参加上级工会组织的业务培训并取得结业证书报市总工会备案"
clause = "一"
who = { post = "工会主席", appointed_on = { during = "plan" } }
from = "appointed_on"
within = "1y"
class = { category = ["业务培训", "初任培训"] }

[[rules]]
id = "forbidden-chars"
kind = "quota"
title = "各县区[每年]/至少:1期*培训?\\班"
clause = "二"
group_by = "county"
every = "year"
class = { category = "基层工会干部培训", county = "$group", days = { min = 1 } }
min = 1

[[rules]]
id = "same-1"
kind = "coverage"
title = "专兼职干部轮训一遍"
clause = "三"
who = { kind = ["专职", "兼职"] }
class = {}
min = 1

[[rules]]
id = "same-2"
kind = "coverage"
title = "专兼职干部轮训一遍"
clause = "三"
who = { kind = ["专职"] }
class = {}
min = 1

[[rules]]
id = "history"
kind = "forbid"
title = "History"
clause = "四"
class = { organizer_level = "市", fee = { above = 0 } }

[[rules]]
id = "apostrophes"
kind = "forbid"
title = "'''"
clause = "五"
class = { organizer_level = "市", fee = { above = 1000000 } }

[[rules]]
id = "quoted"
kind = "forbid"
title = "'引号开头的标题"
clause = "六"
class = { organizer_level = "市", fee = { above = 2000000 } }
"#;

/// The parts of the workbook: path in the zip → text.
fn parts(book: &Path) -> HashMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut out = HashMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut text = String::new();
        if f.read_to_string(&mut text).is_ok() {
            out.insert(f.name().to_owned(), text);
        }
    }
    out
}

/// Every element named `tag` in `xml`, as its attributes (`r:id` and the like keep
/// their prefix).
fn elements(xml: &str, tag: &str) -> Vec<HashMap<String, String>> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let decoder = reader.decoder();
    let mut out = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == tag.as_bytes() => {
                out.push(
                    e.attributes()
                        .map(|a| {
                            let a = a.unwrap();
                            (
                                String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                                a.decode_and_unescape_value(decoder).unwrap().into_owned(),
                            )
                        })
                        .collect(),
                );
            }
            Event::Eof => return out,
            _ => {}
        }
    }
}

/// Sheet name → its part's XML, in workbook order.
fn sheets(parts: &HashMap<String, String>) -> Vec<(String, String)> {
    let rels: HashMap<String, String> =
        elements(&parts["xl/_rels/workbook.xml.rels"], "Relationship")
            .into_iter()
            .map(|r| (r["Id"].clone(), r["Target"].clone()))
            .collect();
    elements(&parts["xl/workbook.xml"], "sheet")
        .into_iter()
        .map(|s| {
            let target = &rels[&s["r:id"]];
            let path = format!("xl/{}", target.trim_start_matches("/xl/"));
            (s["name"].clone(), parts[&path].clone())
        })
        .collect()
}

/// The sheet a hyperlink's `location` (`'name'!A1`) points at.
fn target(location: &str) -> String {
    let (sheet, cell) = location.rsplit_once('!').unwrap();
    assert_eq!(cell, "A1");
    sheet
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .unwrap_or(sheet)
        .replace("''", "'")
}

/// The workbook of the demo data checked with `rules`.
fn book(dir: &Path, rules: Option<&str>, lang: &str) -> std::path::PathBuf {
    let out = dir.join("report.xlsx");
    let mut args = vec![
        "check".to_owned(),
        fixture("demo").to_str().unwrap().to_owned(),
        "--as-of".into(),
        "2019-06-30".into(),
        "--lang".into(),
        lang.into(),
        "-o".into(),
        out.to_str().unwrap().into(),
    ];
    if let Some(rules) = rules {
        let file = dir.join("rules.toml");
        std::fs::write(&file, rules).unwrap();
        args.extend(["--rules".into(), file.to_str().unwrap().to_owned()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, err) = run(&args, None);
    assert!(code <= 1, "exit {code}: {err}");
    out
}

#[test]
fn hostile_titles_give_valid_unique_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = book(dir.path(), Some(RULES), "zh");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let names = wb.sheet_names();
    assert_eq!(
        names,
        [
            "汇总",
            "新任工会主席在任职一年内参加…",
            "各县区(每年)-至少-1期培训-班",
            "专兼职干部轮训一遍",
            "专兼职干部轮训一遍 (2)",
            "History (2)",
            "apostrophes",
            "引号开头的标题",
            "分项统计",
            "数据错误",
            "提示",
        ]
    );
    let mut lower = std::collections::HashSet::new();
    for name in &names {
        assert!(name.encode_utf16().count() <= 31, "{name}");
        assert!(
            !name.contains(['[', ']', ':', '*', '?', '/', '\\']),
            "{name}"
        );
        assert!(!name.starts_with('\'') && !name.ends_with('\''), "{name}");
        assert!(!name.eq_ignore_ascii_case("history"), "{name}");
        assert!(lower.insert(name.to_lowercase()), "{name} twice");
    }
    // Each rule sheet says its whole title on top.
    let rows: Vec<Vec<Data>> = wb
        .worksheet_range("新任工会主席在任职一年内参加…")
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    assert_eq!(
        rows[0][1],
        Data::String(
            "long 新任工会主席在任职一年内参加上级工会组织的业务培训并取得结业证书报市总工会备案（一）"
                .into()
        )
    );
    assert_eq!(rows[1][0], Data::String("编号".into()));
}

#[test]
fn the_summary_links_to_each_rule_sheet_and_back() {
    let dir = tempfile::tempdir().unwrap();
    for (rules, lang, summary, breakdown) in [
        (Some(RULES), "zh", "汇总", "分项统计"),
        (None, "en", "Summary", "Breakdown"),
    ] {
        let path = book(dir.path(), rules, lang);
        let all = sheets(&parts(&path));
        let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
        let links = |xml: &str| -> Vec<(String, String, String)> {
            elements(xml, "hyperlink")
                .into_iter()
                .map(|h| {
                    (
                        h["ref"].clone(),
                        target(&h["location"]),
                        h["display"].clone(),
                    )
                })
                .collect()
        };
        // 汇总: one link per rule, in the 工作表 column (K), to the rule's sheet; the
        // rule sheets come after 汇总, before 分项统计.
        let end = names.iter().position(|n| *n == breakdown).unwrap();
        let rule_sheets = &names[1..end];
        assert_eq!(rule_sheets.len(), 7);
        let from_summary = links(&all[0].1);
        assert_eq!(from_summary.len(), rule_sheets.len(), "{from_summary:?}");
        for ((cell, to, shown), sheet) in from_summary.iter().zip(rule_sheets) {
            assert!(cell.starts_with('K'), "{cell}");
            assert_eq!(to, sheet);
            assert_eq!(shown, sheet);
        }
        // Each rule sheet: A1 links back to 汇总.
        for (name, xml) in &all[1..end] {
            assert_eq!(
                links(xml),
                [("A1".to_owned(), summary.to_owned(), format!("← {summary}"))],
                "{name}"
            );
        }
        // Every link points at a sheet that exists.
        for (_, xml) in &all {
            for (_, to, _) in links(xml) {
                assert!(names.contains(&to.as_str()), "{to}");
            }
        }
    }
}

#[test]
fn matrix_cells_are_coloured_by_status_under_a_legend() {
    let dir = tempfile::tempdir().unwrap();
    let path = book(dir.path(), None, "zh");
    let parts = parts(&path);
    // Style index → fill colour (ARGB), through cellXfs and fills.
    let styles = &parts["xl/styles.xml"];
    let fills: Vec<String> = styles
        .split("<fill>")
        .skip(1)
        .map(|f| {
            elements(f.split("</fill>").next().unwrap(), "fgColor")
                .first()
                .and_then(|c| c.get("rgb").cloned())
                .unwrap_or_default()
        })
        .collect();
    let xfs_part = styles.split("<cellXfs").nth(1).unwrap();
    let xfs = elements(xfs_part.split("</cellXfs>").next().unwrap(), "xf");
    let fill_of = |s: &str| -> String {
        let xf = &xfs[s.parse::<usize>().unwrap()];
        let id: usize = xf.get("fillId").map_or(0, |f| f.parse().unwrap());
        fills.get(id).cloned().unwrap_or_default()
    };
    let all = sheets(&parts);
    let (_, breakdown) = all.iter().find(|(n, _)| n == "分项统计").unwrap();
    // The sheet's strings are inline; shared strings, if any, are read too (a cell then
    // holds an index into them).
    let shared = parts.get("xl/sharedStrings.xml").map_or("", String::as_str);
    let strings: Vec<String> = shared
        .split("<si>")
        .skip(1)
        .map(|si| {
            let t = si.split("</si>").next().unwrap();
            let start = t.find('>').unwrap() + 1;
            let end = t.rfind("</t>").unwrap();
            t[start..end].to_owned()
        })
        .collect();
    let mut cells = Vec::new();
    let mut reader = quick_xml::Reader::from_str(breakdown);
    let decoder = reader.decoder();
    let mut current: Option<(String, String)> = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.name().as_ref() == b"c" => {
                let attr = |k: &[u8]| {
                    e.try_get_attribute(k)
                        .unwrap()
                        .map(|a| a.decode_and_unescape_value(decoder).unwrap().into_owned())
                        .unwrap_or_default()
                };
                current = Some((attr(b"s"), attr(b"t")));
            }
            Event::Text(t) => {
                if let Some((s, kind)) = current.take() {
                    let text = t.decode().unwrap().into_owned();
                    match kind.as_str() {
                        "s" => cells.push((strings[text.parse::<usize>().unwrap()].clone(), s)),
                        "inlineStr" => cells.push((text, s)),
                        _ => {}
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let colours: HashMap<&str, &str> = [
        ("达标", "FFD1FADF"),
        ("未达标", "FFFEE4E2"),
        ("待办", "FFFEF0C7"),
        ("豁免", "FFEAECF0"),
        ("未到期", "FFFFFFFF"),
    ]
    .into();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (text, style) in &cells {
        if let Some((&word, &colour)) = colours.get_key_value(text.as_str()) {
            // The per-county tables head their columns 达标, 未达标…: headers, not
            // cells of a matrix.
            if style.is_empty() || ["", "FFF2F4F7"].contains(&fill_of(style).as_str()) {
                continue;
            }
            assert_eq!(fill_of(style), colour, "{word}");
            *seen.entry(word).or_default() += 1;
        }
    }
    // On 2019-06-30 the demo's matrices hold met and missed years, and 2020 not yet
    // due; each word is in the legend too.
    for word in ["达标", "未达标", "未到期"] {
        assert!(seen.get(word).copied().unwrap_or(0) > 3, "{word}: {seen:?}");
    }
    for word in ["待办", "豁免"] {
        assert!(
            seen.get(word).copied().unwrap_or(0) >= 1,
            "{word}: {seen:?}"
        );
    }
    let legends = cells.iter().filter(|(t, _)| t == "图例").count();
    assert_eq!(legends, 3, "a legend under each of the three matrices");
}

/// The rule sheets are filled on one core while 分项统计 is on another, its rows going
/// to a temporary file as they are made and its strings to the workbook's shared table:
/// every rule sheet lists the rule's findings, and each per-county table adds up to the
/// rule's counts in the JSON report of the same check.
#[test]
fn the_breakdown_filled_beside_the_rule_sheets_adds_up_to_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = book(dir.path(), None, "zh");
    let (_, report, _) = check_json(&fixture("demo"), "2019-06-30", &[]);
    let rules = report["rules"].as_array().unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let names = wb.sheet_names();
    let number = |d: &Data| match d {
        Data::Float(f) => *f as u64,
        Data::Int(i) => *i as u64,
        other => panic!("not a number: {other:?}"),
    };
    // Rule sheets: the title row, the header, then a row per finding.
    for (rule, name) in rules.iter().zip(&names[1..]) {
        let rows = wb.worksheet_range(name).unwrap().rows().count();
        let findings = rule["violation"].as_u64().unwrap() + rule["pending"].as_u64().unwrap();
        assert_eq!(rows as u64, 2 + findings, "{name}");
    }
    let breakdown: Vec<Vec<Data>> = wb
        .worksheet_range("分项统计")
        .unwrap()
        .rows()
        .map(<[Data]>::to_vec)
        .collect();
    let mut tables = 0;
    for (i, row) in breakdown.iter().enumerate() {
        let Some(Data::String(title)) = row.first() else {
            continue;
        };
        let header = breakdown.get(i + 1);
        if header.and_then(|h| h.first()) != Some(&Data::String("县区".into())) {
            continue;
        }
        let id = title.split(' ').next().unwrap();
        let rule = rules.iter().find(|r| r["id"] == id).unwrap();
        let (mut checked, mut met) = (0, 0);
        for cells in breakdown[i + 2..]
            .iter()
            .take_while(|r| r.first().is_some_and(|c| *c != Data::Empty))
        {
            checked += number(&cells[2]);
            met += number(&cells[3]);
            if number(&cells[2]) > 0 {
                let Data::Float(rate) = cells[7] else {
                    panic!("{cells:?}")
                };
                assert!((rate - number(&cells[3]) as f64 / number(&cells[2]) as f64).abs() < 1e-9);
            }
        }
        assert_eq!(checked, rule["checked"].as_u64().unwrap(), "{id}");
        assert_eq!(met, rule["met"].as_u64().unwrap(), "{id}");
        tables += 1;
    }
    assert!(tables >= 2, "{tables} per-county tables");
}
