//! Loading: bytes or a workbook → decoded text → table → header → mapping, and re-deriving all of it when a setting changes.

use super::*;

impl ImportSession {
    /// Reads and checks the whole file.
    pub fn open(path: &Path, opts: OpenOptions) -> Result<Self> {
        Self::load(path, opts, false)
    }

    /// Reads only the head (first 256 KiB, first 100 rows): an instant preview of any size of file.
    pub fn open_preview(path: &Path, opts: OpenOptions) -> Result<Self> {
        Self::load(path, opts, true)
    }

    pub(super) fn load(path: &Path, opts: OpenOptions, head_only: bool) -> Result<Self> {
        let kind = source::kind_for(path)?;
        let file_name = source::file_name(path);
        match kind {
            SourceKind::Text => {
                let (raw, size) = source::read(path, head_only.then_some(HEAD_BYTES))?;
                let complete = raw.len() as u64 == size;
                let mut s = Self::from_text(file_name, raw, size, complete, opts)?;
                s.path = Some(path.to_path_buf());
                Ok(s)
            }
            SourceKind::Workbook => {
                let (sheets, sheet, table) = crate::xlsx::read_sheet(path, opts.sheet.as_deref())?;
                let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                let mut s = Self::empty(file_name, kind, Vec::new(), size, true, opts);
                s.sheets = sheets;
                s.sheet = Some(sheet);
                s.path = Some(path.to_path_buf());
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

    pub(super) fn empty(
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
            path: None,
            fingerprint: std::sync::OnceLock::new(),
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

    pub(super) fn from_text(
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
    pub(super) fn reparse(&mut self) -> Result<()> {
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
    pub(super) fn find_header_row(&self) -> Option<usize> {
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

    pub(super) fn derive_header(&mut self) {
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

    pub(super) fn data_start(&self) -> usize {
        if self.has_header && self.table.rows() > 0 {
            self.header_row + 1
        } else {
            0
        }
    }

    pub(super) fn data_rows(&self) -> usize {
        self.table.rows().saturating_sub(self.data_start())
    }

    pub(super) fn derive_mapping(&mut self) {
        let ds = self.data_start();
        let end = (ds + 50).min(self.table.rows());
        let sample: Vec<Vec<&str>> = (ds..end).map(|r| self.table.row(r).collect()).collect();
        let headers = self.has_header.then_some(self.headers.as_slice());
        self.mapping = auto_map(headers, &sample, self.table.max_cols(), &self.saved);
    }

    pub(super) fn expected_cols(&self) -> usize {
        if self.has_header {
            self.headers
                .iter()
                .rposition(|h| !h.is_empty())
                .map_or(0, |p| p + 1)
        } else {
            0
        }
    }
}

/// A head ends mid-line (maybe mid-character): keep whole lines so nothing is falsely malformed.
pub(super) fn cut_at_last_newline<'a>(e: &'static Encoding, body: &'a [u8]) -> &'a [u8] {
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

pub(super) fn bom_len_for(e: &'static Encoding, raw: &[u8]) -> usize {
    match Encoding::for_bom(raw) {
        Some((b, len)) if b == e => len,
        _ => 0,
    }
}
