//! SPEC §8 "Files are never harmed": `-o` never names a file the run reads, an
//! interrupted run leaves no temporary or partial report, and a reader that closes the
//! pipe early ends the run quietly with the exit status it would have had. Unix only
//! (`main.rs`): links, signals and pipes as a unix system has them.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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

// ------------------------------------------------------------------ interrupts

/// Files in `dir`, by name.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn send(signal: &str, child: &std::process::Child) {
    let status = Command::new("kill")
        .args([format!("-{signal}"), child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{signal}");
}

/// A check of `data` writing `-o out/report.<ext>`, where a report from an earlier run
/// (`old`) already is; run through `nohup` when asked.
fn start(data: &Path, out: &Path, ext: &str, nohup: bool) -> std::process::Child {
    let report = out.join(format!("report.{ext}"));
    fs::write(&report, "old").unwrap();
    let mut c = if nohup {
        let mut c = Command::new("nohup");
        c.arg(env!("CARGO_BIN_EXE_peixun"));
        c
    } else {
        command()
    };
    // The signals' dispositions are not left to whatever ran the tests: a job started in
    // the background or under nohup inherits SIGINT or SIGHUP ignored, and a run keeps a
    // signal ignored at its start. The run (or nohup, which then ignores SIGHUP) starts
    // with the default ones.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut c, || {
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                libc::signal(signal, libc::SIG_DFL);
            }
            Ok(())
        });
    }
    c.args([
        "check",
        data.to_str().unwrap(),
        "--as-of",
        "2021-03-01",
        "-o",
    ])
    .arg(&report)
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap()
}

