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
}

impl CsvError {
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
    fn not_found_is_vanished() {
        let e = CsvError::from_open(std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(e.code(), "file_vanished");
    }
}
