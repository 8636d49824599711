//! The non-secret settings file (connections, preferences) in the app's config folder, always
//! replaced atomically: a crash leaves either the old file or the new one, never half of one.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::VaultError;
use crate::model::{Preferences, StoredCredential};

/// File name inside the folder the caller passes.
pub const SETTINGS_FILE: &str = "sia-settings.json";

/// Everything in the file. Only keychain-backed connections are written: a session-only one
/// must not be announced after a restart, because its secret is gone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsFile {
    #[serde(default = "current_version")]
    pub version: u32,
    #[serde(default)]
    pub preferences: Preferences,
    #[serde(default)]
    pub connections: Vec<StoredCredential>,
}

fn current_version() -> u32 {
    1
}

impl SettingsFile {
    pub fn new() -> Self {
        SettingsFile {
            version: current_version(),
            ..Default::default()
        }
    }
}

pub(crate) fn path_in(dir: &Path) -> PathBuf {
    dir.join(SETTINGS_FILE)
}

/// Reads the file; a missing file is a fresh start, a damaged one is an error (never
/// silently replaced, so nothing the user saved is thrown away).
pub(crate) fn load(dir: &Path) -> Result<SettingsFile, VaultError> {
    match fs::read(path_in(dir)) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|_| VaultError::SettingsDamaged),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(SettingsFile::new()),
        Err(e) => Err(VaultError::SettingsUnreadable(e.kind())),
    }
}

pub(crate) fn save(dir: &Path, settings: &SettingsFile) -> Result<(), VaultError> {
    let mut bytes = serde_json::to_vec_pretty(settings)
        .map_err(|_| VaultError::SettingsWriteFailed(io::ErrorKind::InvalidData))?;
    bytes.push(b'\n');
    write_atomic(&path_in(dir), &bytes).map_err(|e| {
        tracing::warn!(error_kind = ?e.kind(), "settings write failed");
        VaultError::SettingsWriteFailed(e.kind())
    })
}

/// Write a temp file in the same folder, fsync it, rename it over the target, fsync the folder.
/// The temp file is removed if any step fails (tempfile deletes it on drop).
pub fn write_atomic(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".sia-settings.")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    replace(tmp, target)?;
    sync_dir(dir)
}

/// Rename the temp file over the target. `std::fs::rename` rather than tempfile's `persist`:
/// both start with `MoveFileEx`, which refuses with "access denied" while a reader has the target
/// open; std then retries with POSIX rename semantics (Windows 10 1607 and later), which replace
/// the file under readers that share delete access, as std opens every file.
fn replace(tmp: tempfile::NamedTempFile, target: &Path) -> io::Result<()> {
    let tmp = tmp.into_temp_path();
    rename_retrying(&tmp, target)?;
    // Moved: nothing is left for the guard to delete.
    let _ = tmp.keep();
    Ok(())
}

#[cfg(not(windows))]
fn rename_retrying(from: &Path, to: &Path) -> io::Result<()> {
    fs::rename(from, to)
}

/// Where Windows still says "access denied" (an older system, or a handle opened without
/// delete sharing: an antivirus or indexer scan, another program), the handle closes within
/// moments, so the rename is retried for about two seconds before the error is reported.
#[cfg(windows)]
fn rename_retrying(from: &Path, to: &Path) -> io::Result<()> {
    let mut delay = std::time::Duration::from_millis(2);
    for _ in 0..10 {
        match fs::rename(from, to) {
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                std::thread::sleep(delay);
                delay *= 2;
            }
            done => return done,
        }
    }
    fs::rename(from, to)
}

/// The rename is only durable once the directory entry is on disk.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// Windows has no directory handle to fsync; MoveFileEx's replace is what tempfile uses.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Environment;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".tmp"))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn missing_file_is_a_fresh_start_and_round_trips() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fresh = load(dir.path()).expect("missing is fine");
        assert_eq!(fresh, SettingsFile::new());
        let mut s = SettingsFile::new();
        s.preferences.environment = Some(Environment::Sandbox);
        save(dir.path(), &s).expect("saved");
        assert_eq!(load(dir.path()).expect("reads back"), s);
        let text = fs::read_to_string(path_in(dir.path())).expect("file");
        assert!(text.contains("\"sandbox\""), "{text}");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn damaged_file_is_an_error_and_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(path_in(dir.path()), b"{\"version\": 1, \"connections\": [").expect("write");
        let err = load(dir.path()).expect_err("damaged");
        assert_eq!(err.code(), "settings_damaged");
        assert_eq!(
            fs::read(path_in(dir.path())).expect("still there"),
            b"{\"version\": 1, \"connections\": ["
        );
    }

    #[test]
    fn failed_rename_keeps_the_old_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().expect("temp dir");
        // A non-empty directory where the file should go makes the final rename fail,
        // after the temp file was fully written and synced.
        let target = dir.path().join("blocked.json");
        fs::create_dir(&target).expect("dir");
        fs::write(target.join("keep"), b"x").expect("write");
        let err = write_atomic(&target, b"{}").expect_err("rename fails");
        assert_ne!(err.kind(), io::ErrorKind::NotFound);
        assert!(target.join("keep").exists());
        assert!(
            leftovers(dir.path()).is_empty(),
            "{:?}",
            leftovers(dir.path())
        );
    }

    #[test]
    fn readers_never_see_a_partial_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = path_in(dir.path());
        let big = |n: usize| {
            let mut s = SettingsFile::new();
            s.preferences.environment = Some(if n.is_multiple_of(2) {
                Environment::Production
            } else {
                Environment::Sandbox
            });
            let mut bytes = serde_json::to_vec(&s).expect("json");
            // Pad with whitespace so each write spans several pages.
            bytes.extend(std::iter::repeat_n(b' ', 64 * 1024 + n));
            bytes
        };
        write_atomic(&target, &big(0)).expect("first write");
        let writer_target = target.clone();
        let writer = std::thread::spawn(move || {
            for n in 1..60 {
                write_atomic(&writer_target, &big(n)).expect("write");
            }
        });
        let mut reads = 0;
        while !writer.is_finished() || reads < 60 {
            let bytes = fs::read(&target).expect("always present");
            let parsed: Result<SettingsFile, _> = serde_json::from_slice(&bytes);
            assert!(parsed.is_ok(), "partial file seen after {reads} reads");
            reads += 1;
        }
        writer.join().expect("writer ok");
        assert!(leftovers(dir.path()).is_empty());
    }
}
