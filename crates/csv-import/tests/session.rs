//! Behaviour of the app-facing session: detection, counts, paging, edits, confirmation, exports.

use sia_csv::*;
use std::collections::BTreeMap;

fn open(text: &str) -> ImportSession {
    ImportSession::from_bytes("t.csv", text.as_bytes().to_vec(), OpenOptions::default()).unwrap()
}

fn codes(v: &RowView) -> Vec<ProblemCode> {
    v.problems.iter().map(|p| p.code).collect()
}

const PEOPLE: &str = "Email,First Name,Last Name\r\n\
jane@example.com,Jane,Doe\r\n\
 JOHN@Example.COM ,John,Roe\r\n\
not-an-email,Bad,Row\r\n\
jane@EXAMPLE.com,Jane,Again\r\n\
,,\r\n\
li@example.com,Li,Wei\r\n\
\r\n\
Total: 4 users,,\r\n";

#[test]
fn counts_lines_and_problems() {
    let s = open(PEOPLE);
    let sum = s.summary();
    assert_eq!(sum.encoding.as_ref().unwrap().name, "UTF-8");
    assert_eq!(sum.delimiter, Some(Delimiter::Comma));
    assert!(sum.has_header);
    assert!(sum.mapping.skippable);
    let c = sum.counts;
    assert_eq!(
        (
            c.rows,
            c.valid,
            c.invalid,
            c.duplicates,
            c.blank,
            c.footer,
            c.cleaned
        ),
        (5, 3, 2, 1, 2, 1, 2)
    );

    let page = s.page(0, 100, RowFilter::ErrorsOnly);
    assert_eq!(page.total, 2);
    assert_eq!(page.rows[0].line, 4);
    assert_eq!(codes(&page.rows[0]), vec![ProblemCode::EmailInvalid]);
    assert_eq!(page.rows[1].line, 5);
    let dup = &page.rows[1].problems[0];
    assert_eq!(dup.code, ProblemCode::EmailDuplicate);
    assert_eq!(dup.params.get("firstLine").map(String::as_str), Some("2"));

    let john = s.row(1).unwrap();
    assert!(john.valid);
    assert_eq!(john.values[0].value, "JOHN@example.com");
    assert!(codes(&john).contains(&ProblemCode::CleanedTrimmed));
    assert!(codes(&john).contains(&ProblemCode::CleanedDomainLowercase));

    let all = s.page(0, 100, RowFilter::All);
    assert_eq!(all.total, 7);
    assert_eq!(all.rows[4].kind, RowKind::Blank);
    assert_eq!(all.rows[6].kind, RowKind::Footer);
    assert_eq!(all.rows[6].line, 9);
}

#[test]
fn edit_revalidates_row_and_its_duplicates() {
    let mut s = open(PEOPLE);
    // Fix the bad email.
    let out = s
        .edit_cell(2, TargetField::Email, "bad@example.com".into())
        .unwrap();
    assert!(out.row.valid);
    assert_eq!(out.counts.invalid, 1);
    // Change the first Jane: the later one is no longer a duplicate.
    let out = s
        .edit_cell(0, TargetField::Email, "janet@example.com".into())
        .unwrap();
    assert_eq!(out.changed, vec![3]);
    assert_eq!(out.counts.duplicates, 0);
    assert_eq!(out.counts.invalid, 0);
    // And back: row 3 is a duplicate of row 0 again (first occurrence stays first).
    let out = s
        .edit_cell(0, TargetField::Email, "Jane@example.com".into())
        .unwrap();
    assert!(out.row.valid);
    assert_eq!(out.changed, vec![3]);
    assert!(!s.row(3).unwrap().valid);
    assert!(s.row(0).unwrap().values[0].edited);
    assert_eq!(
        s.edit_cell(99, TargetField::Email, String::new())
            .unwrap_err()
            .code(),
        "row_out_of_range"
    );
}

#[test]
fn settings_re_derive() {
    let text = "Email;Name\nanna@example.de;Anna Schmidt\nbob@example.de;Bob Müller\n";
    let mut s = open(text);
    assert_eq!(s.summary().delimiter, Some(Delimiter::Semicolon));
    assert_eq!(s.mapping().column(TargetField::FullName), Some(1));
    let r = s.row(0).unwrap();
    let v: BTreeMap<_, _> = r
        .values
        .iter()
        .map(|f| (f.field, f.value.clone()))
        .collect();
    assert_eq!(v[&TargetField::FirstName], "Anna");
    assert_eq!(v[&TargetField::LastName], "Schmidt");

    let sum = s.set_delimiter(Delimiter::Comma).unwrap();
    assert_eq!(sum.columns, 1);
    assert_eq!(sum.mapping.column(TargetField::Email), None);
    let sum = s.set_delimiter(Delimiter::Semicolon).unwrap();
    assert_eq!(sum.counts.valid, 2);

    let sum = s.set_has_header(false);
    assert_eq!(sum.counts.rows, 3);
    assert_eq!(sum.counts.invalid, 1);

    let sum = s.set_encoding("windows-1252").unwrap();
    assert_eq!(sum.encoding.unwrap().name, "windows-1252");
    assert!(s.page(0, 10, RowFilter::All).rows[2].cells[1].contains("MÃ¼ller"));
    assert_eq!(
        s.set_encoding("klingon").unwrap_err().code(),
        "unknown_encoding"
    );
}

