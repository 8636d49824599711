//! Parsed rows in flat buffers (one per piece parsed): cells are offsets, so a million rows cost a few allocations.
//! Built by the `csv` crate (quotes, quoted newlines, ragged rows, huge fields) from any UTF-8 reader.

use crate::error::{CsvError, Result};
use std::io::Read;

/// One run of rows parsed together (a file split for parallel parsing has several).
#[derive(Debug, Default, Clone)]
struct Seg {
    buf: String,
    /// End offset in `buf` of every cell, row after row.
    cell_ends: Vec<u32>,
    /// Index into `cell_ends` of each row's first cell; one extra entry closes the last row.
    row_starts: Vec<u32>,
    /// 1-based physical line on which each row starts.
    lines: Vec<u32>,
}

impl Seg {
    fn row_ref(&self, row: usize) -> RowRef<'_> {
        let (a, b) = match (self.row_starts.get(row), self.row_starts.get(row + 1)) {
            (Some(&a), Some(&b)) => (a as usize, b as usize),
            _ => (0, 0),
        };
        let first = if a == 0 {
            0
        } else {
            self.cell_ends.get(a - 1).copied().unwrap_or(0)
        };
        RowRef {
            buf: &self.buf,
            first,
            ends: self.cell_ends.get(a..b).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    segs: Vec<Seg>,
    /// First table row of each segment.
    seg_first: Vec<usize>,
    rows: usize,
    max_cols: usize,
    /// Whether parsing stopped at a record limit before the end of the input.
    pub truncated: bool,
    /// Empty lines the parser stepped over (they are not rows, but the admin sees the count).
    pub skipped_blank_lines: u32,
}

impl Default for Table {
    fn default() -> Self {
        Self {
            segs: vec![Seg::default()],
            seg_first: vec![0],
            rows: 0,
            max_cols: 0,
            truncated: false,
            skipped_blank_lines: 0,
        }
    }
}

impl Table {
    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn max_cols(&self) -> usize {
        self.max_cols
    }

    fn locate(&self, row: usize) -> Option<(&Seg, usize)> {
        if row >= self.rows {
            return None;
        }
        let k = self.seg_first.iter().rposition(|&f| f <= row)?;
        Some((self.segs.get(k)?, row - self.seg_first[k]))
    }

    pub fn line(&self, row: usize) -> u32 {
        self.locate(row)
            .and_then(|(s, r)| s.lines.get(r).copied())
            .unwrap_or(0)
    }

    pub fn row_len(&self, row: usize) -> usize {
        self.row_ref(row).len()
    }

    pub fn cell(&self, row: usize, col: usize) -> &str {
        self.row_ref(row).get(col)
    }

    pub fn row(&self, row: usize) -> impl Iterator<Item = &str> + '_ {
        let r = self.row_ref(row);
        (0..r.len()).map(move |c| r.get(c))
    }

    /// One row's cells, looked up once (the hot loop reads several cells per row).
    pub(crate) fn row_ref(&self, row: usize) -> RowRef<'_> {
        match self.locate(row) {
            Some((s, r)) => s.row_ref(r),
            None => RowRef {
                buf: "",
                first: 0,
                ends: &[],
            },
        }
    }

    /// Joins tables parsed from consecutive pieces of one text; `newlines[i]` is the number of
    /// line breaks in piece i, so later pieces' line numbers continue where the earlier ones end.
    fn join(parts: Vec<(Table, u64)>) -> Table {
        let mut out = Table {
            segs: Vec::new(),
            seg_first: Vec::new(),
            ..Table::default()
        };
        let mut line_base = 0u64;
        for (t, newlines) in parts {
            let base = u32::try_from(line_base).unwrap_or(u32::MAX);
            for mut seg in t.segs {
                if base > 0 {
                    for l in &mut seg.lines {
                        *l = l.saturating_add(base);
                    }
                }
                out.seg_first.push(out.rows);
                out.rows += seg.lines.len();
                out.segs.push(seg);
            }
            out.max_cols = out.max_cols.max(t.max_cols);
            out.skipped_blank_lines += t.skipped_blank_lines;
            line_base += newlines;
        }
        if out.segs.is_empty() {
            return Table::default();
        }
        out
    }

    /// Every cell of the row is empty or whitespace.
    pub fn is_blank(&self, row: usize) -> bool {
        let r = self.row_ref(row);
        (0..r.len()).all(|c| {
            let cell = r.get(c);
            cell.is_empty()
                || cell
                    .chars()
                    .all(|ch| ch.is_whitespace() || is_invisible(ch))
        })
    }

    /// Builds a table from rows of owned cells (spreadsheets, tests).
    pub fn from_rows<I, R, S>(rows: I) -> Self
    where
        I: IntoIterator<Item = (u32, R)>,
        R: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut t = Builder::default();
        for (line, row) in rows {
            for cell in row {
                t.push_cell(cell.as_ref().as_bytes());
            }
            t.end_row(line);
        }
        t.finish(false)
    }
}

