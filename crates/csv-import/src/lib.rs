//! Reads invite spreadsheets: encoding, delimiter, header, mapping, cleaning, validation.
//! The app and the `sia` CLI both drive it through `ImportSession`; nothing here knows about Tauri.

mod clean;
mod decode;
mod dialect;
mod encoding;
mod error;
mod export;
mod fields;
mod mapping;
mod names;
mod people;
mod report;
mod session;
mod source;
mod table;
mod validate;
mod xlsx;

pub use dialect::{Delimiter, detect_delimiter, looks_like_email};
pub use encoding::{EncodingSource, os_locale};
pub use error::{CsvError, Result};
pub use export::{
    UPLOAD_ROLE, UPLOAD_TEAMS, UPLOAD_WORKSPACE, UploadColumns, export_table, export_upload,
    neutralize, template, write_upload,
};
pub use fields::{Problem, ProblemCode, Severity, TargetField};
pub use mapping::{
    Confidence, FieldMapping, Mapping, SavedMappings, Suggestion, header_key, normalize_header,
};
pub use names::split_full_name;
pub use people::{
    CheckedPerson, ListedPerson, PeopleCheck, PeopleDefaults, check_people, parse_people_list,
};
pub use report::{InspectReport, RowProblems, Source, inspect};
pub use session::{
    Counts, Draft, DraftEdit, EditOutcome, EncodingInfo, FieldValue, Fingerprint, HEAD_BYTES,
    ImportSession, InvalidPolicy, InviteRow, OpenOptions, PREVIEW_ROWS, Page, RowFilter, RowKind,
    RowView, Summary,
};
pub use sia_actions_contract::Invitee;
pub use source::SourceKind;
pub use validate::{Directory, DirectoryCheck, Role, SalesforceUser, SkippedCheck, parse_role};

/// For the fuzzer: the allocation-free email check never accepts what `email_address` rejects.
#[doc(hidden)]
pub fn email_fast_path_agrees(s: &str) -> bool {
    validate::email_fast_path_agrees(s)
}

/// Detection and parsing over arbitrary bytes, for the fuzzer: must never panic.
#[doc(hidden)]
pub fn fuzz_entry(data: &[u8]) {
    let locale = match data.first().map(|b| b % 4) {
        Some(0) => Some("zh-TW".to_owned()),
        Some(1) => Some("ja-JP".to_owned()),
        Some(2) => Some("de-DE".to_owned()),
        _ => None,
    };
    let opts = OpenOptions {
        locale,
        ..OpenOptions::default()
    };
    if let Ok(mut s) = ImportSession::from_bytes("fuzz.csv", data.to_vec(), opts) {
        let _ = s.page(0, 50, RowFilter::All);
        let _ = s.page(0, 50, RowFilter::ErrorsOnly);
        let _ = s.confirmed_rows(InvalidPolicy::SkipInvalid);
        if !s.is_empty() {
            let _ = s.edit_cell(
                0,
                TargetField::Email,
                String::from_utf8_lossy(&data[..data.len().min(40)]).into_owned(),
            );
        }
        let _ = s.set_delimiter(Delimiter::Semicolon);
        let _ = s.set_has_header(false);
        let _ = inspect(&s, Some(10));
    }
}
