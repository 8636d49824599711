//! The one open CSV import (`sia_csv::ImportSession`) the app holds between IPC calls, and the
//! open routine shared by the Browse command and the window's drag-and-drop hook.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use sia_csv::{Directory, Draft, DraftEdit, ImportSession, OpenOptions, SavedMappings, Summary};
use ts_rs::TS;

use crate::error::{AppError, AppResult};
use crate::events::{Events, emit};
use crate::state::AppState;

/// Event the UI listens to when a dropped file has been opened.
pub const OPENED_EVENT: &str = "import-opened";
/// Event the UI listens to when a dropped file could not be opened (`{code, message}`).
pub const FAILED_EVENT: &str = "import-failed";
/// Event that asks the window to show step 5's import: the app was given a file to open.
pub const SHOW_EVENT: &str = "import-show";

/// The file extensions the import opens (as the Browse dialog filters them).
pub const EXTENSIONS: &[&str] = &["csv", "tsv", "txt", "xlsx"];

/// The open import (one at a time; opening another replaces it) and where confirmed
/// mappings are remembered. Cloning shares the same session, so blocking work can own a handle.
#[derive(Clone, Default)]
pub struct ImportState {
    session: Arc<Mutex<Option<ImportSession>>>,
    /// The saved-mappings file; None keeps confirmed mappings for this run only.
    mappings_file: Arc<Mutex<Option<PathBuf>>>,
    /// Saved mappings as last loaded or saved, so a re-opened file maps at once.
    saved: Arc<Mutex<SavedMappings>>,
    /// A file came with a launch of the app: the window shows the import when it loads (the event
    /// `SHOW_EVENT` cannot reach a page that is not there yet).
    show_requested: Arc<std::sync::atomic::AtomicBool>,
    /// Where the open import's unconfirmed fixes are saved after every change (None: not saved).
    draft_file: Arc<Mutex<Option<PathBuf>>>,
}

/// Fixes made in an import that was never confirmed, kept across a crash or a kill: what step 5
/// offers to put back.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportDraft {
    pub file_name: String,
    /// When the last fix was saved (RFC 3339 UTC).
    pub saved_at: String,
    pub edits: Vec<DraftEdit>,
}

/// The draft file: the summary the window shows, and what reopening needs.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DraftFile {
    saved_at: String,
    draft: Draft,
}

impl ImportState {
    /// Remembers confirmed mappings in `file` (a small JSON file in the app's data folder).
    pub fn remember_mappings_in(&self, file: PathBuf) {
        // An unreadable file only means no saved mappings: the admin maps by hand once more.
        let loaded = SavedMappings::load(&file).unwrap_or_default();
        *lock(&self.saved) = loaded;
        *lock(&self.mappings_file) = Some(file);
    }

    /// Saves the open import's unconfirmed fixes in `file` (in the app's data folder) after every
    /// change, so that a crash or a kill loses none of them (decision §18).
    pub fn keep_drafts_in(&self, file: PathBuf) {
        *lock(&self.draft_file) = Some(file);
    }

    /// Opens `path` with the locale as the encoding hint and checks rows against `directory`
    /// (see `crate::directory`); keeps the session, replacing any other.
    pub fn open(
        &self,
        path: &Path,
        locale: Option<String>,
        directory: Directory,
    ) -> AppResult<Summary> {
        let opts = OpenOptions {
            locale,
            directory,
            saved: lock(&self.saved).clone(),
            ..OpenOptions::default()
        };
        let session = ImportSession::open(path, opts)?;
        let summary = session.summary();
        *lock(&self.session) = Some(session);
        // Another file replaces the import, and with it any fixes kept from before: the admin was
        // offered them on step 5 and chose a file instead.
        self.discard_draft();
        tracing::info!(
            rows = summary.counts.rows,
            invalid = summary.counts.invalid,
            "import opened"
        );
        Ok(summary)
    }

    /// As `with`, for a change to the import: the fixes it leaves are saved (or the draft removed
    /// when none is left), so that they outlive the process.
    pub fn change<T>(&self, f: impl FnOnce(&mut ImportSession) -> AppResult<T>) -> AppResult<T> {
        let out = self.with(f)?;
        self.save_draft();
        Ok(out)
    }

