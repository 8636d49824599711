//! The app-facing import session: holds the parsed rows, re-derives on every setting change,
//! pages rows over IPC, re-validates a single edit without rescanning, and confirms the result.

use crate::decode::{DecodeReader, decode_all};
use crate::dialect::{Delimiter, detect_delimiter, detect_header};
use crate::encoding::{self, EncodingSource, by_label, sniff};
use crate::error::{CsvError, Result};
use crate::fields::{CLEANED_MASK, ERROR_MASK, Problem, ProblemCode, TargetField};
use crate::mapping::{Mapping, SavedMappings, apply_manual, auto_map};
use crate::source::{self, SourceKind};
use crate::table::{Table, parse, parse_split};
use crate::validate::{
    DirIndex, Directory, Role, RowSource, SkippedCheck, check, email_key, is_footer_like,
    parse_role, resolve, split_teams,
};
use encoding_rs::Encoding;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use sia_actions_contract::Invitee;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// Bytes a head-only preview reads, whatever the file's size.
pub const HEAD_BYTES: usize = 256 * 1024;
/// Data rows a head-only preview parses.
pub const PREVIEW_ROWS: usize = 100;
/// Most rows one page may carry over IPC.
pub const MAX_PAGE: u32 = 1000;

const BLANK: u32 = 1 << 30;
const FOOTER: u32 = 1 << 31;
const EXCLUDED: u32 = BLANK | FOOTER;

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
    #[serde(with = "sia_actions_contract::lowercase_role")]
    #[ts(as = "sia_actions_contract::LowercaseRole")]
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

#[derive(Debug, Clone, Copy)]
struct EncodingState {
    encoding: &'static Encoding,
    source: EncodingSource,
    bom_len: usize,
    replacements: u64,
}

pub struct ImportSession {
    file_name: String,
    kind: SourceKind,
    /// The text file's bytes, kept so that a changed encoding or delimiter re-derives without re-reading.
    raw: Vec<u8>,
    file_size: u64,
    complete: bool,
    locale: Option<String>,
    encoding: Option<EncodingState>,
    delimiter: Option<Delimiter>,
    delimiter_forced: bool,
    sheets: Vec<String>,
    sheet: Option<String>,
    /// A workbook is re-read when another sheet is picked.
    workbook: Option<PathBuf>,
    table: Table,
    has_header: bool,
    /// Table row of the header (rows above it are titles, not people).
    header_row: usize,
    header_forced: bool,
    headers: Vec<String>,
    mapping: Mapping,
    saved: SavedMappings,
    directory: Directory,
    dir: DirIndex,
    threads: usize,
    bits: Vec<u32>,
    hashes: Vec<u64>,
    first_of: FxHashMap<u64, u32>,
    edits: FxHashMap<u32, Vec<(TargetField, String)>>,
    counts: Counts,
    /// A typed list (the individual-invite form): every entry is a person, never a footer.
    list: bool,
}

impl ImportSession {
    /// Reads and checks the whole file.
    pub fn open(path: &Path, opts: OpenOptions) -> Result<Self> {
        Self::load(path, opts, false)
    }

    /// Reads only the head (first 256 KiB, first 100 rows): an instant preview of any size of file.
    pub fn open_preview(path: &Path, opts: OpenOptions) -> Result<Self> {
        Self::load(path, opts, true)
    }

    fn load(path: &Path, opts: OpenOptions, head_only: bool) -> Result<Self> {
        let kind = source::kind_for(path)?;
        let file_name = source::file_name(path);
        match kind {
            SourceKind::Text => {
                let (raw, size) = source::read(path, head_only.then_some(HEAD_BYTES))?;
                let complete = raw.len() as u64 == size;
                Self::from_text(file_name, raw, size, complete, opts)
            }
            SourceKind::Workbook => {
                let (sheets, sheet, table) = crate::xlsx::read_sheet(path, opts.sheet.as_deref())?;
                let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                let mut s = Self::empty(file_name, kind, Vec::new(), size, true, opts);
                s.sheets = sheets;
                s.sheet = Some(sheet);
                s.workbook = Some(path.to_path_buf());
                s.table = table;
                s.derive_header();
                s.derive_mapping();
                s.validate_all();
                Ok(s)
            }
        }
    }