#[derive(Clone, Copy)]
pub(crate) struct RowRef<'a> {
    buf: &'a str,
    first: u32,
    ends: &'a [u32],
}

impl<'a> RowRef<'a> {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// The cell, or "" past the end of a short (ragged) row.
    pub fn get(&self, col: usize) -> &'a str {
        let Some(&end) = self.ends.get(col) else {
            return "";
        };
        let start = if col == 0 {
            self.first
        } else {
            self.ends[col - 1]
        };
        self.buf.get(start as usize..end as usize).unwrap_or("")
    }
}

pub(crate) fn is_invisible(ch: char) -> bool {
    matches!(
        ch,
        '\u{00A0}'
            | '\u{200B}'
            | '\u{200C}'
            | '\u{200D}'
            | '\u{2060}'
            | '\u{FEFF}'
            | '\u{202F}'
            | '\u{2007}'
            | '\u{00AD}'
    )
}

#[derive(Default)]
struct Builder {
    buf: Vec<u8>,
    cell_ends: Vec<u32>,
    row_starts: Vec<u32>,
    lines: Vec<u32>,
    max_cols: usize,
}

impl Builder {
    fn push_cell(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        self.cell_ends.push(self.buf.len() as u32);
    }

    fn end_row(&mut self, line: u32) {
        self.row_starts.push(self.cell_ends.len() as u32);
        self.lines.push(line);
    }

    fn finish(mut self, truncated: bool) -> Table {
        let mut starts = Vec::with_capacity(self.row_starts.len() + 1);
        starts.push(0u32);
        starts.extend_from_slice(&self.row_starts);
        for w in starts.windows(2) {
            self.max_cols = self.max_cols.max((w[1] - w[0]) as usize);
        }
        let buf = String::from_utf8(self.buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        let rows = self.lines.len();
        Table {
            segs: vec![Seg {
                buf,
                cell_ends: self.cell_ends,
                row_starts: starts,
                lines: self.lines,
            }],
            seg_first: vec![0],
            rows,
            max_cols: self.max_cols,
            truncated,
            skipped_blank_lines: 0,
        }
    }
}

/// Passes bytes through, noting where each newline is: the `csv` crate's own line count skips
/// blank lines, but the admin needs the physical line number their editor shows.
struct LineIndex<R> {
    inner: R,
    pos: u64,
    prev_cr: bool,
    /// (start, end) of each line terminator not yet passed: "\n" or "\r\n".
    newlines: std::collections::VecDeque<(u64, u64)>,
    consumed: u64,
    skipped: u64,
}

impl<R: Read> Read for LineIndex<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for i in memchr::memchr_iter(b'\n', &buf[..n]) {
            let at = self.pos + i as u64;
            let prev_cr = if i > 0 {
                buf[i - 1] == b'\r'
            } else {
                self.prev_cr
            };
            self.newlines
                .push_back((if prev_cr { at - 1 } else { at }, at + 1));
        }
        if n > 0 {
            self.prev_cr = buf[n - 1] == b'\r';
        }
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R> LineIndex<R> {
    /// 1-based line of the record the parser says starts at `byte`; offsets never decrease.
    /// The parser reports the start of any blank lines it skipped, so those are stepped over.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut cur = byte;
        while let Some(&(_, e)) = self.newlines.front().filter(|&&(s, _)| s < byte) {
            self.newlines.pop_front();
            self.consumed += 1;
            cur = cur.max(e);
        }
        while let Some(&(s, e)) = self.newlines.front() {
            if s != cur {
                break;
            }
            self.newlines.pop_front();
            self.consumed += 1;
            // A terminator right where the record starts ends an empty line.
            self.skipped += 1;
            cur = e;
        }
        self.consumed + 1
    }
}

