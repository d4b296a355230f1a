//! The one list of rule kinds: name, accepted keys, parser and explanation. "Unknown
//! kind" errors and `rules list/explain` read it. A new kind is a file and a line here.

use super::keys::Keys;
use super::{RuleKind, coverage, deadline, forbid, quota};
use crate::diag::Diagnostic;
use crate::view::Plan;

/// Parses a kind's own keys.
pub type ParseFn = fn(&mut Keys<'_, '_>, &Plan, &mut Vec<Diagnostic>) -> Option<Box<dyn RuleKind>>;

/// One rule kind.
pub struct KindEntry {
    pub name: &'static str,
    /// Keys beyond the common ones.
    pub keys: &'static [&'static str],
    pub parse: ParseFn,
    pub explain: &'static str,
    /// The same explanation in Chinese, for `rules explain` in the default language.
    pub explain_zh: &'static str,
}

/// Every rule kind.
pub static KINDS: &[KindEntry] = &[
    KindEntry {
        name: "deadline",
        keys: &["who", "from", "within", "class", "min", "measure", "or"],
        parse: deadline::parse,
        explain: deadline::Deadline::EXPLAIN,
        explain_zh: "限期（deadline）——每个符合 `who` 的干部，须在其 `from` 指定日期 D 起至 D 加 `within`（`Ny` 年、`Nm` 个月，月末按当月最后一天，或 `Nd` 天）的期间内（含首尾两日），参加并结业至少 `min`（默认1）期符合 `class` 的培训；`measure = \"days\"` 时按天数累计，`measure = \"hours\"` 时按学时累计（取参训记录的学时，未填则取班次学时，都没有计0并列入 `no_hours`）；`or = [ { measure = \"hours\", min = 90 } ]` 给出替代标准，主标准或任一替代标准达到即为达标。截止日为 D 加 `within`。D 为空或晚于检查日的不检查；截止日前（含当日）已离任的不检查。未达到：截止日前（含当日）为待办，之后为违规。检查对象：干部。条件中可用 `any = [ {…}, {…} ]`（任一成立）、`contains`/`not_contains`（包含/不包含某文字）和 `in` 列表（同列表）；有工会组织表（units）时，`who` 可写 `\"unit.列\"`（干部所在工会的列），`class` 可写 `\"organizer.列\"`（主办工会的列）和 `organizer = { in = \"$superiors\" }`（由干部所在工会的上级工会之一主办）。用到这些工会组织写法的规则，没有工会组织表时按其 `fallback` 近似检查，没有 `fallback` 则停止运行。",
    },
    KindEntry {
        name: "quota",
        keys: &[
            "group_by", "groups", "every", "class", "min", "max", "measure", "or", "who",
        ],
        parse: quota::parse,
        explain: quota::Quota::EXPLAIN,
        explain_zh: "定额（quota）——按对象和期间，统计期间内举办的、符合 `class` 的培训班期数（`measure = \"days\"` 时累计天数）。对象：有 `group_by = 列` 时，为干部名册该列出现过的每个值（不论日期）加上 `groups` 中列出的名称，`class` 中的 `$group` 即代表当前对象；没有 `group_by` 时只有一个对象，即规划的 `authority`。期间：`every = \"year\"` 为规划期内截至检查年份的每个自然年（截止于期末），`every = \"plan\"` 为整个规划期（截止于规划结束日）。超过 `max` 立即为违规，截止日为超出的那一期的日期；不足 `min` 时截止日前为待办，之后为违规。`measure = \"hours\"` 时累计班次学时（无学时的班计0并列入 `no_hours`）；只有 `min` 时可用 `or` 给出替代标准。`measure = \"attendees\"` 时统计人数：符合 `who`（有 `group_by` 时该列等于对象）、在期间内参加并结业符合 `class` 的培训班的不同干部人数，同一干部只计一次；检查日后任职的干部不计，其他任离职日期不论；只有此时才可写 `who`。有工会组织表（units）时，`group_by = \"unit\"` 可配 `groups` 写成工会组织表上的条件（如 `groups = { type = [\"县区总工会\", \"园区总工会\"] }`）：对象为符合条件的各工会，`$group` 即该工会名称。条件中可用 `any = [ {…}, {…} ]`（任一成立）、`contains`/`not_contains`（包含/不包含某文字）和 `in` 列表（同列表）；`class` 可写 `\"organizer.列\"`（主办工会的列）。用到这些工会组织写法的规则，没有工会组织表时按其 `fallback` 近似检查，没有 `fallback` 则停止运行。",
    },
    KindEntry {
        name: "coverage",
        keys: &[
            "who", "class", "min", "measure", "or", "every", "group_by", "rate",
        ],
        parse: coverage::parse,
        explain: coverage::Coverage::EXPLAIN,
        explain_zh: "覆盖（coverage）——在参照日 R（检查日与规划结束日中较早者）在任（任职不晚于 R，且未在 R 或之前离任）并符合 `who` 的每个干部，须在规划开始日至 R 期间参加并结业至少 `min`（默认1）期符合 `class` 的培训（`measure = \"days\"` 时为天数）。截止日为规划结束日：之前为待办，之后为违规。检查对象：干部。`measure` 可为 classes、days、hours，`or` 给出替代标准。`every = \"year\"` 时按年检查：每年以该年第一天前（含当日）已任职、且未在 R_Y（检查日与该年年末中较早者）或之前离任的干部为准，培训计该年年初至 R_Y 的，截止日为该年年末，期间为该年。`rate = 0.9`（可配 `group_by = 列`）时对象为分组：被检查干部中该列的每个非空值（无 `group_by` 时为全体，即规划的 `authority`），达标人数 / 检查人数不低于 `rate`（按小数精确比较，至多4位小数）即达标；依据列出 `checked`、`met`、`rate_required`、`rate`（截断为两位小数）和未达标干部 `unmet`（前200个）。条件中可用 `any = [ {…}, {…} ]`（任一成立）、`contains`/`not_contains`（包含/不包含某文字）和 `in` 列表（同列表）；有工会组织表（units）时，`who` 可写 `\"unit.列\"`（干部所在工会的列），`class` 可写 `\"organizer.列\"`（主办工会的列）和 `organizer = { in = \"$superiors\" }`（由干部所在工会的上级工会之一主办）。用到这些工会组织写法的规则，没有工会组织表时按其 `fallback` 近似检查，没有 `fallback` 则停止运行。",
    },
    KindEntry {
        name: "forbid",
        keys: &["class"],
        parse: forbid::parse,
        explain: forbid::Forbid::EXPLAIN,
        explain_zh: "禁止（forbid）——规划期内（且不晚于检查日）每个符合 `class` 的培训班都是一条违规，截止日为该班开班日期。规划期内的每个班都计入“检查”。依据中列出条件所涉各列的原值。检查对象：班次。条件中可用 `any = [ {…}, {…} ]`（任一成立）、`contains`/`not_contains`（包含/不包含某文字）和 `in` 列表（同列表）；有工会组织表（units）时，`class` 可写 `\"organizer.列\"`（主办工会的列）。用到这些工会组织写法的规则，没有工会组织表时按其 `fallback` 近似检查，没有 `fallback` 则停止运行。",
    },
];

pub fn find_kind(name: &str) -> Option<&'static KindEntry> {
    KINDS.iter().find(|k| k.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_documented() {
        for k in KINDS {
            assert!(
                k.explain.trim().len() > 40,
                "kind `{}` needs a doc comment",
                k.name
            );
        }
    }
}
