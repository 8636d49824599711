//! The CSV import commands on Tauri's mock runtime: a corpus file goes open → summary → page →
//! edit → mapping → confirm → exports, and unreadable files answer with `csv_…` codes, never a path.

mod common;

use common::{app_with, invoke};
use serde_json::{Value, json};
use sia_setup_lib::state::{AppState, RunMode};
use tauri::WebviewWindow;
use tauri::test::MockRuntime;

fn corpus(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/csv-import/tests/corpus")
        .join(name)
}

fn fresh() -> (
    tempfile::TempDir,
    tauri::App<MockRuntime>,
    WebviewWindow<MockRuntime>,
) {
    let dir = tempfile::tempdir().unwrap();
    let (app, window) = app_with(AppState::open(dir.path(), RunMode::Live, "en-US".into()));
    (dir, app, window)
}

#[test]
fn a_corpus_file_goes_from_open_to_both_exports() {
    let (dir, _app, window) = fresh();
    let path = corpus("excel_utf8_bom.csv");
    let summary = invoke(&window, "import_open", json!({ "path": path })).unwrap();
    assert_eq!(summary["fileName"], "excel_utf8_bom.csv");
    assert_eq!(summary["encoding"]["name"], "UTF-8");
    assert_eq!(summary["encoding"]["source"], "bom");
    assert_eq!(summary["delimiter"], ",");
    assert_eq!(summary["hasHeader"], true);
    assert_eq!(summary["mapping"]["skippable"], true);
    assert_eq!(summary["counts"]["rows"], 6);
    assert_eq!(summary["counts"]["valid"], 4);
    assert_eq!(summary["counts"]["invalid"], 2);
    assert_eq!(summary["counts"]["duplicates"], 1);
    assert_eq!(summary["counts"]["cleaned"], 3);
    assert_eq!(
        invoke(&window, "import_summary", json!({})).unwrap()["counts"],
        summary["counts"]
    );

    let page = invoke(
        &window,
        "import_page",
        json!({ "offset": 0, "limit": 100, "filter": "all" }),
    )
    .unwrap();
    assert_eq!(page["total"], 6);
    assert_eq!(page["rows"].as_array().unwrap().len(), 6);
    assert_eq!(page["rows"][1]["values"][0]["value"], "lin@example.com");

    let errors = invoke(
        &window,
        "import_page",
        json!({ "offset": 0, "limit": 100, "filter": "errorsOnly" }),
    )
    .unwrap();
    assert_eq!(errors["total"], 2);
    let bad = &errors["rows"][0];
    assert_eq!(bad["problems"][0]["code"], "email_invalid");
    let bad_index = bad["index"].clone();

    let edited = invoke(
        &window,
        "import_edit_cell",
        json!({ "row": bad_index, "field": "email", "value": "bad.person@example.com" }),
    )
    .unwrap();
    assert_eq!(edited["row"]["valid"], true);
    assert_eq!(edited["counts"]["valid"], 5);
    assert_eq!(edited["counts"]["invalid"], 1);

    // Unmapping the role keeps the edit (set_mapping only re-validates).
    let remapped = invoke(
        &window,
        "import_set_mapping",
        json!({ "mapping": { "role": null }, "remember": true }),
    )
    .unwrap();
    let role = remapped["mapping"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "role")
        .unwrap()
        .clone();
    assert_eq!(role["column"], Value::Null);
    assert_eq!(remapped["counts"]["valid"], 5);

    let skip = invoke(
        &window,
        "import_confirm",
        json!({ "policy": "skipInvalid" }),
    )
    .unwrap();
    assert_eq!(skip, json!({ "confirmed": 5, "skipped": 1 }));
    let block = invoke(
        &window,
        "import_confirm",
        json!({ "policy": "blockIfInvalid" }),
    )
    .unwrap_err();
    assert_eq!(block["code"], "csv_invalid_rows_block");

    let clean = dir.path().join("upload.csv");
    let written = invoke(&window, "import_export_clean", json!({ "path": clean })).unwrap();
    assert_eq!(written, 5);
    let text = std::fs::read_to_string(&clean).unwrap();
    assert!(text.starts_with("Email,First Name,Last Name"), "{text}");
    assert!(text.contains("bad.person@example.com"));

    let report = dir.path().join("errors.csv");
    let written = invoke(&window, "import_export_errors", json!({ "path": report })).unwrap();
    assert_eq!(written, 1);
    let bytes = std::fs::read(&report).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "Excel needs the BOM");

    invoke(&window, "import_close", json!({})).unwrap();
    assert_eq!(
        invoke(&window, "import_summary", json!({})).unwrap(),
        Value::Null
    );
    let gone = invoke(
        &window,
        "import_page",
        json!({ "offset": 0, "limit": 10, "filter": "all" }),
    )
    .unwrap_err();
    assert_eq!(gone["code"], "csv_no_session");
}

#[test]
fn settings_re_read_the_file() {
    let (_dir, _app, window) = fresh();
    let path = corpus("big5_zh_tw.csv");
    let summary = invoke(&window, "import_open", json!({ "path": path })).unwrap();
    assert_eq!(summary["encoding"]["name"], "Big5");
    let latin = invoke(
        &window,
        "import_set_encoding",
        json!({ "encoding": "windows-1252" }),
    )
    .unwrap();
    assert_eq!(latin["encoding"]["name"], "windows-1252");
    assert_eq!(latin["encoding"]["source"], "user");
    let back = invoke(
        &window,
        "import_set_encoding",
        json!({ "encoding": "big5" }),
    )
    .unwrap();
    assert_eq!(back["counts"], summary["counts"]);
    let unknown = invoke(
        &window,
        "import_set_encoding",
        json!({ "encoding": "klingon-8" }),
    )
    .unwrap_err();
    assert_eq!(unknown["code"], "csv_unknown_encoding");

    let semi = invoke(&window, "import_set_delimiter", json!({ "delimiter": ";" })).unwrap();
    assert_eq!(semi["delimiter"], ";");
    let headerless = invoke(
        &window,
        "import_set_has_header",
        json!({ "hasHeader": false }),
    )
    .unwrap();
    assert_eq!(headerless["hasHeader"], false);
}

