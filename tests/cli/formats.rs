//! The people-facing and CI formats (issue "Reports for auditors and nightly jobs"):
//! CSV, Markdown, HTML, xlsx and JUnit. Snapshots of the demo show the presentation;
//! the assertions check what must hold whatever it looks like: one CSV row and one
//! JUnit test case per finding, well-formed HTML and XML, typed workbook cells, and
//! that hostile names (`fixtures/hostile/`) are escaped or neutralised in every format.

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;

use crate::util::{fixture, peixun, root};

const AS_OF: &str = "2021-03-01";

/// Runs `check` on a fixture and returns (exit code, stdout bytes).
fn check(name: &str, as_of: &str, extra: &[&str]) -> (i32, Vec<u8>) {
    let dir = fixture(name);
    let mut args = vec!["check", dir.to_str().unwrap(), "--as-of", as_of];
    args.extend(extra);
    let out = peixun()
        .current_dir(root())
        .args(&args)
        .output()
        .expect("run peixun");
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), out.stdout)
}

/// The report in a text format.
fn text(name: &str, as_of: &str, format: &str) -> String {
    let (code, out) = check(name, as_of, &["--format", format]);
    assert_eq!(
        code, 1,
        "{name}: the fixtures have violations and data errors"
    );
    String::from_utf8(out).expect("utf-8")
}

/// The JSON report, for the counts the other formats must agree with.
fn json(name: &str, as_of: &str) -> Value {
    serde_json::from_str(&text(name, as_of, "json")).unwrap()
}

fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().unwrap()
}

/// Checks that the elements of HTML or XML text nest properly and that every `&` starts
/// an entity; returns the names of the elements in the order they open. `<style>`
/// content is skipped; `void` elements have no end tag.
fn elements(text: &str, void: &[&str]) -> Result<Vec<String>, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut opened = Vec::new();
    let mut rest = text;
    let entities = [
        "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&apos;", "&#10;", "&#13;", "&#9;",
    ];
    for (i, _) in text.match_indices('&') {
        if !entities.iter().any(|e| text[i..].starts_with(e)) {
            return Err(format!(
                "bare `&` at byte {i}: {:?}",
                &text[i..(i + 20).min(text.len())]
            ));
        }
    }
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after.find("-->").ok_or("unclosed comment")?;
            rest = &after[end + 3..];
            continue;
        }
        let end = rest.find('>').ok_or("unclosed tag")?;
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(open) if open == name.trim() => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        let name: String = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_owned();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic())
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(format!("not a tag: <{tag}>"));
        }
        opened.push(name.clone());
        if name == "style" {
            let close = rest.find("</style>").ok_or("unclosed <style>")?;
            rest = &rest[close + "</style>".len()..];
            continue;
        }
        if !tag.ends_with('/') && !void.contains(&name.as_str()) {
            stack.push(name);
        }
    }
    if stack.is_empty() {
        Ok(opened)
    } else {
        Err(format!("never closed: {stack:?}"))
    }
}

const HTML_VOID: &[&str] = &["meta", "br"];

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
        .replace('\n', "<br>")
}

