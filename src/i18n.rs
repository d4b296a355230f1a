//! Human-facing language: Chinese by default, English with `--lang en` (SPEC §4).
//! JSON keys, statuses and rule ids never change; only messages and reasons do.

use chrono::NaiveDate;

use crate::dates::fmt_date;
use crate::limits::list;

/// The language of human-facing text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    /// 中文
    #[default]
    Zh,
    /// English
    En,
}

/// The language of messages that are not part of a report (exit-2 errors), set once
/// from `--lang` when the command line is read.
static MESSAGES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Sets the language of exit-2 messages.
pub fn set_message_lang(lang: Lang) {
    MESSAGES.store(lang == Lang::En, std::sync::atomic::Ordering::Relaxed);
}

/// The language of exit-2 messages (Chinese unless `--lang en`).
pub fn message_lang() -> Lang {
    if MESSAGES.load(std::sync::atomic::Ordering::Relaxed) {
        Lang::En
    } else {
        Lang::Zh
    }
}

/// An exit-2 message in the chosen language.
pub fn say(zh: String, en: String) -> String {
    match message_lang() {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

impl Lang {
    /// Picks the Chinese or the English text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A text a rule file writes in Chinese, English or both, in `lang`: a text without
/// the form asked for is shown as written (SPEC §6 "Text for people").
pub fn written<'a>(lang: Lang, zh: Option<&'a String>, en: Option<&'a String>) -> Option<&'a str> {
    match lang {
        Lang::Zh => zh.or(en),
        Lang::En => en.or(zh),
    }
    .map(String::as_str)
}

/// Why a row was rejected: the reason of a data error, rendered per language.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    Missing,
    BadDate,
    AmbiguousDate,
    NoSuchDate,
    BareNumberDate {
        serial_date: Option<NaiveDate>,
    },
    Serial1900Feb29,
    SerialOutOfRange,
    NotANumber,
    DaysNotPositive,
    FeeNegative,
    HoursNegative,
    BadCompleted,
    ScientificId,
    IdLostDigits,
    UnknownLevel {
        levels: Vec<String>,
    },
    DuplicateId {
        first_line: u32,
    },
    EndBeforeStart {
        start: NaiveDate,
    },
    /// `incomplete`: the roster lost rows that may hold this id.
    UnknownCadre {
        incomplete: bool,
    },
    UnknownClass {
        incomplete: bool,
    },
    RejectedCadre {
        file: String,
        line: u32,
    },
    RejectedClass {
        file: String,
        line: u32,
    },
    TooManyFields {
        expected: usize,
        found: usize,
    },
    UnclosedQuote,
    /// A workbook formula saved without its result (SPEC §8).
    FormulaWithoutResult,
    BadPeriod,
    /// `rules`: the rule set's ids, shared by every waiver that names none of them.
    UnknownRule {
        rules: std::sync::Arc<[String]>,
    },
    /// Units (SPEC §6): a name given on an earlier line, which wins.
    DuplicateUnit {
        first_line: u32,
    },
    /// A `parent` that names no unit.
    UnknownParent,
    /// Parents that form a cycle: the units of the cycle, in order.
    ParentCycle {
        names: Vec<String>,
    },
    /// A cadre's `unit` (missing, or naming no unit) when a units table is loaded.
    CadreUnitMissing,
    UnknownUnit,
}

impl Problem {
    /// A stable short name for the kind of problem, for counts in `validate`.
    pub fn code(&self) -> &'static str {
        use Problem::*;
        match self {
            Missing => "missing_value",
            BadDate
            | AmbiguousDate
            | NoSuchDate
            | BareNumberDate { .. }
            | Serial1900Feb29
            | SerialOutOfRange => "bad_date",
            NotANumber | DaysNotPositive | FeeNegative | HoursNegative => "bad_number",
            BadCompleted => "bad_completed",
            ScientificId | IdLostDigits => "mangled_id",
            UnknownLevel { .. } => "unknown_level",
            DuplicateId { .. } => "duplicate_id",
            EndBeforeStart { .. } => "end_before_start",
            UnknownCadre { .. } | UnknownClass { .. } => "unknown_reference",
            RejectedCadre { .. } | RejectedClass { .. } => "rejected_reference",
            TooManyFields { .. } => "too_many_fields",
            UnclosedQuote => "unclosed_quote",
            FormulaWithoutResult => "formula_without_result",
            BadPeriod => "bad_period",
            UnknownRule { .. } => "unknown_rule",
            DuplicateUnit { .. } => "duplicate_unit",
            UnknownParent | UnknownUnit | CadreUnitMissing => "unknown_unit",
            ParentCycle { .. } => "parent_cycle",
        }
    }

    /// The kind of problem in words.
    pub fn code_words(code: &str, lang: Lang) -> &'static str {
        match (code, lang) {
            ("missing_value", Lang::Zh) => "必填项为空",
            ("bad_date", Lang::Zh) => "日期无法识别",
            ("bad_number", Lang::Zh) => "数字无效",
            ("bad_completed", Lang::Zh) => "结业情况无法识别",
            ("mangled_id", Lang::Zh) => "编号被 Excel 破坏",
            ("unknown_level", Lang::Zh) => "层级无效",
            ("duplicate_id", Lang::Zh) => "编号重复",
            ("end_before_start", Lang::Zh) => "结业早于开班",
            ("unknown_reference", Lang::Zh) => "引用了不存在的人或班次",
            ("rejected_reference", Lang::Zh) => "引用了有错误的行",
            ("too_many_fields", Lang::Zh) => "字段多于表头",
            ("unclosed_quote", Lang::Zh) => "引号未闭合",
            ("formula_without_result", Lang::Zh) => "公式没有计算结果",
            ("bad_period", Lang::Zh) => "期间无效",
            ("unknown_rule", Lang::Zh) => "规则不存在",
            ("duplicate_unit", Lang::Zh) => "工会名称重复",
            ("unknown_unit", Lang::Zh) => "工会组织表中没有该单位",
            ("parent_cycle", Lang::Zh) => "上级工会形成循环",
            ("duplicate_unit", _) => "duplicate unit name",
            ("unknown_unit", _) => "unit not in the units table",
            ("parent_cycle", _) => "parents form a cycle",
            ("bad_period", _) => "bad period",
            ("unknown_rule", _) => "unknown rule",
            ("missing_value", _) => "missing value",
            ("bad_date", _) => "unreadable date",
            ("bad_number", _) => "bad number",
            ("bad_completed", _) => "unreadable completed",
            ("mangled_id", _) => "id mangled by Excel",
            ("unknown_level", _) => "unknown level",
            ("duplicate_id", _) => "duplicate id",
            ("end_before_start", _) => "end before start",
            ("unknown_reference", _) => "unknown cadre or class",
            ("rejected_reference", _) => "reference to a rejected row",
            ("too_many_fields", _) => "too many fields",
            ("unclosed_quote", _) => "unclosed quote",
            ("formula_without_result", _) => "formula without a result",
            _ => "",
        }
    }

    /// The reason in words, without the column.
    pub fn render(&self, lang: Lang) -> String {
        use Problem::*;
        match (self, lang) {
            (Missing, Lang::Zh) => "必填项为空".into(),
            (Missing, Lang::En) => "required value is empty".into(),
            (BadDate, Lang::Zh) => {
                "不是可识别的日期（可写作 2018-09-12、2018/9/12、2018.9.12、2018年9月12日 或 20180912）".into()
            }
            (BadDate, Lang::En) => {
                "not a date (accepted: 2018-09-12, 2018/9/12, 2018.9.12, 2018年9月12日, 20180912)".into()
            }
            (AmbiguousDate, Lang::Zh) => "日-月-年或月-日-年的写法有歧义，请写作 年-月-日（如 2018-09-12）".into(),
            (AmbiguousDate, Lang::En) => {
                "day-first and month-first dates are ambiguous; write year-month-day (2018-09-12)".into()
            }
            (NoSuchDate, Lang::Zh) => "日历上没有这一天".into(),
            (NoSuchDate, Lang::En) => "no such calendar date".into(),
            (BareNumberDate { serial_date }, lang) => match (serial_date, lang) {
                (Some(d), Lang::Zh) => format!(
                    "纯数字不是日期；若是 Excel 日期序列号则为 {}，请在表格中把该列设为日期格式后重新导出",
                    fmt_date(*d)
                ),
                (Some(d), Lang::En) => format!(
                    "a bare number is not a date; as an Excel serial number it would be {}: format the column as a date and export again",
                    fmt_date(*d)
                ),
                (None, Lang::Zh) => "纯数字不是日期（8 位的 YYYYMMDD 除外）".into(),
                (None, Lang::En) => "a bare number is not a date (except 8-digit YYYYMMDD)".into(),
            },
            (Serial1900Feb29, Lang::Zh) => "Excel 序列号 60 对应不存在的 1900-02-29".into(),
            (Serial1900Feb29, Lang::En) => "Excel serial 60 is the non-existent 1900-02-29".into(),
            (SerialOutOfRange, Lang::Zh) => {
                "不是有效的 Excel 日期序列号（1 即 1900-01-01，至 2958465 即 9999-12-31）；0 或负数多来自 =IF(…, 日期, 0) 这样的公式：请填写真实日期，或留空".into()
            }
            (SerialOutOfRange, Lang::En) => {
                "not a valid Excel date serial number (1 = 1900-01-01 to 2958465 = 9999-12-31); 0 or a negative number usually comes from a formula such as =IF(…, date, 0): enter the real date, or leave the cell empty".into()
            }
            (NotANumber, Lang::Zh) => "不是有效数字".into(),
            (NotANumber, Lang::En) => "not a finite number".into(),
            (DaysNotPositive, Lang::Zh) => "培训天数必须大于 0".into(),
            (DaysNotPositive, Lang::En) => "days must be greater than 0".into(),
            (FeeNegative, Lang::Zh) => "收费不能为负数".into(),
            (FeeNegative, Lang::En) => "fee must not be negative".into(),
            (HoursNegative, Lang::Zh) => "学时不能为负数".into(),
            (HoursNegative, Lang::En) => "hours must not be negative".into(),
            (BadCompleted, Lang::Zh) => "无法识别是否结业（可填 是/否、已结业/未结业、yes/no、1/0）".into(),
            (BadCompleted, Lang::En) => "not a yes/no value (accepted: 是/否, 已结业/未结业, yes/no, y/n, true/false, 1/0)".into(),
            (ScientificId, Lang::Zh) => {
                "编号被 Excel 改成了科学计数法，原编号已丢失；请把该列设为文本格式后重新导出".into()
            }
            (ScientificId, Lang::En) => {
                "the id is in scientific notation: Excel lost the real id; format the column as text and export again".into()
            }
            (IdLostDigits, Lang::Zh) => "编号作为数字存储，超过 15 位的部分已被 Excel 丢失；请把该列设为文本格式".into(),
            (IdLostDigits, Lang::En) => {
                "the id was stored as a number and Excel kept only 15 digits; format the column as text".into()
            }
            (UnknownLevel { levels }, Lang::Zh) => format!("不是规则集中的层级（可填：{}）", list(levels, "、", true)),
            (UnknownLevel { levels }, Lang::En) => {
                format!("not a level of the rule set (accepted: {})", list(levels, ", ", false))
            }
            (DuplicateId { first_line }, Lang::Zh) => format!("编号重复，第 {first_line} 行已使用，以该行为准"),
            (DuplicateId { first_line }, Lang::En) => {
                format!("duplicate id: line {first_line} has it already and wins")
            }
            (EndBeforeStart { start }, Lang::Zh) => format!("结业日期早于开班日期 {}", fmt_date(*start)),
            (EndBeforeStart { start }, Lang::En) => format!("end_on is before start_on {}", fmt_date(*start)),
            (UnknownCadre { incomplete: false }, Lang::Zh) => "干部名册中没有这个人".into(),
            (UnknownCadre { incomplete: false }, Lang::En) => "no cadre with this id in the roster".into(),
            (UnknownClass { incomplete: false }, Lang::Zh) => "培训班表中没有这个班次".into(),
            (UnknownClass { incomplete: false }, Lang::En) => "no class with this id".into(),
            (UnknownCadre { incomplete: true }, Lang::Zh) => {
                "干部名册中没有这个人；名册有读不出的行或被 Excel 改坏的编号，此人可能在其中（见名册的数据错误）".into()
            }
            (UnknownCadre { incomplete: true }, Lang::En) => {
                "no cadre with this id in the roster; the roster has rows that could not be read or ids Excel mangled, which may be this one (see its data errors)".into()
            }
            (UnknownClass { incomplete: true }, Lang::Zh) => {
                "培训班表中没有这个班次；该表有读不出的行或被 Excel 改坏的编号，可能就是此班次（见该表的数据错误）".into()
            }
            (UnknownClass { incomplete: true }, Lang::En) => {
                "no class with this id; the class table has rows that could not be read or ids Excel mangled, which may be this one (see its data errors)".into()
            }
            (RejectedCadre { file, line }, Lang::Zh) => format!("该干部所在的 {file} 第 {line} 行有数据错误，未被读入"),
            (RejectedCadre { file, line }, Lang::En) => {
                format!("this cadre's row, {file} line {line}, has a data error and was left out")
            }
            (RejectedClass { file, line }, Lang::Zh) => format!("该班次所在的 {file} 第 {line} 行有数据错误，未被读入"),
            (RejectedClass { file, line }, Lang::En) => {
                format!("this class's row, {file} line {line}, has a data error and was left out")
            }
            (TooManyFields { expected, found }, Lang::Zh) => {
                format!("本行有 {found} 个字段，多于表头的 {expected} 列")
            }
            (TooManyFields { expected, found }, Lang::En) => {
                format!("the row has {found} fields, more than the header's {expected} columns")
            }
            (BadPeriod, Lang::Zh) => "期间应为年份（如 2019），或留空".into(),
            (BadPeriod, Lang::En) => "the period is a year (e.g. 2019) or empty".into(),
            (UnknownRule { rules }, Lang::Zh) => format!("规则集中没有这条规则（规则：{}）", list(rules, "、", true)),
            (UnknownRule { rules }, Lang::En) => format!("no such rule in the rule set (rules: {})", list(rules, ", ", false)),
            (FormulaWithoutResult, Lang::Zh) => {
                "公式没有保存计算结果（文件多由程序生成，未经 Excel 计算）：请在 Excel 中打开并保存该工作簿，或把该列复制后“选择性粘贴为数值”".into()
            }
            (FormulaWithoutResult, Lang::En) => {
                "a formula saved without its result (the file was written by a program and never calculated): open and save the workbook in Excel, or paste the column as values".into()
            }
            (DuplicateUnit { first_line }, Lang::Zh) => format!("工会名称重复，第 {first_line} 行已有，以该行为准"),
            (DuplicateUnit { first_line }, Lang::En) => {
                format!("duplicate unit name: line {first_line} has it already and wins")
            }
            (UnknownParent, Lang::Zh) => "工会组织表中没有这个上级工会，按无上级处理".into(),
            (UnknownParent, Lang::En) => "no unit of this name in the units table; read as no parent".into(),
            (ParentCycle { names }, Lang::Zh) => {
                format!("上级工会形成循环（{}），按无上级处理", list(names, " → ", true))
            }
            (ParentCycle { names }, Lang::En) => {
                format!("the parents form a cycle ({}); read as no parent", list(names, " → ", false))
            }
            (CadreUnitMissing, Lang::Zh) => {
                "所在单位为空：已给出工会组织表，用到工会组织的规则不检查此人（其他规则照常检查）".into()
            }
            (CadreUnitMissing, Lang::En) => {
                "the unit is empty: with a units table, rules that use units leave this cadre out (other rules check it as before)".into()
            }
            (UnknownUnit, Lang::Zh) => {
                "工会组织表中没有这个单位：用到工会组织的规则不检查此人（其他规则照常检查）".into()
            }
            (UnknownUnit, Lang::En) => {
                "no unit of this name in the units table: rules that use units leave this cadre out (other rules check it as before)".into()
            }
            (UnclosedQuote, Lang::Zh) => "引号从本行开始没有闭合，文件其余部分无法读取".into(),
            (UnclosedQuote, Lang::En) => {
                "a quote opened on this line never closes: the rest of the file could not be read".into()
            }
        }
    }
}

