//! SPEC §8 "Files are never harmed": `-o` never names a file the run reads, and a
//! reader that closes the pipe early ends the run quietly with the exit status it would
//! have had. Unix only (`main.rs`): links and pipes as a unix system has them.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::util::{fixture, root, run};

/// The binary, for runs the test watches while they go (`spawn`), with the settings of
/// `util::peixun`.
fn command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_peixun"));
    c.env_remove("NO_COLOR").env("COLUMNS", "100");
    c
}

/// Every file under `dir` with its bytes, to show nothing changed and nothing was added.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(snapshot(&p));
        } else {
            out.insert(p.clone(), fs::read(&p).unwrap());
        }
    }
    out
}

/// A data folder with `cadres` chairs appointed in 2019 and never trained: two error
/// findings each (new-chair-training, full-rotation) as of 2021-03-01, so the reports
/// are large (about 800 bytes of JSON a cadre).
fn many_findings(dir: &Path, cadres: usize) {
    fs::create_dir_all(dir).unwrap();
    let mut text = String::from("id,name,post,appointed_on,unit,county,unit_level,kind,left_on\n");
    for i in 0..cadres {
        text.push_str(&format!(
            "C{i:06},干部{i},工会主席,2019-01-08,第{}基层工会,涪城区,基层,专职,\n",
            i % 700
        ));
    }
    fs::write(dir.join("cadres.csv"), text).unwrap();
    fs::write(
        dir.join("classes.csv"),
        "id,name,organizer,organizer_level,county,category,start_on,end_on,days,fee\n\
         K1,培训班,涪城区总工会,县区,涪城区,业务培训,2019-03-01,2019-03-02,2,\n",
    )
    .unwrap();
    fs::write(
        dir.join("attendance.csv"),
        "class_id,cadre_id,completed\nK1,C000000,是\n",
    )
    .unwrap();
}

// ------------------------------------------------------------------ -o and the inputs

/// Each way of naming an input with `-o` is refused with exit 2 before any work, naming
/// what the file is and saying to write elsewhere; nothing in the folder changes and no
/// file is added.
#[test]
fn output_naming_an_input_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let d = t.join("D");
    fs::create_dir(&d).unwrap();
    for table in ["cadres", "classes", "attendance"] {
        let name = format!("{table}.csv");
        fs::copy(fixture("demo").join(&name), d.join(&name)).unwrap();
    }
    let w = t.join("W");
    fs::create_dir(&w).unwrap();
    fs::copy(
        fixture("exports").join("workbook").join("台账.xlsx"),
        w.join("台账.xlsx"),
    )
    .unwrap();
    fs::copy(
        root().join("rules").join("mianyang-2018-2020.toml"),
        t.join("rules.toml"),
    )
    .unwrap();
    fs::write(t.join("columns.toml"), "[cadres]\n\"工号\" = \"id\"\n").unwrap();
    fs::write(
        t.join("waivers.csv"),
        "rule,subject,period,reason,approved_by,expires_on\n",
    )
    .unwrap();
    fs::write(t.join("bad-rules.toml"), "[plan\nid = 1\n").unwrap();
    std::os::unix::fs::symlink(d.join("cadres.csv"), t.join("link.csv")).unwrap();
    fs::hard_link(d.join("attendance.csv"), t.join("hard.csv")).unwrap();
    // A baseline written with -o beside the data is fine.
    let (code, _, err) = run(
        &["check", "D", "--as-of", "2021-03-01", "-o", "baseline.json"],
        Some(t),
    );
    assert_eq!(code, 1, "{err}");
    let before = snapshot(t);

    let abs = |p: &Path| p.to_str().unwrap().to_owned();
    let d_abs = abs(&d);
    let table_hint = "the report would replace it; write the report to another file";
    let cases: Vec<(Vec<String>, &str, &str)> = vec![
        (
            vec!["check", "D", "-o", "D/cadres.csv"],
            "the cadres table",
            table_hint,
        ),
        (
            vec!["check", "D", "-o", "D/../D/./classes.csv"],
            "the classes table this run reads (`D/classes.csv`)",
            table_hint,
        ),
        (
            vec!["check", &d_abs, "-o", "D/attendance.csv"],
            "the attendance table",
            table_hint,
        ),
        (
            vec!["check", "D", "-o", "link.csv"],
            "the cadres table",
            table_hint,
        ),
        (
            vec!["check", "D", "-o", "hard.csv"],
            "the attendance table",
            table_hint,
        ),
        (
            vec!["check", "D", "--cadres", "link.csv", "-o", "D/cadres.csv"],
            "the cadres table",
            table_hint,
        ),
        (
            vec!["check", "W", "-o", "W/台账.xlsx"],
            "the workbook holding the cadres table",
            table_hint,
        ),
        (
            vec!["check", "W/台账.xlsx", "-o", "./W/台账.xlsx"],
            "the workbook holding the cadres table",
            table_hint,
        ),
        (
            vec![
                "check",
                "D",
                "--rules",
                "rules.toml",
                "--format",
                "json",
                "-o",
                "rules.toml",
            ],
            "the rule file",
            table_hint,
        ),
        (
            vec![
                "check",
                "D",
                "--columns",
                "columns.toml",
                "--format",
                "json",
                "-o",
                "./columns.toml",
            ],
            "the columns file",
            table_hint,
        ),
        (
            vec![
                "check",
                "D",
                "--waivers",
                "waivers.csv",
                "-o",
                "waivers.csv",
            ],
            "the waivers file",
            table_hint,
        ),
        (
            vec![
                "check",
                "D",
                "--baseline",
                "baseline.json",
                "-o",
                "D/../baseline.json",
            ],
            "the baseline this check compares with",
            "write a new baseline with -o to another path, then move it",
        ),
        // Before any work: the rule file is not even read.
        (
            vec![
                "check",
                "D",
                "--rules",
                "bad-rules.toml",
                "-o",
                "D/cadres.csv",
            ],
            "the cadres table",
            table_hint,
        ),
        (
            vec!["validate", "D", "-o", "D/classes.csv"],
            "the classes table",
            table_hint,
        ),
        (
            vec![
                "validate",
                "D",
                "--columns",
                "columns.toml",
                "-o",
                "columns.toml",
            ],
            "the columns file",
            table_hint,
        ),
    ]
    .into_iter()
    .map(|(args, what, hint)| (args.into_iter().map(str::to_owned).collect(), what, hint))
    .collect();
    for (args, what, hint) in &cases {
        let mut argv: Vec<&str> = args.iter().map(String::as_str).collect();
        argv.extend(["--lang", "en"]);
        let (code, out, err) = run(&argv, Some(t));
        let shown = argv.join(" ");
        assert_eq!(code, 2, "{shown}: {err}");
        assert!(out.is_empty(), "{shown}: {out}");
        let o = &args[args.iter().position(|a| a == "-o").unwrap() + 1];
        assert_eq!(err.lines().count(), 1, "{shown}: {err}");
        assert!(
            err.contains(&format!("-o `{o}` is ")) && err.contains(what) && err.contains(hint),
            "{shown}: {err}"
        );
    }
    // In Chinese, by default.
    let (code, _, err) = run(&["check", "D", "-o", "hard.csv"], Some(t));
    assert_eq!(code, 2);
    assert!(
        err.contains("参训记录表")
            && err.contains("`D/attendance.csv`")
            && err.contains("请把报告写到别的文件"),
        "{err}"
    );
    let (code, _, err) = run(
        &[
            "check",
            "D",
            "--baseline",
            "baseline.json",
            "-o",
            "baseline.json",
        ],
        Some(t),
    );
    assert_eq!(code, 2);
    assert!(err.contains("基线") && err.contains("再移过去"), "{err}");
    assert_eq!(snapshot(t), before, "an input changed or a file was added");

    // A copy of an input is another file: written as asked.
    fs::copy(d.join("cadres.csv"), t.join("copy.csv")).unwrap();
    let (code, _, err) = run(
        &[
            "check",
            "D",
            "--as-of",
            "2021-03-01",
            "--format",
            "json",
            "-o",
            "copy.csv",
        ],
        Some(t),
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        fs::read_to_string(t.join("copy.csv"))
            .unwrap()
            .starts_with('{')
    );
}