/// A CSV report's records, the header first.
fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes.strip_prefix("\u{feff}".as_bytes()).expect("a BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// Writes the report with `-o` (its format from the extension) and returns the file.
fn write_to(name: &str, file: &str, dir: &Path) -> std::path::PathBuf {
    let path = dir.join(file);
    let (code, out) = check(name, AS_OF, &["-o", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "-o leaves stdout empty");
    path
}

// ---- snapshots: presentation only, read before accepting ----

#[test]
fn demo_snapshots() {
    let csv = text("demo", AS_OF, "csv");
    let csv = csv.strip_prefix('\u{feff}').unwrap().replace("\r\n", "\n");
    insta::assert_snapshot!("demo_csv", csv);
    insta::assert_snapshot!("demo_markdown", text("demo", AS_OF, "markdown"));
    insta::assert_snapshot!("demo_html", text("demo", AS_OF, "html"));
    insta::assert_snapshot!("demo_junit", text("demo", AS_OF, "junit"));
}

// ---- CSV ----

#[test]
fn csv_has_a_bom_crlf_and_one_row_per_finding() {
    let (_, bytes) = check("demo", AS_OF, &["--format", "csv"]);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = std::str::from_utf8(&bytes).unwrap();
    let report = json("demo", AS_OF);
    let records = csv_records(&bytes);
    assert_eq!(records.len(), findings(&report).len() + 1);
    assert_eq!(text.matches("\r\n").count(), records.len(), "CRLF records");
    assert_eq!(text.matches('\n').count(), records.len(), "no bare LF");
    assert_eq!(records[0][0], "编号");
    assert_eq!(records[0][5], "对象");
    for (r, f) in records[1..].iter().zip(findings(&report)) {
        assert_eq!(r[0], f["id"].as_str().unwrap());
        assert_eq!(r[1], f["rule"].as_str().unwrap());
        // An 18-digit id ends with a tab, so a spreadsheet keeps it as text.
        assert_eq!(r[5].trim_end_matches('\t'), f["subject"].as_str().unwrap());
        assert_eq!(r[10], f["due"].as_str().unwrap());
        assert_eq!(r[11], f["message"].as_str().unwrap());
        assert_eq!(r.len(), records[0].len());
    }
    // A cadre's name, unit and county; the clause of the rule.
    let chair = records
        .iter()
        .find(|r| r[5] == "510725198107010025\t")
        .unwrap();
    assert_eq!(&chair[6..9], ["杨淑芬", "梓潼县文昌镇总工会", "梓潼县"]);
    assert_eq!(chair[2], "三、(二) 1");
    assert_eq!(chair[4], "违规");

    let en = check("demo", AS_OF, &["--format", "csv", "--lang", "en"]).1;
    assert_eq!(
        csv_records(&en)[0][..6],
        ["id", "rule", "clause", "severity", "status", "subject"]
    );
}

#[test]
fn hostile_csv_cells_are_neutralised() {
    let (_, bytes) = check("hostile", AS_OF, &["--format", "csv"]);
    let report = json("hostile", AS_OF);
    let records = csv_records(&bytes);
    assert_eq!(
        records.len(),
        findings(&report).len() + 1,
        "quoted line breaks stay in one record"
    );
    for r in &records {
        for cell in r {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "formula-like cell {cell:?}"
            );
        }
    }
    let chair = &records[1];
    assert_eq!(chair[5], "'=HYPERLINK(\"http://x\",\"y\")");
    assert_eq!(chair[6], "<script>alert(1)</script>");
    assert_eq!(chair[7], "\"quoted\" union");
    assert_eq!(chair[8], "'+1");
    let second = &records[2];
    assert_eq!(second[5], "'@SUM(A1)");
    assert_eq!(second[6], "line one\nline two");
    assert!(records.iter().any(|r| r[5] == "'-2"));
    assert!(records.iter().any(|r| r[5] == "a|b\nc"));
    assert!(records.iter().any(|r| r[5] == "'=1+2"), "a class id");
}

// ---- Markdown ----

/// The `|` of a Markdown table row that separate cells (not escaped ones).
fn cell_pipes(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
    }
    n
}

/// Every table row has as many cells as its header.
fn assert_tables_regular(md: &str) {
    let mut width = None;
    for line in md.lines() {
        if line.starts_with('|') {
            let n = cell_pipes(line);
            let w = *width.get_or_insert(n);
            assert_eq!(n, w, "row with a different cell count: {line}");
        } else {
            width = None;
        }
    }
}

#[test]
fn markdown_has_the_summary_and_a_table_per_rule() {
    let md = text("demo", AS_OF, "markdown");
    let report = json("demo", AS_OF);
    assert!(md.starts_with("# 培训检查报告：2018—2020年绵阳市工会干部“双提升”培训三年规划\n"));
    assert!(md.contains("检查日：2021-03-01"));
    // SPEC §8: the headline counts error severity; the warning-level violations
    // (city-topic-classes 2, county-send-topic 16) are said apart.
    assert!(md.contains("合计：违规 39，另有提醒级 18；待办 2；豁免 0；数据错误 4。"));
    for r in report["rules"].as_array().unwrap() {
        let heading = format!("## {} ", r["id"].as_str().unwrap());
        assert!(md.contains(&heading), "{heading}");
        assert!(md.contains(&format!("（{}）\n", r["clause"].as_str().unwrap())));
    }
    let rows = md
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| ---"))
        .count();
    // the summary table (a row per rule), a header per rule table (six of the seven have
    // findings; social-worker-training has none) and the data errors table, plus their
    // rows
    assert_eq!(rows, 1 + 7 + 6 + findings(&report).len() + 1 + 4);
    assert_tables_regular(&md);
}

