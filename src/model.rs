//! The loaded data (SPEC §1): the field table (canonical names, aliases, value types,
//! how headers are normalised), tables of cells, typed cadres and classes, data errors,
//! and the `within` span of SPEC §5.
//!
//! A [`Table`] keeps every accepted row's cells as text, so rules can name any column,
//! extra columns included; the typed values the rules compare by ([`Cadre`], [`Class`])
//! sit beside it. Rows with data errors are not in the typed lists.

use crate::cells::Cells;

use chrono::NaiveDate;

use crate::i18n::{Lang, Problem};
use crate::notice::Notice;
pub use crate::tables::{Source, TableKind, display_name};

/// How a column's values are compared by rule conditions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    Text,
    Id,
    Date,
    Number,
    Level,
}

/// A canonical column of SPEC §1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Field {
    CadreId,
    Name,
    Unit,
    County,
    UnitLevel,
    Post,
    Kind,
    AppointedOn,
    LeftOn,
    ClassId,
    ClassName,
    Organizer,
    OrganizerLevel,
    ClassCounty,
    Category,
    StartOn,
    EndOn,
    Days,
    Fee,
    Hours,
    AttCadreId,
    AttClassId,
    Completed,
    AttHours,
    WaiverRule,
    WaiverSubject,
    WaiverPeriod,
    WaiverReason,
    WaiverApprovedBy,
    WaiverExpiresOn,
    UnitName,
    Parent,
    Level,
    UnitCounty,
    UnitType,
}

impl Field {
    /// How many fields there are, for arrays indexed by field.
    pub const COUNT: usize = 35;

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A canonical column with the headers accepted for it, in SPEC §1 order.
#[derive(Debug)]
pub struct FieldSpec {
    pub field: Field,
    pub name: &'static str,
    pub required: bool,
    pub aliases: &'static [&'static str],
    pub value_type: ValueType,
}

const fn spec(
    field: Field,
    name: &'static str,
    required: bool,
    aliases: &'static [&'static str],
    value_type: ValueType,
) -> FieldSpec {
    FieldSpec {
        field,
        name,
        required,
        aliases,
        value_type,
    }
}

use ValueType as V;

/// SPEC §1, cadres.
pub const CADRE_FIELDS: &[FieldSpec] = &[
    spec(
        Field::CadreId,
        "id",
        true,
        &[
            "身份证号",
            "身份证号码",
            "公民身份号码",
            "证件号码",
            "人员编号",
            "工号",
            "编号",
        ],
        V::Id,
    ),
    spec(Field::Name, "name", true, &["姓名"], V::Text),
    spec(
        Field::Unit,
        "unit",
        false,
        &["所在单位", "工会名称", "单位"],
        V::Text,
    ),
    spec(
        Field::County,
        "county",
        false,
        &["县区", "县市区", "所属县区"],
        V::Text,
    ),
    spec(
        Field::UnitLevel,
        "unit_level",
        false,
        &["单位层级", "层级"],
        V::Level,
    ),
    spec(Field::Post, "post", true, &["职务"], V::Text),
    spec(Field::Kind, "kind", false, &["专兼职", "人员类别"], V::Text),
    spec(
        Field::AppointedOn,
        "appointed_on",
        true,
        &["任职日期", "任职时间"],
        V::Date,
    ),
    spec(
        Field::LeftOn,
        "left_on",
        false,
        &["离任日期", "离任时间"],
        V::Date,
    ),
];

/// SPEC §1, classes.
pub const CLASS_FIELDS: &[FieldSpec] = &[
    spec(Field::ClassId, "id", true, &["班次编号", "编号"], V::Id),
    spec(
        Field::ClassName,
        "name",
        false,
        &["班次名称", "培训班名称"],
        V::Text,
    ),
    spec(
        Field::Organizer,
        "organizer",
        false,
        &["举办单位", "主办单位"],
        V::Text,
    ),
    spec(
        Field::OrganizerLevel,
        "organizer_level",
        true,
        &["举办层级", "主办层级"],
        V::Level,
    ),
    spec(
        Field::ClassCounty,
        "county",
        false,
        &["县区", "所属县区"],
        V::Text,
    ),
    spec(
        Field::Category,
        "category",
        true,
        &["培训类别", "类别"],
        V::Text,
    ),
    spec(
        Field::StartOn,
        "start_on",
        true,
        &["开班日期", "开始日期", "开始时间"],
        V::Date,
    ),
    spec(
        Field::EndOn,
        "end_on",
        false,
        &["结业日期", "结束日期", "结束时间"],
        V::Date,
    ),
    spec(Field::Days, "days", false, &["培训天数", "天数"], V::Number),
    spec(
        Field::Fee,
        "fee",
        false,
        &["收费", "收费标准", "费用"],
        V::Number,
    ),
    spec(
        Field::Hours,
        "hours",
        false,
        &["学时", "课时", "培训学时"],
        V::Number,
    ),
];

