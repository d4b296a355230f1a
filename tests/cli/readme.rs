//! README.md shows the program's real output. Each excerpt is marked by an HTML comment
//! before its fenced block, giving the command (run by `sh` in the repository root, with
//! the built binary first on PATH and an 80-column width):
//! - `<!-- output: CMD -->`: the block is the output; a line `…` stands for lines left
//!   out, and the pieces between must appear in the output in order, line for line.
//!   Without `…` the block is the whole output.
//! - `<!-- output-json: CMD -->`: the block is an abridged JSON report: every key given
//!   must match (an array's items in order, among others), `"…"` matches any string and
//!   a string ending in `…` any string it begins.
//! - `<!-- script: NAME -->`: a shell script, run by a test of its own.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::{fixture, root};

/// A marked excerpt: kind, command, the block's text, its line in README.md.
struct Excerpt {
    kind: String,
    command: String,
    text: String,
    line: usize,
}

fn excerpts() -> Vec<Excerpt> {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some(rest) = l.trim().strip_prefix("<!-- ") else {
            continue;
        };
        let Some((kind, command)) = rest.strip_suffix(" -->").and_then(|r| r.split_once(": "))
        else {
            continue;
        };
        if !["output", "output-json", "script"].contains(&kind) {
            continue;
        }
        assert!(
            lines.get(i + 1).is_some_and(|f| f.starts_with("```")),
            "README.md:{}: the marker is not followed by a fenced block",
            i + 1
        );
        let body: Vec<&str> = lines[i + 2..]
            .iter()
            .take_while(|b| !b.starts_with("```"))
            .copied()
            .collect();
        out.push(Excerpt {
            kind: kind.to_owned(),
            command: command.to_owned(),
            text: body.join("\n"),
            line: i + 1,
        });
    }
    out
}

/// The folder of the built binary.
fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_peixun"))
        .parent()
        .unwrap()
        .to_owned()
}

fn path_with_binary() -> String {
    format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Runs a README command: its stdout (and stderr, when it says `2>&1`).
fn shell(command: &str, dir: &Path) -> (Option<i32>, String) {
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(dir)
        .env("PATH", path_with_binary())
        .env("COLUMNS", "80")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout)
        .trim_start_matches('\u{feff}')
        .replace("\r\n", "\n");
    (out.status.code(), text)
}

/// Where the excerpt's pieces are missing from the output, if they are.
fn text_mismatch(excerpt: &str, output: &str) -> Option<String> {
    let out: Vec<&str> = output.trim_end().lines().collect();
    let pieces: Vec<Vec<&str>> = excerpt
        .split('\n')
        .collect::<Vec<_>>()
        .split(|l| l.trim() == "…")
        .map(<[&str]>::to_vec)
        .filter(|p| !p.is_empty())
        .collect();
    if !excerpt.lines().any(|l| l.trim() == "…") {
        let want: Vec<&str> = excerpt.trim_end().lines().collect();
        return (want != out).then(|| first_difference(&want, &out));
    }
    let mut at = 0;
    for piece in pieces {
        match (at..=out.len().saturating_sub(piece.len()))
            .find(|&i| out[i..i + piece.len()] == piece[..])
        {
            Some(i) => at = i + piece.len(),
            None => {
                return Some(format!(
                    "this piece is not in the output (after line {at}):\n{}",
                    piece.join("\n")
                ));
            }
        }
    }
    None
}

fn first_difference(want: &[&str], got: &[&str]) -> String {
    let i = want.iter().zip(got).take_while(|(a, b)| a == b).count();
    format!(
        "line {}: README has\n  {}\nthe program prints\n  {}",
        i + 1,
        want.get(i).unwrap_or(&"(nothing)"),
        got.get(i).unwrap_or(&"(nothing)")
    )
}

