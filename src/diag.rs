//! Rule-file diagnostics: a message at a span of the file, rendered as
//! `file:line:column` with the offending line and a caret under the text. Messages
//! follow `--lang` (SPEC §8 "Privacy and text"): Chinese by default.

use std::ops::Range;

/// One problem in a rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Range<usize>,
    pub message: String,
}

impl Diagnostic {
    pub fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            span,
            message: message.into(),
        }
    }
}

/// A line on stderr. A reader that has gone (`peixun … 2>&1 | head`) is no reason to
/// panic: the run ends with its own exit status, as with a closed stdout.
pub fn to_stderr(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// A diagnostic's message in the run's language: Chinese, or English with `--lang en`.
pub fn say(zh: impl Into<String>, en: impl Into<String>) -> String {
    crate::i18n::say(zh.into(), en.into())
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    Lines::new(source).line_col(source, offset)
}

/// Where each line of a source starts, so that many positions are found without
/// reading the source from the top for each (a rule file with 100,000 rules may have
/// as many diagnostics).
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(source: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1))
            .collect();
        Lines { starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, source: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(source.len());
        while offset > 0 && !source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, source[start..offset].chars().count() + 1)
    }

    /// A line's text (1-based), without its line break.
    pub fn text<'s>(&self, source: &'s str, line: usize) -> &'s str {
        let start = self.starts.get(line - 1).copied().unwrap_or(source.len());
        let end = self.starts.get(line).map_or(source.len(), |&e| e - 1);
        let text = source.get(start..end.max(start)).unwrap_or("");
        text.strip_suffix('\r').unwrap_or(text)
    }
}

/// Renders diagnostics for a file, each as
/// `error: file:line:col: message` (`错误：file:line:col: message` in Chinese) followed by
/// the line and a caret. A long line is
/// shown around the caret only (SPEC §8: a message quotes at most 200 characters).
pub fn render(file: &str, source: &str, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    let lines = Lines::new(source);
    let error = crate::i18n::message_lang().pick("错误：", "error: ");
    for d in diags {
        let (line, col) = lines.line_col(source, d.span.start);
        out.push_str(&format!("{error}{file}:{line}:{col}: {}\n", d.message));
        let text = lines.text(source, line);
        let gutter = line.to_string();
        let pad = " ".repeat(gutter.len());
        let width = {
            let end = d.span.end.min(source.len()).max(d.span.start);
            let line_end = source[d.span.start.min(source.len())..]
                .find('\n')
                .map_or(source.len(), |i| d.span.start + i);
            let s = d.span.start.min(source.len());
            source
                .get(s..end.min(line_end))
                .map_or(1, |t| t.chars().map(char_width).sum::<usize>().max(1))
        };
        // The part of the line shown: all of it, or a window of it around the caret.
        let max = crate::limits::MAX_QUOTED_CHARS;
        let skip = if text.chars().nth(max).is_some() {
            (col - 1).saturating_sub(max / 4)
        } else {
            0
        };
        let shown: String = text.chars().skip(skip).take(max).collect();
        let more = text.chars().nth(skip + max).is_some();
        let (before, after) = (if skip > 0 { "…" } else { "" }, if more { "…" } else { "" });
        let lead: usize = before.chars().map(char_width).sum::<usize>()
            + text
                .chars()
                .skip(skip)
                .take(col - 1 - skip)
                .map(char_width)
                .sum::<usize>();
        let room = shown.chars().map(char_width).sum::<usize>() + 1;
        let width = width.min(room.saturating_sub(lead).max(1));
        out.push_str(&format!(
            "{pad} |\n{gutter} | {before}{shown}{after}\n{pad} | {}{}\n",
            " ".repeat(lead),
            "^".repeat(width)
        ));
    }
    out
}

/// Display width: CJK characters take two columns.
pub fn char_width(c: char) -> usize {
    if ('\u{1100}'..='\u{115F}').contains(&c)
        || ('\u{2E80}'..='\u{A4CF}').contains(&c)
        || ('\u{AC00}'..='\u{D7A3}').contains(&c)
        || ('\u{F900}'..='\u{FAFF}').contains(&c)
        || ('\u{FE30}'..='\u{FE4F}').contains(&c)
        || ('\u{FF00}'..='\u{FF60}').contains(&c)
        || ('\u{FFE0}'..='\u{FFE6}').contains(&c)
        || ('\u{20000}'..='\u{3FFFD}').contains(&c)
    {
        2
    } else {
        1
    }
}

/// The TOML parser's message in the run's language (SPEC §8: Chinese throughout). The
/// parser speaks English: its messages are put into Chinese by a table of the ones it
/// gives (`{what}, expected {what}`); one not in the table is quoted as written.
pub fn toml_message(msg: &str) -> String {
    let msg = msg.trim().replace('\n', "; ");
    let (what, expected) = match msg.split_once(", expected ") {
        Some((w, e)) => (w, Some(e)),
        None => (msg.as_str(), None),
    };
    let zh = match TOML_WORDS.iter().find(|(en, _)| *en == what) {
        Some((_, zh)) => match expected {
            Some(e) => format!("{zh}，此处应为 {}", e.replace(" or ", " 或 ")),
            None => (*zh).to_owned(),
        },
        None => format!("语法有误（解析器原文：“{msg}”）"),
    };
    say(zh, msg)
}

