//! Files that leave the app: the clean upload for Actions, the error report, the template.
//! The error report is UTF-8 with a BOM (Excel) and no cell of it can run as a formula.

use crate::error::{CsvError, Result};
use crate::session::{ImportSession, InvalidPolicy};
use std::io::Write;
use std::path::Path;

/// Cells starting with these run as formulas in spreadsheet apps (CSV injection).
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => {
            format!("'{cell}").into()
        }
        _ => cell.into(),
    }
}

fn writer(path: &Path, bom: bool) -> Result<csv::Writer<std::io::BufWriter<std::fs::File>>> {
    let f = std::fs::File::create(path).map_err(CsvError::Export)?;
    let mut w = std::io::BufWriter::new(f);
    if bom {
        w.write_all(b"\xEF\xBB\xBF").map_err(CsvError::Export)?;
    }
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(w))
}

fn csv_err(e: csv::Error) -> CsvError {
    match e.into_kind() {
        csv::ErrorKind::Io(io) => CsvError::Export(io),
        _ => CsvError::Export(std::io::Error::other("csv writer")),
    }
}

impl ImportSession {
    /// Writes the valid rows as UTF-8 `Email,First Name,Last Name` for Actions' own CSV upload.
    /// Returns the number of people written.
    pub fn export_clean_upload(&self, path: &Path) -> Result<u32> {
        let rows = self.confirmed_rows(InvalidPolicy::SkipInvalid)?;
        let mut w = writer(path, false)?;
        w.write_record(["Email", "First Name", "Last Name"])
            .map_err(csv_err)?;
        for r in &rows {
            w.write_record([
                &r.email,
                &neutralize(&r.first_name).into_owned(),
                &neutralize(&r.last_name).into_owned(),
            ])
            .map_err(csv_err)?;
        }
        w.flush().map_err(CsvError::Export)?;
        Ok(rows.len() as u32)
    }

    /// Writes every row with an error: line, problem codes, then the source cells as read.
    /// Returns the number of rows written.
    pub fn export_error_report(&self, path: &Path) -> Result<u32> {
        let mut w = writer(path, true)?;
        let mut header = vec!["Line".to_owned(), "Problems".to_owned()];
        header.extend(self.source_cells_header());
        w.write_record(header.iter().map(|h| neutralize(h).into_owned()))
            .map_err(csv_err)?;
        let mut n = 0;
        for row in self.error_rows() {
            let problems: Vec<String> = row
                .problems
                .iter()
                .filter(|p| p.severity == crate::fields::Severity::Error)
                .map(|p| {
                    let params: Vec<String> =
                        p.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    if params.is_empty() {
                        p.code.as_str().to_owned()
                    } else {
                        format!("{}({})", p.code.as_str(), params.join(", "))
                    }
                })
                .collect();
            let mut rec = vec![
                row.line.to_string(),
                neutralize(&problems.join("; ")).into_owned(),
            ];
            rec.extend(row.cells.iter().map(|c| neutralize(c).into_owned()));
            w.write_record(&rec).map_err(csv_err)?;
            n += 1;
        }
        w.flush().map_err(CsvError::Export)?;
        Ok(n)
    }
}

/// A template to fill in, in the user's language ("en" or "zh-TW"); UTF-8 with BOM so Excel opens it.
pub fn template(lang: &str) -> Vec<u8> {
    let text = if lang.eq_ignore_ascii_case("zh-TW") || lang.eq_ignore_ascii_case("zh-Hant") {
        "電子郵件,名字,姓氏,團隊,角色,Marketo 工作區\r\nchen.dawen@example.com,大文,陳,Everyone,User,Default\r\n"
    } else {
        "Email,First Name,Last Name,Team(s),Role,Marketo Workspace\r\njane.doe@example.com,Jane,Doe,Everyone,User,Default\r\n"
    };
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend_from_slice(text.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "＝1"] {
            assert!(neutralize(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralize("jane@x.com"), "jane@x.com");
        assert_eq!(neutralize(""), "");
    }
}
