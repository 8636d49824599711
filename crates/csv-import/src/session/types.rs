//! What the session hands the app over IPC.

use super::*;

/// Everything the caller can preset; `None` means "detect".
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// BCP 47 tag used as a hint for legacy encodings (e.g. the OS locale, `zh-TW`).
    pub locale: Option<String>,
    /// A WHATWG label to force instead of detecting.
    pub encoding: Option<String>,
    pub delimiter: Option<Delimiter>,
    pub has_header: Option<bool>,
    /// Workbook sheet; the first one when None.
    pub sheet: Option<String>,
    pub directory: Directory,
    pub saved: SavedMappings,
    /// Cores to use for parsing and checking; None = all (up to 4).
    pub threads: Option<usize>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvEncodingInfo")]
pub struct EncodingInfo {
    /// WHATWG name: "UTF-8", "UTF-16LE", "Big5", "GBK", "Shift_JIS", "EUC-KR", "windows-1252" …
    pub name: String,
    pub source: EncodingSource,
    /// Malformed byte sequences shown as U+FFFD (the UI warns when non-zero).
    pub replacements: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvCounts")]
pub struct Counts {
    /// People rows: everything but the header, blank lines and trailing footers.
    pub rows: u32,
    pub valid: u32,
    pub invalid: u32,
    /// Rows whose email already appeared earlier in the file.
    pub duplicates: u32,
    /// Blank rows and empty lines.
    pub blank: u32,
    pub footer: u32,
    /// Rows where cleaning changed a value (each change is a warning on the row).
    pub cleaned: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvSummary")]
pub struct Summary {
    pub file_name: String,
    pub source: SourceKind,
    pub encoding: Option<EncodingInfo>,
    pub delimiter: Option<Delimiter>,
    pub has_header: bool,
    /// 1-based line of the header row (a report title above it is skipped).
    pub header_line: Option<u32>,
    /// Header labels, or empty strings for a file without a header row.
    pub headers: Vec<String>,
    pub columns: u32,
    pub mapping: Mapping,
    pub counts: Counts,
    pub seats_left: Option<u32>,
    /// Checks that did not run because a service's facts were missing (see `Directory`).
    pub skipped_checks: Vec<SkippedCheck>,
    /// When the directory the rows were checked against was read (RFC 3339 UTC).
    pub directory_read_at: Option<String>,
    pub sheets: Vec<String>,
    pub sheet: Option<String>,
    /// False for a head-only preview: counts cover only the first rows.
    pub complete: bool,
    #[ts(type = "number")]
    pub file_size: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvRowFilter")]
pub enum RowFilter {
    All,
    ErrorsOnly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvRowKind")]
pub enum RowKind {
    Person,
    Blank,
    Footer,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvFieldValue")]
pub struct FieldValue {
    pub field: TargetField,
    /// The cleaned value that will be used.
    pub value: String,
    pub edited: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvRowView")]
pub struct RowView {
    /// 0-based index among the data rows (what `edit_cell` takes).
    pub index: u32,
    /// 1-based line in the file.
    pub line: u32,
    pub kind: RowKind,
    pub valid: bool,
    /// The source cells as read.
    pub cells: Vec<String>,
    pub values: Vec<FieldValue>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvPage")]
pub struct Page {
    pub offset: u32,
    /// Rows matching the filter.
    pub total: u32,
    pub rows: Vec<RowView>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvEditOutcome")]
pub struct EditOutcome {
    pub row: RowView,
    /// Other rows whose status changed (duplicates of the old or new email, seats).
    pub changed: Vec<u32>,
    pub counts: Counts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvInvalidPolicy")]
pub enum InvalidPolicy {
    /// Send the valid rows, skip the rest (the default).
    SkipInvalid,
    /// Refuse while any row has a problem.
    BlockIfInvalid,
}

/// A confirmed person for the invite engine.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvInviteRow")]
pub struct InviteRow {
    pub line: u32,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub teams: Vec<String>,
    pub role: Role,
    pub workspace: Option<String>,
}

impl InviteRow {
    /// The person the engine invites for this confirmed row.
    pub fn invitee(&self) -> Invitee {
        self.clone().into()
    }
}

impl From<InviteRow> for Invitee {
    fn from(r: InviteRow) -> Self {
        Invitee {
            email: r.email,
            first_name: r.first_name,
            last_name: r.last_name,
            teams: r.teams,
            role: r.role,
            workspace: r.workspace,
        }
    }
}