/// SPEC §1, attendance.
pub const ATTENDANCE_FIELDS: &[FieldSpec] = &[
    spec(
        Field::AttCadreId,
        "cadre_id",
        true,
        &[
            "身份证号",
            "身份证号码",
            "公民身份号码",
            "证件号码",
            "学员编号",
            "人员编号",
        ],
        V::Id,
    ),
    spec(Field::AttClassId, "class_id", true, &["班次编号"], V::Id),
    spec(
        Field::Completed,
        "completed",
        false,
        &["是否结业", "结业"],
        V::Text,
    ),
    spec(
        Field::AttHours,
        "hours",
        false,
        &["学时", "课时", "培训学时", "参训学时", "完成学时"],
        V::Number,
    ),
];

/// A waivers file (`--waivers`): which finding is exempt, why, by whom, until when.
pub const WAIVER_FIELDS: &[FieldSpec] = &[
    spec(
        Field::WaiverRule,
        "rule",
        true,
        &["规则", "规则编号"],
        V::Text,
    ),
    spec(
        Field::WaiverSubject,
        "subject",
        true,
        &["对象", "检查对象"],
        V::Id,
    ),
    spec(
        Field::WaiverPeriod,
        "period",
        false,
        &["期间", "年度"],
        V::Text,
    ),
    spec(
        Field::WaiverReason,
        "reason",
        true,
        &["理由", "原因", "豁免理由"],
        V::Text,
    ),
    spec(
        Field::WaiverApprovedBy,
        "approved_by",
        true,
        &["批准人", "审批人"],
        V::Text,
    ),
    spec(
        Field::WaiverExpiresOn,
        "expires_on",
        false,
        &["有效期至", "到期日期"],
        V::Date,
    ),
];

/// SPEC §6, units (the fourth table, optional).
#[rustfmt::skip]
pub const UNIT_FIELDS: &[FieldSpec] = &[
    spec(Field::UnitName, "name", true, &["工会名称", "组织名称", "单位名称"], V::Text),
    spec(Field::Parent, "parent", false, &["上级工会", "上级组织"], V::Text),
    spec(Field::Level, "level", false, &["层级", "级别"], V::Level),
    spec(Field::UnitCounty, "county", false, &["县区", "所属县区"], V::Text),
    spec(Field::UnitType, "type", false, &["类型", "组织类型"], V::Text),
];

/// The canonical columns of a table.
pub fn fields_of(kind: TableKind) -> &'static [FieldSpec] {
    match kind {
        TableKind::Cadres => CADRE_FIELDS,
        TableKind::Classes => CLASS_FIELDS,
        TableKind::Attendance => ATTENDANCE_FIELDS,
        TableKind::Units => UNIT_FIELDS,
        TableKind::Waivers => WAIVER_FIELDS,
    }
}

/// Trims all Unicode white space (U+3000 and NBSP included), as SPEC §1 asks.
pub fn trim(s: &str) -> &str {
    // Fast path: most cells start and end with a visible ASCII character.
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (None, _) => return s,
        (Some(&f), Some(&l)) if f.is_ascii_graphic() && l.is_ascii_graphic() => return s,
        _ => {}
    }
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// The form headers are compared in.
pub fn normalize(h: &str) -> String {
    trim(h).to_lowercase()
}

/// The value type of a column a rule names: canonical fields (or their aliases) by
/// SPEC §1, any other column text.
pub fn column_type(table: TableKind, name: &str) -> ValueType {
    let key = normalize(name);
    fields_of(table)
        .iter()
        .find(|f| normalize(f.name) == key || f.aliases.iter().any(|a| normalize(a) == key))
        .map_or(ValueType::Text, |f| f.value_type)
}

/// A typed extra column declared in a rule file's `[columns]` (SPEC §6 "Typed extra
/// columns"): read with SPEC §1's rules for a date or a number. The name is the header
/// as the rule file writes it, kept for the life of the run (a data error names it).
#[derive(Clone, Debug, PartialEq)]
pub struct Declared {
    pub table: TableKind,
    pub name: &'static str,
    pub value_type: ValueType,
}