#[test]
fn a_workbook_opens_on_its_people_sheet_and_can_switch() {
    let (_dir, _app, window) = fresh();
    let path = corpus("workbook.xlsx");
    let summary = invoke(&window, "import_open", json!({ "path": path })).unwrap();
    assert_eq!(summary["source"], "workbook");
    assert_eq!(summary["sheet"], "People");
    assert_eq!(summary["sheets"], json!(["Read me", "People"]));
    let cover = invoke(&window, "import_set_sheet", json!({ "sheet": "Read me" })).unwrap();
    assert_eq!(cover["sheet"], "Read me");
    let error = invoke(&window, "import_set_delimiter", json!({ "delimiter": ";" })).unwrap_err();
    assert_eq!(error["code"], "csv_not_text");
}

#[test]
fn unreadable_files_answer_with_csv_codes_and_no_path() {
    let (dir, _app, window) = fresh();
    let secret_dir = dir.path().join("private-folder-name");
    std::fs::create_dir(&secret_dir).unwrap();
    let cases = [
        ("empty.csv", b"".to_vec(), "csv_empty_file"),
        (
            "photo.png",
            b"\x89PNG\r\n".to_vec(),
            "csv_unsupported_extension",
        ),
        (
            "binary.csv",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0".to_vec(),
            "csv_binary_file",
        ),
    ];
    for (name, bytes, code) in cases {
        let path = secret_dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let error = invoke(&window, "import_open", json!({ "path": path })).unwrap_err();
        assert_eq!(error["code"], code, "{name}");
        let message = error["message"].as_str().unwrap();
        assert!(!message.contains("private-folder-name"), "{message}");
        assert!(!message.contains(name), "{message}");
    }
    let vanished = invoke(
        &window,
        "import_open",
        json!({ "path": secret_dir.join("gone.csv") }),
    )
    .unwrap_err();
    assert_eq!(vanished["code"], "csv_file_vanished");
    assert!(
        !vanished["message"]
            .as_str()
            .unwrap()
            .contains("private-folder-name")
    );
}

#[test]
fn a_template_is_written_in_the_admins_language() {
    let (dir, _app, window) = fresh();
    let path = dir.path().join("template.csv");
    invoke(
        &window,
        "import_template",
        json!({ "lang": "zh-TW", "path": path }),
    )
    .unwrap();
    let text = String::from_utf8(std::fs::read(&path).unwrap()).unwrap();
    assert!(text.starts_with("\u{FEFF}電子郵件"), "{text}");
    // The template is itself a valid import.
    let summary = invoke(&window, "import_open", json!({ "path": path })).unwrap();
    assert_eq!(summary["counts"]["valid"], 1);
    assert_eq!(summary["mapping"]["skippable"], true);
}

#[test]
fn every_csv_error_code_is_translated_in_both_languages() {
    let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/i18n");
    for lang in ["en.json", "zh-TW.json"] {
        let catalogue: Value =
            serde_json::from_str(&std::fs::read_to_string(ui.join(lang)).unwrap()).unwrap();
        let extra = ["no_session", "internal"];
        for code in sia_csv::CsvError::CODES.iter().chain(extra.iter()) {
            let key = format!("csv_{code}");
            assert!(
                catalogue["errors"][&key].is_string(),
                "{lang} lacks errors.{key}"
            );
        }
        for code in sia_csv::ProblemCode::ALL {
            assert!(
                catalogue["import"]["problem"][code.as_str()].is_string(),
                "{lang} lacks import.problem.{}",
                code.as_str()
            );
        }
    }
}

#[test]
fn a_dropped_file_takes_the_same_route_and_answers_with_an_event() {
    use std::sync::mpsc;
    use tauri::{Listener, Manager};
    let (dir, app, _window) = fresh();
    let (tx, rx) = mpsc::channel::<(String, String)>();
    for event in ["import-opened", "import-failed"] {
        let tx = tx.clone();
        app.listen_any(event, move |e| {
            let _ = tx.send((event.to_owned(), e.payload().to_owned()));
        });
    }
    let state = app.state::<std::sync::Arc<AppState>>();
    sia_setup_lib::import::open_dropped(app.handle().clone(), corpus("report_footer.csv"));
    let (event, payload) = rx.recv_timeout(std::time::Duration::from_secs(30)).unwrap();
    assert_eq!(event, "import-opened");
    let summary: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(summary["counts"]["rows"], 3);
    assert_eq!(summary["counts"]["footer"], 2);
    // The drop read the directory too: no Actions or Salesforce here, so their checks are named.
    assert_eq!(
        summary["skippedChecks"].as_array().unwrap().len(),
        4,
        "{summary}"
    );
    assert_eq!(state.import.summary().unwrap().counts.rows, 3);

    let bad = dir.path().join("private-folder-name.pdf");
    std::fs::write(&bad, b"%PDF-1.7").unwrap();
    sia_setup_lib::import::open_dropped(app.handle().clone(), bad);
    let (event, payload) = rx.recv_timeout(std::time::Duration::from_secs(30)).unwrap();
    assert_eq!(event, "import-failed");
    let error: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(error["code"], "csv_unsupported_extension");
    assert!(!payload.contains("private-folder-name"), "{payload}");
}
