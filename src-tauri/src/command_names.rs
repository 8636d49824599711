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
    "import_open",
    "import_summary",
    "import_page",
    "import_set_encoding",
    "import_set_delimiter",
    "import_set_has_header",
    "import_set_sheet",
    "import_set_mapping",
    "import_edit_cell",
    "import_confirm",
    "import_export_clean",
    "import_export_errors",
    "import_template",
    "import_close",
];