/// Why a file could not be read or written, in the language of messages: the system's
/// reason without any path in it (a temporary file's name never reaches a message).
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    // A wrapped error (tempfile adds the temporary file's path) gives the inner one's code.
    let code = e.raw_os_error().or_else(|| {
        e.get_ref()
            .and_then(|inner| inner.source())
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .and_then(std::io::Error::raw_os_error)
    });
    let (zh, en) = match e.kind() {
        K::NotFound => ("文件或文件夹不存在", "no such file or folder"),
        K::PermissionDenied => ("没有权限", "permission denied"),
        K::AlreadyExists => ("文件已存在", "the file exists already"),
        K::IsADirectory => ("这是一个文件夹，不是文件", "it is a folder, not a file"),
        K::NotADirectory => (
            "路径中有一段不是文件夹",
            "a part of the path is not a folder",
        ),
        K::ReadOnlyFilesystem => ("文件系统只读", "read-only file system"),
        K::StorageFull => ("磁盘已满", "no space left on the device"),
        K::QuotaExceeded => ("超出磁盘配额", "disk quota exceeded"),
        K::FileTooLarge => ("文件过大", "file too large"),
        K::InvalidFilename => ("文件名无效", "invalid file name"),
        K::BrokenPipe => ("管道已关闭", "broken pipe"),
        K::Interrupted => ("操作被中断", "interrupted"),
        K::InvalidData => ("数据无效", "invalid data"),
        K::UnexpectedEof => ("文件意外结束", "unexpected end of file"),
        K::OutOfMemory => ("内存不足", "out of memory"),
        K::CrossesDevices => ("不能跨文件系统移动", "cannot move across file systems"),
        K::ResourceBusy => ("资源正忙", "resource busy"),
        _ => ("系统错误", "system error"),
    };
    match message_lang() {
        Lang::Zh => match code {
            Some(c) => format!("{zh}（系统错误 {c}）"),
            None => zh.to_owned(),
        },
        Lang::En => match code {
            Some(c) => std::io::Error::from_raw_os_error(c).to_string(),
            None => en.to_owned(),
        },
    }
}

/// Why a text is not JSON, in the language of messages (serde_json speaks English).
pub fn json_reason(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match message_lang() {
        Lang::Zh => match e.classify() {
            Category::Io => "读取出错".to_owned(),
            Category::Syntax => "语法错误".to_owned(),
            Category::Data => "数据类型不符".to_owned(),
            Category::Eof => "内容不完整，意外结束".to_owned(),
        },
        Lang::En => e.to_string(),
    }
}