#[test]
fn hostile_markdown_escapes_pipes_line_breaks_and_html() {
    let md = text("hostile", AS_OF, "markdown");
    assert_tables_regular(&md);
    assert!(
        md.contains("| a\\|b<br>c | 2018 |"),
        "pipe and line break in a subject"
    );
    assert!(md.contains("| line one<br>line two | a\\|b union |"));
    assert!(md.contains("\\<script\\>alert(1)\\</script\\>"));
    // No HTML passes through: every `<` but our own `<br>` is escaped.
    let md_text = md.replace("<br>", "");
    for (i, _) in md_text.match_indices('<') {
        assert!(md_text[..i].ends_with('\\'), "unescaped `<` at {i}");
    }
    assert!(md.contains("| =HYPERLINK(\"http://x\",\"y\") |"));
}

// ---- HTML ----

#[test]
fn html_is_well_formed_self_contained_and_complete() {
    let html = text("demo", AS_OF, "html");
    let report = json("demo", AS_OF);
    let opened = elements(&html, HTML_VOID).unwrap();
    assert!(
        !opened
            .iter()
            .any(|e| e == "script" || e == "link" || e == "img")
    );
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    for needle in [
        "@page { size: A4",
        "@media print",
        "break-before: page",
        "Noto Sans CJK SC",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no network"
    );
    assert!(html.contains("<h1>2018—2020年绵阳市工会干部“双提升”培训三年规划</h1>"));
    assert!(html.contains("绵工发〔2018〕48号"));
    assert!(html.contains("<dd>2021-03-01</dd>"));
    assert!(html.contains("<b>39</b><span>违规</span><small>另有提醒级 18</small>"));
    assert!(html.contains("<b>2</b><span>待办</span></div>"));
    for f in findings(&report) {
        assert!(html.contains(&html_escape(f["subject"].as_str().unwrap())));
    }
    // One section per rule, then the data errors.
    assert_eq!(html.matches("<section class=\"rule\"").count(), 7);
    assert!(html.contains("<h2>数据错误（4）</h2>"));
    // Coverage by county (full-rotation: 48 checked, 40 met) and the quota matrix.
    assert!(html.contains("<tr class=\"total\"><td>合计</td><td></td><td class=\"num\">48</td><td class=\"num\">40</td>"));
    // SPEC §8: pending apart from not met (new-chair-training: 17 checked, 9 met, 2 pending,
    // 6 violations, none waived).
    assert!(html.contains("<th class=\"num\">达标</th><th class=\"num\">待办</th><th class=\"num\">未达标</th><th class=\"num\">豁免</th>"));
    assert!(html.contains("<tr class=\"total\"><td>合计</td><td></td><td class=\"num\">17</td><td class=\"num\">9</td><td class=\"num\">2</td><td class=\"num\">6</td><td class=\"num\">0</td>"));
    assert!(html.contains("<td class=\"cell s-violation\">未达标</td>"));

    let en = text("demo", AS_OF, "html");
    elements(&en, HTML_VOID).unwrap();
    let en =
        String::from_utf8(check("demo", AS_OF, &["--format", "html", "--lang", "en"]).1).unwrap();
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("<h2>Data errors (4)</h2>"));
}

#[test]
fn html_matrix_shows_years_not_yet_due() {
    // As of 2019-06-30, 2020 is not due for county-annual-class's 13 unions, for the city
    // union (city-topic-classes) nor for the ten counties of county-send-topic.
    let html = text("demo", "2019-06-30", "html");
    elements(&html, HTML_VOID).unwrap();
    assert_eq!(
        html.matches("<td class=\"cell s-later\">未到期</td>")
            .count(),
        13 + 1 + 10
    );
    assert!(html.contains("<td class=\"cell s-pending\">待办</td>"));
    let html = text("demo", AS_OF, "html");
    assert_eq!(html.matches("s-later\">未到期</td>").count(), 0);
}