    /// Builds a session from bytes already in memory (`complete` = these are the whole file).
    pub fn from_bytes(file_name: &str, raw: Vec<u8>, opts: OpenOptions) -> Result<Self> {
        let size = raw.len() as u64;
        Self::from_text(file_name.to_owned(), raw, size, true, opts)
    }

    fn empty(
        file_name: String,
        kind: SourceKind,
        raw: Vec<u8>,
        file_size: u64,
        complete: bool,
        opts: OpenOptions,
    ) -> Self {
        Self {
            file_name,
            kind,
            raw,
            file_size,
            complete,
            locale: opts.locale.or_else(encoding::os_locale),
            encoding: None,
            delimiter: opts.delimiter,
            delimiter_forced: opts.delimiter.is_some(),
            sheets: Vec::new(),
            sheet: None,
            workbook: None,
            table: Table::default(),
            has_header: opts.has_header.unwrap_or(true),
            header_row: 0,
            header_forced: opts.has_header.is_some(),
            headers: Vec::new(),
            mapping: auto_map(None, &[], 0, &SavedMappings::default()),
            saved: opts.saved,
            threads: opts
                .threads
                .unwrap_or_else(|| {
                    std::thread::available_parallelism()
                        .map_or(1, |p| p.get())
                        .min(4)
                })
                .max(1),
            dir: DirIndex::new(&opts.directory),
            directory: opts.directory,
            bits: Vec::new(),
            hashes: Vec::new(),
            first_of: FxHashMap::default(),
            edits: FxHashMap::default(),
            counts: Counts::default(),
            list: false,
        }
    }

    /// A session over rows built in memory (the individual-invite form), with a fixed mapping:
    /// no header, no footer detection, the same cleaning, checks, dedupe and seats as a file.
    pub(crate) fn from_list(
        table: Table,
        columns: &BTreeMap<TargetField, Option<u32>>,
        directory: Directory,
    ) -> Self {
        let opts = OpenOptions {
            directory,
            has_header: Some(false),
            threads: Some(1),
            ..OpenOptions::default()
        };
        let mut s = Self::empty(
            "list".to_owned(),
            SourceKind::Text,
            Vec::new(),
            0,
            true,
            opts,
        );
        s.list = true;
        s.table = table;
        s.derive_header();
        let cols = s.table.max_cols();
        let base = auto_map(None, &[], cols, &SavedMappings::default());
        // An empty list has no columns to map; it then confirms nobody.
        s.mapping = apply_manual(&base, None, cols, columns).unwrap_or(base);
        s.validate_all();
        s
    }

    fn from_text(
        file_name: String,
        raw: Vec<u8>,
        size: u64,
        complete: bool,
        opts: OpenOptions,
    ) -> Result<Self> {
        if raw.is_empty() {
            return Err(CsvError::EmptyFile);
        }
        let forced = opts.encoding.as_deref().map(by_label).transpose()?;
        let mut s = Self::empty(file_name, SourceKind::Text, raw, size, complete, opts);
        let enc = match forced {
            Some(e) => EncodingState {
                encoding: e,
                source: EncodingSource::User,
                bom_len: bom_len_for(e, &s.raw),
                replacements: 0,
            },
            None => {
                let sn = sniff(&s.raw, complete, s.locale.as_deref())?;
                EncodingState {
                    encoding: sn.encoding,
                    source: sn.source,
                    bom_len: sn.bom_len,
                    replacements: 0,
                }
            }
        };
        s.encoding = Some(enc);
        s.reparse()?;
        Ok(s)
    }

