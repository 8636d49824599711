//! What the admin changes: encoding, delimiter, header, sheet, mapping, directory, one cell.

use super::*;

impl ImportSession {
    /// Re-decodes with another encoding (WHATWG label); the preview is redrawn from scratch.
    pub fn set_encoding(&mut self, label: &str) -> Result<Summary> {
        let e = by_label(label)?;
        if self.kind != SourceKind::Text {
            return Err(CsvError::NotText);
        }
        self.encoding = Some(EncodingState {
            encoding: e,
            source: EncodingSource::User,
            bom_len: bom_len_for(e, &self.raw),
            replacements: 0,
        });
        self.reparse()?;
        Ok(self.summary())
    }

    pub fn set_delimiter(&mut self, d: Delimiter) -> Result<Summary> {
        if self.kind != SourceKind::Text {
            return Err(CsvError::NotText);
        }
        self.delimiter = Some(d);
        self.delimiter_forced = true;
        self.reparse()?;
        Ok(self.summary())
    }

    pub fn set_has_header(&mut self, has_header: bool) -> Summary {
        self.has_header = has_header;
        self.header_forced = true;
        self.edits.clear();
        self.derive_header();
        self.derive_mapping();
        self.validate_all();
        self.summary()
    }

    /// Opens another sheet of a workbook.
    pub fn set_sheet(&mut self, sheet: &str) -> Result<Summary> {
        let Some(path) = self
            .path
            .as_deref()
            .filter(|_| self.kind == SourceKind::Workbook)
        else {
            return Err(CsvError::NotText);
        };
        let (sheets, name, table) = crate::xlsx::read_sheet(path, Some(sheet))?;
        self.sheets = sheets;
        self.sheet = Some(name);
        self.table = table;
        self.edits.clear();
        self.derive_header();
        self.derive_mapping();
        self.validate_all();
        Ok(self.summary())
    }

    /// The admin's mapping: field → column index (None unmaps). Edits are kept.
    pub fn set_mapping(&mut self, choice: &BTreeMap<TargetField, Option<u32>>) -> Result<Summary> {
        let headers = self.has_header.then_some(self.headers.as_slice());
        self.mapping = apply_manual(&self.mapping, headers, self.table.max_cols(), choice)?;
        self.validate_all();
        Ok(self.summary())
    }

    /// Fresh facts about the instance (seats, teams, invitees, Salesforce users). Edits are kept.
    pub fn set_directory(&mut self, directory: Directory) -> Summary {
        self.dir = DirIndex::new(&directory);
        self.directory = directory;
        self.validate_all();
        self.summary()
    }

    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    /// Remembers the current mapping for this set of headers in `saved` (the caller persists it).
    pub fn remember_mapping(&self, saved: &mut SavedMappings) {
        if self.has_header {
            saved.remember(&self.headers, &self.mapping);
        }
    }

    /// Fixes one cell and re-validates that row and the rows sharing its old or new email.
    pub fn edit_cell(
        &mut self,
        row: u32,
        field: TargetField,
        value: String,
    ) -> Result<EditOutcome> {
        let i = row as usize;
        if i >= self.bits.len() {
            return Err(CsvError::RowOutOfRange { row });
        }
        let old_hash = self.hashes[i];
        // A 4-bytes-per-row snapshot: cheap next to a rescan, and it catches every seat shift too.
        let before = self.bits.clone();
        let e = self.edits.entry(row).or_default();
        e.retain(|(f, _)| *f != field);
        e.push((field, value));
        let (b, h) = {
            let mut ctx = self.ctx();
            // An edited row is a person even if it was a blank or trailing line.
            ctx.footer_from = usize::MAX;
            eval(&ctx, i, None)
        };
        self.bits[i] = b;
        self.hashes[i] = h;
        let mut changed = Vec::new();
        for hash in [old_hash, h] {
            if hash != 0 {
                self.redupe_group(hash, &mut changed);
            }
        }
        self.finish_counts();
        changed.extend(
            before
                .iter()
                .zip(&self.bits)
                .enumerate()
                .filter(|(_, (a, b))| a != b)
                .map(|(i, _)| i as u32),
        );
        changed.sort_unstable();
        changed.dedup();
        changed.retain(|&r| r != row);
        Ok(EditOutcome {
            row: self.view(&self.ctx(), i),
            changed,
            counts: self.counts,
        })
    }

    /// Recomputes the duplicate bit of every row with this hash (a linear scan, no rescan of cells).
    pub(super) fn redupe_group(&mut self, hash: u64, changed: &mut Vec<u32>) {
        let dup = ProblemCode::EmailDuplicate.bit();
        let members: Vec<usize> = self
            .hashes
            .iter()
            .enumerate()
            .filter(|&(_, &h)| h == hash)
            .map(|(i, _)| i)
            .collect();
        let mut firsts: Vec<(String, usize)> = Vec::new();
        for &m in &members {
            let key = self.email_key_of(m);
            let was = self.bits[m] & dup;
            let is = if firsts.iter().any(|(k, _)| *k == key) {
                dup
            } else {
                firsts.push((key, m));
                0
            };
            self.bits[m] = (self.bits[m] & !dup) | is;
            if was != is {
                changed.push(m as u32);
            }
        }
        match firsts.first() {
            Some(&(_, f)) => {
                self.first_of.insert(hash, f as u32);
            }
            None => {
                self.first_of.remove(&hash);
            }
        }
    }
}
