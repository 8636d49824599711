//! What leaves the session: the confirmed people, the rows with errors or flags, the source header.

use super::*;

impl ImportSession {
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
