//! Actions' upload file: the mapping's optional columns, formula cells, and a typed list writing
//! the same bytes as a file with the same people.

use sia_csv::*;
use std::collections::BTreeMap;

fn open(text: &str) -> ImportSession {
    ImportSession::from_bytes(
        "people.csv",
        text.as_bytes().to_vec(),
        OpenOptions::default(),
    )
    .unwrap()
}

fn upload(s: &ImportSession, keep_optional: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upload.csv");
    s.export_clean_upload(&path, keep_optional).unwrap();
    std::fs::read_to_string(&path).unwrap()
}

const FILE: &str = "E-mail,Given name,Surname,Groups,Access level,Marketo Workspace,Notes\n\
jane@x.com,Jane,Doe,Sales; Ops,Admin,Default,hi\n\
bob@x.com,Bob,Lee,,User,,\n";

#[test]
fn optional_columns_keep_the_mapping_screens_headers() {
    let s = open(FILE);
    let m = s.mapping();
    assert_eq!(m.column(TargetField::Teams), Some(3), "{m:?}");
    assert_eq!(m.column(TargetField::Role), Some(4), "{m:?}");
    assert_eq!(m.column(TargetField::Workspace), Some(5), "{m:?}");
    assert_eq!(
        upload(&s, true),
        "Email,First Name,Last Name,Groups,Access level,Marketo Workspace\r\n\
         jane@x.com,Jane,Doe,Sales; Ops,Admin,Default\r\n\
         bob@x.com,Bob,Lee,,User,\r\n"
    );
    // Unticked on the confirmation screen: the three required columns only.
    assert_eq!(
        upload(&s, false),
        "Email,First Name,Last Name\r\njane@x.com,Jane,Doe\r\nbob@x.com,Bob,Lee\r\n"
    );
}

#[test]
fn only_mapped_fields_get_columns() {
    let mut s = open(FILE);
    s.set_mapping(&BTreeMap::from([
        (TargetField::Teams, None),
        (TargetField::Workspace, None),
    ]))
    .unwrap();
    assert_eq!(
        upload(&s, true),
        "Email,First Name,Last Name,Access level\r\n\
         jane@x.com,Jane,Doe,Admin\r\nbob@x.com,Bob,Lee,User\r\n"
    );
}

#[test]
fn formula_cells_are_neutralised_and_phone_numbers_are_not() {
    let s = open(
        "Email,First Name,Last Name,Team\n\
         a@x.com,=HYPERLINK(\"http://evil\"),+1 555 0100,@ops\n\
         b@x.com,-2+A1,-,+SUM(1)\n",
    );
    assert_eq!(
        upload(&s, true),
        "Email,First Name,Last Name,Team\r\n\
         a@x.com,\"'=HYPERLINK(\"\"http://evil\"\")\",+1 555 0100,'@ops\r\n\
         b@x.com,'-2+A1,-,'+SUM(1)\r\n"
    );
}

#[test]
fn a_typed_list_writes_the_same_upload_file_as_a_csv_with_the_same_people() {
    let defaults = PeopleDefaults {
        teams: vec!["Everyone".into(), "Sales".into()],
        role: Role::Admin,
        workspace: Some("Default".into()),
    };
    let list = "Jane Doe <Jane@X.com>, bob@x.com\n\"Lin, Mei\" <mei@y.org>; not-an-address";
    let check = check_people(&parse_people_list(list), &defaults, Directory::default());
    let people: Vec<Invitee> = check.rows.iter().map(InviteRow::invitee).collect();
    let mut from_list = Vec::new();
    write_upload(&people, &UploadColumns::for_list(&people), &mut from_list).unwrap();

    let file = "Email,Name,Team(s),Role,Workspace\n\
                Jane@X.com,Jane Doe,Everyone; Sales,Admin,Default\n\
                bob@x.com,,Everyone; Sales,Admin,Default\n\
                mei@y.org,\"Lin, Mei\",Everyone; Sales,Admin,Default\n\
                not-an-address,,Everyone; Sales,Admin,Default\n";
    let s = open(file);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("upload.csv");
    assert_eq!(s.export_clean_upload(&path, true).unwrap(), 3);
    let from_file = std::fs::read(&path).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&from_list),
        String::from_utf8_lossy(&from_file)
    );
    assert_eq!(from_list, from_file);
    assert!(from_file.starts_with(b"Email,First Name,Last Name,Team(s),Role,Workspace\r\n"));
}
