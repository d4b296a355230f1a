//! Writing a report: the format a report is rendered in (by name or by a file's
//! extension), and the atomic writing of output to a file or to standard output
//! (SPEC §8: an interrupt leaves no temporary file, a closed pipe is no error).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use anyhow::{Context, Result};

use super::{Format, Report, csv, html, json, junit, markdown, table, xlsx};
use crate::i18n::Lang;
use crate::model::TableKind;

/// Renders a report built whole (its `findings` filled) in a format: the bytes the
/// streamed writers must write (`report::stream`'s tests hold them to it).
/// `width` and `color` apply to the terminal table only.
pub fn render(report: &Report, format: Format, lang: Lang, width: u16, color: bool) -> Vec<u8> {
    match format {
        Format::Json => json::render(report).into_bytes(),
        Format::Table => table::render(report, lang, width, color).into_bytes(),
        Format::Csv => csv::render(report, lang),
        Format::Markdown => markdown::render(report, lang),
        Format::Html => html::render(report, lang),
        Format::Xlsx => xlsx::render(report, lang),
        Format::Junit => junit::render(report, lang),
    }
}

impl Format {
    /// The format a report file's extension asks for (`-o report.html`).
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Format::Json),
            "txt" => Some(Format::Table),
            "csv" => Some(Format::Csv),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "xlsx" => Some(Format::Xlsx),
            "xml" => Some(Format::Junit),
            _ => None,
        }
    }
}

/// Writes output produced by `write`, buffered, to a file atomically (a temporary file
/// in the same folder, renamed over it when complete), to a device or pipe in place, or
/// to stdout. A reader that closes the pipe early (`| head`) ends the output quietly.
pub fn write_with(
    out: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match out {
        // A device or pipe (`-o /dev/stdout`, `-o /dev/null`) is written in place:
        // renaming a file over it would replace it.
        Some(path) if path.exists() && !path.is_file() && !path.is_dir() => {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| cannot_write(path))?;
            let mut buf = std::io::BufWriter::with_capacity(1 << 16, f);
            quiet_on_closed_pipe(write(&mut buf).and_then(|()| buf.flush()))
                .with_context(|| cannot_write(path))
        }
        Some(path) => write_file(path, write),
        None => {
            let stdout = std::io::stdout().lock();
            let mut buf = std::io::BufWriter::with_capacity(1 << 16, stdout);
            quiet_on_closed_pipe(write(&mut buf).and_then(|()| buf.flush())).with_context(|| {
                crate::i18n::say(
                    "无法写入标准输出".into(),
                    "cannot write to standard output".into(),
                )
            })
        }
    }
}

/// Writes output to a file atomically (as [`write_with`]), or to stdout.
pub fn write_output(out: Option<&Path>, bytes: &[u8]) -> Result<()> {
    write_with(out, |w| w.write_all(bytes))
}

/// SPEC §8: a closed pipe (the reader went away, as `| head` does) ends the output
/// without an error, whatever the format: the run ends with the status it would have
/// had. Writers may wrap the error (serde_json does): it is looked for inside them too.
fn quiet_on_closed_pipe(r: std::io::Result<()>) -> std::io::Result<()> {
    match r {
        Err(e) if closed_pipe(&e) => Ok(()),
        r => r,
    }
}

fn closed_pipe(e: &std::io::Error) -> bool {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return true;
    }
    let Some(inner) = e.get_ref() else {
        return false;
    };
    if let Some(io) = inner.downcast_ref::<std::io::Error>() {
        return closed_pipe(io);
    }
    inner
        .downcast_ref::<serde_json::Error>()
        .and_then(serde_json::Error::io_error_kind)
        == Some(std::io::ErrorKind::BrokenPipe)
}

