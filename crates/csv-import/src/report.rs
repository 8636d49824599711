//! The one JSON object `sia csv inspect --json` prints, in the shape issue 8 fixes (snake_case keys).
//! Built from a session, so the CLI and the app can never disagree about a file.

use crate::fields::Problem;
use crate::session::ImportSession;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Source {
    Header(String),
    Column(u32),
}

#[derive(Debug, Clone, Serialize)]
pub struct RowProblems {
    pub line: u32,
    pub row: u32,
    pub valid: bool,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InspectReport {
    pub file: String,
    pub encoding: Option<String>,
    pub encoding_source: Option<String>,
    pub replacements: u32,
    pub delimiter: Option<String>,
    pub has_header: bool,
    pub sheet: Option<String>,
    pub sheets: Vec<String>,
    /// Target field → source header (or column index when the file has no header).
    pub mapping: BTreeMap<String, Source>,
    /// Fuzzy or content guesses that were NOT applied.
    pub suggestions: BTreeMap<String, Source>,
    pub mapping_skippable: bool,
    pub rows: u32,
    pub valid: u32,
    pub invalid: u32,
    pub duplicates: u32,
    pub blank: u32,
    pub footer: u32,
    pub cleaned: u32,
    /// Every row with an error or a cleaning warning, with its 1-based line number.
    pub problems: Vec<RowProblems>,
    pub problems_truncated: bool,
}

pub fn inspect(session: &ImportSession, max_problems: Option<usize>) -> InspectReport {
    let s = session.summary();
    let src = |col: u32, header: &Option<String>| match header {
        Some(h) if s.has_header && !h.is_empty() => Source::Header(h.clone()),
        _ => Source::Column(col),
    };
    let mut mapping = BTreeMap::new();
    let mut suggestions = BTreeMap::new();
    for f in &s.mapping.fields {
        if let Some(c) = f.column {
            mapping.insert(f.field.key().to_owned(), src(c, &f.header));
        }
        if let Some(sg) = &f.suggestion {
            suggestions.insert(f.field.key().to_owned(), src(sg.column, &sg.header));
        }
    }
    let limit = max_problems.unwrap_or(usize::MAX);
    let mut problems = Vec::new();
    let mut truncated = false;
    for r in session.flagged_rows() {
        if problems.len() >= limit {
            truncated = true;
            break;
        }
        problems.push(RowProblems {
            line: r.line,
            row: r.index,
            valid: r.valid,
            problems: r.problems,
        });
    }
    let c = s.counts;
    InspectReport {
        file: s.file_name,
        encoding: s.encoding.as_ref().map(|e| e.name.clone()),
        encoding_source: s
            .encoding
            .as_ref()
            .map(|e| format!("{:?}", e.source).to_lowercase()),
        replacements: s.encoding.as_ref().map_or(0, |e| e.replacements),
        delimiter: s.delimiter.map(|d| d.as_str().to_owned()),
        has_header: s.has_header,
        sheet: s.sheet,
        sheets: s.sheets,
        mapping,
        suggestions,
        mapping_skippable: s.mapping.skippable,
        rows: c.rows,
        valid: c.valid,
        invalid: c.invalid,
        duplicates: c.duplicates,
        blank: c.blank,
        footer: c.footer,
        cleaned: c.cleaned,
        problems,
        problems_truncated: truncated,
    }
}