/// The declared type of an extra column, if `[columns]` declares it.
pub fn declared_type(declared: &[Declared], table: TableKind, name: &str) -> Option<ValueType> {
    let key = normalize(name);
    declared
        .iter()
        .find(|d| d.table == table && normalize(d.name) == key)
        .map(|d| d.value_type)
}

/// One column of a loaded table.
#[derive(Clone, Debug)]
pub struct Column {
    /// The header as written (trimmed).
    pub header: String,
    /// The canonical field it maps to, if it was the winning header for one.
    pub field: Option<Field>,
}

/// A loaded table: its columns and every accepted row's trimmed cells.
///
/// Cells are kept per column ([`Cells`]): a column whose values repeat (unit, county,
/// post, level) keeps each value once, so a million cadres take tens of megabytes, not
/// the size of the file.
#[derive(Debug)]
pub struct Table {
    pub kind: TableKind,
    pub source: Source,
    pub columns: Vec<Column>,
    cells: Vec<Cells>,
    lines: Vec<u32>,
}

impl Table {
    pub fn new(kind: TableKind, source: Source, columns: Vec<Column>) -> Self {
        // Attendance rows are resolved as they are read, never stored.
        let cells = match kind {
            TableKind::Attendance => Vec::new(),
            _ => columns.iter().map(|_| Cells::default()).collect(),
        };
        Table {
            kind,
            source,
            columns,
            cells,
            lines: Vec::new(),
        }
    }

    /// Appends a row of `n` cells, `cell(i)` being cell i's trimmed text; returns its row.
    pub fn push_row_with<'c>(
        &mut self,
        line: u32,
        n: usize,
        mut cell: impl FnMut(usize) -> std::borrow::Cow<'c, str>,
    ) -> u32 {
        let row = self.lines.len();
        // The cells past a short row's end are stored only once a later row reaches
        // their column, so a wide header over short rows costs nothing per row (SPEC §8:
        // memory grows with the cells and the bytes of the file, not the header's width).
        for (i, c) in self.cells.iter_mut().enumerate().take(n) {
            if c.rows() < row {
                c.fill_to(row);
            }
            c.push(&cell(i));
        }
        self.lines.push(line);
        row as u32
    }

    /// Appends another table's rows (a later part of the same file); returns the row
    /// index the first of them now has.
    pub fn append(&mut self, other: Table) -> u32 {
        let row_offset = self.lines.len() as u32;
        for (c, o) in self.cells.iter_mut().zip(other.cells) {
            if o.rows() > 0 {
                c.fill_to(row_offset as usize);
                c.append(o);
            }
        }
        self.lines.extend(other.lines);
        row_offset
    }

    /// Makes room for `rows` more rows in the columns read as fields (extra columns
    /// grow as they fill: a header may have very many).
    pub fn reserve(&mut self, rows: usize) {
        for (c, col) in self.cells.iter_mut().zip(&self.columns) {
            if col.field.is_some() {
                c.reserve(rows);
            }
        }
        self.lines.reserve(rows);
    }

    /// Fills the empty cells of column `col` (a new last column named by `column` when
    /// None) with `fill(row)` where it gives a value; the other cells and columns stay
    /// as they are.
    pub fn fill_empty<'c>(
        &mut self,
        col: Option<usize>,
        column: Column,
        mut fill: impl FnMut(u32) -> Option<&'c str>,
    ) {
        let at = match col {
            Some(i) if i < self.cells.len() => i,
            _ => {
                self.columns.push(column);
                self.cells.push(Cells::default());
                self.cells.len() - 1
            }
        };
        let own = std::mem::take(&mut self.cells[at]);
        let mut cells = Cells::default();
        cells.reserve(self.rows());
        for row in 0..self.rows() {
            let mine = own.get(row);
            match fill(row as u32) {
                Some(v) if mine.is_empty() => cells.push(v),
                _ => cells.push(mine),
            }
        }
        cells.seal();
        self.cells[at] = cells;
    }

    /// Takes the columns' cells out (the table keeps its columns and lines, no cells).
    pub fn take_cells(&mut self) -> Vec<Cells> {
        std::mem::take(&mut self.cells)
    }

    /// Done adding rows: frees what only adding needed.
    pub fn seal(&mut self) {
        for c in &mut self.cells {
            c.seal();
        }
        self.lines.shrink_to_fit();
    }

    pub fn rows(&self) -> usize {
        self.lines.len()
    }

    /// The distinct values of column `col` among `rows`, each with how many of the rows
    /// hold it, in order of first appearance.
    pub fn tally(&self, col: usize, rows: impl Iterator<Item = u32>) -> Vec<(&str, u64)> {
        self.cells.get(col).map_or_else(Vec::new, |c| c.tally(rows))
    }

    /// The spreadsheet line of a row.
    pub fn line(&self, row: u32) -> u32 {
        self.lines[row as usize]
    }

    /// A cell's trimmed text; "" when empty.
    pub fn cell(&self, row: u32, col: usize) -> &str {
        self.cells.get(col).map_or("", |c| c.get(row as usize))
    }

    /// The column a canonical field was read from.
    pub fn col_of(&self, field: Field) -> Option<usize> {
        self.columns.iter().position(|c| c.field == Some(field))
    }

    /// A column a rule names, as people read it: the header it was read from (任职日期,
    /// not appointed_on; SPEC §8), else the name as the rule wrote it.
    pub fn shown_header<'a>(&'a self, name: &'a str) -> &'a str {
        match self.resolve_column(name) {
            Some(ColumnRef::Field(_, Some(i)) | ColumnRef::Extra(i)) => {
                self.columns.get(i).map_or(name, |c| c.header.as_str())
            }
            _ => name,
        }
    }

    /// The column named by a rule: a canonical name or alias, else an extra header.
    pub fn resolve_column(&self, name: &str) -> Option<ColumnRef> {
        let key = normalize(name);
        // SPEC §1: extra columns are named by their header as written, even when that
        // header is an alias another column won (身份证号 and 人员编号 both present).
        let extra = self
            .columns
            .iter()
            .position(|c| c.field.is_none() && normalize(&c.header) == key);
        if let Some(i) = extra {
            return Some(ColumnRef::Extra(i));
        }
        fields_of(self.kind)
            .iter()
            .find(|f| normalize(f.name) == key || f.aliases.iter().any(|a| normalize(a) == key))
            .map(|f| ColumnRef::Field(f.field, self.col_of(f.field)))
    }
}