/// The TOML parser's messages (toml_parser), in Chinese.
const TOML_WORDS: &[(&str, &str)] = &[
    ("`_` may only go between digits", "`_` 只能写在数字之间"),
    (
        "cannot recurse further; max recursion depth met",
        "嵌套过深",
    ),
    (
        "carriage return must be followed by newline",
        "回车符后必须是换行符",
    ),
    ("extra `=`", "多了一个 `=`"),
    (
        "extra assignment between key-value pairs",
        "键值对之间多了赋值",
    ),
    ("extra comma in array", "数组中多了逗号"),
    ("extra comma in inline table", "内联表中多了逗号"),
    (
        "integers with a radix cannot be signed",
        "带进制前缀的整数不能有正负号",
    ),
    ("invalid comment character", "注释中有无效字符"),
    ("invalid inline table element", "内联表元素无效"),
    ("invalid key-value pair", "键值对无效"),
    ("invalid unquoted key", "未加引号的键无效"),
    ("invalid value", "值无效"),
    ("key with no value", "键后没有值"),
    (
        "keys cannot be multi-line basic strings",
        "键不能是多行字符串",
    ),
    (
        "keys cannot be multi-line literal strings",
        "键不能是多行字符串",
    ),
    ("missing array opening", "缺少数组的开头 `[`"),
    (
        "missing assignment between key-value pairs",
        "键值对之间缺少赋值",
    ),
    (
        "missing comma between array elements",
        "数组元素之间缺少逗号",
    ),
    (
        "missing comma between key-value pairs",
        "键值对之间缺少逗号",
    ),
    ("missing comment start", "缺少注释开头 `#`"),
    ("missing escaped value", "转义符后缺少字符"),
    ("missing inline table opening", "缺少内联表的开头 `{`"),
    ("missing key for inline table element", "内联表元素缺少键"),
    ("missing opening quote", "缺少开头的引号"),
    ("missing table open", "缺少表头的开头 `[`"),
    ("missing value for key", "键缺少值"),
    ("missing value", "缺少值"),
    ("radix must be lowercase", "进制前缀必须小写"),
    ("redundant integer number prefix", "整数前缀多余"),
    ("redundant numeric sign", "正负号多余"),
    ("string values must be quoted", "文本值必须加引号"),
    ("too few unicode value digits", "Unicode 转义的位数不足"),
    ("unclosed array table", "数组表未闭合"),
    ("unclosed array", "数组未闭合"),
    ("unclosed inline table", "内联表未闭合"),
    ("unclosed table", "表头未闭合"),
    ("unexpected `=` in array", "数组中不应有 `=`"),
    (
        "unexpected content between comment and newline",
        "注释与换行之间有多余内容",
    ),
    ("unexpected content", "有多余内容"),
    ("unexpected key or value", "此处不应有键或值"),
    ("unexpected leading zero", "数字不能以 0 开头"),
    ("unexpected sign", "此处不应有正负号"),
    ("unquoted keys cannot be empty", "未加引号的键不能为空"),
    ("invalid multi-line basic string", "多行字符串无效"),
    ("invalid basic string", "字符串无效"),
    ("invalid literal string", "字符串无效"),
    ("duplicate key", "键重复"),
    ("invalid table header", "表头无效"),
    ("invalid string", "字符串无效"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_messages_in_chinese() {
        // Messages follow the run's language; the tests run in the default, Chinese.
        assert_eq!(
            toml_message("key with no value, expected `=`"),
            "键后没有值，此处应为 `=`"
        );
        assert_eq!(toml_message("unclosed array"), "数组未闭合");
        assert_eq!(
            toml_message("something new"),
            "语法有误（解析器原文：“something new”）"
        );
    }

    #[test]
    fn positions() {
        let src = "a = 1\n名称 = \"x\"\n";
        assert_eq!(line_col(src, 0), (1, 1));
        let off = src.find('=').unwrap();
        assert_eq!(line_col(src, off), (1, 3));
        let off2 = src.find("\"x").unwrap();
        assert_eq!(line_col(src, off2), (2, 6));
        let r = render("r.toml", src, &[Diagnostic::new(off2..off2 + 3, "bad")]);
        assert!(r.starts_with("错误：r.toml:2:6: bad\n"), "{r}");
        assert!(r.contains("2 | 名称 = \"x\"\n  |        ^^^\n"), "{r}");
    }

    /// A long line is shown around the caret, cut with "…".
    #[test]
    fn long_lines_are_cut() {
        let src = format!(
            "a = \"{}\"\nkey = 1 # {}\n",
            "x".repeat(1000),
            "y".repeat(1000)
        );
        let off = src.find("key").unwrap();
        let r = render("r.toml", &src, &[Diagnostic::new(off..off + 3, "bad")]);
        assert!(r.contains("2 | key = 1 # yyy"), "{r}");
        assert!(r.contains("y…\n  | ^^^\n"), "{r}");
        let off = src.find("\"\n").unwrap();
        let r = render("r.toml", &src, &[Diagnostic::new(off..off + 1, "bad")]);
        let shown = r.lines().nth(2).unwrap();
        assert!(
            shown.starts_with("1 | …xxx") && shown.ends_with("x\""),
            "{r}"
        );
        assert!(r.lines().nth(3).unwrap().ends_with(" ^"), "{r}");
        assert!(r.len() < 1000, "{r}");
    }
}
