//! The xlsx report's sheet names, and internal links to them. A rule's sheet is named
//! from its title in the report's language, shortened; every name is made valid for
//! Excel (at most 31 characters, none of `[]:*?/\`, no apostrophe first or last, not
//! `History`) and unique ignoring case, a numeric suffix ` (2)`, ` (3)` … telling
//! apart names that would clash.

use std::collections::{HashMap, HashSet};

/// Excel's limit on a sheet name, in UTF-16 units (what Excel counts).
const MAX_SHEET_NAME: usize = 31;
/// How wide a name from a title may be, in display columns (CJK characters take two):
/// about fifteen Chinese characters, so a few tabs fit side by side.
const TITLE_WIDTH: usize = 30;

/// Valid, unique sheet names.
pub struct SheetNames {
    /// Names given, lower-cased. Looked up, not searched: a rule set may have very many
    /// rules (SPEC §8).
    taken: HashSet<String>,
    /// Per name wanted, the suffix number to try next, so that many names cut the same
    /// are not tried from 2 up each time.
    next: HashMap<String, usize>,
}

impl Default for SheetNames {
    fn default() -> SheetNames {
        // Excel keeps `History` for itself (the change history of a shared workbook).
        SheetNames {
            taken: HashSet::from(["history".to_owned()]),
            next: HashMap::new(),
        }
    }
}

impl SheetNames {
    /// `wanted` made into a sheet name not given yet (compared ignoring case).
    pub fn claim(&mut self, wanted: &str) -> String {
        self.claim_first(&[wanted])
    }

    /// A rule's sheet: its title shortened; the rule's id when nothing is left of the
    /// title once cleaned; `fallback` (never empty) when nothing is left of either.
    pub fn claim_rule(&mut self, title: &str, id: &str, fallback: &str) -> String {
        let short = shorten(&clean(title));
        self.claim_first(&[&short, id, fallback])
    }

    /// The first of `wanted` that is not empty once cleaned, made unique.
    fn claim_first(&mut self, wanted: &[&str]) -> String {
        let base = wanted
            .iter()
            .map(|w| clean(w))
            .find(|w| !w.is_empty())
            .unwrap_or_else(|| "Sheet".to_owned());
        let mut n = self.next.get(&base).copied().unwrap_or(1);
        loop {
            let suffix = if n == 1 {
                String::new()
            } else {
                format!(" ({n})")
            };
            let mut name = cut_utf16(&base, MAX_SHEET_NAME - suffix.len());
            // Neither a cut nor the suffix may leave an apostrophe or a space at the end.
            while name.ends_with(['\'', ' ']) {
                name.pop();
            }
            name.push_str(&suffix);
            if !name.is_empty() && self.taken.insert(name.to_lowercase()) {
                self.next.insert(base, n + 1);
                return name;
            }
            n += 1;
        }
    }
}

/// `name` as Excel allows it: brackets as parentheses, `/ \ :` as `-`, no `*` or `?`,
/// control and direction characters and line breaks as spaces, runs of spaces as one,
/// no apostrophe or space first or last.
fn clean(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        let c = match c {
            '[' => '(',
            ']' => ')',
            '/' | '\\' | ':' => '-',
            '*' | '?' => continue,
            c if c.is_control()
                || c.is_whitespace()
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200B}'..='\u{200F}' | '\u{FEFF}') =>
            {
                ' '
            }
            c => c,
        };
        if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
            continue;
        }
        out.push(c);
    }
    out.trim_matches(['\'', ' ']).to_owned()
}