#[test]
fn hostile_html_is_escaped() {
    let html = text("hostile", AS_OF, "html");
    let opened = elements(&html, HTML_VOID).unwrap();
    assert!(!opened.iter().any(|e| e == "script" || e == "img"));
    assert!(!html.contains("<script"));
    assert!(!html.contains("<b>bold"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        html.contains("&lt;script&gt;alert(3)&lt;/script&gt;"),
        "a county"
    );
    assert!(html.contains("=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)"));
    assert!(html.contains("line one<br>line two"));
    assert!(
        html.contains("&lt;script&gt;x&lt;/script&gt;"),
        "a data error's value"
    );
}

// ---- xlsx ----

/// The sheet of `new-chair-training`, named from its title.
const CHAIRS: &str = "确保新任工会主席在任职1年内参…";

fn rows_of(wb: &mut Xlsx<std::io::BufReader<std::fs::File>>, sheet: &str) -> Vec<Vec<Data>> {
    let range = wb.worksheet_range(sheet).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn excel_serial(date: &str) -> f64 {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
    (d - epoch).num_days() as f64
}

#[test]
fn xlsx_has_a_summary_a_sheet_per_rule_and_typed_cells() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_to("demo", "report.xlsx", dir.path());
    let report = json("demo", AS_OF);
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "汇总",
            CHAIRS,
            "各县区工会、市直产业工会……每…",
            "实现2018—2020年将全市专兼职工…",
            "市总根据重点工作需要，每年组…",
            "由市总工会举办的各类主体班…",
            "各县市区（园区）总工会、各基…",
            "组织开展社会化工作者初任培训…",
            "分项统计",
            "数据错误"
        ]
    );

    let summary = rows_of(&mut wb, "汇总");
    assert_eq!(
        summary[0][0],
        Data::String("2018—2020年绵阳市工会干部“双提升”培训三年规划".into())
    );
    assert_eq!(summary[1][1], Data::String("绵工发〔2018〕48号".into()));
    assert_eq!(summary[2][0], Data::String("检查日".into()));
    match &summary[2][1] {
        Data::DateTime(d) => assert_eq!(d.as_f64(), excel_serial(AS_OF)),
        other => panic!("as-of is not a date cell: {other:?}"),
    }
    for r in report["rules"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let row = summary
            .iter()
            .find(|row| row[0] == Data::String(id.into()))
            .unwrap_or_else(|| panic!("{id} in the summary"));
        for (col, key) in [
            (4, "checked"),
            (5, "met"),
            (6, "violation"),
            (7, "pending"),
            (8, "waived"),
        ] {
            assert_eq!(
                row[col],
                Data::Float(r[key].as_f64().unwrap()),
                "{id} {key}"
            );
        }
    }
    // SPEC §8: the total at error severity, the warning-severity findings on a row of
    // their own.
    let total = summary
        .iter()
        .find(|row| row[0] == Data::String("合计（错误级）".into()))
        .unwrap();
    assert_eq!(total[6], Data::Float(39.0));
    assert_eq!(total[7], Data::Float(2.0));
    let warning = summary
        .iter()
        .find(|row| row[0] == Data::String("另有提醒级".into()))
        .unwrap();
    assert_eq!(warning[6], Data::Float(18.0));
    assert_eq!(warning[7], Data::Float(0.0));

    // A rule sheet: a link back and the title, the header, one row per finding, the
    // due date a date cell.
    let chairs = rows_of(&mut wb, CHAIRS);
    assert_eq!(chairs[0][0], Data::String("← 汇总".into()));
    assert_eq!(
        chairs[0][1],
        Data::String(
            "new-chair-training 确保新任工会主席在任职1年内参加上级工会组织的业务培训（三、(二) 1）"
                .into()
        )
    );
    assert_eq!(chairs[1][0], Data::String("编号".into()));
    assert_eq!(chairs[1][7], Data::String("截止日".into()));
    let rule_findings: Vec<&Value> = findings(&report)
        .iter()
        .filter(|f| f["rule"] == "new-chair-training")
        .collect();
    assert_eq!(chairs.len(), rule_findings.len() + 2);
    for (row, f) in chairs[2..].iter().zip(&rule_findings) {
        assert_eq!(row[0], Data::String(f["id"].as_str().unwrap().into()));
        match &row[7] {
            Data::DateTime(d) => {
                assert!(d.is_datetime());
                assert_eq!(d.as_f64(), excel_serial(f["due"].as_str().unwrap()));
            }
            other => panic!("due is not a date cell: {other:?}"),
        }
    }
    // Periods are numbers.
    let counties = rows_of(&mut wb, "各县区工会、市直产业工会……每…");
    assert_eq!(counties[2][6], Data::Float(2019.0));

    // SPEC §8: the per-county counts say pending apart from not met. On 2021-03-01 two
    // chairs are pending (吕志远 of 四川长虹…工会, 陈静 of 涪城区吴家镇总工会).
    let breakdown = rows_of(&mut wb, "分项统计");
    let header = breakdown
        .iter()
        .find(|r| r[0] == Data::String("县区".into()))
        .unwrap();
    let words: Vec<Data> = ["检查人数", "达标", "待办", "未达标", "豁免", "达标率"]
        .into_iter()
        .map(|w| Data::String(w.into()))
        .collect();
    assert_eq!(header[2..8], words[..]);
    let changhong = breakdown
        .iter()
        .find(|r| r[1] == Data::String("四川长虹电器股份有限公司工会".into()))
        .unwrap();
    assert_eq!(
        changhong[2..7],
        [1.0, 0.0, 1.0, 0.0, 0.0].map(Data::Float)[..],
        "checked 1, met 0, pending 1, not met 0, waived 0"
    );

    let errors = rows_of(&mut wb, "数据错误");
    assert_eq!(errors.len(), 5);
    assert_eq!(errors[1][0], Data::String("cadres.csv".into()));
    assert_eq!(errors[1][2], Data::Float(20.0));
    assert_eq!(errors[1][4], Data::String("5.10703E+17".into()));
}

