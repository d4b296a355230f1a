//! The HTML report printed on A4, as far as it can be checked without a browser: the
//! page numbers in the bottom margin, long words that wrap rather than run off the
//! page, and a style sheet that holds nothing from the data and fetches nothing.
//! `scripts/render-html.sh` prints the demo with Chromium and makes pictures of the
//! pages to look at.

use std::path::Path;

use crate::util::{fixture, run};

/// The report of the fixture `name` in `lang` (`--format html` on stdout).
fn html(dir: &Path, as_of: &str, lang: &str) -> String {
    let (code, out, err) = run(
        &[
            "check",
            dir.to_str().unwrap(),
            "--as-of",
            as_of,
            "--lang",
            lang,
            "--format",
            "html",
        ],
        None,
    );
    assert!(code <= 1, "exit {code}: {err}");
    out
}

/// The content of the page's one `<style>` element.
fn style(html: &str) -> &str {
    let start = html.find("<style>").unwrap() + "<style>".len();
    let end = html.find("</style>").unwrap();
    assert_eq!(html.matches("<style>").count(), 1);
    &html[start..end]
}

#[test]
fn printed_pages_are_numbered_in_the_report_language() {
    let zh = html(&fixture("demo"), "2021-03-01", "zh");
    let css = style(&zh);
    for needle in [
        "@page { size: A4;",
        r#"@bottom-right { content: "第 " counter(page) " 页，共 " counter(pages) " 页";"#,
        r#"@bottom-left { content: "培训情况合规检查报告 · 检查日 2021-03-01";"#,
    ] {
        assert!(css.contains(needle), "{needle}\n{css}");
    }
    let en = html(&fixture("demo"), "2021-03-01", "en");
    let css = style(&en);
    for needle in [
        r#"@bottom-right { content: "Page " counter(page) " of " counter(pages);"#,
        r#"@bottom-left { content: "Training compliance report · as of 2021-03-01";"#,
    ] {
        assert!(css.contains(needle), "{needle}\n{css}");
    }
}

#[test]
fn tables_fit_the_printed_width() {
    let css = style(&html(&fixture("demo"), "2021-03-01", "zh")).to_owned();
    // Long words (18-digit ids, unit names in Latin letters) wrap anywhere in a cell;
    // printed, the text sits inside the page margin.
    assert!(css.contains("td { overflow-wrap: anywhere; }"), "{css}");
    let print = &css[css.find("@media print").unwrap()..];
    assert!(print.contains("body { padding: 0 3mm;"), "{print}");
    assert!(print.contains("table { font-size: 8.5pt; }"), "{print}");

    // A unit name of 70 Latin letters and a class id of 40 characters reach the page
    // as they are, in cells that may wrap.
    let dir = tempfile::tempdir().unwrap();
    for t in ["cadres.csv", "classes.csv", "attendance.csv"] {
        let text = std::fs::read_to_string(fixture("demo").join(t)).unwrap();
        let text = text
            .replace(
                "四川长虹电器股份有限公司工会",
                "四川长虹电器股份有限公司工会SICHUANCHANGHONGELECTRICCOLTDTRADEUNIONCOMMITTEE0123456789ABCDEFGHIJKL",
            )
            .replace("MY2019-01,", "MY2019-01-A-VERY-LONG-CLASS-IDENTIFIER-0123,");
        std::fs::write(dir.path().join(t), text).unwrap();
    }
    let page = html(dir.path(), "2021-03-01", "zh");
    assert!(
        page.contains("SICHUANCHANGHONGELECTRICCOLTDTRADEUNIONCOMMITTEE0123456789ABCDEFGHIJKL")
    );
    assert!(page.contains("MY2019-01-A-VERY-LONG-CLASS-IDENTIFIER-0123"));
}

#[test]
fn the_style_sheet_is_self_contained_and_holds_no_data() {
    // The demo and the hostile fixture (names like `<script>`, `=HYPERLINK(…)`) give
    // the same style sheet: nothing read from a file goes into it.
    let demo = html(&fixture("demo"), "2021-03-01", "zh");
    let hostile = html(&fixture("hostile"), "2021-03-01", "zh");
    assert_eq!(style(&demo), style(&hostile));
    for page in [&demo, &hostile] {
        let css = style(page);
        for bad in ["url(", "@import", "http:", "https:", "</", "<script"] {
            assert!(!css.contains(bad), "{bad}");
        }
        assert!(!page.contains("<script") && !page.contains("<link"));
    }
}