/// Waits until the run has a temporary file in `out` (the report is being written):
/// false when the run ended first.
fn writing(child: &mut std::process::Child, out: &Path) -> bool {
    let deadline = Instant::now() + Duration::from_secs(120);
    while names(out).len() < 2 {
        if child.try_wait().unwrap().is_some() || Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    true
}

/// After an interrupt, the folder holds the report from before and nothing else — or,
/// should the signal have come in the instant after the rename, the complete report.
fn assert_untouched(out: &Path, ext: &str, complete: &[u8], what: &str) {
    let name = format!("report.{ext}");
    assert_eq!(
        names(out),
        vec![name.clone()],
        "{what}: files left in the -o folder"
    );
    let now = fs::read(out.join(&name)).unwrap();
    assert!(
        now == b"old" || now == complete,
        "{what}: the report is partial ({} bytes)",
        now.len()
    );
}

/// SIGINT, SIGTERM and SIGHUP while the JSON report is being written (its temporary
/// file is there): exit 130, 143, 129, the temporary file removed, the report from
/// before untouched. A SIGHUP under `nohup` (ignored from the start) changes nothing.
#[test]
fn an_interrupt_while_writing_leaves_no_temporary_file() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    many_findings(&data, 10_000);
    let whole = tmp.path().join("whole.json");
    let (code, _, err) = run(
        &[
            "check",
            data.to_str().unwrap(),
            "--as-of",
            "2021-03-01",
            "-o",
            whole.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(code, 1, "{err}");
    let complete = fs::read(&whole).unwrap();
    assert!(
        complete.len() > 4 << 20,
        "a report large enough to take a while"
    );
    for (signal, code, nohup) in [
        ("INT", 130, false),
        ("TERM", 143, false),
        ("HUP", 129, false),
        ("HUP", 1, true),
    ] {
        let what = format!("SIG{signal}{}", if nohup { " under nohup" } else { "" });
        let out = tmp.path().join(format!("out-{signal}-{nohup}"));
        fs::create_dir(&out).unwrap();
        // The temporary file is there for a fraction of a second; on a busy machine a
        // try may miss it (the run ends first): try again.
        let mut caught = false;
        for _ in 0..5 {
            let mut child = start(&data, &out, "json", nohup);
            if !writing(&mut child, &out) {
                continue;
            }
            send(signal, &child);
            let status = child.wait().unwrap();
            assert_eq!(status.code(), Some(code), "{what}: {status:?}");
            if nohup {
                assert_eq!(names(&out), vec!["report.json"], "{what}");
                assert_eq!(
                    fs::read(out.join("report.json")).unwrap(),
                    complete,
                    "{what}"
                );
            } else {
                assert_untouched(&out, "json", &complete, &what);
            }
            caught = true;
            break;
        }
        assert!(caught, "{what}: the temporary file was never seen");
    }
}

/// SIGINT, SIGTERM and SIGHUP at some point of an xlsx or HTML check (reading,
/// evaluating, rendering or writing): the same exit statuses, and the `-o` folder as
/// it was.
#[test]
fn an_interrupt_during_the_run_leaves_the_folder_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    many_findings(&data, 5_000);
    // Each format run whole once: how long it takes, and the complete report.
    let mut whole: BTreeMap<&str, (Duration, Vec<u8>)> = BTreeMap::new();
    for ext in ["xlsx", "html"] {
        let path = tmp.path().join(format!("whole.{ext}"));
        let started = Instant::now();
        let (c, _, err) = run(
            &[
                "check",
                data.to_str().unwrap(),
                "--as-of",
                "2021-03-01",
                "-o",
                path.to_str().unwrap(),
            ],
            None,
        );
        assert_eq!(c, 1, "{err}");
        whole.insert(ext, (started.elapsed(), fs::read(&path).unwrap()));
    }
    for (ext, signal, code) in [
        ("xlsx", "INT", 130),
        ("html", "TERM", 143),
        ("xlsx", "HUP", 129),
    ] {
        let (took, complete) = &whole[ext];
        let out = tmp.path().join(format!("out-{ext}-{signal}"));
        fs::create_dir(&out).unwrap();
        // Halfway through a run as long as the one just timed; a run that ends first is
        // tried again with half the delay.
        let mut delay = *took / 2;
        let mut caught = false;
        for _ in 0..6 {
            let mut child = start(&data, &out, ext, false);
            std::thread::sleep(delay);
            if child.try_wait().unwrap().is_some() {
                delay /= 2;
                continue;
            }
            // Not yet waited for, the process keeps its id even if it ends now.
            send(signal, &child);
            let status = child.wait().unwrap();
            if status.code() == Some(1) {
                delay /= 2;
                continue;
            }
            assert_eq!(status.code(), Some(code), "{ext} SIG{signal}: {status:?}");
            assert_untouched(&out, ext, complete, &format!("{ext} SIG{signal}"));
            caught = true;
            break;
        }
        assert!(
            caught,
            "{ext} SIG{signal}: every run ended before the signal"
        );
    }
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

/// `rules test -o` and `rules doc -o`: a test file (named, found under rules/, or by a
/// hard link) and the rule file a test file names (by a symbolic link or a path with
/// `..`) are refused before any work, naming which kind of file it is; nothing changes.
#[test]
fn output_naming_a_test_or_rule_file_is_refused_by_any_path() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    fs::create_dir(t.join("rules")).unwrap();
    fs::create_dir(t.join("sub")).unwrap();
    let plan = fixture("second-plan");
    fs::copy(plan.join("rules.toml"), t.join("rules").join("plan.toml")).unwrap();
    let tests = fs::read_to_string(plan.join("rules.test.toml"))
        .unwrap()
        .replace("rules = \"rules.toml\"", "rules = \"plan.toml\"");
    fs::write(t.join("rules").join("a.test.toml"), &tests).unwrap();
    fs::write(t.join("rules").join("b.test.toml"), &tests).unwrap();
    fs::hard_link(t.join("rules").join("a.test.toml"), t.join("hard.toml")).unwrap();
    std::os::unix::fs::symlink(t.join("rules").join("plan.toml"), t.join("link.toml")).unwrap();
    let before = snapshot(t);
    let test_file = "规则测试文件";
    let rule_file = "就是本次读取的规则文件";
    for (args, says) in [
        (&["rules", "test", "-o", "rules/b.test.toml"][..], test_file),
        (
            &["rules", "test", "rules/a.test.toml", "-o", "hard.toml"],
            test_file,
        ),
        (
            &["rules", "test", "rules/a.test.toml", "-o", "link.toml"],
            rule_file,
        ),
        (
            &["rules", "test", "-o", "sub/../rules/plan.toml"],
            rule_file,
        ),
        (
            &["rules", "test", "-o", "hard.toml", "--format", "junit"],
            test_file,
        ),
        (
            &[
                "rules",
                "doc",
                "--rules",
                "rules/plan.toml",
                "-o",
                "link.toml",
            ],
            rule_file,
        ),
        (
            &[
                "rules",
                "doc",
                "--rules",
                "link.toml",
                "-o",
                "sub/../rules/plan.toml",
            ],
            rule_file,
        ),
    ] {
        let (code, out, err) = run(args, Some(t));
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(
            err.contains(says) && err.lines().count() == 1,
            "{args:?}: {err}"
        );
    }
    let (code, _, err) = run(
        &["rules", "test", "-o", "hard.toml", "--lang", "en"],
        Some(t),
    );
    assert_eq!(code, 2);
    assert!(err.contains("is a rule test file this run reads"), "{err}");
    assert_eq!(snapshot(t), before, "a file changed or appeared");
}

/// Every command that prints, not only `check`: a reader that closes the pipe before
/// reading ends the run quietly, with the exit status the whole output would have had.
#[test]
fn every_command_ends_quietly_on_a_closed_pipe() {
    let tmp = tempfile::tempdir().unwrap();
    let failing = tmp.path().join("fails.test.toml");
    fs::write(
        &failing,
        "[[case]]\nname = \"fails\"\nas_of = 2019-06-30\nonly = [\"full-rotation\"]\n\
         cadres = \"\"\"\nid,name,post,kind,appointed_on\nC1,张华,委员,专职,2018-03-01\n\"\"\"\n",
    )
    .unwrap();
    let demo = fixture("demo");
    let demo = demo.to_str().unwrap();
    let norm = fixture("national-norm");
    let norm_tests = norm.join("rules.test.toml");
    let failing = failing.to_str().unwrap();
    let commands: &[&[&str]] = &[
        &["validate", demo],
        &["validate", demo, "--format", "json"],
        &["rules", "list"],
        &["rules", "explain", "new-chair-training"],
        &["rules", "test"],
        &[
            "rules",
            "test",
            norm_tests.to_str().unwrap(),
            "--format",
            "junit",
        ],
        &["rules", "test", failing],
        &["rules", "doc"],
        &["rules", "doc", "--format", "html"],
        &["rules", "lint"],
        &["rules", "lint", demo],
        &["rules", "lint", demo, "--format", "json"],
        &["trend", demo, "--from", "2018-01-01", "--to", "2020-12-31"],
        &[
            "trend",
            demo,
            "--from",
            "2018-01-01",
            "--to",
            "2020-12-31",
            "--format",
            "csv",
        ],
        &["completions", "bash"],
        &["man"],
        &["--help"],
        &["--version"],
    ];
    for args in commands {
        let full = command().args(*args).current_dir(root()).output().unwrap();
        let expected = full.status.code();
        assert!(!full.stdout.is_empty(), "{args:?} prints nothing");
        if args.contains(&failing) {
            assert_eq!(expected, Some(1), "a failing rule test");
        }
        let mut child = command()
            .args(*args)
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), expected, "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: stderr {err}");
    }
}

