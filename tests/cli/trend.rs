//! `peixun trend` (SPEC §9): every point equals `check --as-of` that date, the
//! forecasts of hand-worked fixtures, the formats, and what is refused.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{check_json, fixture, run};

/// Runs `trend DIR --format json ARGS…`: (exit code, trend, stderr).
fn trend_json(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["trend", dir.to_str().unwrap(), "--format", "json"];
    all.extend_from_slice(args);
    let (code, out, err) = run(&all, None);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, v, err)
}

/// The overall series of each rule.
fn overall(t: &Value) -> Vec<&Value> {
    t["series"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s.get("group").is_none() && s.get("subject").is_none())
        .collect()
}

/// Checks every point of `trend` against `check --as-of` its date (the `rules` block).
fn points_equal_check(dir: &Path, trend: &Value, extra: &[&str]) {
    let dates = trend["dates"].as_array().unwrap();
    assert!(!dates.is_empty());
    let series = overall(trend);
    for (i, date) in dates.iter().enumerate() {
        let date = date.as_str().unwrap();
        let (_, report, err) = check_json(dir, date, extra);
        let rules = report["rules"].as_array().unwrap();
        assert_eq!(rules.len(), series.len(), "{err}");
        for (rule, s) in rules.iter().zip(&series) {
            assert_eq!(s["rule"], rule["id"]);
            let p = &s["points"][i];
            assert_eq!(p["date"], date);
            for key in ["checked", "met", "violation", "pending", "waived"] {
                assert_eq!(p[key], rule[key], "{} {key} as of {date}", rule["id"]);
            }
            let (met, checked) = (p["met"].as_u64().unwrap(), p["checked"].as_u64().unwrap());
            match (met * 10_000).checked_div(checked) {
                None => assert!(p["met_rate"].is_null()),
                Some(r) => assert_eq!(p["met_rate"].as_f64(), Some(r as f64 / 10_000.0)),
            }
        }
        // Data errors are those of `check`, reported once.
        assert_eq!(trend["data_errors"], report["data_errors"], "as of {date}");
    }
}

#[test]
fn demo_points_equal_check_at_every_month() {
    let demo = fixture("demo");
    // Waivers that expire mid-series: waived before 2020-06-30, not after.
    let dir = tempfile::tempdir().unwrap();
    let waivers = dir.path().join("豁免.csv");
    std::fs::write(
        &waivers,
        "规则,对象,期间,理由,批准人,有效期至\n\
         full-rotation,510703197607010062,,病休,经审办,2020-06-30\n\
         new-chair-training,510703197505010058,,调岗,经审办,\n",
    )
    .unwrap();
    let w = waivers.to_str().unwrap();
    let (code, t, err) = trend_json(
        &demo,
        &["--from", "2018-01-01", "--to", "2021-03-01", "--waivers", w],
    );
    assert_eq!(code, 1, "data errors: {err}");
    assert_eq!(t["every"], "month");
    assert_eq!(t["dates"].as_array().unwrap().len(), 39);
    assert_eq!(t["dates"][37], "2021-02-28");
    assert_eq!(t["dates"][38], "2021-03-01");
    assert_eq!(t["rule_set"], "mianyang-2018-2020");
    points_equal_check(&demo, &t, &["--waivers", w]);
    let waived: u64 = overall(&t)
        .iter()
        .flat_map(|s| s["points"].as_array().unwrap())
        .map(|p| p["waived"].as_u64().unwrap())
        .sum();
    assert!(waived > 0, "the waivers applied somewhere");
}