    /// Decode + delimiter + parse + header + mapping + validation, from the kept bytes.
    fn reparse(&mut self) -> Result<()> {
        let Some(mut enc) = self.encoding else {
            return Err(CsvError::NotText);
        };
        let mut body = self.raw.get(enc.bom_len..).unwrap_or_default();
        if !self.complete {
            body = cut_at_last_newline(enc.encoding, body);
        }
        if !self.delimiter_forced {
            let head = &body[..body.len().min(encoding::DETECT_SAMPLE)];
            let (text, _) = decode_all(enc.encoding, head);
            self.delimiter = Some(detect_delimiter(&text));
        }
        let delim = self.delimiter.unwrap_or(Delimiter::Comma).byte();
        let limit = (!self.complete).then_some(PREVIEW_ROWS + 1);
        let utf8_direct = enc.encoding == encoding_rs::UTF_8
            && (enc.source == EncodingSource::Utf8 || std::str::from_utf8(body).is_ok());
        let threads = self.threads;
        let split = if self.complete {
            parse_split(body, (!utf8_direct).then_some(enc.encoding), delim, threads)
        } else {
            None
        };
        let mut table = if let Some(done) = split {
            let (t, replacements) = done?;
            enc.replacements = replacements;
            t
        } else if utf8_direct {
            enc.replacements = 0;
            parse(body, delim, body.len(), limit)?
        } else {
            let mut rdr = DecodeReader::new(enc.encoding, body);
            let t = parse(&mut rdr, delim, body.len() + body.len() / 4, limit)?;
            enc.replacements = rdr.replacements;
            t
        };
        if !self.complete && !table.truncated && table.rows() > 1 {
            // The head ends mid-record: drop the partial last row.
            table = Table::from_rows((0..table.rows() - 1).map(|r| {
                (
                    table.line(r),
                    table.row(r).map(str::to_owned).collect::<Vec<_>>(),
                )
            }));
        }
        self.encoding = Some(enc);
        self.table = table;
        self.edits.clear();
        self.derive_header();
        self.derive_mapping();
        self.validate_all();
        Ok(())
    }

    /// The header is the first row naming a known field, within the first lines and before any
    /// email (report titles above it are skipped); else row 0 when it holds no email.
    fn find_header_row(&self) -> Option<usize> {
        let limit = self.table.rows().min(10);
        for r in 0..limit {
            if self.table.row(r).any(crate::dialect::looks_like_email) {
                break;
            }
            if self
                .table
                .row(r)
                .any(|c| crate::mapping::synonym_field(c).is_some())
            {
                return Some(r);
            }
        }
        (self.table.rows() > 0 && detect_header(self.table.row(0))).then_some(0)
    }

    fn derive_header(&mut self) {
        let found = self.find_header_row();
        self.header_row = found.unwrap_or(0);
        if !self.header_forced {
            self.has_header = found.is_some();
        }
        let cols = self.table.max_cols();
        let hr = self.header_row;
        self.headers = if self.has_header {
            (0..cols)
                .map(|c| {
                    self.table
                        .cell(hr, c)
                        .trim()
                        .trim_start_matches('\u{FEFF}')
                        .to_owned()
                })
                .collect()
        } else {
            vec![String::new(); cols]
        };
    }

    fn data_start(&self) -> usize {
        if self.has_header && self.table.rows() > 0 {
            self.header_row + 1
        } else {
            0
        }
    }

    fn data_rows(&self) -> usize {
        self.table.rows().saturating_sub(self.data_start())
    }

    fn derive_mapping(&mut self) {
        let ds = self.data_start();
        let end = (ds + 50).min(self.table.rows());
        let sample: Vec<Vec<&str>> = (ds..end).map(|r| self.table.row(r).collect()).collect();
        let headers = self.has_header.then_some(self.headers.as_slice());
        self.mapping = auto_map(headers, &sample, self.table.max_cols(), &self.saved);
    }

    fn expected_cols(&self) -> usize {
        if self.has_header {
            self.headers
                .iter()
                .rposition(|h| !h.is_empty())
                .map_or(0, |p| p + 1)
        } else {
            0
        }
    }

