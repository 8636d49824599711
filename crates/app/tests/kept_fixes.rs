//! Fixes made in an import survive the app's end without a goodbye (a crash, a kill, a power
//! cut): each change is saved in the data folder, a new run offers them, puts them back only on
//! the very file they were made on, and forgets them once they went into an invite job or the
//! admin discarded them. Here a "kill" is the state dropped without closing anything, and a new
//! state opened on the same folder, as a restarted app does.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sia_app::{AppState, api};
use sia_csv::{InvalidPolicy, RowFilter, TargetField};

mod support;
use support::sandbox;

const CSV: &str =
    "email,first_name,last_name\nmei.lin@example.com,Mei,Lin\nraj@exam ple.com,Raj,Kumar\n";

fn app(dir: &Path) -> Arc<AppState> {
    let state = support::demo_state(dir, sia_sandbox::SandboxConfig::for_tests());
    state.import.keep_drafts_in(draft_file(dir));
    Arc::new(state)
}

fn draft_file(dir: &Path) -> PathBuf {
    dir.join("import-draft.json")
}

/// Opens `file` and fixes Raj's address, as the admin does in the preview.
async fn open_and_fix(state: &AppState, file: &Path) {
    let opened = api::import::import_open(state, file.to_path_buf())
        .await
        .unwrap();
    assert_eq!(opened.counts.invalid, 1);
    let page = api::import::import_page(state, 0, 10, RowFilter::ErrorsOnly)
        .await
        .unwrap();
    let fixed = api::import::import_edit_cell(
        state,
        page.rows[0].index,
        TargetField::Email,
        "raj@example.com".into(),
    )
    .await
    .unwrap();
    assert!(fixed.row.valid);
}

/// The app on `dir` with people.csv open and Raj's address fixed.
async fn app_with_a_fix(dir: &Path) -> (Arc<AppState>, PathBuf) {
    let file = dir.join("people.csv");
    std::fs::write(&file, CSV).unwrap();
    let state = app(dir);
    open_and_fix(&state, &file).await;
    (state, file)
}

#[tokio::test(flavor = "multi_thread")]
async fn fixes_outlive_a_kill_and_come_back_on_the_admins_word() {
    let dir = tempfile::tempdir().unwrap();
    let (state, file) = app_with_a_fix(dir.path()).await;
    assert!(
        draft_file(dir.path()).exists(),
        "the fix is on disk at once"
    );
    assert_eq!(
        api::import::import_draft(&state)
            .await
            .unwrap()
            .map(|d| d.file_name),
        None,
        "nothing is offered while the import itself is open"
    );
    drop(state);

    let state = app(dir.path());
    assert_eq!(
        api::import::import_summary(&state)
            .await
            .unwrap()
            .map(|s| s.file_name),
        None
    );
    let kept = api::import::import_draft(&state)
        .await
        .unwrap()
        .expect("the new run offers the fixes");
    assert_eq!(kept.file_name, "people.csv");
    assert_eq!(kept.edits.len(), 1);
    assert_eq!(kept.edits[0].line, 3);
    assert_eq!(kept.edits[0].value, "raj@example.com");

    let reopened = api::import::import_reopen_draft(&state).await.unwrap();
    assert_eq!(reopened.counts.invalid, 0, "the fix is made again");
    assert_eq!(reopened.counts.valid, 2);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        CSV,
        "the admin's file is untouched"
    );

    // The fixed people go into an invite job: its journal holds them from then on.
    let actions = sandbox(&state)
        .actions_service()
        .expect("the demo serves Actions");
    actions.activate(&["admin@example.com"]).unwrap();
    let started = api::invite::invite_start_import(
        Arc::new(sia_app::events::NoEvents),
        &state,
        InvalidPolicy::BlockIfInvalid,
    )
    .await
    .unwrap();
    assert_eq!(started.total, 2);
    assert!(!draft_file(dir.path()).exists(), "nothing is left to offer");
}

#[tokio::test(flavor = "multi_thread")]
async fn fixes_are_not_put_back_on_a_file_that_changed_and_stay_until_discarded() {
    let dir = tempfile::tempdir().unwrap();
    let (state, file) = app_with_a_fix(dir.path()).await;
    drop(state);

    // Someone sorted the sheet meanwhile: row 2 is another person now.
    std::fs::write(
        &file,
        "email,first_name,last_name\nraj@exam ple.com,Raj,Kumar\nmei.lin@example.com,Mei,Lin\n",
    )
    .unwrap();
    let state = app(dir.path());
    let error = api::import::import_reopen_draft(&state).await.unwrap_err();
    assert_eq!(error.code, "csv_draft_source_changed");
    assert_eq!(
        api::import::import_summary(&state)
            .await
            .unwrap()
            .map(|s| s.file_name),
        None
    );
    let kept = api::import::import_draft(&state).await.unwrap();
    assert_eq!(
        kept.map(|d| d.edits.len()),
        Some(1),
        "the fixes are still listed, for the admin to make by hand"
    );

    api::import::import_discard_draft(&state).await.unwrap();
    assert!(api::import::import_draft(&state).await.unwrap().is_none());
    let error = api::import::import_reopen_draft(&state).await.unwrap_err();
    assert_eq!(error.code, "csv_no_draft");
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_or_undoing_every_fix_leaves_nothing_to_offer() {
    let dir = tempfile::tempdir().unwrap();
    let (state, file) = app_with_a_fix(dir.path()).await;
    // A setting that re-reads the file drops its fixes in the import: the draft follows.
    api::import::import_set_has_header(&state, true)
        .await
        .unwrap();
    assert!(!draft_file(dir.path()).exists());

    open_and_fix(&state, &file).await;
    assert!(draft_file(dir.path()).exists());
    api::import::import_close(&state).await.unwrap();
    assert!(
        !draft_file(dir.path()).exists(),
        "closing the import is the admin's word"
    );
}
