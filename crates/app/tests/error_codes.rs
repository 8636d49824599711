//! Every error code that can reach the window has a translation in both languages: the codes each
//! domain crate's `code()` can return (with the prefix `sia_app::error` gives them), and every code
//! the application raises itself. Read from the sources, so a new code cannot slip past.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The UI's catalogue for `lang`: `<lang>.json` and every `<area>.<lang>.json`, merged.
fn error_keys(lang: &str) -> BTreeSet<String> {
    let dir = root().join("ui/src/lib/i18n");
    let mut keys = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if name != format!("{lang}.json") && !name.ends_with(&format!(".{lang}.json")) {
            continue;
        }
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(entry.path()).unwrap()).unwrap();
        if let Some(errors) = json.get("errors").and_then(|e| e.as_object()) {
            keys.extend(errors.keys().cloned());
        }
    }
    keys
}

/// String literals after `=>` in the body of `fn code`: the codes that function can return.
fn codes_of(file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let start = text
        .find("fn code(")
        .unwrap_or_else(|| panic!("{file} has fn code"));
    let body = &text[start..];
    let end = body.find("\n    }\n").unwrap_or(body.len());
    literals_after(&body[..end], "=> \"")
}

fn literals_after(text: &str, marker: &str) -> Vec<String> {
    text.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = &text[i + marker.len()..];
            rest.find('"').map(|end| rest[..end].to_string())
        })
        .collect()
}

/// Codes the application raises itself: `AppError::new("code"` and `AppError::new(\n "code"`.
fn app_codes() -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root().join("crates/app/src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text: String = std::fs::read_to_string(&path)
                .unwrap()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            out.extend(literals_after(&text, "AppError::new( \""));
            out.extend(literals_after(&text, "AppError::new(\""));
        }
    }
    out
}

#[test]
fn every_error_code_that_reaches_the_window_is_translated_in_both_languages() {
    let mut codes: BTreeSet<String> = BTreeSet::new();
    for (file, prefix) in [
        ("crates/vault/src/error.rs", "vault_"),
        ("crates/salesforce/src/error.rs", "salesforce_"),
        ("crates/csv-import/src/error.rs", "csv_"),
        ("crates/marketo/src/error.rs", "marketo_"),
        ("crates/invite/src/error.rs", "invite_"),
        ("crates/sandbox/src/error.rs", "demo_"),
    ] {
        for code in codes_of(file) {
            codes.insert(format!("{prefix}{code}"));
        }
    }
    // The Actions client's own codes (`"x".into()`); the service's refusals pass through as the
    // service names them and fall back to the message.
    for code in literals_after(
        &std::fs::read_to_string(root().join("crates/actions-client/src/error.rs")).unwrap(),
        "=> \"",
    ) {
        codes.insert(format!("actions_{code}"));
    }
    for (file, prefix) in [("crates/core/src/error.rs", "")] {
        for code in codes_of(file) {
            codes.insert(format!("{prefix}{code}"));
        }
    }
    codes.extend(
        app_codes()
            .into_iter()
            .filter(|c| !c.contains('{') && !c.is_empty()),
    );
    assert!(codes.len() > 60, "the scan found the codes: {codes:?}");
    eprintln!("{} codes checked", codes.len());
    for lang in ["en", "zh-TW"] {
        let keys = error_keys(lang);
        let missing: Vec<_> = codes.iter().filter(|c| !keys.contains(*c)).collect();
        assert!(missing.is_empty(), "{lang}: no translation for {missing:?}");
    }
}