    fn ctx(&self) -> EvalCtx<'_> {
        EvalCtx {
            table: &self.table,
            dir: &self.dir,
            edits: &self.edits,
            cols: self.mapping.columns(),
            expected: self.expected_cols(),
            ds: self.data_start(),
            footer_from: self.footer_start(),
        }
    }

    /// First data row of the trailing block of non-people lines.
    fn footer_start(&self) -> usize {
        let ds = self.data_start();
        if self.list {
            return self.table.rows().saturating_sub(ds);
        }
        let exp = self.expected_cols().max(1);
        let mut r = self.table.rows();
        while r > ds {
            let row = r - 1;
            let edited = self.edits.contains_key(&((row - ds) as u32));
            if !edited && (self.table.is_blank(row) || is_footer_like(&self.table, row, exp)) {
                r -= 1;
            } else {
                break;
            }
        }
        r - ds
    }

    /// Checks every row on all cores, then deduplicates in file order.
    fn validate_all(&mut self) {
        let n = self.data_rows();
        let mut bits = vec![0u32; n];
        let mut hashes = vec![0u64; n];
        {
            let ctx = self.ctx();
            let threads = self.threads;
            let chunk = n.div_ceil(threads).max(8192);
            let mut parts: Vec<(usize, &mut [u32], &mut [u64])> = bits
                .chunks_mut(chunk)
                .zip(hashes.chunks_mut(chunk))
                .enumerate()
                .map(|(ci, (b, h))| (ci * chunk, b, h))
                .collect();
            std::thread::scope(|scope| {
                let mut first = None;
                for (base, b, h) in parts.drain(..) {
                    if base == 0 {
                        first = Some((b, h));
                        continue;
                    }
                    let ctx = &ctx;
                    scope.spawn(move || fill(ctx, base, b, h));
                }
                if let Some((b, h)) = first {
                    fill(&ctx, 0, b, h);
                }
            });
        }
        self.bits = bits;
        self.hashes = hashes;
        self.dedupe_all();
        self.finish_counts();
    }

    /// Rows whose email appeared earlier are duplicates; a 64-bit hash collision is checked by value.
    fn dedupe_all(&mut self) {
        let mut first_of: FxHashMap<u64, u32> = FxHashMap::default();
        first_of.reserve(self.hashes.len());
        let dup = ProblemCode::EmailDuplicate.bit();
        for i in 0..self.hashes.len() {
            let h = self.hashes[i];
            if h == 0 {
                continue;
            }
            match first_of.entry(h) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(i as u32);
                }
                std::collections::hash_map::Entry::Occupied(o) => {
                    let f = *o.get() as usize;
                    if self.same_email(f, i) {
                        self.bits[i] |= dup;
                    }
                }
            }
        }
        self.first_of = first_of;
    }

    fn email_key_of(&self, i: usize) -> String {
        let ctx = self.ctx();
        let src = ctx.source(i);
        email_key(resolve(&src).get(TargetField::Email)).into_owned()
    }

    fn same_email(&self, a: usize, b: usize) -> bool {
        self.email_key_of(a) == self.email_key_of(b)
    }

    /// Seats go to valid rows in file order; then the counts.
    fn finish_counts(&mut self) {
        let seats = ProblemCode::SeatsExceeded.bit();
        let mut used = 0u32;
        let mut c = Counts {
            blank: self.table.skipped_blank_lines,
            ..Counts::default()
        };
        for b in &mut self.bits {
            *b &= !seats;
            if *b & BLANK != 0 {
                c.blank += 1;
                continue;
            }
            if *b & FOOTER != 0 {
                c.footer += 1;
                continue;
            }
            c.rows += 1;
            if *b & ERROR_MASK == 0 {
                used += 1;
                if self.dir.seats_left.is_some_and(|left| used > left) {
                    *b |= seats;
                }
            }
            if *b & ERROR_MASK == 0 {
                c.valid += 1;
            } else {
                c.invalid += 1;
            }
            c.duplicates += u32::from(*b & ProblemCode::EmailDuplicate.bit() != 0);
            c.cleaned += u32::from(*b & CLEANED_MASK != 0);
        }
        self.counts = c;
    }

    // ----- what the app reads -----

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

    fn view(&self, ctx: &EvalCtx, i: usize) -> RowView {
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

    // ----- what the admin changes -----

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
            .workbook
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
    fn redupe_group(&mut self, hash: u64, changed: &mut Vec<u32>) {
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

    // ----- what leaves the session -----

    /// The people to invite. Blocks on any invalid row with `BlockIfInvalid`.
    pub fn confirmed_rows(&self, policy: InvalidPolicy) -> Result<Vec<InviteRow>> {
        if !self.complete {
            return Err(CsvError::PreviewOnly);
        }
        if self.mapping.column(TargetField::Email).is_none() && self.edits.is_empty() {
            return Err(CsvError::EmailNotMapped);
        }
        if policy == InvalidPolicy::BlockIfInvalid && self.counts.invalid > 0 {
            return Err(CsvError::InvalidRowsBlock {
                invalid: self.counts.invalid,
            });
        }
        let ctx = self.ctx();
        let mut out = Vec::with_capacity(self.counts.valid as usize);
        for (i, b) in self.bits.iter().enumerate() {
            if b & EXCLUDED != 0 || b & ERROR_MASK != 0 {
                continue;
            }
            let src = ctx.source(i);
            let res = resolve(&src);
            let ws = res.get(TargetField::Workspace);
            out.push(InviteRow {
                line: self.table.line(i + ctx.ds),
                email: res.get(TargetField::Email).to_owned(),
                first_name: res.get(TargetField::FirstName).to_owned(),
                last_name: res.get(TargetField::LastName).to_owned(),
                teams: split_teams(res.get(TargetField::Teams))
                    .map(str::to_owned)
                    .collect(),
                role: parse_role(res.get(TargetField::Role)).unwrap_or(Role::User),
                workspace: (!ws.is_empty()).then(|| ws.to_owned()),
            });
        }
        Ok(out)
    }

    /// Rows with errors, each with its line and problems, for the error report and the CLI.
    pub fn error_rows(&self) -> impl Iterator<Item = RowView> + '_ {
        let ctx = self.ctx();
        self.bits
            .iter()
            .enumerate()
            .filter(|(_, b)| *b & EXCLUDED == 0 && *b & ERROR_MASK != 0)
            .map(move |(i, _)| self.view(&ctx, i))
    }

    /// Rows with any problem or warning (errors and cleaning notes).
    pub fn flagged_rows(&self) -> impl Iterator<Item = RowView> + '_ {
        let ctx = self.ctx();
        self.bits
            .iter()
            .enumerate()
            .filter(|(_, b)| *b & EXCLUDED == 0 && **b != 0)
            .map(move |(i, _)| self.view(&ctx, i))
    }

    pub(crate) fn source_cells_header(&self) -> Vec<String> {
        self.headers
            .iter()
            .enumerate()
            .map(|(c, h)| {
                if h.is_empty() {
                    format!("Column {}", c + 1)
                } else {
                    h.clone()
                }
            })
            .collect()
    }
}

