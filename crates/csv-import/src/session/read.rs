//! What the app reads: the summary, pages of rows, one row.

use super::*;

impl ImportSession {
    pub fn summary(&self) -> Summary {
        Summary {
            file_name: self.file_name.clone(),
            source: self.kind,
            encoding: self.encoding.map(|e| EncodingInfo {
                name: e.encoding.name().to_owned(),
                source: e.source,
                replacements: u32::try_from(e.replacements).unwrap_or(u32::MAX),
            }),
            delimiter: self.delimiter.filter(|_| self.kind == SourceKind::Text),
            has_header: self.has_header,
            header_line: self.has_header.then(|| self.table.line(self.header_row)),
            headers: self.headers.clone(),
            columns: self.table.max_cols() as u32,
            mapping: self.mapping.clone(),
            counts: self.counts,
            seats_left: self.dir.seats_left,
            skipped_checks: self.directory.skipped_checks.clone(),
            directory_read_at: self.directory.read_at.clone(),
            sheets: self.sheets.clone(),
            sheet: self.sheet.clone(),
            complete: self.complete,
            file_size: self.file_size,
        }
    }

    pub fn counts(&self) -> Counts {
        self.counts
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    pub fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    /// Number of data rows (people, blank and footer lines; not the header).
    pub fn len(&self) -> u32 {
        self.bits.len() as u32
    }

    pub fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }

    /// A window of rows, optionally only those with errors. `limit` is capped at 1000.
    pub fn page(&self, offset: u32, limit: u32, filter: RowFilter) -> Page {
        let limit = limit.min(MAX_PAGE) as usize;
        let ctx = self.ctx();
        match filter {
            RowFilter::All => {
                let total = self.len();
                let rows = (offset as usize..(offset as usize + limit).min(self.bits.len()))
                    .map(|i| self.view(&ctx, i))
                    .collect();
                Page {
                    offset,
                    total,
                    rows,
                }
            }
            RowFilter::ErrorsOnly => {
                let is_err = |b: &u32| b & EXCLUDED == 0 && b & ERROR_MASK != 0;
                let total = self.bits.iter().filter(|b| is_err(b)).count() as u32;
                let rows = self
                    .bits
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| is_err(b))
                    .skip(offset as usize)
                    .take(limit)
                    .map(|(i, _)| self.view(&ctx, i))
                    .collect();
                Page {
                    offset,
                    total,
                    rows,
                }
            }
        }
    }

    /// One row with its cells, cleaned values and every problem (for tests and the CLI too).
    pub fn row(&self, index: u32) -> Result<RowView> {
        if index as usize >= self.bits.len() {
            return Err(CsvError::RowOutOfRange { row: index });
        }
        Ok(self.view(&self.ctx(), index as usize))
    }

    pub(super) fn view(&self, ctx: &EvalCtx, i: usize) -> RowView {
        let b = self.bits[i];
        let trow = i + ctx.ds;
        let kind = if b & BLANK != 0 {
            RowKind::Blank
        } else if b & FOOTER != 0 {
            RowKind::Footer
        } else {
            RowKind::Person
        };
        let mut problems = Vec::new();
        let mut values = Vec::new();
        if kind == RowKind::Person {
            let src = ctx.source(i);
            let res = resolve(&src);
            check(&res, &src, ctx.dir, Some(&mut problems));
            if b & ProblemCode::EmailDuplicate.bit() != 0 {
                let first = self
                    .first_of
                    .get(&self.hashes[i])
                    .map(|&f| self.table.line(f as usize + ctx.ds))
                    .unwrap_or(0);
                problems.insert(
                    0,
                    Problem::new(ProblemCode::EmailDuplicate, Some(TargetField::Email))
                        .with("firstLine", first.to_string()),
                );
            }
            if b & ProblemCode::SeatsExceeded.bit() != 0 {
                let left = self.dir.seats_left.unwrap_or(0);
                problems.push(
                    Problem::new(ProblemCode::SeatsExceeded, None)
                        .with("seatsLeft", left.to_string()),
                );
            }
            let edited = self.edits.get(&(i as u32));
            for f in TargetField::ALL {
                let is_edited = edited.is_some_and(|e| e.iter().any(|(ef, _)| *ef == f));
                if ctx.cols[f.index()].is_some() || is_edited || !res.get(f).is_empty() {
                    values.push(FieldValue {
                        field: f,
                        value: res.get(f).to_owned(),
                        edited: is_edited,
                    });
                }
            }
        }
        RowView {
            index: i as u32,
            line: self.table.line(trow),
            kind,
            valid: kind == RowKind::Person && b & ERROR_MASK == 0,
            cells: self.table.row(trow).map(str::to_owned).collect(),
            values,
            problems,
        }
    }
}