#[test]
fn hostile_xlsx_has_no_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_to("hostile", "report.xlsx", dir.path());
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let names = wb.sheet_names();
    assert!(names.len() >= 7);
    for name in &names {
        let formulas = wb.worksheet_formula(name).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{name} has formulas"
        );
    }
    let chairs = rows_of(&mut wb, CHAIRS);
    assert_eq!(
        chairs[2][2],
        Data::String("=HYPERLINK(\"http://x\",\"y\")".into())
    );
    assert_eq!(
        chairs[2][3],
        Data::String("<script>alert(1)</script>".into())
    );
    assert_eq!(chairs[3][3], Data::String("line one\nline two".into()));
    let errors = rows_of(&mut wb, "数据错误");
    assert!(
        errors
            .iter()
            .any(|r| r[4] == Data::String("=TODAY()".into()))
    );
    assert!(
        errors
            .iter()
            .any(|r| r[4] == Data::String("=EVIL()".into()))
    );
}

// ---- JUnit ----

#[test]
fn junit_has_a_suite_per_rule_and_a_case_per_finding() {
    let xml = text("demo", AS_OF, "junit");
    let report = json("demo", AS_OF);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    let opened = elements(&xml, &[]).unwrap();
    let count = |name: &str| opened.iter().filter(|e| *e == name).count();
    let all = findings(&report);
    let failing = all
        .iter()
        .filter(|f| f["status"] == "violation" && f["severity"] == "error")
        .count();
    let data_errors = report["data_errors"].as_array().unwrap().len();
    assert_eq!(count("testsuites"), 1);
    assert_eq!(
        count("testsuite"),
        7 + 1,
        "a suite per rule and one for data errors"
    );
    assert_eq!(count("testcase"), all.len() + data_errors);
    assert_eq!(count("failure"), failing);
    assert_eq!(count("skipped"), all.len() - failing);
    assert_eq!(count("error"), data_errors);
    for f in all {
        let name = format!("<testcase name=\"{}\"", f["id"].as_str().unwrap());
        assert!(xml.contains(&name), "{name}");
    }
    assert!(xml.contains(
        "<testsuite name=\"new-chair-training\" tests=\"8\" failures=\"6\" errors=\"0\" skipped=\"2\""
    ));
    assert!(xml.contains(
        "<testsuite name=\"city-topic-classes\" tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"2\""
    ), "warning-severity violations do not fail");
    assert!(xml.contains("<testsuites name=\"peixun mianyang-2018-2020 2021-03-01\" tests=\"63\" failures=\"39\" errors=\"4\" skipped=\"20\""));
}

