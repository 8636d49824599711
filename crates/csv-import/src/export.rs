//! Files that leave the app: the clean upload for Actions, the error report, the template.
//! The error report is UTF-8 with a BOM (Excel); no cell of any of them can run as a formula.

use crate::error::{CsvError, Result};
use crate::fields::TargetField;
use crate::session::{ImportSession, InvalidPolicy, InviteRow};
use sia_actions_contract::Invitee;
use std::io::Write;
use std::path::Path;

/// Makes a cell safe to open in a spreadsheet (CSV injection): a cell that would start a formula
/// gets a leading `'`. One rule for every file the app writes (see docs/csv-import.md):
///
/// - a cell starting with `=`, `@`, a tab or a carriage return (or full-width `＝ ＠`) is a formula;
/// - a cell starting with `+` or `-` (or full-width `＋ －`) is a formula unless the rest is only
///   digits, spaces, dots, parentheses and hyphens: `+1 555 0100`, `-3.5` or `-` stay as typed,
///   since such a cell can at most do arithmetic on literals, never call a function or a link;
/// - every other cell is left alone, so ordinary values never show a literal `'`.
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    let mut chars = cell.chars();
    let risky = match chars.next() {
        Some('=' | '@' | '\t' | '\r' | '＝' | '＠') => true,
        Some('+' | '-' | '＋' | '－') => !chars
            .as_str()
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '(' | ')' | '-')),
        _ => false,
    };
    if risky {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The column headers of Actions' upload file after `Email`, `First Name`, `Last Name`: one per
/// optional field kept, `None` leaves the field out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadColumns {
    pub teams: Option<String>,
    pub role: Option<String>,
    pub workspace: Option<String>,
}

/// Headers of the optional columns when no source file names them (a typed list, a file without
/// a header row).
pub const UPLOAD_TEAMS: &str = "Team(s)";
pub const UPLOAD_ROLE: &str = "Role";
pub const UPLOAD_WORKSPACE: &str = "Workspace";

impl UploadColumns {
    /// Email, First Name and Last Name only.
    pub fn required_only() -> Self {
        Self::default()
    }

    /// The columns of a typed list: Team(s) when anyone has a team, Role always (the form sets
    /// it), Workspace when anyone has one.
    pub fn for_list(people: &[Invitee]) -> Self {
        Self {
            teams: people
                .iter()
                .any(|p| !p.teams.is_empty())
                .then(|| UPLOAD_TEAMS.to_owned()),
            role: Some(UPLOAD_ROLE.to_owned()),
            workspace: people
                .iter()
                .any(|p| p.workspace.is_some())
                .then(|| UPLOAD_WORKSPACE.to_owned()),
        }
    }
}

/// Writes Actions' upload file for "Invite users via CSV": UTF-8 without BOM, CRLF,
/// `Email,First Name,Last Name` then the kept optional columns; teams joined with `; `.
/// Every cell goes through [`neutralize`].
pub fn write_upload<W: Write>(people: &[Invitee], columns: &UploadColumns, out: W) -> Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let mut header = vec!["Email", "First Name", "Last Name"];
    header.extend(
        [&columns.teams, &columns.role, &columns.workspace]
            .into_iter()
            .flatten()
            .map(String::as_str),
    );
    w.write_record(header.iter().map(|h| neutralize(h).into_owned()))
        .map_err(csv_err)?;
    for p in people {
        let mut rec = vec![p.email.clone(), p.first_name.clone(), p.last_name.clone()];
        if columns.teams.is_some() {
            rec.push(p.teams.join("; "));
        }
        if columns.role.is_some() {
            rec.push(p.role.as_str().to_owned());
        }
        if columns.workspace.is_some() {
            rec.push(p.workspace.clone().unwrap_or_default());
        }
        w.write_record(rec.iter().map(|c| neutralize(c).into_owned()))
            .map_err(csv_err)?;
    }
    w.flush().map_err(CsvError::Export)?;
    Ok(())
}

