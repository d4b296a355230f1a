//! What reading the tables noticed (SPEC §8): a table without data rows, and the cells
//! `[values]` mappings changed, per column, as notices and as counts for `validate`.

use super::builder::Mapped;
use crate::model::{Column, Source, TableKind, ValueChange, fields_of};
use crate::notice::{Detail, MAX_EXAMPLES, Notice, NoticeKind};

/// SPEC §8 `values_mapped`: per column, the cells `[values]` changed; and each
/// mapping's count for `validate`.
pub fn values_mapped(
    kind: TableKind,
    source: &Source,
    columns: &[Column],
    mut mapped: Vec<Mapped>,
    notices: &mut Vec<Notice>,
    changes: &mut Vec<ValueChange>,
) {
    mapped.sort_by(|a, b| (a.column, &a.spelling).cmp(&(b.column, &b.spelling)));
    for m in &mapped {
        let col = columns.get(m.column);
        let header = col.map_or("", |c| c.header.as_str());
        // The column as rules name it: a field's canonical name, or the header.
        let name = col
            .and_then(|c| c.field)
            .and_then(|f| fields_of(kind).iter().find(|s| s.field == f))
            .map_or(header, |s| s.name);
        changes.push(ValueChange {
            table: kind,
            column: header.to_owned(),
            spelling: m.spelling.clone(),
            word: m.word.clone(),
            count: m.count,
        });
        match notices.iter_mut().find(|n| {
            n.kind == NoticeKind::ValuesMapped
                && n.table == Some(kind)
                && n.header.as_deref() == Some(header)
        }) {
            Some(n) => n.count += m.count,
            None => {
                let mut n = Notice::new(NoticeKind::ValuesMapped, Some(kind), m.count);
                n.column = Some(name.to_owned());
                n.header = Some(header.to_owned());
                notices.push(n);
            }
        }
    }
    // Examples: the first lines changed in each column, in line order.
    for n in notices
        .iter_mut()
        .filter(|n| n.kind == NoticeKind::ValuesMapped && n.table == Some(kind))
    {
        let mut lines: Vec<(u32, &str)> = mapped
            .iter()
            .filter(|m| columns.get(m.column).map(|c| c.header.as_str()) == n.header.as_deref())
            .flat_map(|m| m.lines.iter().map(move |&l| (l, m.spelling.as_str())))
            .collect();
        lines.sort_unstable();
        for (line, spelling) in lines.into_iter().take(MAX_EXAMPLES) {
            n.example(source, line, Some(spelling));
        }
    }
}

/// The notice for a table without data rows.
pub fn empty_table(kind: TableKind, source: &Source) -> Notice {
    let mut n = Notice::new(NoticeKind::EmptyTable, Some(kind), 0);
    n.detail = Detail::From(source.clone());
    n
}

/// The notice for lines of title or notes above a table's header (SPEC §8
/// `title_lines`), if any were passed over.
pub fn title_lines(
    kind: TableKind,
    source: &Source,
    lines: u32,
    header_line: u32,
) -> Option<Notice> {
    if lines == 0 {
        return None;
    }
    let mut n = Notice::new(NoticeKind::TitleLines, Some(kind), u64::from(lines));
    n.detail = Detail::Header {
        from: source.clone(),
        line: header_line,
    };
    Some(n)
}