/// Whether `got` has everything `want` gives (see the module comment).
fn json_matches(want: &Value, got: &Value, at: &str) -> Result<(), String> {
    match (want, got) {
        (Value::String(w), Value::String(g)) => {
            let ok = match w.strip_suffix('…') {
                Some(prefix) => g.starts_with(prefix),
                None => w == g,
            };
            ok.then_some(())
                .ok_or_else(|| format!("{at}: README has {w:?}, the program {g:?}"))
        }
        (Value::Number(w), Value::Number(g)) => (w.as_f64() == g.as_f64())
            .then_some(())
            .ok_or_else(|| format!("{at}: README has {w}, the program {g}")),
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                let gv = g
                    .get(k)
                    .ok_or_else(|| format!("{at}.{k}: not in the program's output"))?;
                json_matches(wv, gv, &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        (Value::Array(w), Value::Array(g)) => {
            if w.is_empty() && !g.is_empty() {
                return Err(format!(
                    "{at}: README has [], the program {} items",
                    g.len()
                ));
            }
            let mut rest = g.iter().enumerate();
            for (i, wv) in w.iter().enumerate() {
                rest.find(|(_, gv)| json_matches(wv, gv, "").is_ok())
                    .ok_or_else(|| format!("{at}[{i}]: no item of the output matches {wv}"))?;
            }
            Ok(())
        }
        _ => (want == got)
            .then_some(())
            .ok_or_else(|| format!("{at}: README has {want}, the program {got}")),
    }
}

#[test]
fn every_output_excerpt_is_real() {
    let all = excerpts();
    assert!(
        all.iter().filter(|e| e.kind.starts_with("output")).count() >= 6,
        "the README's excerpts are not marked"
    );
    let mut problems = Vec::new();
    for e in all.iter().filter(|e| e.kind.starts_with("output")) {
        let (_, output) = shell(&e.command, &root());
        let problem = if e.kind == "output-json" {
            let want: Value = serde_json::from_str(&e.text)
                .unwrap_or_else(|err| panic!("README.md:{}: not JSON: {err}", e.line));
            match serde_json::from_str::<Value>(&output) {
                Ok(got) => json_matches(&want, &got, "").err(),
                Err(err) => Some(format!("the output is not JSON: {err}")),
            }
        } else {
            text_mismatch(&e.text, &output)
        };
        if let Some(p) = problem {
            problems.push(format!("README.md:{} `{}`: {p}", e.line, e.command));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn the_comparison_catches_a_changed_excerpt() {
    assert!(text_mismatch("a\n…\nc", "a\nb\nc\n").is_none());
    assert!(text_mismatch("a\n…\nd", "a\nb\nc\n").is_some());
    assert!(text_mismatch("a\nb", "a\nb\nc\n").is_some());
    let got: Value = serde_json::json!({"a": [1, 2, {"b": "hello", "c": 3}], "d": "x"});
    assert!(json_matches(&serde_json::json!({"a": [{"b": "he…"}]}), &got, "").is_ok());
    assert!(json_matches(&serde_json::json!({"a": [{"b": "hi"}]}), &got, "").is_err());
    assert!(json_matches(&serde_json::json!({"e": 1}), &got, "").is_err());
}

/// The nightly script, as the README gives it, run twice in a folder of its own: the
/// first night writes reports/latest.json without a baseline, the second compares with
/// it; a findings night is logged.
#[test]
fn the_nightly_script_runs() {
    let all = excerpts();
    let script = all
        .iter()
        .find(|e| e.kind == "script" && e.command == "nightly")
        .expect("README marks the nightly script");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let exports = d.join("exports");
    fs::create_dir_all(&exports).unwrap();
    for f in ["cadres.csv", "classes.csv", "attendance.csv", "units.csv"] {
        fs::copy(fixture("demo").join(f), exports.join(f)).unwrap();
    }
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["规则", "对象", "期间", "理由", "批准人", "有效期至"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in [
        "new-chair-training",
        "510725198107010025",
        "",
        "2020年9月已补训",
        "市总组织部",
        "",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    wb.save(d.join("waivers.xlsx")).unwrap();
    let path = d.join("nightly.sh");
    fs::write(&path, format!("{}\n", script.text)).unwrap();
    for night in 1..=2 {
        let out = Command::new("sh")
            .arg(&path)
            .current_dir("/")
            .env("PATH", path_with_binary())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "night {night}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let latest: Value =
            serde_json::from_str(&fs::read_to_string(d.join("reports/latest.json")).unwrap())
                .unwrap();
        assert!(latest["summary"]["waived"].as_u64().unwrap() >= 1);
        // The second night compares with the first: every finding has a change.
        let changed = latest["findings"][0].get("change").is_some();
        assert_eq!(changed, night == 2, "night {night}");
        assert!(!d.join("reports/new.json").exists());
    }
    let log = fs::read_to_string(d.join("reports/peixun.log")).unwrap();
    assert_eq!(log.lines().count(), 2, "{log}");
    assert!(log.contains("peixun: findings"), "{log}");
}