    fn save_draft(&self) {
        let Some(file) = lock(&self.draft_file).clone() else {
            return;
        };
        let draft = match lock(&self.session).as_ref().map(ImportSession::draft) {
            Some(Ok(draft)) => draft,
            Some(Err(error)) => {
                tracing::warn!(code = error.code(), "import fixes not saved");
                return;
            }
            None => None,
        };
        let Some(draft) = draft else {
            remove_draft_file(&file);
            return;
        };
        let saved = DraftFile {
            saved_at: crate::checks::now(),
            draft,
        };
        // The fix itself is made and shown whatever happens here: only its copy on disk failed.
        let written = serde_json::to_vec(&saved)
            .map_err(std::io::Error::other)
            .and_then(|bytes| sia_vault::write_atomic(&file, &bytes));
        if let Err(error) = written {
            tracing::warn!(error_kind = ?error.kind(), "import fixes not saved");
        }
    }

    fn load_draft(&self) -> Option<DraftFile> {
        let file = lock(&self.draft_file).clone()?;
        let bytes = std::fs::read(&file).ok()?;
        serde_json::from_slice(&bytes)
            .inspect_err(|_| tracing::warn!("an unreadable import draft was ignored"))
            .ok()
    }

    /// Fixes kept from an import that was not confirmed, while no import is open.
    pub fn saved_draft(&self) -> Option<ImportDraft> {
        if lock(&self.session).is_some() {
            return None;
        }
        self.load_draft().map(|d| ImportDraft {
            file_name: d.draft.file_name,
            saved_at: d.saved_at,
            edits: d.draft.edits,
        })
    }

    /// Opens the kept draft's file again and makes its fixes; the draft stays until the import is
    /// confirmed, closed or replaced (`csv_draft_source_changed` when the file changed since).
    pub fn reopen_draft(&self, locale: Option<String>, directory: Directory) -> AppResult<Summary> {
        let Some(saved) = self.load_draft() else {
            return Err(AppError::new(
                "csv_no_draft",
                "there are no kept fixes to put back",
            ));
        };
        let opts = OpenOptions {
            locale,
            directory,
            saved: lock(&self.saved).clone(),
            ..OpenOptions::default()
        };
        let session = ImportSession::reopen(&saved.draft, opts)?;
        let summary = session.summary();
        *lock(&self.session) = Some(session);
        tracing::info!(
            fixes = saved.draft.edits.len(),
            invalid = summary.counts.invalid,
            "import reopened with its kept fixes"
        );
        Ok(summary)
    }

    /// Forgets the kept fixes (the admin said so, or they went into an invite job).
    pub fn discard_draft(&self) {
        if let Some(file) = lock(&self.draft_file).as_ref() {
            remove_draft_file(file);
        }
    }

    /// Runs `f` on the open session, or fails with `csv_no_session`.
    pub fn with<T>(&self, f: impl FnOnce(&mut ImportSession) -> AppResult<T>) -> AppResult<T> {
        let mut guard = lock(&self.session);
        match guard.as_mut() {
            Some(session) => f(session),
            None => Err(AppError::new(
                "csv_no_session",
                "no file is open for import; choose or drop a file first",
            )),
        }
    }

    /// The open session's summary, if one is open.
    pub fn summary(&self) -> Option<Summary> {
        lock(&self.session).as_ref().map(ImportSession::summary)
    }

    pub fn close(&self) {
        *lock(&self.session) = None;
        self.discard_draft();
    }

    /// Whether the window should open on the import, once: a later reload opens where it was.
    pub fn take_show_request(&self) -> bool {
        self.show_requested
            .swap(false, std::sync::atomic::Ordering::SeqCst)
    }

    /// Stores the open session's current mapping for its set of headers, and persists it.
    pub fn remember_current_mapping(&self) -> AppResult<()> {
        let mut saved = lock(&self.saved);
        self.with(|s| {
            s.remember_mapping(&mut saved);
            Ok(())
        })?;
        if let Some(file) = lock(&self.mappings_file).as_ref() {
            saved.save(file)?;
        }
        Ok(())
    }
}