/// Writes the upload file to `path`; returns the number of people written.
pub fn export_upload(people: &[Invitee], columns: &UploadColumns, path: &Path) -> Result<u32> {
    let f = std::fs::File::create(path).map_err(CsvError::Export)?;
    let mut out = std::io::BufWriter::new(f);
    write_upload(people, columns, &mut out)?;
    out.flush().map_err(CsvError::Export)?;
    Ok(u32::try_from(people.len()).unwrap_or(u32::MAX))
}

/// Writes a table for people to open in a spreadsheet (the activation tracker's export): UTF-8
/// with a BOM so Excel reads it right, CRLF, and every cell, headers too, through [`neutralize`].
/// Returns the number of rows written after the header.
pub fn export_table<S: AsRef<str>>(
    path: &Path,
    header: &[S],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<u32> {
    let mut w = writer(path, true)?;
    w.write_record(header.iter().map(|h| neutralize(h.as_ref()).into_owned()))
        .map_err(csv_err)?;
    let mut n: u32 = 0;
    for row in rows {
        w.write_record(row.iter().map(|c| neutralize(c).into_owned()))
            .map_err(csv_err)?;
        n = n.saturating_add(1);
    }
    w.flush().map_err(CsvError::Export)?;
    Ok(n)
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
    /// The upload file's optional columns for this mapping: with `keep_optional`, one per mapped
    /// Teams / Role / Workspace, headed as the mapping screen showed it (the source header, or the
    /// standard name when the file has none); without, none.
    pub fn upload_columns(&self, keep_optional: bool) -> UploadColumns {
        if !keep_optional {
            return UploadColumns::required_only();
        }
        let header = |field: TargetField, fallback: &str| {
            self.mapping().column(field).map(|c| {
                self.headers()
                    .get(c)
                    .map(|h| h.trim())
                    .filter(|h| !h.is_empty())
                    .unwrap_or(fallback)
                    .to_owned()
            })
        };
        UploadColumns {
            teams: header(TargetField::Teams, UPLOAD_TEAMS),
            role: header(TargetField::Role, UPLOAD_ROLE),
            workspace: header(TargetField::Workspace, UPLOAD_WORKSPACE),
        }
    }

    /// Writes the valid rows as Actions' upload file (see [`write_upload`]), with the mapped
    /// optional columns when `keep_optional`. Returns the number of people written.
    pub fn export_clean_upload(&self, path: &Path, keep_optional: bool) -> Result<u32> {
        let rows = self.confirmed_rows(InvalidPolicy::SkipInvalid)?;
        let people: Vec<Invitee> = rows.iter().map(InviteRow::invitee).collect();
        export_upload(&people, &self.upload_columns(keep_optional), path)
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
    fn a_table_for_people_has_a_bom_crlf_and_no_formula() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let n = export_table(
            &path,
            &["電子郵件", "=Head"],
            vec![
                vec!["ann@x.example".to_owned(), "+1 555 0100".to_owned()],
                vec!["=HYPERLINK(\"x\")".to_owned(), "a, b".to_owned()],
            ],
        )
        .unwrap();
        assert_eq!(n, 2);
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\u{feff}電子郵件,'=Head\r\nann@x.example,+1 555 0100\r\n\"'=HYPERLINK(\"\"x\"\")\",\"a, b\"\r\n"
        );
    }

    #[test]
    fn formulas_are_neutralized() {
        for bad in [
            "=1+1",
            "+SUM(A1)",
            "-x",
            "-1+A1",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "＝1",
            "＋cmd",
            "+1 555 0100;x",
        ] {
            assert!(neutralize(bad).starts_with('\''), "{bad:?}");
        }
        // Numbers and phone numbers are not formulas: no literal quote for the importer to see.
        for ok in [
            "jane@x.com",
            "",
            "+1 555 0100",
            "+886 (2) 2345-6789",
            "-3.5",
            "-",
            "1-2",
            "Mei",
        ] {
            assert_eq!(neutralize(ok), ok, "{ok:?}");
        }
    }
}
