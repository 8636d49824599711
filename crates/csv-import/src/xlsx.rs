//! Excel workbooks through `calamine`: the sheet list for the picker and one sheet as a table.
//! Cells become text the way Excel shows them; line numbers are the sheet's own row numbers.

use crate::dialect::looks_like_email;
use crate::error::{CsvError, Result};
use crate::table::Table;
use calamine::{Data, Reader, open_workbook_auto};
use std::path::Path;

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// Returns (all sheet names, the chosen sheet's name, its rows).
pub fn read_sheet(path: &Path, sheet: Option<&str>) -> Result<(Vec<String>, String, Table)> {
    let mut wb = open_workbook_auto(path).map_err(|e| match e {
        calamine::Error::Io(io) => CsvError::from_open(io),
        other => CsvError::Spreadsheet {
            detail: kind_of(&other),
        },
    })?;
    let sheets = wb.sheet_names();
    let name = match sheet {
        Some(s) => sheets
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| CsvError::SheetNotFound {
                sheet: s.chars().take(64).collect(),
            })?,
        // Workbooks often open on a cover or notes sheet: start on the first one with people in it.
        None => sheets
            .iter()
            .find(|n| {
                wb.worksheet_range(n).is_ok_and(|r| {
                    r.rows()
                        .take(50)
                        .any(|row| row.iter().any(|d| looks_like_email(&cell_text(d))))
                })
            })
            .or(sheets.first())
            .cloned()
            .ok_or(CsvError::EmptyFile)?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| CsvError::Spreadsheet {
            detail: kind_of(&e),
        })?;
    let first_line = range.start().map_or(1, |(r, _)| r + 1);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    let table = Table::from_rows(range.rows().enumerate().map(|(i, row)| {
        let mut cells: Vec<String> = vec![String::new(); first_col];
        cells.extend(row.iter().map(cell_text));
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        (first_line + i as u32, cells)
    }));
    Ok((sheets, name, table))
}

/// A short category for logs: never the path, never cell contents.
fn kind_of(e: &calamine::Error) -> String {
    match e {
        calamine::Error::Io(_) => "io",
        calamine::Error::Xlsx(_) => "xlsx",
        calamine::Error::Xls(_) => "xls",
        calamine::Error::Ods(_) => "ods",
        calamine::Error::Xlsb(_) => "xlsb",
        _ => "other",
    }
    .to_owned()
}