/// The units table is an input like the other three: `-o` naming the folder's
/// `units.csv`, or the `--units` file by another path, is refused before any work.
#[test]
fn output_naming_the_units_table_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let d = t.join("D");
    fs::create_dir(&d).unwrap();
    for f in ["cadres.csv", "classes.csv", "attendance.csv", "units.csv"] {
        fs::copy(fixture("demo").join(f), d.join(f)).unwrap();
    }
    fs::copy(fixture("demo").join("units.csv"), t.join("u.csv")).unwrap();
    let before = snapshot(t);
    for args in [
        &["check", "D", "--as-of", "2021-03-01", "-o", "D/units.csv"][..],
        &["check", "D", "--units", "u.csv", "-o", "D/../u.csv"],
        &[
            "validate", "D", "--units", "u.csv", "-o", "./u.csv", "--format", "json",
        ],
    ] {
        let (code, out, err) = run(args, Some(t));
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains("工会组织表"), "{args:?}: {err}");
    }
    assert_eq!(snapshot(t), before, "a file changed or appeared");
}

/// `peixun … 2>&1 | head`: a reader that closes the pipe before the messages on stderr
/// are written ends the run with its own exit status, never a panic (101).
#[test]
fn a_closed_pipe_on_stderr_keeps_the_exit_status() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let d = |name: &str| t.join(name).to_str().unwrap().to_owned();
    let (missing, init, man) = (d("nothing"), d("tpl"), d("man"));
    let commands: [(&[&str], i32); 4] = [
        (&["check", &missing], 2),
        (&["rules", "explain", "no-such-rule"], 2),
        (&["init", &init], 0),
        (&["man", "--dir", &man], 0),
    ];
    for (args, expected) in commands {
        let mut child = command()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(expected), "{args:?}");
    }
    assert!(t.join("tpl").join("干部名册.csv").exists());
    // The stage timings of `PEIXUN_TRACE` too.
    let mut child = command()
        .args([
            "check",
            fixture("demo").to_str().unwrap(),
            "--as-of",
            "2021-03-01",
        ])
        .env("PEIXUN_TRACE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(1), "PEIXUN_TRACE");
}
