//! The input tables by kind, and where each was read from (a file, or a workbook's
//! sheet). At the bottom: the model, the loader, notices and reports all name them.

use std::path::Path;

/// Which input table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TableKind {
    Cadres,
    Classes,
    Attendance,
    /// Union organisations (SPEC §6), optional; its data errors sort after the other
    /// three tables'.
    Units,
    /// Recorded exemptions (`--waivers`); not part of DATA.
    Waivers,
}

impl TableKind {
    pub const ALL: [TableKind; 3] = [TableKind::Cadres, TableKind::Classes, TableKind::Attendance];

    /// The canonical name, also the English file and sheet name.
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Cadres => "cadres",
            TableKind::Classes => "classes",
            TableKind::Attendance => "attendance",
            TableKind::Units => "units",
            TableKind::Waivers => "waivers",
        }
    }

    /// The Chinese file and sheet name.
    pub fn chinese(self) -> &'static str {
        match self {
            TableKind::Cadres => "干部名册",
            TableKind::Classes => "培训班",
            TableKind::Attendance => "参训记录",
            TableKind::Units => "工会组织",
            TableKind::Waivers => "豁免",
        }
    }
}

/// A file's name as reports show it.
pub fn display_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// Where a table came from: a CSV file, or a workbook and its sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub file: String,
    pub sheet: Option<String>,
}

impl Source {
    /// `cadres.csv`, or `台账.xlsx[干部名册]` for a sheet.
    pub fn display(&self) -> String {
        match &self.sheet {
            Some(s) => format!("{}[{}]", self.file, s),
            None => self.file.clone(),
        }
    }
}
