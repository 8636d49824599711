//! The admin's unconfirmed work on an open file — how it was read, the mapping, the fixed cells —
//! small enough to save after every change, so that a crash, a kill or a power cut between fixing
//! rows and confirming them loses nothing: the same file reopened with its draft is the session
//! the admin left.
//!
//! A draft is put back only on the very file it was made on (same size and SHA-256): fixes are
//! keyed by row, and on a file that changed since, row 12 may be someone else.

use sha2::{Digest, Sha256};

use super::*;

/// Which file a draft was made on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub size: u64,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
}

impl Fingerprint {
    pub fn of_bytes(bytes: &[u8]) -> Self {
        Self {
            size: bytes.len() as u64,
            sha256: hex(&Sha256::digest(bytes)),
        }
    }

    /// Reads `path` whole (a file the import already read whole once).
    pub fn of_file(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(CsvError::from_open)?;
        Ok(Self::of_bytes(&bytes))
    }
}

/// One fixed cell: the row (as `edit_cell` takes it), its line in the file for people, the field
/// and the value typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvDraftEdit")]
pub struct DraftEdit {
    pub row: u32,
    /// 1-based line in the file, as the preview shows it.
    pub line: u32,
    pub field: TargetField,
    pub value: String,
}

/// Everything needed to put an import back as the admin left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub path: PathBuf,
    pub file_name: String,
    pub fingerprint: Fingerprint,
    /// The encoding the admin chose (None: detected, and detected again the same way).
    pub encoding: Option<String>,
    pub delimiter: Option<Delimiter>,
    pub has_header: Option<bool>,
    pub sheet: Option<String>,
    /// Field → column, as the mapping screen sets it.
    pub mapping: BTreeMap<TargetField, Option<u32>>,
    /// In the order they were made (a later fix of the same cell wins).
    pub edits: Vec<DraftEdit>,
}

impl ImportSession {
    /// The admin's unconfirmed work, or None when there is nothing a restart would lose: no fixed
    /// cell (settings and mapping alone come back from the file and the saved mappings), or no
    /// file behind the session (a typed list).
    pub fn draft(&self) -> Result<Option<Draft>> {
        let Some(path) = self.path.clone() else {
            return Ok(None);
        };
        if self.edits.is_empty() {
            return Ok(None);
        }
        let fingerprint = self.fingerprint(&path)?;
        let ds = self.data_start();
        let mut edits: Vec<DraftEdit> = self
            .edits
            .iter()
            .flat_map(|(&row, fields)| {
                fields.iter().map(move |(field, value)| DraftEdit {
                    row,
                    line: 0,
                    field: *field,
                    value: value.clone(),
                })
            })
            .collect();
        edits.sort_by_key(|e| (e.row, e.field.index()));
        for e in &mut edits {
            e.line = self.table.line(e.row as usize + ds);
        }
        Ok(Some(Draft {
            path,
            file_name: self.file_name.clone(),
            fingerprint,
            encoding: self
                .encoding
                .filter(|e| e.source == EncodingSource::User)
                .map(|e| e.encoding.name().to_owned()),
            delimiter: self.delimiter_forced.then_some(self.delimiter).flatten(),
            has_header: self.header_forced.then_some(self.has_header),
            sheet: self.sheet.clone(),
            mapping: self
                .mapping
                .fields
                .iter()
                .map(|f| (f.field, f.column))
                .collect(),
            edits,
        }))
    }

    /// The opened file's fingerprint, computed once: text from the bytes already in memory, a
    /// workbook by reading `path` again.
    fn fingerprint(&self, path: &Path) -> Result<Fingerprint> {
        if let Some(f) = self.fingerprint.get() {
            return Ok(f.clone());
        }
        let f = if self.kind == SourceKind::Text && self.complete {
            Fingerprint::of_bytes(&self.raw)
        } else {
            Fingerprint::of_file(path)?
        };
        Ok(self.fingerprint.get_or_init(|| f).clone())
    }