/// xlsx: every worksheet keeps rows out of memory in an unnamed temporary file, which
/// the library opens without a way to fail; a check writing a workbook makes sure first
/// that it can.
pub fn xlsx_temporary_folder() -> Result<()> {
    let dir = std::env::temp_dir();
    tempfile::tempfile_in(&dir).with_context(|| {
        crate::i18n::say(
            format!(
                "写工作簿需要可写的临时目录 `{}`（由 TMPDIR 指定）",
                dir.display()
            ),
            format!(
                "writing a workbook needs a writable temporary folder, `{}` (set by TMPDIR)",
                dir.display()
            ),
        )
    })?;
    Ok(())
}

/// A file a run reads, for [`refuse_inputs`].
#[derive(Clone, Copy, Debug)]
pub enum Input<'a> {
    /// A table's file: CSV, or a workbook holding it.
    Table {
        kind: TableKind,
        path: &'a Path,
        workbook: bool,
    },
    Rules(&'a Path),
    /// A rule-test file (`rules test`).
    Tests(&'a Path),
    Columns(&'a Path),
    Waivers(&'a Path),
    Baseline(&'a Path),
}

/// SPEC §8 "Files are never harmed": refuses an `-o` that is any file the run reads,
/// by whatever path (relative, with `..`, a symbolic or hard link), before any work.
pub fn refuse_inputs(out: Option<&Path>, inputs: &[Input<'_>]) -> Result<()> {
    let Some(out) = out else {
        return Ok(());
    };
    let Some(target) = FileId::of(out) else {
        // Nothing there yet: no input can be it.
        return Ok(());
    };
    for input in inputs {
        let path = match *input {
            Input::Table { path, .. }
            | Input::Rules(path)
            | Input::Tests(path)
            | Input::Columns(path)
            | Input::Waivers(path)
            | Input::Baseline(path) => path,
        };
        if FileId::of(path).is_none_or(|id| id != target) {
            continue;
        }
        let o = out.display();
        // The input's own name, when -o names it by another path.
        let (p_zh, p_en) = if out == path {
            (String::new(), String::new())
        } else {
            let p = path.display();
            (format!("（`{p}`）"), format!(" (`{p}`)"))
        };
        let (zh, en) = match *input {
            Input::Baseline(_) => anyhow::bail!(crate::i18n::say(
                format!(
                    "-o `{o}` 就是本次比较的基线{p_zh}：请先用 -o 把新基线写到别的路径，再移过去"
                ),
                format!(
                    "-o `{o}` is the baseline this check compares with{p_en}: write a new baseline with -o to another path, then move it"
                )
            )),
            Input::Table { kind, workbook, .. } => (
                format!(
                    "{}{}",
                    kind.chinese(),
                    if workbook {
                        "表所在的工作簿"
                    } else {
                        "表"
                    }
                ),
                if workbook {
                    format!("the workbook holding the {} table", kind.name())
                } else {
                    format!("the {} table", kind.name())
                },
            ),
            Input::Rules(_) => ("规则文件".to_owned(), "the rule file".to_owned()),
            Input::Tests(_) => ("规则测试文件".to_owned(), "a rule test file".to_owned()),
            Input::Columns(_) => ("表头对应文件".to_owned(), "the columns file".to_owned()),
            Input::Waivers(_) => ("豁免文件".to_owned(), "the waivers file".to_owned()),
        };
        anyhow::bail!(crate::i18n::say(
            format!("-o `{o}` 就是本次读取的{zh}{p_zh}：报告会覆盖它；请把报告写到别的文件"),
            format!(
                "-o `{o}` is {en} this run reads{p_en}: the report would replace it; write the report to another file"
            )
        ));
    }
    Ok(())
}

/// What makes two paths one file: device and inode on unix (hard links included), the
/// canonical path elsewhere. Symbolic links are followed.
#[derive(PartialEq, Eq)]
struct FileId(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

impl FileId {
    #[cfg(unix)]
    fn of(path: &Path) -> Option<FileId> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some(FileId((m.dev(), m.ino())))
    }

    #[cfg(not(unix))]
    fn of(path: &Path) -> Option<FileId> {
        std::fs::canonicalize(path).ok().map(FileId)
    }
}

/// The temporary report file being written, if any, for [`remove_temporary_file_on_interrupt`].
/// The lock is held while the file is created and while it is renamed over the report,
/// so an interrupt finds either the temporary file or the report complete, never a
/// file half-way.
static PENDING: Mutex<Option<PathBuf>> = Mutex::new(None);

fn pending() -> MutexGuard<'static, Option<PathBuf>> {
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}

/// "cannot write PATH", in the language of messages.
fn cannot_write(path: &Path) -> String {
    crate::i18n::say(
        format!("无法写入 `{}`", path.display()),
        format!("cannot write `{}`", path.display()),
    )
}

/// Writes a report file: a temporary file in its folder, renamed over `path` once
/// complete; an error or an interrupt leaves `path` as it was and no temporary file.
fn write_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let tmp = {
        let mut pending = pending();
        let tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| {
            crate::i18n::say(
                format!("无法在 `{}` 中写报告", dir.display()),
                format!("cannot write a report in `{}`", dir.display()),
            )
        })?;
        *pending = Some(tmp.path().to_path_buf());
        tmp
    };
    let written = (|| {
        let mut buf = std::io::BufWriter::new(tmp);
        write(&mut buf).with_context(|| cannot_write(path))?;
        let tmp = buf
            .into_inner()
            .map_err(|e| anyhow::Error::new(e.into_error()).context(cannot_write(path)))?;
        persist(tmp, path)
    })();
    // On an error the temporary file is gone already (dropped).
    *pending() = None;
    written
}

/// SPEC §8: SIGINT, SIGTERM and SIGHUP end the run with 130, 143 and 129 (128 + the
/// signal, as a shell reports a process it ended), after removing the temporary report
/// file being written, if any: the `-o` folder keeps no temporary or partial file, and
/// a report already at the `-o` path stays as it was.
#[cfg(unix)]
pub fn remove_temporary_file_on_interrupt() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    // A signal ignored when the run started stays ignored: `nohup` ignores SIGHUP, and
    // a shell script's background job SIGINT.
    let caught: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
        .into_iter()
        .filter(|s| !ignored(*s))
        .collect();
    // Should the handler not install, a signal ends the run as it did before.
    let Ok(mut signals) = signal_hook::iterator::Signals::new(caught) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("signals".to_owned())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let mut pending = pending();
                if let Some(tmp) = pending.take() {
                    let _ = std::fs::remove_file(tmp);
                }
                // The lock stays held until the process ends: no report is renamed
                // into place after this.
                std::process::exit(128 + signal);
            }
        });
}

