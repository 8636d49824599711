//! The one error type of the crate: each variant has a stable snake_case `code()` the app translates.
//! Messages never carry a file path, a cell value or anything else that could leak a person's data.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum CsvError {
    #[error("this kind of file cannot be imported (use .csv, .tsv, .txt or .xlsx)")]
    UnsupportedExtension { extension: String },
    #[error("the file is empty")]
    EmptyFile,
    #[error("the file is not text (it looks binary)")]
    BinaryFile,
    #[error("the file is no longer there (moved or deleted)")]
    FileVanished,
    #[error("the file cannot be read: permission denied")]
    PermissionDenied,
    #[error("the file is too large to import (limit 4 GiB)")]
    FileTooLarge,
    #[error("the file cannot be read")]
    Io(#[source] std::io::Error),
    #[error("unknown text encoding")]
    UnknownEncoding { label: String },
    #[error("the spreadsheet cannot be read")]
    Spreadsheet { detail: String },
    #[error("the workbook has no sheet with that name")]
    SheetNotFound { sheet: String },
    #[error("this setting does not apply to a spreadsheet workbook")]
    NotText,
    #[error("this is a preview of the first rows only; open the whole file first")]
    PreviewOnly,
    #[error("row {row} does not exist")]
    RowOutOfRange { row: u32 },
    #[error("no column is mapped to Email")]
    EmailNotMapped,
    #[error("{invalid} rows have problems; fix or skip them before sending")]
    InvalidRowsBlock { invalid: u32 },
    #[error("a column index in the mapping does not exist")]
    BadMapping,
    #[error("the saved mappings cannot be read or written")]
    MappingStore(#[source] std::io::Error),
    #[error("the file cannot be written")]
    Export(#[source] std::io::Error),
    #[error("the file changed since these fixes were made, so they were not put back")]
    DraftSourceChanged,
}

impl CsvError {
    /// Every code `code()` can return, for the app's i18n completeness test.
    pub const CODES: [&'static str; 19] = [
        "unsupported_extension",
        "empty_file",
        "binary_file",
        "file_vanished",
        "permission_denied",
        "file_too_large",
        "io_error",
        "unknown_encoding",
        "spreadsheet_unreadable",
        "sheet_not_found",
        "not_text",
        "preview_only",
        "row_out_of_range",
        "email_not_mapped",
        "invalid_rows_block",
        "bad_mapping",
        "mapping_store_error",
        "export_failed",
        "draft_source_changed",
    ];

    /// Stable machine code: the UI keys its translated message on it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnsupportedExtension { .. } => "unsupported_extension",
            Self::EmptyFile => "empty_file",
            Self::BinaryFile => "binary_file",
            Self::FileVanished => "file_vanished",
            Self::PermissionDenied => "permission_denied",
            Self::FileTooLarge => "file_too_large",
            Self::Io(_) => "io_error",
            Self::UnknownEncoding { .. } => "unknown_encoding",
            Self::Spreadsheet { .. } => "spreadsheet_unreadable",
            Self::SheetNotFound { .. } => "sheet_not_found",
            Self::NotText => "not_text",
            Self::PreviewOnly => "preview_only",
            Self::RowOutOfRange { .. } => "row_out_of_range",
            Self::EmailNotMapped => "email_not_mapped",
            Self::InvalidRowsBlock { .. } => "invalid_rows_block",
            Self::BadMapping => "bad_mapping",
            Self::MappingStore(_) => "mapping_store_error",
            Self::Export(_) => "export_failed",
            Self::DraftSourceChanged => "draft_source_changed",
        }
    }

    /// Sorts an I/O error on opening into the distinct codes the UI explains differently.
    pub(crate) fn from_open(err: std::io::Error) -> Self {
        match err.kind() {
            std::io::ErrorKind::NotFound => Self::FileVanished,
            std::io::ErrorKind::PermissionDenied => Self::PermissionDenied,
            _ => Self::Io(err),
        }
    }
}

pub type Result<T> = std::result::Result<T, CsvError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_for_unreadable_inputs() {
        let codes = [
            CsvError::EmptyFile.code(),
            CsvError::BinaryFile.code(),
            CsvError::FileVanished.code(),
            CsvError::UnsupportedExtension {
                extension: "pdf".into(),
            }
            .code(),
        ];
        let mut sorted = codes.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
    }

    #[test]
    fn every_variant_code_is_listed() {
        let io = || std::io::Error::other("x");
        let all = [
            CsvError::UnsupportedExtension {
                extension: String::new(),
            },
            CsvError::EmptyFile,
            CsvError::BinaryFile,
            CsvError::FileVanished,
            CsvError::PermissionDenied,
            CsvError::FileTooLarge,
            CsvError::Io(io()),
            CsvError::UnknownEncoding {
                label: String::new(),
            },
            CsvError::Spreadsheet {
                detail: String::new(),
            },
            CsvError::SheetNotFound {
                sheet: String::new(),
            },
            CsvError::NotText,
            CsvError::PreviewOnly,
            CsvError::RowOutOfRange { row: 0 },
            CsvError::EmailNotMapped,
            CsvError::InvalidRowsBlock { invalid: 1 },
            CsvError::BadMapping,
            CsvError::MappingStore(io()),
            CsvError::Export(io()),
        ];
        for e in &all {
            assert!(CsvError::CODES.contains(&e.code()), "{}", e.code());
            assert!(!e.to_string().contains('/'), "messages carry no paths");
        }
    }

    #[test]
    fn not_found_is_vanished() {
        let e = CsvError::from_open(std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(e.code(), "file_vanished");
    }
}
