//! Rule-file diagnostics: a message at a span of the file, rendered as
//! `file:line:column` with the offending line and a caret under the text.

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

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let mut start = offset;
    while start > 0 && !source.is_char_boundary(start) {
        start -= 1;
    }
    let before = &source[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Renders diagnostics for a file, each as
/// `error: file:line:col: message` followed by the line and a caret.
pub fn render(file: &str, source: &str, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let (line, col) = line_col(source, d.span.start);
        out.push_str(&format!("error: {file}:{line}:{col}: {}\n", d.message));
        let text = source.lines().nth(line - 1).unwrap_or("");
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
        let lead: usize = text.chars().take(col - 1).map(char_width).sum();
        out.push_str(&format!(
            "{pad} |\n{gutter} | {text}\n{pad} | {}{}\n",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let src = "a = 1\n名称 = \"x\"\n";
        assert_eq!(line_col(src, 0), (1, 1));
        let off = src.find('=').unwrap();
        assert_eq!(line_col(src, off), (1, 3));
        let off2 = src.find("\"x").unwrap();
        assert_eq!(line_col(src, off2), (2, 6));
        let r = render("r.toml", src, &[Diagnostic::new(off2..off2 + 3, "bad")]);
        assert!(r.starts_with("error: r.toml:2:6: bad\n"), "{r}");
        assert!(r.contains("2 | 名称 = \"x\"\n  |        ^^^\n"), "{r}");
    }
}