#[test]
fn manual_mapping_and_saved() {
    let text =
        "Correo,Nombre completo,Equipo,Rol\nana@example.es,Ana García,Ventas,Administrador\n";
    let mut s = open(text);
    let m = s.mapping().clone();
    assert_eq!(m.column(TargetField::Email), Some(0));
    assert_eq!(m.column(TargetField::Teams), Some(2));
    assert_eq!(m.column(TargetField::Role), Some(3));
    assert!(!m.skippable);
    let sum = s
        .set_mapping(&BTreeMap::from([(TargetField::Teams, None)]))
        .unwrap();
    assert_eq!(sum.mapping.column(TargetField::Teams), None);
    let mut saved = SavedMappings::default();
    s.remember_mapping(&mut saved);
    let again = ImportSession::from_bytes(
        "t.csv",
        text.as_bytes().to_vec(),
        OpenOptions {
            saved,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    // Teams was unmapped on purpose, but the synonym still proposes it; the rest came back.
    assert_eq!(again.mapping().column(TargetField::Role), Some(3));
    let rows = s.confirmed_rows(InvalidPolicy::SkipInvalid).unwrap();
    assert_eq!(rows[0].role, Role::Admin);
    assert_eq!(
        (rows[0].first_name.as_str(), rows[0].last_name.as_str()),
        ("Ana", "García")
    );
}

#[test]
fn directory_checks_and_seats() {
    let text = "Email,Team(s),Role\na@x.com,Sales,User\nb@x.com,Nope,Admin\nc@x.com,,Boss\nd@x.com,,\ne@x.com,Sales;Everyone,\n";
    let dir = Directory {
        invited: vec!["A@x.com".into()],
        teams: Some(vec!["Sales".into()]),
        seats_left: Some(1),
        ..Directory::default()
    };
    let s = ImportSession::from_bytes(
        "t.csv",
        text.as_bytes().to_vec(),
        OpenOptions {
            directory: dir,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    let p = s.page(0, 10, RowFilter::All);
    assert_eq!(codes(&p.rows[0]), vec![ProblemCode::AlreadyInvited]);
    assert_eq!(codes(&p.rows[1]), vec![ProblemCode::TeamUnknown]);
    assert_eq!(codes(&p.rows[2]), vec![ProblemCode::RoleInvalid]);
    assert!(p.rows[3].valid);
    assert_eq!(codes(&p.rows[4]), vec![ProblemCode::SeatsExceeded]);
    assert_eq!(s.counts().valid, 1);
    let blocked = s.confirmed_rows(InvalidPolicy::BlockIfInvalid).unwrap_err();
    assert_eq!(blocked.code(), "invalid_rows_block");
    let ok = s.confirmed_rows(InvalidPolicy::SkipInvalid).unwrap();
    assert_eq!(ok.len(), 1);
    assert_eq!(ok[0].email, "d@x.com");
}

#[test]
fn salesforce_users_when_connected() {
    let text = "Email\nok@x.com\ngone@x.com\nnoapi@x.com\nmissing@x.com\n";
    let sf = |e: &str, a, api| SalesforceUser {
        email: e.into(),
        is_active: a,
        api_enabled: api,
    };
    let dir = Directory {
        salesforce_users: Some(vec![
            sf("ok@x.com", true, true),
            sf("gone@x.com", false, true),
            sf("NOAPI@x.com", true, false),
        ]),
        ..Directory::default()
    };
    let mut s = ImportSession::from_bytes(
        "t.csv",
        text.as_bytes().to_vec(),
        OpenOptions {
            directory: dir,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    let p = s.page(0, 10, RowFilter::ErrorsOnly);
    let got: Vec<_> = p.rows.iter().map(|r| codes(r)[0]).collect();
    assert_eq!(
        got,
        vec![
            ProblemCode::SalesforceUserInactive,
            ProblemCode::SalesforceApiDisabled,
            ProblemCode::SalesforceUserMissing
        ]
    );
    // Without Salesforce connected, nothing is checked there.
    assert_eq!(s.set_directory(Directory::default()).counts.invalid, 0);
}

#[test]
fn exports_and_template() {
    let text = "Email,First Name,Last Name\njane@x.com,=cmd|' /C calc'!A0,Doe\nbad,+SUM(1),-x\n";
    let s = open(text);
    let dir = tempfile::tempdir().unwrap();
    let up = dir.path().join("upload.csv");
    assert_eq!(s.export_clean_upload(&up, true).unwrap(), 1);
    let body = std::fs::read_to_string(&up).unwrap();
    assert!(body.starts_with("Email,First Name,Last Name\r\n"));
    assert!(body.contains("jane@x.com,'=cmd|' /C calc'!A0,Doe\r\n"));

    let rep = dir.path().join("errors.csv");
    assert_eq!(s.export_error_report(&rep).unwrap(), 1);
    let bytes = std::fs::read(&rep).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with("Line,Problems,Email,First Name,Last Name\r\n"));
    assert!(text.contains("3,email_invalid(value=bad),bad,'+SUM(1),'-x"));

    let en = template("en");
    let zh = template("zh-TW");
    assert!(en.starts_with(b"\xEF\xBB\xBFEmail,First Name,Last Name"));
    assert!(String::from_utf8(zh.clone()).unwrap().contains("電子郵件"));
    // Our own templates need no mapping screen.
    for t in [en, zh] {
        let s = ImportSession::from_bytes("t.csv", t, OpenOptions::default()).unwrap();
        assert!(s.summary().mapping.skippable);
        assert_eq!(s.counts().valid, 1);
    }
}

#[test]
fn preview_reads_only_the_head() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.csv");
    let mut body = String::from("Email,Name\n");
    // Over 2 MiB and without quotes: the full open parses it in pieces on all cores.
    for i in 0..100_000 {
        body.push_str(&format!("user{i}@example.com,User {i}\n"));
    }
    std::fs::write(&p, &body).unwrap();
    let s = ImportSession::open_preview(&p, OpenOptions::default()).unwrap();
    let sum = s.summary();
    assert!(!sum.complete);
    assert_eq!(sum.counts.rows, PREVIEW_ROWS as u32);
    assert_eq!(sum.file_size, body.len() as u64);
    assert_eq!(
        s.confirmed_rows(InvalidPolicy::SkipInvalid)
            .unwrap_err()
            .code(),
        "preview_only"
    );
    let full = ImportSession::open(&p, OpenOptions::default()).unwrap();
    assert_eq!(full.counts().valid, 100_000);
    assert_eq!(full.page(99_999, 10, RowFilter::All).rows[0].line, 100_001);
    assert_eq!(
        full.page(50_000, 1, RowFilter::All).rows[0].cells[0],
        "user50000@example.com"
    );
}

#[test]
fn headerless_file_maps_email_by_content() {
    let s = open("jane@x.com,Jane,Doe\nli@x.com,Li,Wei\n");
    let sum = s.summary();
    assert!(!sum.has_header);
    assert_eq!(sum.mapping.column(TargetField::Email), Some(0));
    assert_eq!(sum.mapping.fields[0].confidence, Some(Confidence::Content));
    assert_eq!(sum.counts.valid, 2);
}

#[test]
fn unreadable_inputs_have_distinct_codes() {
    let dir = tempfile::tempdir().unwrap();
    let e = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        ImportSession::open(&p, OpenOptions::default())
            .err()
            .map(|e| e.code())
    };
    assert_eq!(e("a.csv", b""), Some("empty_file"));
    assert_eq!(e("b.csv", b"\x00\x01\x02binary\x00"), Some("binary_file"));
    assert_eq!(e("c.pdf", b"%PDF-1.4"), Some("unsupported_extension"));
    assert_eq!(e("d.xlsx", b"not a zip"), Some("spreadsheet_unreadable"));
    let gone = ImportSession::open(&dir.path().join("gone.csv"), OpenOptions::default())
        .err()
        .map(|e| e.code());
    assert_eq!(gone, Some("file_vanished"));
}

#[test]
fn session_can_live_in_app_state() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<ImportSession>();
    shareable::<CsvError>();
}

#[test]
fn previews_of_legacy_and_utf16_heads_have_no_false_replacements() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("電子郵件\t姓名\n");
    for i in 0..30_000 {
        text.push_str(&format!("user{i}@example.tw\t陳大文{i}\n"));
    }
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let (big5, _, _) = encoding_rs::BIG5.encode(&text);
    for (name, bytes, want) in [
        ("u16.txt", utf16, "UTF-16LE"),
        ("big5.csv", big5.into_owned(), "Big5"),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, &bytes).unwrap();
        let opts = OpenOptions {
            locale: Some("zh-TW".into()),
            ..OpenOptions::default()
        };
        let s = ImportSession::open_preview(&p, opts).unwrap();
        let sum = s.summary();
        let enc = sum.encoding.unwrap();
        assert_eq!((enc.name.as_str(), enc.replacements), (want, 0), "{name}");
        assert_eq!(sum.counts.valid, PREVIEW_ROWS as u32, "{name}");
    }
}