/// A column as a rule names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnRef {
    /// A canonical field, and the column it was read from (None: absent from the file).
    Field(Field, Option<usize>),
    /// A column that maps to no field, by position.
    Extra(usize),
}

/// A cadre read without error.
#[derive(Clone, Debug)]
pub struct Cadre {
    pub row: u32,
    pub appointed_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
    /// Index into the rule set's levels; a missing level is the lowest (0).
    pub unit_level: u8,
}

/// A class read without error.
#[derive(Clone, Debug)]
pub struct Class {
    pub row: u32,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub days: f64,
    pub fee: f64,
    pub organizer_level: u8,
    /// `hours` (SPEC §6), when given.
    pub hours: Option<f64>,
}

/// A bad row, reported and left out of evaluation (SPEC §1 "Bad input").
#[derive(Clone, Debug)]
pub struct DataError {
    pub table: TableKind,
    pub source: Source,
    pub line: u32,
    /// Canonical field name; None for a problem with the whole row.
    pub column: Option<&'static str>,
    /// The header as written, for the reason.
    pub header: Option<String>,
    pub value: Option<String>,
    pub problem: Problem,
}

impl DataError {
    /// The reason in words, naming the header as written.
    pub fn reason(&self, lang: Lang) -> String {
        let text = self.problem.render(lang);
        match self.header.as_deref().map(crate::limits::cut) {
            Some(h) => match lang {
                Lang::Zh => format!("列“{h}”：{text}"),
                Lang::En => format!("column `{h}`: {text}"),
            },
            None => text,
        }
    }
}

/// Everything loaded: the tables, the typed rows, the completed attendance.
#[derive(Debug)]
pub struct Dataset {
    pub cadres_table: Table,
    pub classes_table: Table,
    pub cadres: Vec<Cadre>,
    pub classes: Vec<Class>,
    /// (cadre index, class index) of completed attendance, in file order; a pair
    /// attended in two rows is here twice (evaluation keeps it once).
    pub attended: Vec<(u32, u32)>,
    /// (cadre index, class index) of attendance marked not completed, in file order:
    /// never counted, only shown as near misses (SPEC §8 `near`).
    pub not_completed: Vec<(u32, u32)>,
    /// With an attendance `hours` column (SPEC §6): per completed (cadre, class) pair
    /// whose first completed row gives hours, those hours, sorted by pair (a pair not
    /// here takes its class's). Empty without the column, so files without it cost
    /// nothing; most rows give none, so this stays small.
    pub attended_hours: Vec<(u32, u32, f64)>,
    pub data_errors: Vec<DataError>,
    pub id_cols: (usize, usize),
    /// The attendance table's source and columns (its rows are not kept), and how many
    /// rows were read without error.
    pub attendance: (Source, Vec<Column>, usize),
    /// What reading the tables noticed (SPEC §8): empty tables, title lines, tables
    /// found by name or sheet position, mapped values.
    pub notices: Vec<Notice>,
    /// The cells each `[values]` mapping changed (SPEC §8 "Value spellings").
    pub value_changes: Vec<ValueChange>,
    /// Per table (cadres, classes, attendance): non-blank lines passed over above the
    /// header (SPEC §8 "Title lines").
    pub title_lines: [u32; 3],
    /// The units table (SPEC §6), when one was given with data rows.
    pub units: Option<crate::units::Units>,
}