#[test]
fn demo_groups_add_up_to_the_rule() {
    let (_, t, _) = trend_json(
        &fixture("demo"),
        &[
            "--from",
            "2019-01-01",
            "--to",
            "2021-01-31",
            "--every",
            "quarter",
            "--by",
            "county",
        ],
    );
    assert_eq!(t["by"], "county");
    let all = t["series"].as_array().unwrap();
    for rule in ["new-chair-training", "full-rotation"] {
        let whole = all
            .iter()
            .find(|s| s["rule"] == rule && s.get("group").is_none())
            .unwrap();
        let groups: Vec<&Value> = all
            .iter()
            .filter(|s| s["rule"] == rule && s.get("group").is_some())
            .collect();
        assert!(groups.len() > 3, "{rule}: a series per county");
        for (i, p) in whole["points"].as_array().unwrap().iter().enumerate() {
            for key in ["checked", "met", "violation", "pending"] {
                let sum: u64 = groups
                    .iter()
                    .map(|g| g["points"][i][key].as_u64().unwrap())
                    .sum();
                assert_eq!(Some(sum), p[key].as_u64(), "{rule} {key} at {}", p["date"]);
            }
        }
    }
    // A quota rule keeps one series per subject; forbid only its overall series.
    assert!(
        all.iter()
            .any(|s| s["rule"] == "county-annual-class" && s.get("subject").is_some())
    );
    assert_eq!(
        all.iter()
            .filter(|s| s["rule"] == "city-class-free")
            .count(),
        1
    );
}

/// The generator of the benchmark data (examples/generate.rs), built when missing.
fn generator() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let debug = exe.parent().unwrap().parent().unwrap();
    let tool = debug.join("examples").join("generate");
    if !tool.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "--example", "generate"])
            .current_dir(crate::util::root())
            .status()
            .unwrap();
        assert!(status.success());
    }
    tool
}

#[test]
fn generated_points_equal_check_at_every_month() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = std::process::Command::new(generator())
        .args([
            "--cadres",
            "3000",
            "--units",
            "--out",
            data.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, t, err) = trend_json(&data, &["--from", "2018-01-01", "--to", "2021-03-01"]);
    assert!(code == 0 || code == 1, "{err}");
    assert_eq!(t["dates"].as_array().unwrap().len(), 39);
    points_equal_check(&data, &t, &[]);
}

/// The trend of `fixtures/trend-forecast`, without the notices' texts.
fn forecast_run(from: &str, to: &str) -> (i32, Value) {
    let dir = fixture("trend-forecast");
    let rules = dir.join("rules.toml");
    let (code, mut t, err) = trend_json(
        &dir,
        &[
            "--rules",
            rules.to_str().unwrap(),
            "--from",
            from,
            "--to",
            to,
            "--by",
            "县区",
        ],
    );
    assert!(err.is_empty(), "{err}");
    for n in t["notices"].as_array_mut().unwrap() {
        n.as_object_mut().unwrap().remove("message");
    }
    (code, t)
}

fn expected(name: &str) -> Value {
    let path = fixture("trend-forecast").join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn forecast_on_track_off_track_and_too_few_points() {
    let (code, t) = forecast_run("2020-01-01", "2020-06-30");
    assert_eq!(t, expected("trend-2020-06-30.json"));
    assert_eq!(code, 1, "乙县 is off track");
    let group = |g: &str| {
        t["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["group"] == g)
            .unwrap()
            .clone()
    };
    assert_eq!(group("甲县")["forecast"]["on_track"], true);
    assert_eq!(group("乙县")["forecast"]["projected_rate"], 0.8037);
    assert_eq!(group("乙县")["forecast"]["on_track"], false);
    assert!(group("丙县").get("forecast").is_none());
}

#[test]
fn no_forecast_once_the_series_passes_the_plan_end() {
    let (code, t) = forecast_run("2020-10-01", "2021-01-31");
    assert_eq!(t, expected("trend-2021-01-31.json"));
    assert_eq!(code, 0);
    assert!(
        t["series"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s.get("forecast").is_none())
    );
}

/// Runs `trend` on fixtures/trend-forecast (2020-01 … 2020-06 by 县区) with `extra`.
fn forecast_args(extra: &[&str]) -> (i32, String, String) {
    let dir = fixture("trend-forecast");
    let rules = dir.join("rules.toml");
    let mut args = vec![
        "trend",
        dir.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
        "--from",
        "2020-01-01",
        "--to",
        "2020-06-30",
        "--by",
        "县区",
    ];
    args.extend_from_slice(extra);
    run(&args, None)
}

#[test]
fn csv_has_a_row_per_series_and_date() {
    let (code, out, err) = forecast_args(&["--format", "csv"]);
    assert_eq!(code, 1, "{err}");
    let text = out.strip_prefix('\u{feff}').expect("a BOM for Excel");
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows[0],
        "rule,group,subject,date,checked,met,violation,pending,waived,met_rate"
    );
    // 4 series (all, 丙县, 乙县, 甲县) × 6 dates.
    assert_eq!(rows.len(), 1 + 4 * 6);
    assert!(rows.contains(&"all-trained,乙县,,2020-06-30,5,2,0,3,0,0.4"));
    assert!(rows.contains(&"all-trained,丙县,,2020-01-31,0,0,0,0,0,"));
}

#[test]
fn table_shows_a_sparkline_and_the_forecast_per_group() {
    let (code, out, _) = forecast_args(&["--lang", "en"]);
    assert_eq!(code, 1);
    let line = |g: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(g))
            .unwrap()
            .to_owned()
    };
    assert!(line("乙县").contains("▁▁▂▂▂▄"), "{out}");
    assert!(
        line("乙县").contains("80.37% at plan end: off track"),
        "{out}"
    );
    assert!(line("甲县").contains("on track"), "{out}");
    assert!(line("丙县").contains("·····▁"), "{out}");
    assert!(
        !line("丙县").contains("track"),
        "too few points: no forecast"
    );
    let (_, zh, _) = forecast_args(&[]);
    assert!(zh.contains("落后"), "{zh}");
}

