// The app's one config lives at the repository root (see docs/decisions.md), and
// every app command is listed here so it gets an allow-/deny- permission that
// the capability file must grant explicitly.

include!("src/command_names.rs");

fn main() {
    println!("cargo:rerun-if-changed=../tauri.conf.json");
    println!("cargo:rerun-if-changed=capabilities");
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
