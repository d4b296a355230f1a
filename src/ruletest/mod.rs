//! Rule tests (SPEC §7 `peixun rules test`): finding the test files, running their
//! cases (`case.rs`, read by `file.rs`), and the outcome as text (one line per case,
//! failures side by side) or JUnit XML.

pub mod case;
pub mod file;

use std::path::{Path, PathBuf};

use crate::diag::char_width;
use crate::i18n::Lang;
use case::Outcome;
use file::{TestFile, Unusable};

/// The files to run: those given (a folder: every `*.test.toml` under it), or every
/// `*.test.toml` under `rules/` of the current folder. None found is an error.
pub fn find(given: &[PathBuf]) -> Result<Vec<PathBuf>, Unusable> {
    let mut out = Vec::new();
    let roots: Vec<PathBuf> = if given.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        given.to_vec()
    };
    for root in &roots {
        if root.is_dir() {
            walk(root, &mut out);
        } else if !given.is_empty() {
            // A file that does not exist is reported when it is read.
            out.push(root.clone());
        }
    }
    if out.is_empty() {
        let shown: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
        let shown = shown.join(", ");
        return Err(Unusable(crate::i18n::say(
            format!("在 {shown} 下没有找到测试文件（*.test.toml）"),
            format!("no test file (*.test.toml) found under {shown}"),
        )));
    }
    Ok(out)
}

/// Every `*.test.toml` under a folder, in name order.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, out);
        } else if p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().ends_with(".test.toml"))
        {
            out.push(p);
        }
    }
}

/// Reads every test file; any that cannot be used stops the run, all reported.
pub fn read_all(paths: &[PathBuf]) -> Result<Vec<TestFile>, Unusable> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        match file::read(p) {
            Ok(f) => files.push(f),
            Err(Unusable(e)) => errors.push(e.trim_end().to_owned()),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(Unusable(errors.join("\n")))
    }
}

/// Runs every case of every file, in order.
pub fn run(files: &[TestFile], lang: Lang) -> Vec<Vec<Outcome>> {
    files
        .iter()
        .map(|f| f.cases.iter().map(|c| case::run(f, c, lang)).collect())
        .collect()
}

/// Passed and failed cases.
pub fn counts(outcomes: &[Vec<Outcome>]) -> (usize, usize) {
    let all = outcomes.iter().flatten();
    let failed = all.clone().filter(|o| !o.passed()).count();
    (all.count() - failed, failed)
}

/// The text output: a line per case, each failure's differences side by side, and the
/// counts.
pub fn text(files: &[TestFile], outcomes: &[Vec<Outcome>], lang: Lang) -> String {
    let mut out = String::new();
    for (f, cases) in files.iter().zip(outcomes) {
        let name = f.path.display().to_string();
        for o in cases {
            let mark = if o.passed() { "ok    " } else { "FAILED" };
            out.push_str(&clean(&format!("{mark} {name} › {}", o.name)));
            out.push('\n');
            if o.passed() {
                continue;
            }
            let heads = (lang.pick("期望", "expected"), lang.pick("实际", "actual"));
            let left = o
                .failures
                .iter()
                .map(|(e, _)| width(e))
                .chain([width(heads.0)])
                .max()
                .unwrap_or(0)
                .min(60);
            // A long actual text (a load error's rendered lines) continues under
            // its first line.
            let row = |e: &str, a: &str| {
                let e = clean(e);
                let pad = left.saturating_sub(width(&e));
                let mut lines = a.lines();
                let mut s = format!(
                    "    {e}{} │ {}\n",
                    " ".repeat(pad),
                    clean(lines.next().unwrap_or(""))
                );
                for l in lines {
                    s.push_str(&format!(
                        "    {} │ {}\n",
                        " ".repeat(left.max(width(&e))),
                        clean(l)
                    ));
                }
                s
            };
            out.push_str(&row(heads.0, heads.1));
            for (e, a) in &o.failures {
                out.push_str(&row(e, a));
            }
        }
    }
    let (passed, failed) = counts(outcomes);
    out.push_str(&match lang {
        Lang::Zh => format!("{passed} 项通过，{failed} 项失败\n"),
        Lang::En => format!("{passed} passed, {failed} failed\n"),
    });
    out
}

/// JUnit XML: a testsuite per file, a testcase per case, a failure with the
/// differences.
pub fn junit(files: &[TestFile], outcomes: &[Vec<Outcome>], lang: Lang) -> String {
    let (passed, failed) = counts(outcomes);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"peixun rules test\" tests=\"{}\" failures=\"{failed}\">\n",
        passed + failed
    );
    for (f, cases) in files.iter().zip(outcomes) {
        let name = esc(&f.path.display().to_string());
        let failures = cases.iter().filter(|o| !o.passed()).count();
        out.push_str(&format!(
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{failures}\">\n",
            cases.len()
        ));
        for o in cases {
            let case = esc(&o.name);
            if o.passed() {
                out.push_str(&format!(
                    "    <testcase name=\"{case}\" classname=\"{name}\"/>\n"
                ));
                continue;
            }
            let (e, a) = (
                lang.pick("期望：", "expected: "),
                lang.pick("实际：", "actual: "),
            );
            let body: Vec<String> = o
                .failures
                .iter()
                .map(|(x, y)| format!("{e}{x}\n{a}{y}"))
                .collect();
            let message = match lang {
                Lang::Zh => format!("{} 处不符", o.failures.len()),
                Lang::En => format!("{} difference(s)", o.failures.len()),
            };
            out.push_str(&format!(
                "    <testcase name=\"{case}\" classname=\"{name}\">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                esc(&message),
                esc(&body.join("\n\n"))
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Control characters (a NUL in a case's data) escaped for the terminal.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Text for XML content and attributes; characters XML 1.0 cannot hold become
/// `\u{..}` text.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&c.escape_unicode().to_string())
            }
            _ => out.push(c),
        }
    }
    out
}
