//! The app-facing import session: holds the parsed rows, re-derives on every setting change,
//! pages rows over IPC, re-validates a single edit without rescanning, and confirms the result.
//!
//! One job per file: `types` (what crosses IPC), `load` (bytes → table → header → mapping),
//! `evaluate` (checking and deduplicating rows), `read` (summary and pages), `edit` (the admin's
//! changes), `confirm` (what leaves the session), `draft` (the admin's unconfirmed work, saved so
//! that a crash or a kill does not lose it).

mod confirm;
mod draft;
mod edit;
mod evaluate;
mod load;
mod read;
mod types;

pub use draft::{Draft, DraftEdit, Fingerprint};
pub use types::*;

use evaluate::{EvalCtx, eval};
use load::bom_len_for;

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
    /// The file this session was opened from (None for bytes in memory and typed lists): a
    /// workbook is re-read from it when another sheet is picked, and a draft names it.
    path: Option<PathBuf>,
    /// The opened file's fingerprint, computed once when a draft first needs it.
    fingerprint: std::sync::OnceLock<Fingerprint>,
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
