//! Embeds the window's translation catalogue (`ui/src/lib/i18n/*.json`) so that the files the app
//! writes in the admin's language (the setup report, the tracker's CSV) use the window's own words.
//! Every file of the folder, per language, as the UI merges them: a new area needs no edit here.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/i18n");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".json"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::new();
    for (lang, konst) in [("en", "EN_FILES"), ("zh-TW", "ZH_TW_FILES")] {
        let _ = writeln!(out, "pub(crate) static {konst}: &[(&str, &str)] = &[");
        for name in names
            .iter()
            .filter(|n| *n == &format!("{lang}.json") || n.ends_with(&format!(".{lang}.json")))
        {
            let path = dir.join(name);
            println!("cargo:rerun-if-changed={}", path.display());
            let _ = writeln!(
                out,
                "    ({name:?}, include_str!({:?})),",
                path.display().to_string()
            );
        }
        out.push_str("];\n");
    }
    let target = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("catalogue.rs");
    std::fs::write(target, out).expect("the catalogue's include list is written");
}
