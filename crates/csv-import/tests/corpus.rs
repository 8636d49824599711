//! The corpus: real-world-shaped exports (Excel in each encoding, semicolons, UTF-16 tab text,
//! footers, ragged rows, no header, huge fields, a workbook) with the results each must give.
//! The files in tests/corpus/ are written by `generate()` below; `SIA_REGEN_CORPUS=1` rewrites them,
//! and a test checks the checked-in bytes still equal what the generator makes.

use sia_csv::*;
use std::path::{Path, PathBuf};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn legacy(text: &str, label: &str) -> Vec<u8> {
    let enc = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap();
    let (bytes, _, unmappable) = enc.encode(text);
    assert!(!unmappable, "{label} cannot encode the fixture");
    bytes.into_owned()
}

fn utf16le_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

fn utf8_bom(text: &str) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    out.extend_from_slice(text.as_bytes());
    out
}

fn huge_field() -> Vec<u8> {
    let mut notes = String::from("\"");
    for i in 0..1000 {
        notes.push_str(&format!("note {i}, with a comma and a \"\"quote\"\"; "));
        notes.push_str(&"x".repeat(1000));
        notes.push('\n');
    }
    notes.push('"');
    format!("Email,Full Name,Notes\nbig@example.com,Big Field,{notes}\nsmall@example.com,Small Field,ok\n").into_bytes()
}

/// A UTF-8 export with one corrupt byte in a name: it must stay UTF-8, with the damage shown.
fn utf8_stray_byte() -> Vec<u8> {
    let mut text = String::from("電子郵件,姓名\n");
    for (i, n) in [
        "陳大文",
        "林小美",
        "黃志強",
        "張淑芬",
        "李美玲",
        "王建民",
        "吳宗憲",
        "劉德華",
    ]
    .iter()
    .enumerate()
    {
        text.push_str(&format!("user{i}@example.tw,{n}\n"));
    }
    let mut bytes = text.into_bytes();
    let at = bytes.windows(3).position(|w| w == "強".as_bytes()).unwrap();
    bytes[at + 1] = 0xFF;
    bytes
}

fn workbook() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let notes = wb.add_worksheet().set_name("Read me").unwrap();
    notes
        .write_string(0, 0, "Fill in the People sheet")
        .unwrap();
    let people = wb.add_worksheet().set_name("People").unwrap();
    let rows = [
        ["Email", "First Name", "Last Name", "Role"],
        ["chen@example.com", "大文", "陳", "Admin"],
        ["lee@example.com", "Ann", "Lee", "User"],
        ["broken-at-example.com", "No", "Email", "User"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            people.write_string(r as u32, c as u16, *v).unwrap();
        }
    }
    people.write_number(4, 0, 12345.0).unwrap();
    wb.save_to_buffer().unwrap()
}