/// The cells one `[values]` mapping changed in one column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueChange {
    pub table: TableKind,
    /// The column's header as written.
    pub column: String,
    pub spelling: String,
    pub word: String,
    pub count: u64,
}

impl Dataset {
    /// Frees the resolved attendance once the rules have counted it: a report needs
    /// none of it (findings carry their evidence), so it is not held while the report
    /// is built.
    pub fn free_attendance(&mut self) {
        self.attended = Vec::new();
        self.not_completed = Vec::new();
        self.attended_hours = Vec::new();
    }

    pub fn cadre_id(&self, c: &Cadre) -> &str {
        self.cadres_table.cell(c.row, self.id_cols.0)
    }
    pub fn class_id(&self, c: &Class) -> &str {
        self.classes_table.cell(c.row, self.id_cols.1)
    }
    /// A cadre field's text ("" when the column is absent or the cell empty).
    pub fn cadre_text(&self, c: &Cadre, field: Field) -> &str {
        match self.cadres_table.col_of(field) {
            Some(col) => self.cadres_table.cell(c.row, col),
            None => "",
        }
    }
}

/// A span of time after a date: `within = "1y" | "6m" | "90d"` (SPEC §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Span {
    Years(u32),
    Months(u32),
    Days(u32),
}

impl Span {
    /// D + span: same month and day N years/months later, clamped to the month's end
    /// (Feb 29 + 1 year = Feb 28); or N days later.
    pub fn after(self, d: NaiveDate) -> NaiveDate {
        match self {
            Span::Years(n) => crate::dates::add_months(d, n.saturating_mul(12)),
            Span::Months(n) => crate::dates::add_months(d, n),
            Span::Days(n) => d
                .checked_add_days(chrono::Days::new(u64::from(n)))
                .unwrap_or(NaiveDate::MAX),
        }
    }

    /// Parses `1y`, `6m`, `90d`.
    pub fn parse(s: &str) -> Option<Span> {
        let (num, unit) = s.split_at(s.len().checked_sub(1)?);
        if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = num.parse().ok().filter(|n| (1..=100_000).contains(n))?;
        match unit {
            "y" => Some(Span::Years(n)),
            "m" => Some(Span::Months(n)),
            "d" => Some(Span::Days(n)),
            _ => None,
        }
    }

    pub fn describe(self, lang: Lang) -> String {
        match (self, lang) {
            (Span::Years(n), Lang::Zh) => format!("{n}年"),
            (Span::Months(n), Lang::Zh) => format!("{n}个月"),
            (Span::Days(n), Lang::Zh) => format!("{n}天"),
            (Span::Years(n), Lang::En) => format!("{n} year(s)"),
            (Span::Months(n), Lang::En) => format!("{n} month(s)"),
            (Span::Days(n), Lang::En) => format!("{n} day(s)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_count_is_the_number_of_fields() {
        assert_eq!(Field::UnitType.index() + 1, Field::COUNT);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn spans() {
        let cases = [
            ("1y", d(2019, 3, 15), d(2020, 3, 15)),
            ("1y", d(2020, 2, 29), d(2021, 2, 28)),
            ("4y", d(2020, 2, 29), d(2024, 2, 29)),
            ("6m", d(2021, 8, 31), d(2022, 2, 28)),
            ("6m", d(2023, 8, 31), d(2024, 2, 29)),
            ("1m", d(2021, 1, 31), d(2021, 2, 28)),
            ("12m", d(2021, 12, 15), d(2022, 12, 15)),
            ("90d", d(2021, 1, 1), d(2021, 4, 1)),
            ("1d", d(2020, 12, 31), d(2021, 1, 1)),
        ];
        for (s, from, want) in cases {
            assert_eq!(
                Span::parse(s).unwrap().after(from),
                want,
                "{s} after {from}"
            );
        }
        for bad in ["", "y", "0y", "1w", "-1d", "1.5m", "1 y"] {
            assert_eq!(Span::parse(bad), None, "{bad}");
        }
    }
}
