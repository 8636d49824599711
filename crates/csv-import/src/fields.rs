//! The target fields an invite row can carry, and the per-row problem and warning codes.
//! Codes are stable strings with parameters: the UI owns every sentence, the crate only the facts.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// A column of the invite list the admin's file is mapped onto.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "CsvTargetField")]
pub enum TargetField {
    Email,
    FirstName,
    LastName,
    FullName,
    Teams,
    Role,
    Workspace,
}

impl TargetField {
    pub const ALL: [TargetField; 7] = [
        Self::Email,
        Self::FirstName,
        Self::LastName,
        Self::FullName,
        Self::Teams,
        Self::Role,
        Self::Workspace,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The snake_case key used in the CLI's JSON and in saved mappings.
    pub fn key(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::FirstName => "first_name",
            Self::LastName => "last_name",
            Self::FullName => "full_name",
            Self::Teams => "teams",
            Self::Role => "role",
            Self::Workspace => "workspace",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvSeverity")]
pub enum Severity {
    /// The row is not imported until fixed.
    Error,
    /// The row is imported; the admin sees what was changed.
    Warning,
}

/// Everything the crate can say about a row; each code is one bit in the row's compact state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "CsvProblemCode")]
pub enum ProblemCode {
    EmailMissing,
    EmailInvalid,
    EmailDuplicate,
    RoleInvalid,
    TeamUnknown,
    WorkspaceUnknown,
    AlreadyInvited,
    AlreadyActive,
    SeatsExceeded,
    SalesforceUserMissing,
    SalesforceUserInactive,
    SalesforceApiDisabled,
    // Warnings from here on.
    CleanedNfkc,
    CleanedTrimmed,
    CleanedInvisible,
    CleanedMailto,
    CleanedDomainLowercase,
    NameSplit,
    RaggedRow,
    /// A cell holds U+FFFD: bytes the chosen encoding could not decode (switch the encoding).
    UndecodableText,
}

impl ProblemCode {
    pub const ALL: [ProblemCode; 20] = [
        Self::EmailMissing,
        Self::EmailInvalid,
        Self::EmailDuplicate,
        Self::RoleInvalid,
        Self::TeamUnknown,
        Self::WorkspaceUnknown,
        Self::AlreadyInvited,
        Self::AlreadyActive,
        Self::SeatsExceeded,
        Self::SalesforceUserMissing,
        Self::SalesforceUserInactive,
        Self::SalesforceApiDisabled,
        Self::CleanedNfkc,
        Self::CleanedTrimmed,
        Self::CleanedInvisible,
        Self::CleanedMailto,
        Self::CleanedDomainLowercase,
        Self::NameSplit,
        Self::RaggedRow,
        Self::UndecodableText,
    ];

    pub const fn bit(self) -> u32 {
        1u32 << (self as u32)
    }

    pub fn severity(self) -> Severity {
        if (self as u32) < (Self::CleanedNfkc as u32) {
            Severity::Error
        } else {
            Severity::Warning
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::EmailMissing => "email_missing",
            Self::EmailInvalid => "email_invalid",
            Self::EmailDuplicate => "email_duplicate",
            Self::RoleInvalid => "role_invalid",
            Self::TeamUnknown => "team_unknown",
            Self::WorkspaceUnknown => "workspace_unknown",
            Self::AlreadyInvited => "already_invited",
            Self::AlreadyActive => "already_active",
            Self::SeatsExceeded => "seats_exceeded",
            Self::SalesforceUserMissing => "salesforce_user_missing",
            Self::SalesforceUserInactive => "salesforce_user_inactive",
            Self::SalesforceApiDisabled => "salesforce_api_disabled",
            Self::CleanedNfkc => "cleaned_nfkc",
            Self::CleanedTrimmed => "cleaned_trimmed",
            Self::CleanedInvisible => "cleaned_invisible",
            Self::CleanedMailto => "cleaned_mailto",
            Self::CleanedDomainLowercase => "cleaned_domain_lowercase",
            Self::NameSplit => "name_split",
            Self::RaggedRow => "ragged_row",
            Self::UndecodableText => "undecodable_text",
        }
    }
}

/// Bits of every error-severity code: a row with any of them is not imported.
pub const ERROR_MASK: u32 = (1u32 << (ProblemCode::CleanedNfkc as u32)) - 1;
/// Bits of the cleaning warnings, counted as "cleaned".
pub const CLEANED_MASK: u32 = ProblemCode::CleanedNfkc.bit()
    | ProblemCode::CleanedTrimmed.bit()
    | ProblemCode::CleanedInvisible.bit()
    | ProblemCode::CleanedMailto.bit()
    | ProblemCode::CleanedDomainLowercase.bit();

/// One problem or warning on one row, with its parameters for the translated message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "CsvProblem")]
pub struct Problem {
    pub code: ProblemCode,
    pub severity: Severity,
    pub field: Option<TargetField>,
    pub params: BTreeMap<String, String>,
}

impl Problem {
    pub fn new(code: ProblemCode, field: Option<TargetField>) -> Self {
        Self {
            code,
            severity: code.severity(),
            field,
            params: BTreeMap::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.params.insert(key.to_owned(), value.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_fits_a_bit_and_severity_split_is_right() {
        assert!(ProblemCode::ALL.len() <= 32);
        for (i, c) in ProblemCode::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i);
        }
        assert_eq!(ProblemCode::EmailDuplicate.severity(), Severity::Error);
        assert_eq!(
            ProblemCode::SalesforceApiDisabled.severity(),
            Severity::Error
        );
        assert_eq!(ProblemCode::CleanedMailto.severity(), Severity::Warning);
        assert_eq!(ERROR_MASK & CLEANED_MASK, 0);
        assert_eq!(
            TargetField::from_key("first_name"),
            Some(TargetField::FirstName)
        );
    }
}
