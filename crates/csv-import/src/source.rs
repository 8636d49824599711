//! Opens the admin's file: which kind it is by extension, and its bytes (all of them, or the head).
//! Vanished, unreadable, empty and unsupported files each get their own error code.

use crate::error::{CsvError, Result};
use serde::Serialize;
use std::io::Read;
use std::path::Path;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvSourceKind")]
pub enum SourceKind {
    /// Delimited text: .csv, .tsv, .txt.
    Text,
    /// An Excel workbook: .xlsx (also .xlsm, .xls, .ods through calamine).
    Workbook,
}

pub fn kind_for(path: &Path) -> Result<SourceKind> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" | "tsv" | "txt" | "tab" | "" => Ok(SourceKind::Text),
        "xlsx" | "xlsm" | "xls" | "ods" => Ok(SourceKind::Workbook),
        other => Err(CsvError::UnsupportedExtension {
            extension: other.chars().take(16).collect(),
        }),
    }
}

/// The file's name only: messages and reports never carry a full path.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads at most `limit` bytes (all when None); returns them and the file's full size.
pub fn read(path: &Path, limit: Option<usize>) -> Result<(Vec<u8>, u64)> {
    let mut f = std::fs::File::open(path).map_err(CsvError::from_open)?;
    let meta = f.metadata().map_err(CsvError::from_open)?;
    if meta.is_dir() {
        return Err(CsvError::UnsupportedExtension {
            extension: String::new(),
        });
    }
    let size = meta.len();
    if size == 0 {
        return Err(CsvError::EmptyFile);
    }
    if limit.is_none() && size > u64::from(u32::MAX) {
        return Err(CsvError::FileTooLarge);
    }
    let want = limit.map_or(size, |l| (l as u64).min(size)) as usize;
    let mut buf = Vec::with_capacity(want);
    f.by_ref()
        .take(want as u64)
        .read_to_end(&mut buf)
        .map_err(CsvError::from_open)?;
    if buf.is_empty() {
        return Err(CsvError::EmptyFile);
    }
    Ok((buf, size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_errors() {
        assert_eq!(kind_for(Path::new("a.CSV")).unwrap(), SourceKind::Text);
        assert_eq!(kind_for(Path::new("a.xlsx")).unwrap(), SourceKind::Workbook);
        assert_eq!(
            kind_for(Path::new("a.pdf")).unwrap_err().code(),
            "unsupported_extension"
        );
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("e.csv");
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(read(&empty, None).unwrap_err().code(), "empty_file");
        assert_eq!(
            read(&dir.path().join("gone.csv"), None).unwrap_err().code(),
            "file_vanished"
        );
        let f = dir.path().join("x.csv");
        std::fs::write(&f, b"abcdef").unwrap();
        assert_eq!(read(&f, Some(3)).unwrap(), (b"abc".to_vec(), 6));
    }
}