    /// Opens the draft's file as the admin had it and makes the same fixes again.
    /// `CsvError::DraftSourceChanged` when the file is not the one the fixes were made on.
    pub fn reopen(draft: &Draft, opts: OpenOptions) -> Result<Self> {
        // A file of another size is another file, whatever opening it would say.
        let size = std::fs::metadata(&draft.path)
            .map_err(CsvError::from_open)?
            .len();
        if size != draft.fingerprint.size {
            return Err(CsvError::DraftSourceChanged);
        }
        let opts = OpenOptions {
            encoding: draft.encoding.clone(),
            delimiter: draft.delimiter,
            has_header: draft.has_header,
            sheet: draft.sheet.clone(),
            ..opts
        };
        // The file is read once: its fingerprint comes from what was just opened.
        let mut session = Self::open(&draft.path, opts)?;
        if session.fingerprint(&draft.path)? != draft.fingerprint {
            return Err(CsvError::DraftSourceChanged);
        }
        session.set_mapping(&draft.mapping)?;
        for e in &draft.edits {
            session.edit_cell(e.row, e.field, e.value.clone())?;
        }
        Ok(session)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str =
        "email,first_name,last_name\nmei.lin@example.com,Mei,Lin\nraj@exam ple.com,Raj,Kumar\n";

    fn open(dir: &Path, body: &str) -> (PathBuf, ImportSession) {
        let path = dir.join("people.csv");
        std::fs::write(&path, body).unwrap();
        let session = ImportSession::open(&path, OpenOptions::default()).unwrap();
        (path, session)
    }

    #[test]
    fn nothing_to_keep_until_a_cell_is_fixed() {
        let dir = tempfile::tempdir().unwrap();
        let (_, session) = open(dir.path(), CSV);
        assert_eq!(session.draft().unwrap(), None);
    }

    #[test]
    fn a_reopened_draft_is_the_session_the_admin_left() {
        let dir = tempfile::tempdir().unwrap();
        let (_, mut session) = open(dir.path(), CSV);
        assert_eq!(session.counts().invalid, 1);
        session
            .edit_cell(1, TargetField::Email, "raj@example.com".into())
            .unwrap();
        session
            .edit_cell(1, TargetField::FirstName, "Rajesh".into())
            .unwrap();
        let draft = session.draft().unwrap().expect("a fixed cell is a draft");
        assert_eq!(draft.file_name, "people.csv");
        assert_eq!(draft.edits.len(), 2);
        assert_eq!(draft.edits[0].line, 3, "the line the preview shows");

        // Saved as JSON and read back, as across a restart.
        let json = serde_json::to_string(&draft).unwrap();
        let back: Draft = serde_json::from_str(&json).unwrap();
        let reopened = ImportSession::reopen(&back, OpenOptions::default()).unwrap();
        assert_eq!(reopened.counts(), session.counts());
        assert_eq!(reopened.counts().invalid, 0);
        let page = reopened.page(0, 10, RowFilter::All);
        let raj = &page.rows[1];
        assert!(raj.valid);
        let value = |f: TargetField| {
            raj.values
                .iter()
                .find(|v| v.field == f)
                .map(|v| (v.value.clone(), v.edited))
        };
        assert_eq!(
            value(TargetField::Email),
            Some(("raj@example.com".into(), true))
        );
        assert_eq!(value(TargetField::FirstName), Some(("Rajesh".into(), true)));
        assert_eq!(reopened.draft().unwrap(), Some(draft));
    }

    #[test]
    fn settings_and_mapping_the_admin_chose_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let (_, mut session) = open(dir.path(), "a;b;c\nmei.lin@example.com;Mei;Lin\nx;Raj;K\n");
        session.set_delimiter(Delimiter::Semicolon).unwrap();
        let mapping = BTreeMap::from([
            (TargetField::Email, Some(0)),
            (TargetField::FirstName, Some(1)),
            (TargetField::LastName, Some(2)),
        ]);
        session.set_mapping(&mapping).unwrap();
        session
            .edit_cell(1, TargetField::Email, "raj@example.com".into())
            .unwrap();
        let draft = session.draft().unwrap().unwrap();
        assert_eq!(draft.delimiter, Some(Delimiter::Semicolon));
        assert_eq!(draft.mapping.get(&TargetField::Email), Some(&Some(0)));
        let reopened = ImportSession::reopen(&draft, OpenOptions::default()).unwrap();
        assert_eq!(reopened.summary().mapping, session.summary().mapping);
        assert_eq!(reopened.counts().invalid, 0);
    }

    #[test]
    fn a_changed_file_is_not_patched_with_old_fixes() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut session) = open(dir.path(), CSV);
        session
            .edit_cell(1, TargetField::Email, "raj@example.com".into())
            .unwrap();
        let draft = session.draft().unwrap().unwrap();
        // Someone sorted the sheet: row 1 is now another person.
        std::fs::write(
            &path,
            "email,first_name,last_name\nraj@exam ple.com,Raj,Kumar\nmei.lin@example.com,Mei,Lin\n",
        )
        .unwrap();
        let err = ImportSession::reopen(&draft, OpenOptions::default())
            .err()
            .unwrap();
        assert_eq!(err.code(), "draft_source_changed");
        std::fs::remove_file(&path).unwrap();
        let err = ImportSession::reopen(&draft, OpenOptions::default())
            .err()
            .unwrap();
        assert_eq!(err.code(), "file_vanished");
    }
}