/// Every fixture: file name and bytes.
fn generate() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "excel_utf8_bom.csv",
            utf8_bom(
                "Email,First Name,Last Name,Team(s),Role\r\n\
                 chen.dawen@example.com,大文,陳,Sales,User\r\n\
                 ｌｉｎ＠example.com,小美,林,Marketing,Admin\r\n \
                 mailto:Wang@Example.COM ,Xiaoming,Wang,Sales,User\r\n\
                 jane.doe@example.com\u{00A0},Jane,Doe,,\r\n\
                 not-an-email,Bad,Person,Sales,User\r\n\
                 CHEN.DAWEN@example.com,Dawen,Chen,Sales,User\r\n",
            ),
        ),
        (
            "excel_unicode_text_utf16le.txt",
            utf16le_bom(
                "電子郵件\t姓名\t團隊\r\n\
                 chen@example.tw\t陳大文\t業務部\r\n\
                 lin@example.tw\t林小美\t行銷部\r\n\
                 ouyang@example.tw\t歐陽娜娜\t\r\n",
            ),
        ),
        (
            "big5_zh_tw.csv",
            legacy(
                "員工報表 2026-11-23\r\n\
                 電子郵件,姓名,部門,角色\r\n\
                 chen@example.com.tw,陳大文,業務部,使用者\r\n\
                 lin@example.com.tw,林小美,行銷部,管理員\r\n\
                 huang@example.com.tw,黃志強,業務部,經理\r\n\
                 ,,,\r\n\
                 合計: 3 人,,,\r\n",
                "big5",
            ),
        ),
        (
            "gbk_zh_cn.csv",
            legacy(
                "邮箱,姓名,团队,角色\r\n\
                 wang@example.cn,王小明,销售部,用户\r\n\
                 zhao@example.cn,赵丽,市场部,管理员\r\n\
                 liu@example,刘强,销售部,用户\r\n",
                "gbk",
            ),
        ),
        (
            "gb18030_zh_cn.csv",
            legacy(
                "邮箱,姓名\r\nji@example.cn,𠮷田佳\r\nzhou@example.cn,周杰\r\n",
                "gb18030",
            ),
        ),
        (
            "shift_jis_ja.csv",
            legacy(
                "メールアドレス,氏名,チーム,ロール\r\n\
                 yamada@example.jp,山田 太郎,営業部,ユーザー\r\n\
                 sato@example.jp,佐藤 花子,マーケティング部,管理者\r\n\
                 suzuki@example.jp,鈴木 一郎,営業部,\r\n",
                "shift_jis",
            ),
        ),
        (
            "euc_kr_ko.csv",
            legacy(
                "이메일,이름,팀\r\nkim@example.kr,김민준,영업\r\npark@example.kr,박서연,마케팅\r\n",
                "euc-kr",
            ),
        ),
        (
            "windows1252_de.csv",
            legacy(
                "E-Mail;Vorname;Nachname;Team\r\n\
                 mueller@example.de;Jürgen;Müller;Vertrieb\r\n\
                 schaefer@example.de;Käthe;Schäfer;Marketing\r\n\
                 weiss@example.de;Björn;Weiß;Vertrieb\r\n",
                "windows-1252",
            ),
        ),
        (
            "semicolon_fr.csv",
            "Courriel;Prénom;Nom;Équipe;Rôle\n\
             amelie@example.fr;Amélie;Dupont;Ventes;Utilisateur\n\
             \"jean-luc@example.fr\";\"Jean-Luc\";\"Martin; fils\";Ventes;Administrateur\n\
             francois@example.fr;François;Lefèvre;;utilisateur\n"
                .as_bytes()
                .to_vec(),
        ),
        (
            "quoted_newlines.csv",
            "Email,Full Name,Notes\n\
             \"ann@example.com\",\"Ann Lee\",\"line one\nline two\"\n\
             bob@example.com,\"Bob\nSmith\",x\n\
             cat@example.com,Cat Wu,\"a \"\"quoted\"\" word\"\n"
                .as_bytes()
                .to_vec(),
        ),
        (
            "report_footer.csv",
            "Email,First Name,Last Name\n\
             a@example.com,Ann,A\n\
             b@example.com,Ben,B\n\
             c@example.com,Cy,C\n\
             \n\
             Total users: 3,,\n\
             Generated by Workday on 2026-11-23 10:00,,\n"
                .as_bytes()
                .to_vec(),
        ),
        (
            "ragged_rows.csv",
            "Email,First Name,Last Name\n\
             a@example.com,Ann\n\
             b@example.com,Ben,B,extra,cells\n\
             c@example.com,Cy,C,,\n"
                .as_bytes()
                .to_vec(),
        ),
        (
            "no_header.csv",
            b"a@example.com,Ann,Lee\nb@example.com,Ben,Park\nc@example.com,Cy,Wu\n".to_vec(),
        ),
        (
            "pipe.txt",
            b"Email|Name|Team\na@example.com|Ann Lee|Sales\nb@example.com|Ben Park|Sales\n"
                .to_vec(),
        ),
        ("huge_field.csv", huge_field()),
        ("utf8_stray_byte.csv", utf8_stray_byte()),
        ("workbook.xlsx", workbook()),
    ]
}

#[test]
fn corpus_on_disk_is_what_the_generator_makes() {
    let regen = std::env::var_os("SIA_REGEN_CORPUS").is_some();
    std::fs::create_dir_all(corpus_dir()).unwrap();
    for (name, bytes) in generate() {
        let p = corpus_dir().join(name);
        if regen {
            std::fs::write(&p, &bytes).unwrap();
        }
        if name.ends_with(".xlsx") {
            // Zip timestamps differ per run: compare what the workbook says, not its bytes.
            assert!(p.exists(), "{name} missing: run with SIA_REGEN_CORPUS=1");
            continue;
        }
        let on_disk = std::fs::read(&p)
            .unwrap_or_else(|_| panic!("{name} missing: run with SIA_REGEN_CORPUS=1"));
        assert!(
            on_disk == bytes,
            "{name} differs from the generator: run with SIA_REGEN_CORPUS=1"
        );
    }
}