// ------------------------------------------------------------------ closed pipes

/// Every format, printed to a pipe whose reader stops after a few bytes: the run ends
/// with the status a full read gives (1 with error findings, 0 with `--fail-on none`),
/// and nothing on stderr. (Before, `--format json | head -1` exited 2 with an error.)
#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    // 2,000 cadres: 4,000 findings, JSON written whole; 5,000: 10,000 findings, JSON
    // printed in shares. Every output is larger than a pipe's buffer (64 KiB).
    for (cadres, formats) in [
        (
            2_000,
            &["json", "table", "csv", "markdown", "html", "junit", "xlsx"][..],
        ),
        (5_000, &["json"][..]),
    ] {
        let data = tmp.path().join(format!("data-{cadres}"));
        many_findings(&data, cadres);
        let d = data.to_str().unwrap();
        for format in formats {
            let args = |fail_on| {
                [
                    "check",
                    d,
                    "--as-of",
                    "2021-03-01",
                    "--format",
                    format,
                    "--fail-on",
                    fail_on,
                ]
            };
            let full = command().args(args("error")).output().unwrap();
            assert_eq!(full.status.code(), Some(1), "{format}");
            assert!(
                full.stdout.len() > 1 << 17,
                "{format}: {} bytes, not more than a pipe holds",
                full.stdout.len()
            );
            for (fail_on, expected) in [("error", 1), ("none", 0)] {
                let mut child = command()
                    .args(args(fail_on))
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                let mut stdout = child.stdout.take().unwrap();
                let mut first = [0u8; 16];
                stdout.read_exact(&mut first).unwrap();
                drop(stdout);
                let mut err = String::new();
                child
                    .stderr
                    .take()
                    .unwrap()
                    .read_to_string(&mut err)
                    .unwrap();
                let status = child.wait().unwrap();
                let what = format!("{cadres} cadres, --format {format} --fail-on {fail_on}");
                assert_eq!(status.code(), Some(expected), "{what}: {err}");
                assert!(err.is_empty(), "{what}: stderr {err}");
            }
        }
    }
}
