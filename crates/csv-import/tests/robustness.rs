//! The fuzz entry point over hostile inputs in the ordinary test run: truncated multi-byte
//! text, lone quotes, odd BOMs, control bytes and every corpus file cut at many points.

use std::path::Path;

#[test]
fn hostile_inputs_do_not_panic() {
    let cases: Vec<Vec<u8>> = vec![
        vec![],
        b"\"".to_vec(),
        b"\"\"\"\n,,,\n\"".to_vec(),
        b"\xEF\xBB".to_vec(),
        b"\xFF\xFE".to_vec(),
        b"\xFE\xFF\x00".to_vec(),
        b"\xFF\xFEa".to_vec(),
        b"\xE9\x9B\xBB".repeat(1000)[1..].to_vec(),
        b"a@b.co\r".to_vec(),
        b"\r\r\r\n\n\n".to_vec(),
        b"Email\n@\n@@\n.@.\na@b.c.\n\xF0\x9F\x98\x80@x.com\n".to_vec(),
        b"\x1B$B\x1B(B".to_vec(),
        "電子郵件;姓名\n；＠．\n".as_bytes().to_vec(),
        vec![b','; 100_000],
        [b"x".as_slice(), &[b'\n'; 5000]].concat(),
    ];
    for c in &cases {
        sia_csv::fuzz_entry(c);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let bytes = &bytes[..bytes.len().min(20_000)];
        for cut in (0..bytes.len()).step_by(97).chain([1, 2, 3]) {
            sia_csv::fuzz_entry(&bytes[..cut.min(bytes.len())]);
        }
    }
}