/// A title cut to [`TITLE_WIDTH`] display columns, with `…` where it was cut; Latin
/// text is cut at a space when one is near.
fn shorten(title: &str) -> String {
    let width = |s: &str| s.chars().map(crate::diag::char_width).sum::<usize>();
    if width(title) <= TITLE_WIDTH && title.encode_utf16().count() <= MAX_SHEET_NAME {
        return title.to_owned();
    }
    let mut cut = String::new();
    let (mut w, mut at_word_end) = (0, false);
    for c in title.chars() {
        w += crate::diag::char_width(c);
        if w > TITLE_WIDTH - 1 || cut.encode_utf16().count() + c.len_utf16() > MAX_SHEET_NAME - 1 {
            at_word_end = c == ' ' || !(c.is_ascii_alphanumeric() || matches!(c, '-' | '\''));
            break;
        }
        cut.push(c);
    }
    if !at_word_end
        && cut.ends_with(|c: char| c.is_ascii_alphanumeric())
        && let Some(space) = cut.rfind(' ').filter(|&i| i >= cut.len() / 2)
    {
        cut.truncate(space);
    }
    // No dangling comma or enumeration mark before the ellipsis.
    let kept = cut.trim_end_matches([' ', '，', '、', '；', '：', ',', ';', '-', '(', '（', '\'']);
    format!("{kept}…")
}

/// The longest start of `s` of at most `units` UTF-16 units.
fn cut_utf16(s: &str, units: usize) -> String {
    let mut n = 0;
    s.chars()
        .take_while(|c| {
            n += c.len_utf16();
            n <= units
        })
        .collect()
}

/// An internal hyperlink to the first cell of the sheet `name`.
pub fn link_to(name: &str) -> String {
    format!("internal:'{}'!A1", name.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_and_unique() {
        let mut n = SheetNames::default();
        assert_eq!(n.claim("汇总"), "汇总");
        assert_eq!(n.claim("new-chair-training"), "new-chair-training");
        assert_eq!(n.claim("NEW-chair-training"), "NEW-chair-training (2)");
        assert_eq!(n.claim("a/b[c]:d*e?f\\g"), "a-b(c)-def-g");
        assert_eq!(n.claim("'quoted'"), "quoted");
        assert_eq!(n.claim("History"), "History (2)");
        assert_eq!(n.claim("line\none\u{202E}x"), "line one x");
        let long = "x".repeat(40);
        let first = n.claim(&long);
        let second = n.claim(&long);
        assert_eq!(first.chars().count(), 31);
        assert_eq!(second.chars().count(), 31);
        assert!(second.ends_with("x (2)"), "{second}");
        // Emoji count two units each, as Excel counts them.
        let wide = n.claim(&"😀".repeat(20));
        assert_eq!(wide.encode_utf16().count(), 30);
    }

    #[test]
    fn rule_titles_are_shortened() {
        let mut n = SheetNames::default();
        assert_eq!(
            n.claim_rule(
                "确保新任工会主席在任职1年内参加上级工会组织的业务培训",
                "new-chair-training",
                "规则"
            ),
            "确保新任工会主席在任职1年内参…"
        );
        assert_eq!(
            n.claim_rule(
                "组织开展社会化工作者初任培训、轮训、工会社工资格证书培训",
                "x",
                "规则"
            ),
            "组织开展社会化工作者初任培训…"
        );
        assert_eq!(
            n.claim_rule(
                "Newly appointed union chairs attend professional training",
                "x",
                "Rule"
            ),
            "Newly appointed union chairs…"
        );
        assert_eq!(n.claim_rule("短标题", "a", "规则"), "短标题");
        assert_eq!(n.claim_rule("短标题", "b", "规则"), "短标题 (2)");
        assert_eq!(n.claim_rule("'''", "odd-rule", "规则"), "odd-rule");
        assert_eq!(n.claim_rule("*?*", "", "规则"), "规则");
        for name in n.taken.iter() {
            assert!(name.encode_utf16().count() <= 31, "{name}");
        }
    }

    #[test]
    fn links_quote_the_name() {
        assert_eq!(link_to("汇总"), "internal:'汇总'!A1");
        assert_eq!(link_to("it's"), "internal:'it''s'!A1");
    }
}
