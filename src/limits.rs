//! The limits that stand in for exhaustion (SPEC §8 "Reading, tightened"): how long a CSV
//! record or header line may be, how large a CSV file, how far down a header is looked
//! for, and how much of an input value a message quotes. Every such limit is here, so
//! the README and the code cannot drift.

use std::borrow::Cow;

/// A CSV record (one spreadsheet line, quoted line breaks included) longer than this,
/// in bytes of text, is refused (exit 2): no table row is that long, and reading on
/// would hold it whole.
pub const MAX_RECORD_BYTES: usize = 64 << 20;

/// A CSV header line longer than this, in bytes of text, is refused (exit 2).
pub const MAX_HEADER_BYTES: usize = 1 << 20;

/// A CSV file this large or larger is refused (exit 2): line numbers and cell offsets
/// are 32-bit.
pub const MAX_CSV_FILE_BYTES: u64 = 1 << 31;

/// The header of a table is looked for among this many lines from the top, so title
/// lines above it are passed over (SPEC §8 "Title lines").
pub const HEADER_SEARCH_LINES: u32 = 10;

/// The most characters of one input value a message quotes.
pub const MAX_QUOTED_CHARS: usize = 200;

/// The most items of a list (headers found, rule ids, levels) a message names.
pub const MAX_LISTED: usize = 30;

/// A limit in bytes in words: `64 MiB`, `1 MiB`.
pub fn bytes_in_words(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// An input value as a message quotes it: at most [`MAX_QUOTED_CHARS`] characters, cut
/// with "…" when longer.
pub fn cut(value: &str) -> Cow<'_, str> {
    // A value this short in bytes cannot hold too many characters: the common case.
    if value.len() <= MAX_QUOTED_CHARS {
        return Cow::Borrowed(value);
    }
    match value.char_indices().nth(MAX_QUOTED_CHARS) {
        Some((at, _)) => Cow::Owned(format!("{}…", &value[..at])),
        None => Cow::Borrowed(value),
    }
}

/// A list as a message names it: each item cut, at most [`MAX_LISTED`] items, then how
/// many more there are (`…（另有 12 个）` / `… (12 more)`), joined by `sep`.
pub fn list<S: AsRef<str>>(items: &[S], sep: &str, zh: bool) -> String {
    let mut out: Vec<Cow<'_, str>> = items
        .iter()
        .take(MAX_LISTED)
        .map(|s| cut(s.as_ref()))
        .collect();
    if items.len() > MAX_LISTED {
        let more = items.len() - MAX_LISTED;
        out.push(Cow::Owned(if zh {
            format!("…（另有 {more} 个）")
        } else {
            format!("… ({more} more)")
        }));
    }
    out.join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_cut_by_characters() {
        assert_eq!(cut("身份证号"), "身份证号");
        let long = "号".repeat(MAX_QUOTED_CHARS);
        assert_eq!(cut(&long), long, "exactly the limit is kept");
        let longer = "号".repeat(MAX_QUOTED_CHARS + 1);
        let shown = cut(&longer);
        assert_eq!(shown.chars().count(), MAX_QUOTED_CHARS + 1);
        assert!(shown.ends_with("号…"));
    }

    #[test]
    fn lists_are_cut() {
        let items: Vec<String> = (0..MAX_LISTED + 3).map(|i| i.to_string()).collect();
        let en = list(&items, ", ", false);
        assert!(en.starts_with("0, 1, 2"), "{en}");
        assert!(en.ends_with(", … (3 more)"), "{en}");
        assert_eq!(list(&["a", "b"], "、", true), "a、b");
        assert!(list(&items, "、", true).ends_with("…（另有 3 个）"));
    }

    #[test]
    fn limits_in_words() {
        assert_eq!(bytes_in_words(MAX_RECORD_BYTES), "64 MiB");
        assert_eq!(bytes_in_words(MAX_HEADER_BYTES), "1 MiB");
        assert_eq!(bytes_in_words(100), "100 bytes");
    }
}
