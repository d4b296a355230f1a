//! `peixun man`: a full page per command; `--dir` writes them all, every page a SEE ALSO
//! names exists, and groff renders each without a warning.

use std::fs;
use std::process::Command;

use crate::util::peixun;

const SECTIONS: &[&str] = &[
    "NAME",
    "SYNOPSIS",
    "DESCRIPTION",
    "OPTIONS",
    "EXIT STATUS",
    "ENVIRONMENT",
    "FILES",
    "EXAMPLES",
    "SEE ALSO",
];

#[test]
fn dir_writes_a_full_page_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = peixun()
        .args(["man", "--dir", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for want in [
        "peixun.1",
        "peixun-check.1",
        "peixun-validate.1",
        "peixun-rules.1",
        "peixun-rules-list.1",
        "peixun-rules-explain.1",
        "peixun-init.1",
        "peixun-completions.1",
        "peixun-man.1",
    ] {
        assert!(
            names.iter().any(|n| n == want),
            "{want} not written: {names:?}"
        );
    }
    for name in &names {
        let page = fs::read_to_string(dir.path().join(name)).unwrap();
        for s in SECTIONS {
            assert!(
                page.contains(&format!(".SH {s}\n")) || page.contains(&format!(".SH \"{s}\"\n")),
                "{name} has no {s} section"
            );
        }
        for v in ["NO_COLOR", "COLUMNS", "PEIXUN_TRACE"] {
            assert!(page.contains(v), "{name}: ENVIRONMENT lacks {v}");
        }
        // Every page named in SEE ALSO was written.
        let see = page.split(".SH \"SEE ALSO\"").nth(1).unwrap();
        for line in see.lines().filter(|l| l.starts_with(".BR ")) {
            let target = line[4..].split(' ').next().unwrap();
            assert!(
                names.contains(&format!("{target}.1")),
                "{name} refers to {target}(1), not written"
            );
        }
        // groff renders it without a warning.
        let Ok(groff) = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z", "-k"])
            .arg(dir.path().join(name))
            .output()
        else {
            continue; // no groff on this machine
        };
        assert!(groff.status.success(), "{name}: groff failed");
        let warnings = String::from_utf8_lossy(&groff.stderr);
        assert!(warnings.trim().is_empty(), "{name}: {warnings}");
    }
}

#[test]
fn man_prints_the_main_page() {
    let out = peixun().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH PEIXUN 1"),
        "{page}"
    );
    assert!(page.contains("peixun-check (1)"));
    assert!(page.contains(".SH \"EXIT STATUS\""));
}
