// The app's IPC commands, by name. Included by build.rs (to generate their
// allow-/deny- permissions) and by the tests (to check the capability grants each).
#[allow(dead_code)] // build.rs includes this file too; only main reads it there.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "dashboard",
    "start_step",
    "confirm_step",
    "confirm_prerequisite",
    "set_language",
    "ui_ready",
];