#[test]
fn html_is_self_contained_with_a_chart_per_series() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("趋势.html");
    let (code, _, err) = run(
        &[
            "trend",
            fixture("demo").to_str().unwrap(),
            "--from",
            "2018-01-01",
            "--to",
            "2020-09-30",
            "--by",
            "county",
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 1, "{err}");
    let html = std::fs::read_to_string(&out).unwrap();
    for banned in ["<script", "http://", "https://", "<link", "@import", "url("] {
        assert!(!html.contains(banned), "{banned}");
    }
    assert!(html.contains("@page { size: A4"));
    assert!(html.contains("<svg"));
    assert!(
        html.contains("规划期末 2020-12-31"),
        "the plan's end is marked"
    );
    assert!(
        html.contains(r#"stroke-dasharray="5 3""#),
        "a dashed forecast"
    );
    // In the rotation rule, off-track groups come first: after the overall chart, the
    // first small multiple is off track.
    let rotation = &html[html.find("full-rotation").unwrap()..];
    let rotation = &rotation[..rotation.find("</section>").unwrap()];
    let grid = &rotation[rotation.find(r#"<div class="grid">"#).unwrap()..];
    assert!(
        grid.starts_with(r#"<div class="grid"><figure class="off">"#),
        "{grid:.200}"
    );
    let figures: Vec<&str> = grid.split("<figure").skip(1).collect();
    let first_on = figures
        .iter()
        .position(|f| !f.starts_with(r#" class="off""#))
        .unwrap();
    assert!(
        figures[first_on..]
            .iter()
            .all(|f| !f.starts_with(r#" class="off""#)),
        "every off-track group before the others"
    );
    assert_eq!(
        dir.path().read_dir().unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[test]
fn xlsx_has_a_sheet_and_a_native_chart_per_rule() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trend.xlsx");
    let (code, _, err) = forecast_args(&["-o", path.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(wb.sheet_names(), ["概览", "all-trained", "明细", "提示"]);
    let sheet = wb.worksheet_range("all-trained").unwrap();
    let cell = |r: u32, c: u32| sheet.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    // Header row 3: 日期, the overall series, then the off-track group first.
    assert_eq!(cell(2, 0), Data::String("日期".into()));
    assert_eq!(cell(2, 1), Data::String("全部".into()));
    assert_eq!(cell(2, 2), Data::String("乙县".into()));
    assert_eq!(cell(2, 5), Data::String("预测".into()));
    // 乙县 at 2020-06-30 (row 9): 2 of 5; the forecast at the plan's end (row 10): 100%.
    assert_eq!(cell(8, 2), Data::Float(0.4));
    assert_eq!(cell(9, 5), Data::Float(1.0));
    let data = wb.worksheet_range("明细").unwrap();
    assert_eq!(data.height(), 1 + 4 * 6);
    // The chart is a native chart part of the workbook.
    let zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let charts = zip
        .file_names()
        .filter(|n| n.starts_with("xl/charts/chart"))
        .count();
    assert_eq!(charts, 1);
    // LibreOffice opens it, when installed.
    if std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_err()
    {
        println!(
            "skipped: soffice (LibreOffice) is not installed, so the workbook was not opened by it"
        );
        return;
    }
    let profile = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&path)
        .output()
        .unwrap();
    let pdf = dir.path().join("trend.pdf");
    assert!(
        pdf.metadata().is_ok_and(|m| m.len() > 1000),
        "LibreOffice could not open the workbook: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn what_trend_refuses() {
    let demo = fixture("demo");
    let d = demo.to_str().unwrap();
    let cadres = demo.join("cadres.csv");
    let before = std::fs::read(&cadres).unwrap();
    let cases: [(&[&str], &str); 5] = [
        (&["-o", cadres.to_str().unwrap()], "cadres.csv"),
        (
            &["--format", "markdown"],
            "trend writes table, json, csv, html or xlsx",
        ),
        (&["--by", "省份"], "--by `省份`: the cadres table"),
        (
            &["--to", "2017-12-31"],
            "--from 2018-01-01 is after --to 2017-12-31",
        ),
        (&["--every", "week"], "week"),
    ];
    for (extra, want) in cases {
        let mut args = vec!["trend", d, "--from", "2018-01-01", "--lang", "en"];
        args.extend_from_slice(extra);
        let (code, out, err) = run(&args, None);
        assert_eq!(code, 2, "{extra:?}: {err}");
        assert!(out.is_empty());
        assert!(err.contains(want), "{extra:?}: {err}");
    }
    assert_eq!(
        std::fs::read(&cadres).unwrap(),
        before,
        "the input is untouched"
    );
    let (code, _, err) = run(
        &["trend", d, "--from", "2018-01-01", "--to", "2017-12-31"],
        None,
    );
    assert_eq!(code, 2);
    assert!(err.contains("晚于"), "{err}");
    let (code, _, err) = run(&["trend", d], None);
    assert_eq!(code, 2, "--from is required");
    assert!(err.contains("--from"), "{err}");
}

#[test]
fn a_rate_rule_is_on_track_when_its_projection_reaches_the_rate() {
    // The trend-forecast data with a rule asking for half the roster, and one asking for
    // half of each county (a series per county with --by).
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[plan]\nid = \"trend-rate\"\nauthority = \"测试总工会\"\nstart = 2020-01-01\nend = 2020-12-31\n\n\
         [[rules]]\nid = \"half\"\nkind = \"coverage\"\ntitle = \"半数\"\nclause = \"一\"\nwho = {}\nclass = {}\nrate = 0.5\n\n\
         [[rules]]\nid = \"half-county\"\nkind = \"coverage\"\ntitle = \"各县半数\"\nclause = \"二\"\nwho = {}\nclass = {}\nrate = 0.5\ngroup_by = \"县区\"\n",
    )
    .unwrap();
    let (code, t, err) = trend_json(
        &fixture("trend-forecast"),
        &[
            "--rules",
            rules.to_str().unwrap(),
            "--from",
            "2020-01-01",
            "--to",
            "2020-06-30",
            "--by",
            "县区",
        ],
    );
    assert!(code == 0 || code == 1, "{err}");
    let series = t["series"].as_array().unwrap();
    for s in series.iter().filter(|s| s.get("forecast").is_some()) {
        let f = &s["forecast"];
        assert_eq!(f["required_rate"], 0.5, "{s}");
        assert_eq!(
            f["on_track"].as_bool().unwrap(),
            f["projected_rate"].as_f64().unwrap() >= 0.5,
            "{s}"
        );
    }
    // The roster as one subject: half met only at 2020-06-30 (5 of 10).
    let half = series
        .iter()
        .find(|s| s["rule"] == "half" && s.get("subject").is_none())
        .unwrap();
    let rates: Vec<f64> = half["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["met_rate"].as_f64().unwrap())
        .collect();
    assert_eq!(rates, [0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
    // Per county subjects: 甲县 meets half from 2020-03-31 (2 of 4).
    let jia = series
        .iter()
        .find(|s| s["rule"] == "half-county" && s["subject"] == "甲县")
        .unwrap();
    let met: Vec<u64> = jia["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["met"].as_u64().unwrap())
        .collect();
    assert_eq!(met, [0, 0, 1, 1, 1, 1]);
    assert_eq!(
        code,
        i32::from(series.iter().any(|s| s["forecast"]["on_track"] == false))
    );
}