fn remove_draft_file(file: &Path) {
    match std::fs::remove_file(file) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::warn!(error_kind = ?e.kind(), "import draft not removed"),
    }
}

/// A poisoned lock (a panic while holding it) is recovered: the session's state is only
/// derived data, and the next setting change re-derives it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `zh_TW.UTF-8` → `zh-TW`: the BCP 47 tag sia-csv takes as its hint.
pub fn locale_tag(os_locale: &str) -> Option<String> {
    let tag = os_locale.split(['.', '@']).next()?.replace('_', "-");
    (!tag.is_empty() && tag != "C" && tag != "POSIX").then_some(tag)
}

/// A file dropped on the window: the directory is read, then the file is opened off the event
/// loop through the same code as `import_open`, and the result reported as an
/// `import-opened` / `import-failed` event.
pub async fn open_dropped(state: &AppState, events: &dyn Events, path: PathBuf) {
    let import = state.import.clone();
    let locale = locale_tag(&state.os_locale);
    let outcome = match state
        .directory
        .get(state, crate::directory::Read::Fresh)
        .await
    {
        Ok(directory) => tokio::task::spawn_blocking(move || import.open(&path, locale, directory))
            .await
            .unwrap_or_else(|_| {
                Err(AppError::new(
                    "csv_internal",
                    "the import stopped unexpectedly",
                ))
            }),
        Err(error) => Err(error),
    };
    match &outcome {
        Ok(summary) => emit(events, OPENED_EVENT, summary),
        Err(error) => emit(events, FAILED_EVENT, error),
    }
}

/// The file a launch of the app was given to open (`sia-setup people.csv`, or "Open with" in a
/// file manager), if any: the first argument after the program that is not a flag and names a
/// file the import opens, relative to the launch's working folder `cwd`.
pub fn launch_file<S: AsRef<str>>(args: &[S], cwd: &Path) -> Option<PathBuf> {
    args.iter()
        .skip(1)
        .map(AsRef::as_ref)
        .filter(|a| !a.starts_with('-'))
        .map(|a| a.strip_prefix("file://").unwrap_or(a))
        .map(Path::new)
        .find(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        })
        .map(|p| cwd.join(p))
}

/// A file the app was launched with (first or second launch): the window is asked to show the
/// import, and the file is opened exactly as a dropped one.
pub async fn open_from_launch(state: &AppState, events: &dyn Events, path: PathBuf) {
    state
        .import
        .show_requested
        .store(true, std::sync::atomic::Ordering::SeqCst);
    emit(events, SHOW_EVENT, &());
    tracing::info!("a file came with the launch; opening it in the import");
    open_dropped(state, events, path).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_launch_file_is_the_first_importable_argument() {
        let cwd = Path::new("/work");
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(launch_file(&args(&["sia-setup"]), cwd), None);
        assert_eq!(
            launch_file(
                &args(&["sia-setup", "--demo", "notes.md", "People.CSV"]),
                cwd
            ),
            Some(PathBuf::from("/work/People.CSV"))
        );
        assert_eq!(
            launch_file(&args(&["/opt/sia-setup", "/tmp/a.xlsx", "b.csv"]), cwd),
            Some(PathBuf::from("/tmp/a.xlsx"))
        );
        assert_eq!(
            launch_file(&args(&["sia-setup", "file:///tmp/list.tsv"]), cwd),
            Some(PathBuf::from("/tmp/list.tsv"))
        );
        assert_eq!(launch_file(&args(&["sia-setup", "--x.csv"]), cwd), None);
    }

    #[test]
    fn os_locales_become_tags() {
        assert_eq!(locale_tag("zh_TW.UTF-8").as_deref(), Some("zh-TW"));
        assert_eq!(locale_tag("en-US").as_deref(), Some("en-US"));
        assert_eq!(locale_tag("C"), None);
        assert_eq!(locale_tag(""), None);
    }

    #[test]
    fn commands_without_an_open_file_say_so() {
        let state = ImportState::default();
        let error = state.with(|_| Ok(())).unwrap_err();
        assert_eq!(error.code, "csv_no_session");
        assert!(state.summary().is_none());
    }
}
