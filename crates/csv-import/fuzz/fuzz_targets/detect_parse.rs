//! Any bytes through encoding detection, delimiter/header detection, parsing, mapping,
//! validation, paging, an edit and re-derivation: nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    sia_csv::fuzz_entry(data);
    let text = String::from_utf8_lossy(data);
    assert!(sia_csv::email_fast_path_agrees(&text));
    for cell in text.split([',', '\n']) {
        assert!(sia_csv::email_fast_path_agrees(cell.trim()));
    }
});
