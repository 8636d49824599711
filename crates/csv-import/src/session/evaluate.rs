//! Checking every row (on all cores), deduplicating in file order, and counting.

use super::*;

impl ImportSession {
    pub(super) fn ctx(&self) -> EvalCtx<'_> {
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
    pub(super) fn footer_start(&self) -> usize {
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
    pub(super) fn validate_all(&mut self) {
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
    pub(super) fn dedupe_all(&mut self) {
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

    pub(super) fn email_key_of(&self, i: usize) -> String {
        let ctx = self.ctx();
        let src = ctx.source(i);
        email_key(resolve(&src).get(TargetField::Email)).into_owned()
    }

    pub(super) fn same_email(&self, a: usize, b: usize) -> bool {
        self.email_key_of(a) == self.email_key_of(b)
    }

    /// Seats go to valid rows in file order; then the counts.
    pub(super) fn finish_counts(&mut self) {
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
}

/// What row evaluation needs, shareable across threads.
pub(super) struct EvalCtx<'a> {
    pub(super) table: &'a Table,
    pub(super) dir: &'a DirIndex,
    pub(super) edits: &'a FxHashMap<u32, Vec<(TargetField, String)>>,
    pub(super) cols: [Option<usize>; 7],
    pub(super) expected: usize,
    pub(super) ds: usize,
    pub(super) footer_from: usize,
}

impl EvalCtx<'_> {
    pub(super) fn source(&self, i: usize) -> RowSource<'_> {
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

pub(super) fn eval(ctx: &EvalCtx, i: usize, detail: Option<&mut Vec<Problem>>) -> (u32, u64) {
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

pub(super) fn fill(ctx: &EvalCtx, base: usize, bits: &mut [u32], hashes: &mut [u64]) {
    for (k, (b, h)) in bits.iter_mut().zip(hashes.iter_mut()).enumerate() {
        (*b, *h) = eval(ctx, base + k, None);
    }
}