/// A head ends mid-line (maybe mid-character): keep whole lines so nothing is falsely malformed.
fn cut_at_last_newline<'a>(e: &'static Encoding, body: &'a [u8]) -> &'a [u8] {
    let cut = if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE {
        let nl: [u8; 2] = if e == encoding_rs::UTF_16LE {
            [b'\n', 0]
        } else {
            [0, b'\n']
        };
        body.chunks_exact(2)
            .rposition(|p| p == nl)
            .map(|i| 2 * i + 2)
    } else {
        // In every ASCII-compatible encoding here, 0x0A is only ever a newline, never a trail byte.
        body.iter().rposition(|&b| b == b'\n').map(|i| i + 1)
    };
    cut.map_or(body, |c| &body[..c])
}

fn bom_len_for(e: &'static Encoding, raw: &[u8]) -> usize {
    match Encoding::for_bom(raw) {
        Some((b, len)) if b == e => len,
        _ => 0,
    }
}

/// What row evaluation needs, shareable across threads.
struct EvalCtx<'a> {
    table: &'a Table,
    dir: &'a DirIndex,
    edits: &'a FxHashMap<u32, Vec<(TargetField, String)>>,
    cols: [Option<usize>; 7],
    expected: usize,
    ds: usize,
    footer_from: usize,
}

impl EvalCtx<'_> {
    fn source(&self, i: usize) -> RowSource<'_> {
        RowSource {
            table: self.table,
            row: i + self.ds,
            cells: self.table.row_ref(i + self.ds),
            cols: &self.cols,
            edits: if self.edits.is_empty() {
                None
            } else {
                self.edits.get(&(i as u32)).map(Vec::as_slice)
            },
            expected_cols: self.expected,
        }
    }
}

fn eval(ctx: &EvalCtx, i: usize, detail: Option<&mut Vec<Problem>>) -> (u32, u64) {
    let edited = !ctx.edits.is_empty() && ctx.edits.contains_key(&(i as u32));
    if !edited {
        if ctx.table.is_blank(i + ctx.ds) {
            return (BLANK, 0);
        }
        if i >= ctx.footer_from {
            return (FOOTER, 0);
        }
    }
    let src = ctx.source(i);
    let res = resolve(&src);
    check(&res, &src, ctx.dir, detail)
}

fn fill(ctx: &EvalCtx, base: usize, bits: &mut [u32], hashes: &mut [u64]) {
    for (k, (b, h)) in bits.iter_mut().zip(hashes.iter_mut()).enumerate() {
        (*b, *h) = eval(ctx, base + k, None);
    }
}