/// Parses delimited UTF-8 text. `max_records` stops early (for previews of huge files).
pub fn parse<R: Read>(
    input: R,
    delimiter: u8,
    size_hint: usize,
    max_records: Option<usize>,
) -> Result<Table> {
    if size_hint > u32::MAX as usize {
        return Err(CsvError::FileTooLarge);
    }
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(256 * 1024)
        .from_reader(LineIndex {
            inner: input,
            pos: 0,
            prev_cr: false,
            newlines: Default::default(),
            consumed: 0,
            skipped: 0,
        });
    let mut b = Builder {
        buf: Vec::with_capacity(size_hint),
        cell_ends: Vec::with_capacity(size_hint / 6),
        row_starts: Vec::with_capacity(size_hint / 24),
        lines: Vec::with_capacity(size_hint / 24),
        max_cols: 0,
    };
    let mut rec = csv::ByteRecord::new();
    let mut truncated = false;
    loop {
        if max_records.is_some_and(|m| b.lines.len() >= m) {
            truncated = true;
            break;
        }
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(match e.into_kind() {
                    csv::ErrorKind::Io(io) => CsvError::Io(io),
                    _ => CsvError::Io(std::io::Error::other("malformed delimited text")),
                });
            }
        }
        if b.buf.len() + rec.as_slice().len() > u32::MAX as usize {
            return Err(CsvError::FileTooLarge);
        }
        for field in rec.iter() {
            b.push_cell(field);
        }
        let byte = rec.position().map_or(0, |p| p.byte());
        let line = rdr.get_mut().line_at(byte);
        b.end_row(u32::try_from(line).unwrap_or(u32::MAX));
    }
    let skipped = rdr.get_ref().skipped;
    let mut t = b.finish(truncated);
    t.skipped_blank_lines = u32::try_from(skipped).unwrap_or(u32::MAX);
    Ok(t)
}

/// Below this, one thread parses faster than two can be started and joined.
const MIN_SPLIT: usize = 2 << 20;

/// Parses a whole file on several cores when that is safe, else returns None. Without any quote
/// character every newline ends a record, and in UTF-8 and every ASCII-compatible legacy
/// encoding the byte 0x0A is only ever a newline, so pieces cut just after one parse on their own.
/// `encoding` None means the bytes are valid UTF-8 and need no decoding.
pub fn parse_split(
    body: &[u8],
    encoding: Option<&'static encoding_rs::Encoding>,
    delimiter: u8,
    pieces: usize,
) -> Option<Result<(Table, u64)>> {
    let stateless =
        encoding.is_none_or(|e| e.is_ascii_compatible() && e != encoding_rs::ISO_2022_JP);
    if pieces < 2 || body.len() < MIN_SPLIT || !stateless || memchr::memchr(b'"', body).is_some() {
        return None;
    }
    let mut cuts = vec![0usize];
    for j in 1..pieces {
        let from = (body.len() * j / pieces).max(cuts[cuts.len() - 1]);
        match memchr::memchr(b'\n', &body[from..]) {
            Some(p) if from + p + 1 < body.len() => cuts.push(from + p + 1),
            _ => break,
        }
    }
    cuts.push(body.len());
    cuts.dedup();
    if cuts.len() < 3 {
        return None;
    }
    let results: Vec<Result<(Table, u64, u64)>> = std::thread::scope(|scope| {
        let handles: Vec<_> = cuts
            .windows(2)
            .skip(1)
            .map(|w| {
                let piece = &body[w[0]..w[1]];
                scope.spawn(move || parse_piece(piece, encoding, delimiter))
            })
            .collect();
        let mut out = vec![parse_piece(&body[cuts[0]..cuts[1]], encoding, delimiter)];
        for h in handles {
            out.push(h.join().unwrap_or_else(|_| {
                Err(CsvError::Io(std::io::Error::other("parser thread failed")))
            }));
        }
        out
    });
    let mut parts = Vec::with_capacity(results.len());
    let mut replacements = 0;
    for r in results {
        match r {
            Ok((t, newlines, rep)) => {
                replacements += rep;
                parts.push((t, newlines));
            }
            Err(e) => return Some(Err(e)),
        }
    }
    Some(Ok((Table::join(parts), replacements)))
}