#[test]
fn hostile_junit_is_escaped() {
    let xml = text("hostile", AS_OF, "junit");
    let opened = elements(&xml, &[]).unwrap();
    assert!(!opened.iter().any(|e| e == "script"));
    let report = json("hostile", AS_OF);
    assert_eq!(
        opened.iter().filter(|e| *e == "testcase").count(),
        findings(&report).len() + report["data_errors"].as_array().unwrap().len()
    );
    assert!(
        xml.contains("name=\"new-chair-training:=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)\"")
    );
    assert!(
        xml.contains("name=\"county-annual-class:a|b&#10;c:2018\""),
        "line break in an attribute"
    );
}

// ---- the format from the -o extension ----

#[test]
fn output_extension_chooses_the_format() {
    let dir = tempfile::tempdir().unwrap();
    let starts: [(&str, &[u8]); 6] = [
        ("r.csv", b"\xEF\xBB\xBF\xE7\xBC\x96\xE5\x8F\xB7,"),
        ("r.md", "# 培训检查报告".as_bytes()),
        ("r.html", b"<!DOCTYPE html>"),
        ("r.HTM", b"<!DOCTYPE html>"),
        ("r.xlsx", b"PK\x03\x04"),
        (
            "r.xml",
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites",
        ),
    ];
    for (file, start) in starts {
        let path = write_to("demo", file, dir.path());
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(start), "{file}");
    }
}

/// The formula check above can see a formula: a workbook with one fails it.
#[test]
fn calamine_sees_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_formula(0, 0, "=1+1").unwrap();
    ws.write_string(1, 0, "=1+1").unwrap();
    wb.save(&path).unwrap();
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let formulas = wb.worksheet_formula("Sheet1").unwrap();
    let found: Vec<_> = formulas
        .used_cells()
        .filter(|(_, _, f)| !f.is_empty())
        .collect();
    assert_eq!(
        found.len(),
        1,
        "the formula cell, not the string cell: {found:?}"
    );
}

/// A second plan (its own rule file) in every text format, in English, and the terminal
/// table of the demo: presentation snapshots beyond the demo's Chinese ones.
#[test]
fn scenario_snapshots() {
    let dir = fixture("second-plan");
    let rules = dir.join("rules.toml");
    for format in ["table", "markdown", "csv", "junit"] {
        let (code, out, err) = crate::util::run(
            &[
                "check",
                dir.to_str().unwrap(),
                "--rules",
                rules.to_str().unwrap(),
                "--as-of",
                "2022-03-01",
                "--lang",
                "en",
                "--format",
                format,
            ],
            Some(&root()),
        );
        assert_eq!(code, 1, "{err}");
        let out = out.trim_start_matches('\u{feff}').replace("\r\n", "\n");
        insta::assert_snapshot!(format!("second_plan_en_{format}"), out);
    }
    insta::assert_snapshot!("demo_table", text("demo", AS_OF, "table"));
}

/// SPEC §8 "Privacy and text": a right-to-left override (U+202E) in a name would
/// reorder the text a terminal or browser shows after it; the table and HTML reports
/// write it escaped, like other control characters.
#[test]
fn bidirectional_controls_are_escaped_in_table_and_html() {
    let dir = tempfile::tempdir().unwrap();
    for t in ["cadres.csv", "classes.csv", "attendance.csv"] {
        std::fs::copy(fixture("demo").join(t), dir.path().join(t)).unwrap();
    }
    // Line 2's appointment date gets a spoofing tail: a data error whose value every
    // report shows.
    let cadres = dir.path().join("cadres.csv");
    let text = std::fs::read_to_string(&cadres).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut cells: Vec<&str> = lines[1].split(',').collect();
    let spoof = "张\u{202E}三\u{2066}";
    cells[8] = spoof;
    lines[1] = cells.join(",");
    std::fs::write(&cadres, lines.join("\n") + "\n").unwrap();
    for format in ["table", "html"] {
        let out = peixun()
            .args([
                "check",
                dir.path().to_str().unwrap(),
                "--as-of",
                AS_OF,
                "--format",
                format,
            ])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text.contains('\u{202E}') && !text.contains('\u{2066}'),
            "{format} shows a raw bidirectional control"
        );
        assert!(text.contains("张\\u{202e}三"), "{format}: {text}");
    }
}
