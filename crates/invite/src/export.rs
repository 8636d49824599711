//! The results file: one line per invitee with its outcome, UTF-8 with a BOM (Excel opens it right)
//! and no cell that a spreadsheet would run as a formula.

use std::io::Write;
use std::path::Path;

use crate::error::{InviteError, Result};
use crate::journal::Journal;
use crate::model::{InviteRowResult, InviteRowState};

/// Prefixes `'` to a cell a spreadsheet would treat as a formula (CSV injection): one starting
/// with `= + - @`, a tab or a carriage return (and their full-width forms, which Excel folds).
pub fn neutralize(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => {
            format!("'{cell}").into()
        }
        _ => cell.into(),
    }
}

fn result_words(state: &InviteRowState) -> (&'static str, &str) {
    match state {
        InviteRowState::Pending => ("pending", ""),
        InviteRowState::Sending => ("sending", ""),
        InviteRowState::Invited => ("invited", ""),
        InviteRowState::AlreadyThere => ("already there", ""),
        InviteRowState::Failed { reason } => ("failed", reason),
        InviteRowState::Skipped { reason } => ("skipped", reason),
        InviteRowState::Revoked => ("revoked", ""),
    }
}

/// Writes rows as CSV to `out` (BOM first).
pub fn write_results<W: Write>(rows: &[InviteRowResult], out: W) -> Result<()> {
    let mut out = out;
    out.write_all(b"\xEF\xBB\xBF")
        .map_err(InviteError::Export)?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let io = |e: csv::Error| InviteError::Export(std::io::Error::other(e.to_string()));
    w.write_record([
        "Email",
        "First Name",
        "Last Name",
        "Teams",
        "Role",
        "Workspace",
        "Result",
        "Reason",
        "Attempts",
    ])
    .map_err(io)?;
    for r in rows {
        let (result, reason) = result_words(&r.state);
        let p = &r.invitee;
        let teams = p.teams.join("; ");
        let attempts = r.attempts.to_string();
        let cells = [
            p.email.as_str(),
            &p.first_name,
            &p.last_name,
            &teams,
            p.role.as_str(),
            p.workspace.as_deref().unwrap_or(""),
            result,
            reason,
            &attempts,
        ];
        w.write_record(cells.iter().map(|c| neutralize(c).into_owned()))
            .map_err(io)?;
    }
    w.flush().map_err(InviteError::Export)?;
    Ok(())
}

/// Writes the results file of a job; returns the number of rows written.
pub fn export_results(journal: &Journal, job_id: &str, path: &Path) -> Result<u32> {
    let rows = journal.rows(job_id)?;
    let f = std::fs::File::create(path).map_err(InviteError::Export)?;
    write_results(&rows, std::io::BufWriter::new(f))?;
    Ok(rows.len() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Invitee;

    #[test]
    fn formulas_are_neutralised() {
        for bad in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "＝1"] {
            assert!(neutralize(bad).starts_with('\''), "{bad:?}");
        }
        for ok in ["a@x.io", "Mei", "", "1-2", "'quoted"] {
            assert_eq!(neutralize(ok), ok);
        }
    }

    #[test]
    fn the_file_has_a_bom_and_safe_cells() -> Result<()> {
        let rows = vec![InviteRowResult {
            index: 0,
            invitee: Invitee {
                email: "a@x.io".into(),
                first_name: "=HYPERLINK(\"http://evil\")".into(),
                last_name: "林".into(),
                teams: vec!["Sales".into(), "@ops".into()],
                ..Invitee::default()
            },
            state: InviteRowState::Failed {
                reason: "seat_limit_reached".into(),
            },
            attempts: 1,
            user_id: None,
        }];
        let mut buf = Vec::new();
        write_results(&rows, &mut buf)?;
        assert!(buf.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(buf[3..].to_vec()).unwrap_or_default();
        let mut lines = text.split("\r\n");
        assert!(
            lines
                .next()
                .is_some_and(|h| h.starts_with("Email,First Name"))
        );
        let line = lines.next().unwrap_or_default();
        assert!(
            line.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
            "{line}"
        );
        assert!(
            line.contains(",林,Sales; @ops,User,,failed,seat_limit_reached,1"),
            "{line}"
        );
        Ok(())
    }
}
