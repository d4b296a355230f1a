//! `peixun init DIR [--xlsx]`: empty templates with Chinese headers for clerks to
//! fill — a CSV file per table in UTF-8 with BOM (so Excel opens them right), or one
//! workbook with a sheet per table and a 说明 sheet explaining every column. The units
//! table (工会组织, SPEC §6) is optional: left empty, it counts as absent.

use std::path::Path;

use anyhow::{Context, Result, bail};
use rust_xlsxwriter::{Format, Workbook};

use crate::model::{FieldSpec, TableKind, fields_of};

/// What a column holds, for the 说明 sheet.
fn explain(kind: TableKind, f: &FieldSpec) -> &'static str {
    match (kind, f.name) {
        (TableKind::Cadres, "id") => {
            "唯一编号，如身份证号；请设为文本格式，避免 Excel 改成科学计数法"
        }
        (TableKind::Cadres, "name") => "姓名",
        (TableKind::Cadres, "unit") => "所在工会组织名称",
        (TableKind::Cadres, "county") => "所属县区；市直单位填“市直”",
        (TableKind::Cadres, "unit_level") => "基层、县区、市、省、全国 之一；空白视为基层",
        (TableKind::Cadres, "post") => "职务，如 工会主席、副主席、委员",
        (TableKind::Cadres, "kind") => "专职、兼职，或其他（如 社会化工作者）",
        (TableKind::Cadres, "appointed_on") => "任现职日期，如 2019-03-15",
        (TableKind::Cadres, "left_on") => "离任后第一天；仍在任则留空",
        (TableKind::Classes, "id") => "班次唯一编号",
        (TableKind::Classes, "name") => "培训班名称",
        (TableKind::Classes, "organizer") => "举办单位",
        (TableKind::Classes, "organizer_level") => "基层、县区、市、省、全国 之一",
        (TableKind::Classes, "county") => "培训班面向的县区；市直填“市直”",
        (TableKind::Classes, "category") => {
            "基层工会干部培训、业务培训、初任培训、任职培训、专题培训、网络培训 等"
        }
        (TableKind::Classes, "start_on") => "开班日期，如 2019-06-01",
        (TableKind::Classes, "end_on") => "结业日期；一天的班可留空",
        (TableKind::Classes, "days") => "培训天数，可为 0.5；留空则按开班至结业日期计算",
        (TableKind::Classes, "fee") => "每人收费（元），如 200、1,200元、免费；留空视为 0",
        (TableKind::Attendance, "cadre_id") => "学员在干部名册中的编号",
        (TableKind::Attendance, "class_id") => "培训班表中的班次编号",
        (TableKind::Attendance, "completed") => "是 或 否（已结业/未结业）；留空视为 是",
        (TableKind::Units, "name") => {
            "工会组织名称，不可重复；与干部名册的所在单位、培训班的举办单位写法一致"
        }
        (TableKind::Units, "parent") => "直接上级工会的名称（须在本表中）；最上级留空",
        (TableKind::Units, "level") => "基层、县区、市、省、全国 之一",
        (TableKind::Units, "county") => "所属县区；市直单位填“市直”",
        (TableKind::Units, "type") => {
            "如 县区总工会、园区总工会、市直产业工会、乡镇（街道）工会、企业工会"
        }
        _ => "",
    }
}

/// The tables a template holds: the three of SPEC §1, then the optional units table
/// (SPEC §6), which may be left empty.
const TEMPLATES: [TableKind; 4] = [
    TableKind::Cadres,
    TableKind::Classes,
    TableKind::Attendance,
    TableKind::Units,
];

/// The header a template uses for a field: its first Chinese alias.
fn header(f: &FieldSpec) -> &'static str {
    f.aliases.first().copied().unwrap_or(f.name)
}

/// Writes the templates into `dir`, refusing to overwrite anything.
pub fn init(dir: &Path, xlsx: bool) -> Result<Vec<String>> {
    std::fs::create_dir_all(dir).with_context(|| {
        crate::i18n::say(
            format!("无法创建文件夹 `{}`", dir.display()),
            format!("cannot create folder `{}`", dir.display()),
        )
    })?;
    let names: Vec<String> = if xlsx {
        vec!["台账.xlsx".to_owned()]
    } else {
        TEMPLATES
            .iter()
            .map(|k| format!("{}.csv", k.chinese()))
            .collect()
    };
    for n in &names {
        if dir.join(n).exists() {
            let p = dir.join(n);
            bail!(crate::i18n::say(
                format!("`{}` 已存在；peixun init 从不覆盖已有文件", p.display()),
                format!(
                    "`{}` already exists; peixun init never overwrites a file",
                    p.display()
                )
            ));
        }
    }
    if xlsx {
        write_workbook(&dir.join(&names[0]))?;
    } else {
        for (kind, name) in TEMPLATES.iter().zip(&names) {
            let headers: Vec<&str> = fields_of(*kind).iter().map(header).collect();
            let text = format!("\u{feff}{}\r\n", headers.join(","));
            crate::report::write::write_output(Some(&dir.join(name)), text.as_bytes())?;
        }
    }
    Ok(names)
}

fn write_workbook(path: &Path) -> Result<()> {
    let mut wb = Workbook::new();
    // A fixed creation time, so that the file is the same every time it is written.
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_creation_datetime(&rust_xlsxwriter::ExcelDateTime::from_ymd(2021, 1, 1)?),
    );
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for kind in TEMPLATES {
        let ws = wb.add_worksheet();
        ws.set_name(kind.chinese())?;
        for (c, f) in fields_of(kind).iter().enumerate() {
            let c = c as u16;
            ws.write_string_with_format(0, c, header(f), &bold)?;
            ws.set_column_width(c, 16)?;
            match f.value_type {
                crate::model::ValueType::Date => ws.set_column_format(c, &date)?,
                crate::model::ValueType::Id | crate::model::ValueType::Text => {
                    ws.set_column_format(c, &text)?
                }
                _ => ws,
            };
        }
        ws.set_freeze_panes(1, 0)?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("说明")?;
    for (c, h) in ["表", "列（表头）", "字段", "必填", "填写说明"]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let mut row = 1;
    for kind in TEMPLATES {
        for f in fields_of(kind) {
            ws.write_string(row, 0, kind.chinese())?;
            ws.write_string(row, 1, header(f))?;
            ws.write_string(row, 2, f.name)?;
            ws.write_string(row, 3, if f.required { "是" } else { "否" })?;
            ws.write_string(row, 4, explain(kind, f))?;
            row += 1;
        }
    }
    row += 1;
    ws.write_string(
        row,
        0,
        "日期可写作 2018-09-12、2018/9/12、2018.9.12、2018年9月12日 或 20180912，也可用 Excel 日期格式。其他列会原样保留，规则可按表头引用。",
    )?;
    for (c, w) in [10, 14, 16, 6, 60].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let buf = wb.save_to_buffer()?;
    crate::report::write::write_output(Some(path), &buf)
}
