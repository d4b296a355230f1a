//! The default terminal report: for each rule a heading and a table of its findings,
//! then the data errors, then a summary line. Wraps to the terminal (80 columns when
//! output is not a terminal) and never truncates ids.

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

use std::borrow::Cow;
use std::io::Write;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering::Relaxed};

use super::grid::{self, Cell, Layout, Measure, Paint};
use super::notices::NoticeEntry;
use super::stream::{ByRule, Listed};
use super::words::{
    change_word, changes_text, examples_text, hidden, is_alert, notices_word, one_line,
    status_word, totals_text,
};
use super::{Change, FindingEntry};
use super::{DataErrorEntry, Report};
use crate::i18n::Lang;
use crate::view::Status;

/// Makes text safe for a terminal: control characters (NUL included) are escaped.
pub fn clean(s: &str) -> String {
    clean_cow(s).into_owned()
}

/// [`clean`], borrowing text that has nothing to escape.
fn clean_cow(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| hidden(c) && c != '\n') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if hidden(c) && c != '\n' {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Keeps a column at least as wide as its longest unbreakable value (ids, dates), up to
/// `cap`, so narrow terminals wrap the other columns instead of splitting an id.
fn keep_whole(t: &mut Table, col: usize, values: impl Iterator<Item = usize>, cap: usize) {
    let w = values.max().unwrap_or(0).min(cap) as u16 + 2; // + the padding
    if let Some(c) = t.column_mut(col) {
        c.set_constraint(comfy_table::ColumnConstraint::LowerBoundary(
            comfy_table::Width::Fixed(w),
        ));
    }
}

/// Display width: CJK characters take two columns.
fn width_of(s: &str) -> usize {
    s.chars().map(crate::diag::char_width).sum()
}

fn new_table(width: u16, header: Vec<&str>) -> Table {
    let mut t = Table::new();
    t.force_no_tty();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .set_header(header);
    t
}

/// Renders the whole report; `color` paints statuses (red violation, yellow pending,
/// blue waived).
pub fn render(report: &Report, lang: Lang, width: u16, color: bool) -> String {
    let mut by_rule = report.findings_by_rule();
    for findings in &mut by_rule {
        // Due soon first, then new and escalated ones (with a baseline), then the rest
        // in report order.
        findings.sort_by_key(|f| (!f.due_soon, !f.change.is_some_and(is_alert)));
    }
    let mut out = Vec::new();
    // The list is in memory already: going over it again costs little. Writing to
    // memory does not fail.
    let _ = write(report, &Listed(by_rule), 0, lang, width, color, &mut out);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes the report with `findings` (the report's own, or streamed), each rule's table
/// a share of rows at a time ([`super::grid`]: the same bytes as comfy-table's whole
/// table). Those due soon are written first, in the order they come, then the rest:
/// `findings` come in report order, or with those new or escalated since a baseline
/// first. `keep`: how many bytes of each rule's rows may be kept between its two passes
/// over `findings` ([`KEEP`] when each pass makes them again).
pub fn write(
    report: &Report,
    findings: &dyn ByRule,
    keep: usize,
    lang: Lang,
    width: u16,
    color: bool,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = String::new();
    if let Some(title) = &report.plan.title {
        out.push_str(&clean(title));
        if let Some(doc) = &report.plan.document {
            out.push_str(&match lang {
                Lang::Zh => format!("（{}）", clean(doc)),
                Lang::En => format!(" ({})", clean(doc)),
            });
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "{} {}  ·  {} {}\n\n",
        lang.pick("检查日", "as of"),
        report.as_of,
        lang.pick("规则集", "rule set"),
        clean(&report.rule_set)
    ));
    for (ri, (rule, (count, _))) in report.rules.iter().zip(findings.sizes()).enumerate() {
        let sev = match rule.severity {
            crate::rules::Severity::Error => "",
            crate::rules::Severity::Warning => lang.pick("〔提醒〕", "[warning] "),
        };
        let heading = match lang {
            Lang::Zh => format!(
                "■ {} {sev}{}（{}）",
                rule.id,
                clean(&rule.heading),
                clean(&rule.clause)
            ),
            Lang::En => format!(
                "■ {} {sev}{} ({})",
                rule.id,
                clean(&rule.heading),
                clean(&rule.clause)
            ),
        };
        out.push_str(&wrap(&heading, width as usize, "  "));
        if let Some(note) = &rule.note {
            let note = format!(
                "  {}{}",
                lang.pick("注：", "Note: "),
                clean(&one_line(note))
            );
            out.push_str(&wrap(&note, width as usize, "  "));
        }
        if let Some(why) = &rule.why {
            out.push_str(&wrap(&format!("  {why}"), width as usize, "  "));
        }
        for n in &rule.notices {
            let line = format!("  {}{}", lang.pick("提示：", "Notice: "), clean(&n.message));
            out.push_str(&wrap(&line, width as usize, "  "));
        }
        out.push_str(&match lang {
            Lang::Zh => format!(
                "  检查 {}，达标 {}，违规 {}，待办 {}，豁免 {}\n",
                rule.checked, rule.met, rule.violation, rule.pending, rule.waived
            ),
            Lang::En => format!(
                "  checked {}, met {}, violation {}, pending {}, waived {}\n",
                rule.checked, rule.met, rule.violation, rule.pending, rule.waived
            ),
        });
        if count == 0 {
            out.push('\n');
            continue;
        }
        w.write_all(out.as_bytes())?;
        out.clear();
        findings_table(findings, (ri, count), keep, lang, width, color, w)?;
        out.push('\n');
    }
    if !report.data_errors.is_empty() {
        out.push_str(&data_errors(&report.data_errors, lang, width));
        out.push('\n');
    }
    if let Some(resolved) = &report.resolved
        && !resolved.is_empty()
    {
        out.push_str(&format!(
            "■ {}{}\n",
            lang.pick("已消除：基线中有、本次没有", "gone since the baseline"),
            count(resolved.len(), lang)
        ));
        for r in resolved {
            out.push_str(&format!("  {}\n", clean(&r.id)));
        }
        out.push('\n');
    }
    if !report.warnings.is_empty() {
        out.push_str(&format!(
            "■ {}{}\n",
            lang.pick("豁免问题", "waiver problems"),
            count(report.warnings.len(), lang)
        ));
        for w in &report.warnings {
            let line = format!("  {} {}: {}", clean(&w.file), w.line, clean(&w.message));
            out.push_str(&wrap(&line, width as usize, "    "));
        }
        out.push('\n');
    }
    if !report.notices.is_empty() {
        out.push_str(&notices(&report.notices, lang, width));
    }
    out.push_str(&summary_line(report, lang));
    w.write_all(out.as_bytes())
}

/// The most bytes of cells a rule's table keeps between its two passes ([`Kept`]):
/// about 175 a finding of the many-findings benchmark, so some 750,000 findings; a rule
/// with more has its findings made again for the second pass.
pub const KEEP: usize = 128 << 20;

/// One rule's table of findings: its column widths decided from every row (a first pass
/// over the findings, [`Measure`]), then its rows drawn and written a share at a time.
/// The first pass keeps the rows' cells (up to `keep` bytes), so that the second draws
/// them without making the findings again; beyond that it makes them again.
fn findings_table(
    findings: &dyn ByRule,
    (rule, count): (usize, usize),
    keep: usize,
    lang: Lang,
    width: u16,
    color: bool,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let header = [
        lang.pick("对象", "subject"),
        lang.pick("期间", "period"),
        lang.pick("截止日", "due"),
        lang.pick("状态", "status"),
        lang.pick("说明", "why"),
    ];
    let measure = Measure::new(&header, width);
    let widest_subject = AtomicUsize::new(0);
    // The places in the order (see `place`) that some finding takes.
    let places = AtomicU8::new(0);
    let mut kept = Kept::new(keep);
    findings.write_rule(
        rule,
        &|_, f, out| {
            let cells = cells(f, lang, color);
            measure.row(&cells);
            if keep > 0 {
                Kept::put(place(f), &cells, out);
            }
            let subject = width_of(&f.subject);
            if widest_subject.load(Relaxed) < subject {
                widest_subject.fetch_max(subject, Relaxed);
            }
            let bit = 1 << place(f);
            if places.load(Relaxed) & bit == 0 {
                places.fetch_or(bit, Relaxed);
            }
        },
        &mut kept,
    )?;
    // Ids and dates are kept whole, as far as 24 columns: narrow terminals wrap the other
    // columns instead of splitting an id.
    let keep_whole = |widest: usize, cap: usize| Some(widest.min(cap) as u16 + 2);
    let lower = [
        keep_whole(widest_subject.load(Relaxed), 24),
        None,
        keep_whole(10, 10),
        None,
        None,
    ];
    let mut split_longest = |col: usize, avg: usize| {
        let longest = AtomicUsize::new(0);
        let _ = findings.write_rule(
            rule,
            &|_, f, _| {
                longest.fetch_max(
                    grid::split_longest(&cells(f, lang, color), col, avg),
                    Relaxed,
                );
            },
            &mut std::io::sink(),
        );
        longest.into_inner()
    };
    let layout = Layout::arrange(&measure, width, &lower, &mut split_longest);
    let mut head = Vec::new();
    layout.head(&header, &mut head);
    w.write_all(&head)?;
    // Due soon first, then new and escalated ones (with a baseline), then the rest, each
    // in report order: a pass per place some finding takes, or one for all.
    let places = places.into_inner();
    let order: Vec<Option<u8>> = if places.count_ones() <= 1 {
        vec![None]
    } else {
        (0..4).filter(|p| places & 1 << p != 0).map(Some).collect()
    };
    let shares = kept.shares(count);
    for only in order {
        if let Some(shares) = shares {
            Kept::draw(shares, &layout, only, w)?;
        } else {
            let print = |_: usize, f: &FindingEntry, out: &mut Vec<u8>| {
                if only.is_none_or(|p| p == place(f)) {
                    layout.row(&cells(f, lang, color), out);
                }
            };
            findings.write_rule(rule, &print, w)?;
        }
    }
    let mut foot = Vec::new();
    layout.foot(&mut foot);
    w.write_all(&foot)
}

/// A rule's rows kept between the two passes: the shares of the first pass as they are
/// written, each finding as a byte of flags (due soon, colour) and its five cells, each
/// a length (4 bytes) and its text. Once past its limit it keeps nothing.
struct Kept {
    shares: Vec<Vec<u8>>,
    bytes: usize,
    limit: usize,
    over: bool,
}

impl Write for Kept {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes += buf.len();
        if self.bytes > self.limit {
            self.over = true;
            self.shares = Vec::new();
        } else if !buf.is_empty() {
            self.shares.push(buf.to_vec());
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Kept {
    fn new(limit: usize) -> Kept {
        Kept {
            shares: Vec::new(),
            bytes: 0,
            limit,
            over: limit == 0,
        }
    }

    /// The shares, if all were kept: each a whole number of rows, `rows` in all. (Each
    /// is as the first pass wrote it; were it ever written in other pieces, the rows
    /// would be made again rather than misread.)
    fn shares(&self, rows: usize) -> Option<&[Vec<u8>]> {
        if self.over {
            return None;
        }
        let mut n = 0;
        for share in &self.shares {
            let mut at = 0;
            while at < share.len() {
                at += 1;
                for _ in 0..5 {
                    let len = share.get(at..at + 4)?;
                    at += 4 + u32::from_le_bytes(len.try_into().ok()?) as usize;
                }
                n += 1;
            }
            if at != share.len() {
                return None;
            }
        }
        (n == rows).then_some(&self.shares)
    }

    fn put(place: u8, cells: &[Cell<'_>; 5], out: &mut Vec<u8>) {
        let paint = match cells[3].paint {
            None => 0,
            Some(Paint::Red) => 1,
            Some(Paint::Yellow) => 2,
            Some(Paint::Blue) => 3,
        };
        out.push(place | paint << 2);
        for c in cells {
            out.extend_from_slice(&(c.text.len() as u32).to_le_bytes());
            out.extend_from_slice(c.text.as_bytes());
        }
    }

    /// Each kept row of a share: its place in the order (see `place`), and its cells.
    fn rows(share: &[u8]) -> impl Iterator<Item = (u8, [Cell<'_>; 5])> {
        let mut at = 0;
        std::iter::from_fn(move || {
            let flags = *share.get(at)?;
            at += 1;
            let mut text = || -> Option<&str> {
                let len = u32::from_le_bytes(share.get(at..at + 4)?.try_into().ok()?) as usize;
                let s = std::str::from_utf8(share.get(at + 4..at + 4 + len)?).ok()?;
                at += 4 + len;
                Some(s)
            };
            let mut cells = [(); 5].map(|_| Cell::new(""));
            for c in &mut cells {
                c.text = text()?.into();
            }
            cells[3].paint = match flags >> 2 {
                1 => Some(Paint::Red),
                2 => Some(Paint::Yellow),
                3 => Some(Paint::Blue),
                _ => None,
            };
            Some((flags & 3, cells))
        })
    }

    /// Draws the kept rows (`only` those of one place in the order) on every core while
    /// this thread writes the ones drawn, in order (`stream::in_order`).
    fn draw(
        shares: &[Vec<u8>],
        layout: &Layout,
        only: Option<u8>,
        w: &mut dyn Write,
    ) -> std::io::Result<()> {
        let draw = |k: usize| -> Vec<u8> {
            let share = &shares[k];
            let mut out = Vec::with_capacity(share.len() * 3);
            for (at, cells) in Kept::rows(share) {
                if only.is_none_or(|p| p == at) {
                    layout.row(&cells, &mut out);
                }
            }
            out
        };
        super::stream::in_order(shares.len(), &draw, &mut |text| w.write_all(&text))
    }
}

/// Where a finding's row goes within its rule's table, 0 first: due soon, then new and
/// escalated ones (with a baseline), then the rest; in report order within each.
fn place(f: &FindingEntry) -> u8 {
    u8::from(!f.due_soon) * 2 + u8::from(!f.change.is_some_and(is_alert))
}

/// A finding's row: subject (with the cadre's name, unit and county), period, due date,
/// status (with due soon, its change and its status in the baseline), why (with its
/// waiver).
fn cells(f: &FindingEntry, lang: Lang, color: bool) -> [Cell<'_>; 5] {
    let mut subject = clean_cow(&f.subject);
    if let Some((name, unit, county)) = &f.who {
        let extra: Vec<&str> = [name, unit, county]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect();
        if !extra.is_empty() {
            let subject = subject.to_mut();
            subject.push('\n');
            subject.push_str(&clean(&extra.join(" · ")));
        }
    }
    let mut status = Cow::Borrowed(status_word(f.status, lang));
    if f.due_soon {
        status
            .to_mut()
            .push_str(lang.pick("\n即将到期", "\ndue soon"));
    }
    if let Some(c) = f.change.filter(|&c| c != Change::Unchanged) {
        let status = status.to_mut();
        status.push('\n');
        status.push_str(change_word(c, lang));
    }
    if let Some(prev) = &f.previous_status {
        let prev = Status::parse(prev).map_or(prev.as_str(), |s| status_word(s, lang));
        status.to_mut().push_str(&match lang {
            Lang::Zh => format!("\n原为{prev}"),
            Lang::En => format!("\nwas {prev}"),
        });
    }
    let mut why = clean_cow(&f.message);
    if let Some(w) = &f.waiver {
        why.to_mut().push_str(&match lang {
            Lang::Zh => format!(
                "\n豁免：{}（{} 批准）",
                clean(&w.reason),
                clean(&w.approved_by)
            ),
            Lang::En => format!(
                "\nwaived: {} (approved by {})",
                clean(&w.reason),
                clean(&w.approved_by)
            ),
        });
    }
    let mut status = Cell::new(status);
    if color {
        status.paint = Some(match f.status {
            Status::Violation => Paint::Red,
            Status::Pending => Paint::Yellow,
            Status::Waived => Paint::Blue,
        });
    }
    [
        Cell::new(subject),
        Cell::new(
            f.period
                .map_or(Cow::Borrowed("—"), |p| p.to_string().into()),
        ),
        Cell::new(f.due.as_str()),
        status,
        Cell::new(why),
    ]
}

/// Wraps a line to `width` display columns (CJK characters are two wide), breaking
/// after a space where a Latin word would be split, anywhere in Chinese text; later
/// lines start with `indent`. Ends with a newline.
pub fn wrap(line: &str, width: usize, indent: &str) -> String {
    let width = width.max(20);
    // Units that stay together: a run of visible ASCII (a word, an id, a date), one space,
    // or one other character (Chinese text breaks between any two characters).
    let mut units: Vec<&str> = Vec::new();
    let mut start = 0;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_ascii_graphic() {
            while let Some(&(_, n)) = chars.peek() {
                if !n.is_ascii_graphic() {
                    break;
                }
                chars.next();
            }
        }
        let end = chars.peek().map_or(line.len(), |&(j, _)| j);
        let _ = i;
        units.push(&line[start..end]);
        start = end;
    }
    let width_of = |u: &str| u.chars().map(crate::diag::char_width).sum::<usize>();
    let mut out = String::new();
    let mut current = String::new();
    let mut used = 0;
    let new_line = |out: &mut String, current: &mut String, used: &mut usize| {
        out.push_str(current.trim_end());
        out.push('\n');
        *current = indent.to_owned();
        *used = indent.len();
    };
    for u in units {
        let w = width_of(u);
        // Chinese closing punctuation never starts a line: it may overflow by one.
        let closing = u.chars().all(|c| "。，、；：）」』！？”".contains(c));
        if used + w > width && used > indent.len() && !closing {
            if u == " " {
                continue;
            }
            new_line(&mut out, &mut current, &mut used);
        }
        if used + w > width && w > width - indent.len() {
            // Longer than a whole line: split it where it must.
            for c in u.chars() {
                let cw = crate::diag::char_width(c);
                if used + cw > width && used > indent.len() {
                    new_line(&mut out, &mut current, &mut used);
                }
                current.push(c);
                used += cw;
            }
            continue;
        }
        current.push_str(u);
        used += w;
    }
    out.push_str(current.trim_end());
    out.push('\n');
    out
}

/// A count after a heading: `（4）`, or ` (4)` in English.
fn count(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("（{n}）"),
        Lang::En => format!(" ({n})"),
    }
}

/// The notices section (also shown by `validate`).
pub fn notices(list: &[NoticeEntry], lang: Lang, width: u16) -> String {
    let mut out = format!("■ {}{}\n", notices_word(lang), count(list.len(), lang));
    for n in list {
        out.push_str(&wrap(
            &format!("  {}", clean(&n.message)),
            width as usize,
            "    ",
        ));
        if !n.examples.is_empty() {
            let ex = format!("    {}", clean(&examples_text(&n.examples, lang)));
            out.push_str(&wrap(&ex, width as usize, "      "));
        }
    }
    out.push('\n');
    out
}

/// The data-errors section (also the body of `validate`).
pub fn data_errors(errors: &[DataErrorEntry], lang: Lang, width: u16) -> String {
    let mut out = format!(
        "■ {}{}\n",
        lang.pick(
            "数据错误：这些行未参与检查",
            "data errors: these rows were left out of the check"
        ),
        count(errors.len(), lang)
    );
    let mut t = new_table(
        width,
        vec![
            lang.pick("文件", "file"),
            lang.pick("行", "line"),
            lang.pick("列", "column"),
            lang.pick("值", "value"),
            lang.pick("原因", "reason"),
        ],
    );
    for e in errors {
        let file = match &e.sheet {
            Some(s) => format!("{}[{}]", e.file, s),
            None => e.file.clone(),
        };
        t.add_row(vec![
            clean(&file),
            e.line.to_string(),
            clean(
                e.shown_column()
                    .unwrap_or_else(|| lang.pick("（整行）", "(row)")),
            ),
            clean(e.value.as_deref().unwrap_or("")),
            clean(&e.reason),
        ]);
    }
    keep_whole(
        &mut t,
        3,
        errors
            .iter()
            .map(|e| e.value.as_deref().map_or(0, width_of)),
        20,
    );
    out.push_str(&t.to_string());
    out.push('\n');
    out
}

fn summary_line(report: &Report, lang: Lang) -> String {
    let s = &report.summary;
    let verdict = match (report.exit_code(), lang) {
        (0, Lang::Zh) => "结论：未发现错误级违规",
        (_, Lang::Zh) => "结论：不合规",
        (0, Lang::En) => "result: no error-severity violations",
        (_, Lang::En) => "result: not compliant",
    };
    let changes = match (changes_text(s, lang), lang) {
        (Some(c), Lang::Zh) => format!("；与基线相比：{c}"),
        (Some(c), Lang::En) => format!("; against the baseline: {c}"),
        (None, _) => String::new(),
    };
    let notices = match (report.notices.len(), lang) {
        (0, _) => String::new(),
        (n, Lang::Zh) => format!("；提示 {n}"),
        (n, Lang::En) => format!(", {n} notice(s)"),
    };
    let totals = totals_text(s, lang);
    match lang {
        Lang::Zh => format!(
            "合计：{totals}；数据错误 {}{notices}{changes}。{verdict}\n",
            s.data_errors
        ),
        Lang::En => format!(
            "total: {totals}, {} data error(s){notices}{changes}. {verdict}\n",
            s.data_errors
        ),
    }
}

#[cfg(test)]
mod wrap_tests {
    use super::wrap;

    #[test]
    fn wraps_between_words_and_chinese_characters() {
        let text = "cadres.csv：59 行有效；id←身份证号, name←姓名, unit_level←单位层级, post←职务";
        let out = wrap(text, 30, "  ");
        for line in out.lines() {
            let w: usize = line.chars().map(crate::diag::char_width).sum();
            assert!(w <= 30, "{line:?} is {w} wide");
        }
        assert!(
            out.contains("unit_level←"),
            "an ASCII word is not split: {out}"
        );
        let squeeze = |t: &str| t.split_whitespace().collect::<String>();
        assert_eq!(squeeze(&out), squeeze(text), "nothing lost: {out}");
        assert_eq!(wrap("短句", 80, ""), "短句\n");
    }
}

#[cfg(test)]
mod kept_tests {
    use std::io::Write;

    use super::{Cell, Kept, Paint};

    fn row(i: usize) -> [Cell<'static>; 5] {
        let mut status = Cell::new("待办\n即将到期");
        status.paint = Some(Paint::Yellow);
        [
            Cell::new(format!("51070319900000{i:04}")),
            Cell::new("—"),
            Cell::new("2021-03-01"),
            status,
            Cell::new("期间没有已结业的符合条件培训"),
        ]
    }

    #[test]
    fn rows_come_back_as_kept_or_not_at_all() {
        let mut share = Vec::new();
        for i in 0..3 {
            Kept::put(i as u8, &row(i), &mut share);
        }
        let mut kept = Kept::new(1 << 20);
        kept.write_all(&share).unwrap();
        let shares = kept.shares(3).unwrap();
        let rows: Vec<(u8, String, Option<Paint>)> = Kept::rows(&shares[0])
            .map(|(place, cells)| (place, cells[0].text.to_string(), cells[3].paint))
            .collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[1],
            (1, "510703199000000001".to_owned(), Some(Paint::Yellow))
        );
        assert!(kept.shares(4).is_none(), "a row missing");
        // A share written in two pieces that split a row: not read.
        let mut split = Kept::new(1 << 20);
        split.write_all(&share[..share.len() / 2]).unwrap();
        split.write_all(&share[share.len() / 2..]).unwrap();
        assert!(split.shares(3).is_none());
        // Past its limit it keeps nothing.
        let mut small = Kept::new(10);
        small.write_all(&share).unwrap();
        assert!(small.shares(3).is_none());
    }
}