struct Expect {
    file: &'static str,
    locale: Option<&'static str>,
    encoding: &'static [&'static str],
    delimiter: Option<Delimiter>,
    has_header: bool,
    /// rows, valid, invalid, duplicates, blank, footer, cleaned
    counts: (u32, u32, u32, u32, u32, u32, u32),
    skippable: bool,
}

fn open(file: &str, locale: Option<&str>) -> ImportSession {
    let opts = OpenOptions {
        locale: locale.map(str::to_owned),
        ..OpenOptions::default()
    };
    ImportSession::open(&corpus_dir().join(file), opts)
        .unwrap_or_else(|e| panic!("{file}: {}", e.code()))
}

fn value(s: &ImportSession, row: u32, f: TargetField) -> String {
    s.row(row)
        .unwrap()
        .values
        .iter()
        .find(|v| v.field == f)
        .map(|v| v.value.clone())
        .unwrap_or_default()
}

const COMMA: Option<Delimiter> = Some(Delimiter::Comma);

#[test]
fn every_fixture_gives_its_expected_summary() {
    let table = [
        Expect {
            file: "excel_utf8_bom.csv",
            locale: None,
            encoding: &["UTF-8"],
            delimiter: COMMA,
            has_header: true,
            counts: (6, 4, 2, 1, 0, 0, 3),
            skippable: true,
        },
        Expect {
            file: "excel_unicode_text_utf16le.txt",
            locale: None,
            encoding: &["UTF-16LE"],
            delimiter: Some(Delimiter::Tab),
            has_header: true,
            counts: (3, 3, 0, 0, 0, 0, 0),
            skippable: true,
        },
        Expect {
            file: "big5_zh_tw.csv",
            locale: Some("zh-TW"),
            encoding: &["Big5"],
            delimiter: COMMA,
            has_header: true,
            counts: (3, 2, 1, 0, 1, 1, 0),
            skippable: false,
        },
        Expect {
            file: "gbk_zh_cn.csv",
            locale: Some("zh-CN"),
            encoding: &["GBK", "gb18030"],
            delimiter: COMMA,
            has_header: true,
            counts: (3, 2, 1, 0, 0, 0, 0),
            skippable: false,
        },
        Expect {
            file: "gb18030_zh_cn.csv",
            locale: Some("zh-CN"),
            encoding: &["GBK", "gb18030"],
            delimiter: COMMA,
            has_header: true,
            counts: (2, 2, 0, 0, 0, 0, 0),
            skippable: false,
        },
        Expect {
            file: "shift_jis_ja.csv",
            locale: Some("ja-JP"),
            encoding: &["Shift_JIS"],
            delimiter: COMMA,
            has_header: true,
            counts: (3, 3, 0, 0, 0, 0, 0),
            skippable: false,
        },
        Expect {
            file: "euc_kr_ko.csv",
            locale: Some("ko-KR"),
            encoding: &["EUC-KR"],
            delimiter: COMMA,
            has_header: true,
            counts: (2, 2, 0, 0, 0, 0, 0),
            skippable: false,
        },
        Expect {
            file: "windows1252_de.csv",
            locale: Some("de-DE"),
            encoding: &["windows-1252"],
            delimiter: Some(Delimiter::Semicolon),
            has_header: true,
            counts: (3, 3, 0, 0, 0, 0, 0),
            skippable: false,
        },
        Expect {
            file: "semicolon_fr.csv",
            locale: Some("fr-FR"),
            encoding: &["UTF-8"],
            delimiter: Some(Delimiter::Semicolon),
            has_header: true,
            counts: (3, 3, 0, 0, 0, 0, 0),
            skippable: false,
        },
        Expect {
            file: "quoted_newlines.csv",
            locale: None,
            encoding: &["UTF-8"],
            delimiter: COMMA,
            has_header: true,
            counts: (3, 3, 0, 0, 0, 0, 0),
            skippable: false,
        },
        Expect {
            file: "report_footer.csv",
            locale: None,
            encoding: &["UTF-8"],
            delimiter: COMMA,
            has_header: true,
            counts: (3, 3, 0, 0, 1, 2, 0),
            skippable: true,
        },
        Expect {
            file: "ragged_rows.csv",
            locale: None,
            encoding: &["UTF-8"],
            delimiter: COMMA,
            has_header: true,
            counts: (3, 3, 0, 0, 0, 0, 0),
            skippable: true,
        },
        Expect {
            file: "no_header.csv",
            locale: None,
            encoding: &["UTF-8"],
            delimiter: COMMA,
            has_header: false,
            counts: (3, 3, 0, 0, 0, 0, 0),
            skippable: false,
        },
        Expect {
            file: "pipe.txt",
            locale: None,
            encoding: &["UTF-8"],
            delimiter: Some(Delimiter::Pipe),
            has_header: true,
            counts: (2, 2, 0, 0, 0, 0, 0),
            skippable: false,
        },
        Expect {
            file: "huge_field.csv",
            locale: None,
            encoding: &["UTF-8"],
            delimiter: COMMA,
            has_header: true,
            counts: (2, 2, 0, 0, 0, 0, 0),
            skippable: false,
        },
    ];
    let mut failures = Vec::new();
    for e in &table {
        let s = open(e.file, e.locale);
        let sum = s.summary();
        let c = sum.counts;
        let got = (
            c.rows,
            c.valid,
            c.invalid,
            c.duplicates,
            c.blank,
            c.footer,
            c.cleaned,
        );
        let enc = sum
            .encoding
            .as_ref()
            .map(|x| x.name.clone())
            .unwrap_or_default();
        if !e.encoding.contains(&enc.as_str())
            || sum.delimiter != e.delimiter
            || sum.has_header != e.has_header
            || got != e.counts
            || sum.mapping.skippable != e.skippable
            || sum.encoding.as_ref().is_some_and(|x| x.replacements != 0)
            || sum.mapping.column(TargetField::Email).is_none()
        {
            failures.push(format!(
                "{}: encoding {enc} delimiter {:?} header {} counts {got:?} skippable {} replacements {:?}",
                e.file,
                sum.delimiter,
                sum.has_header,
                sum.mapping.skippable,
                sum.encoding.map(|x| x.replacements)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn decoded_text_and_details() {
    let s = open("excel_utf8_bom.csv", None);
    assert_eq!(value(&s, 1, TargetField::Email), "lin@example.com");
    assert_eq!(value(&s, 2, TargetField::Email), "Wang@example.com");
    let dup = s.row(5).unwrap();
    assert_eq!(dup.problems[0].code, ProblemCode::EmailDuplicate);
    assert_eq!(dup.problems[0].params["firstLine"], "2");

    let s = open("excel_unicode_text_utf16le.txt", None);
    assert_eq!(value(&s, 2, TargetField::FirstName), "娜娜");
    assert_eq!(value(&s, 2, TargetField::LastName), "歐陽");

    let s = open("big5_zh_tw.csv", Some("zh-TW"));
    assert_eq!(s.summary().header_line, Some(2));
    assert_eq!(value(&s, 0, TargetField::FullName), "陳大文");
    let bad = s.page(0, 10, RowFilter::ErrorsOnly);
    assert_eq!(bad.rows[0].line, 5);
    assert_eq!(bad.rows[0].problems[0].code, ProblemCode::RoleInvalid);
    let all = s.page(0, 10, RowFilter::All);
    assert_eq!(
        all.rows.last().map(|r| (r.kind, r.line)),
        Some((RowKind::Footer, 7))
    );

    let s = open("gb18030_zh_cn.csv", Some("zh-CN"));
    assert_eq!(value(&s, 0, TargetField::FullName), "𠮷田佳");

    let s = open("shift_jis_ja.csv", Some("ja-JP"));
    assert_eq!(
        (
            value(&s, 0, TargetField::FirstName),
            value(&s, 0, TargetField::LastName)
        ),
        ("太郎".into(), "山田".into())
    );
    assert_eq!(
        s.confirmed_rows(InvalidPolicy::SkipInvalid).unwrap()[1].role,
        Role::Admin
    );

    let s = open("euc_kr_ko.csv", Some("ko-KR"));
    assert_eq!(value(&s, 0, TargetField::LastName), "김");

    let s = open("windows1252_de.csv", Some("de-DE"));
    assert_eq!(value(&s, 2, TargetField::LastName), "Weiß");

    let s = open("semicolon_fr.csv", None);
    assert_eq!(value(&s, 1, TargetField::LastName), "Martin; fils");
    assert_eq!(s.mapping().column(TargetField::Teams), Some(3));

    let s = open("quoted_newlines.csv", None);
    let lines: Vec<u32> = s
        .page(0, 10, RowFilter::All)
        .rows
        .iter()
        .map(|r| r.line)
        .collect();
    assert_eq!(lines, vec![2, 4, 6]);
    assert_eq!(value(&s, 1, TargetField::LastName), "Smith");

    let s = open("ragged_rows.csv", None);
    assert!(
        s.row(1)
            .unwrap()
            .problems
            .iter()
            .any(|p| p.code == ProblemCode::RaggedRow)
    );
    assert!(s.row(2).unwrap().problems.is_empty());
    assert_eq!(value(&s, 0, TargetField::LastName), "");

    let s = open("no_header.csv", None);
    assert!(s.mapping().fields[1].suggestion.is_some());

    let s = open("utf8_stray_byte.csv", Some("zh-TW"));
    let enc = s.summary().encoding.unwrap();
    assert_eq!((enc.name.as_str(), enc.replacements > 0), ("UTF-8", true));
    assert_eq!(s.counts().valid, 8);
    let hurt = s.row(2).unwrap();
    assert!(
        hurt.problems
            .iter()
            .any(|p| p.code == ProblemCode::UndecodableText)
    );
    assert_eq!(value(&s, 0, TargetField::FullName), "陳大文");

    let s = open("huge_field.csv", None);
    assert_eq!(s.row(1).unwrap().line, 1003);
    assert!(s.row(0).unwrap().cells[2].len() > 1_000_000);
}

#[test]
fn legacy_encodings_survive_a_missing_or_wrong_locale() {
    for (file, want) in [
        ("big5_zh_tw.csv", "Big5"),
        ("shift_jis_ja.csv", "Shift_JIS"),
        ("euc_kr_ko.csv", "EUC-KR"),
    ] {
        for locale in [None, Some("en-US"), Some("de-DE")] {
            let s = open(file, locale);
            let got = s.summary().encoding.unwrap();
            assert_eq!(got.replacements, 0, "{file} {locale:?} → {}", got.name);
            assert_eq!(got.name, want, "{file} with {locale:?}");
        }
    }
}

#[test]
fn workbook_sheets() {
    let path = corpus_dir().join("workbook.xlsx");
    let mut s = ImportSession::open(&path, OpenOptions::default()).unwrap();
    let sum = s.summary();
    assert_eq!(sum.source, SourceKind::Workbook);
    assert_eq!(
        sum.sheets,
        vec!["Read me".to_string(), "People".to_string()]
    );
    // The cover sheet comes first, but the one with people in it is opened.
    assert_eq!(sum.sheet.as_deref(), Some("People"));
    assert!(sum.encoding.is_none() && sum.delimiter.is_none());
    let cover = s.set_sheet("Read me").unwrap();
    assert_eq!(cover.counts.rows, 0);
    let sum = s.set_sheet("People").unwrap();
    assert!(sum.mapping.skippable);
    // The lone number under the list is a trailing non-person line: flagged, not imported.
    assert_eq!(
        (
            sum.counts.rows,
            sum.counts.valid,
            sum.counts.invalid,
            sum.counts.footer
        ),
        (3, 2, 1, 1)
    );
    assert_eq!(value(&s, 0, TargetField::FirstName), "大文");
    assert_eq!(s.row(3).unwrap().cells[0], "12345");
    assert_eq!(s.row(3).unwrap().kind, RowKind::Footer);
    assert_eq!(s.row(3).unwrap().line, 5);
    assert_eq!(s.set_sheet("Nope").unwrap_err().code(), "sheet_not_found");
    assert_eq!(
        s.set_delimiter(Delimiter::Tab).unwrap_err().code(),
        "not_text"
    );
    let picked = ImportSession::open(
        &path,
        OpenOptions {
            sheet: Some("People".into()),
            ..OpenOptions::default()
        },
    )
    .unwrap();
    assert_eq!(picked.counts().valid, 2);
}