fn parse_piece(
    piece: &[u8],
    encoding: Option<&'static encoding_rs::Encoding>,
    delimiter: u8,
) -> Result<(Table, u64, u64)> {
    let newlines = memchr::memchr_iter(b'\n', piece).count() as u64;
    match encoding {
        None => parse(piece, delimiter, piece.len(), None).map(|t| (t, newlines, 0)),
        Some(e) => {
            let mut rdr = crate::decode::DecodeReader::new(e, piece);
            let t = parse(&mut rdr, delimiter, piece.len() + piece.len() / 4, None)?;
            Ok((t, newlines, rdr.replacements))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_newlines_ragged_and_lines() {
        let text = "a,b,c\n\"x\ny\",2\n\n3,4,5,6\n";
        let crlf = "a\r\n\r\n\r\nb\r\n\"c\r\nd\"\r\ne";
        let t = parse(crlf.as_bytes(), b',', 0, None).unwrap();
        assert_eq!(
            (0..t.rows()).map(|r| t.line(r)).collect::<Vec<_>>(),
            vec![1, 4, 5, 7]
        );
        assert_eq!(t.skipped_blank_lines, 2);
        let t = parse(text.as_bytes(), b',', text.len(), None).unwrap();
        assert_eq!(t.rows(), 3);
        assert_eq!(t.cell(1, 0), "x\ny");
        assert_eq!(t.row_len(1), 2);
        assert_eq!(t.cell(1, 2), "");
        assert_eq!(t.max_cols(), 4);
        assert_eq!((t.line(0), t.line(1), t.line(2)), (1, 2, 5));
    }

    fn same(a: &Table, b: &Table) {
        assert_eq!(a.rows(), b.rows());
        assert_eq!(a.max_cols(), b.max_cols());
        assert_eq!(a.skipped_blank_lines, b.skipped_blank_lines);
        for r in 0..a.rows() {
            assert_eq!(a.line(r), b.line(r), "line of row {r}");
            assert_eq!(
                a.row(r).collect::<Vec<_>>(),
                b.row(r).collect::<Vec<_>>(),
                "row {r}"
            );
        }
    }

    #[test]
    fn split_parse_equals_sequential_parse() {
        let mut text = String::from("Email,Name,Team\r\n");
        for i in 0..120_000 {
            match i % 997 {
                0 => text.push_str("\r\n\r\n"),
                1 => text.push_str(&format!("u{i}@x.com,陳大文,Sales,extra,cells\r\n")),
                2 => text.push_str(&format!("u{i}@x.com\n")),
                _ => text.push_str(&format!("u{i}@example.com,Name {i},Team {}\r\n", i % 7)),
            }
        }
        let bytes = text.as_bytes();
        let seq = parse(bytes, b',', bytes.len(), None).unwrap();
        for pieces in [2, 3, 4] {
            let (par, rep) = parse_split(bytes, None, b',', pieces).unwrap().unwrap();
            assert_eq!(rep, 0);
            assert_eq!(par.segs.len(), pieces);
            same(&seq, &par);
        }
        let (big5, _, _) = encoding_rs::BIG5.encode(&text);
        let mut rdr = crate::decode::DecodeReader::new(encoding_rs::BIG5, &big5);
        let seq5 = parse(&mut rdr, b',', big5.len(), None).unwrap();
        let (par5, _) = parse_split(&big5, Some(encoding_rs::BIG5), b',', 2)
            .unwrap()
            .unwrap();
        same(&seq5, &par5);
        same(&seq, &par5);
        // Any quote, a small input or a stateful encoding: not split.
        let quoted = [bytes, b"\"a\"\n"].concat();
        assert!(parse_split(&quoted, None, b',', 2).is_none());
        assert!(parse_split(b"a\nb\n", None, b',', 2).is_none());
        assert!(parse_split(bytes, Some(encoding_rs::UTF_16LE), b',', 2).is_none());
    }

    #[test]
    fn limit_and_blank() {
        let text = "a\n,\nc\n";
        let t = parse(text.as_bytes(), b',', 0, Some(2)).unwrap();
        assert_eq!(t.rows(), 2);
        assert!(t.truncated);
        assert!(t.is_blank(1));
        let t = Table::from_rows([(1, vec!["x", "y"]), (2, vec!["\u{00A0}"])]);
        assert_eq!(t.cell(0, 1), "y");
        assert!(t.is_blank(1));
        assert_eq!(t.cell(5, 5), "");
    }
}