/// Whether `signal` is ignored (its action is `SIG_IGN`).
#[cfg(unix)]
fn ignored(signal: i32) -> bool {
    // SAFETY: with no new action, sigaction only reads the current one into `old`, a
    // plain struct for which all zeroes is a valid value.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    }
}

/// Elsewhere signals end the run as the system does by default.
#[cfg(not(unix))]
pub fn remove_temporary_file_on_interrupt() {}

/// Renames a finished temporary file over `path`. The temporary file is private
/// (0600); a report replaces a file with that file's permissions, or is readable like
/// any new file (0644).
fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> Result<()> {
    let perms = match std::fs::metadata(path) {
        Ok(m) => Some(m.permissions()),
        Err(_) => new_file_permissions(),
    };
    if let Some(perms) = perms {
        tmp.as_file()
            .set_permissions(perms)
            .with_context(|| cannot_write(path))?;
    }
    // Renamed with the lock held: an interrupt comes before (and removes the temporary
    // file) or after (and finds the report complete).
    let mut pending = pending();
    tmp.persist(path)
        .map_err(|e| anyhow::Error::new(e.error).context(cannot_write(path)))?;
    *pending = None;
    Ok(())
}

/// Permissions for a new report file: readable by others, as files usually are.
#[cfg(unix)]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(std::fs::Permissions::from_mode(0o644))
}

/// Elsewhere the temporary file's permissions are already the usual ones.
#[cfg(not(unix))]
fn new_file_permissions() -> Option<std::fs::Permissions> {
    None
}
