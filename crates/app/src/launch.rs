//! Which services the window starts with: `--demo` and `SIA_DEMO` win (scripts and tests rely on
//! them), else the mode the admin last chose from the window, else the real services.
//!
//! The admin's choice is one word in `launch-mode`, in the base data folder: beside the real
//! setup's files and the demo's `demo/` folder, inside neither, so switching never has to open
//! the other mode's progress to learn where to start.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use crate::state::RunMode;

/// The file in the base data folder that remembers the mode chosen in the window.
pub const LAUNCH_MODE_FILE: &str = "launch-mode";

/// Why the app runs in the mode it runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum LaunchSource {
    /// `--demo` on the command line.
    Flag,
    /// `SIA_DEMO` in the environment.
    Env,
    /// The admin's last choice in the window.
    Remembered,
    /// Nothing said otherwise: the real services.
    Default,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Launch {
    pub mode: RunMode,
    pub source: LaunchSource,
}

impl Launch {
    /// Started by a flag or the environment: a restart would keep them, so the window cannot
    /// switch this run's mode and says why instead.
    pub fn is_forced(self) -> bool {
        matches!(self.source, LaunchSource::Flag | LaunchSource::Env)
    }
}

/// `--demo` > `SIA_DEMO` > the remembered choice > the real services. `SIA_DEMO` is `1`/`true`/
/// `yes` for the demo and `0`/`false`/`no` for the real services; anything else says nothing.
pub fn resolve<S: AsRef<str>>(
    args: impl IntoIterator<Item = S>,
    env_demo: Option<&str>,
    remembered: Option<RunMode>,
) -> Launch {
    if args.into_iter().any(|a| a.as_ref() == "--demo") {
        return Launch {
            mode: RunMode::Demo,
            source: LaunchSource::Flag,
        };
    }
    if let Some(mode) = env_demo.and_then(env_mode) {
        return Launch {
            mode,
            source: LaunchSource::Env,
        };
    }
    match remembered {
        Some(mode) => Launch {
            mode,
            source: LaunchSource::Remembered,
        },
        None => Launch {
            mode: RunMode::Live,
            source: LaunchSource::Default,
        },
    }
}

fn env_mode(value: &str) -> Option<RunMode> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Some(RunMode::Demo),
        "0" | "false" | "no" => Some(RunMode::Live),
        _ => None,
    }
}

/// How this process was started, for the window: its arguments, `SIA_DEMO`, and the choice
/// remembered in `base` (the base data folder, see `state::base_dir`).
pub fn for_window(base: &Path) -> Launch {
    let env = std::env::var("SIA_DEMO").ok();
    resolve(std::env::args(), env.as_deref(), remembered(base))
}

/// The mode remembered in `base`, if any. An unreadable or unknown file is no choice: the real
/// services, which is the safe side for an admin who never asked for the demo.
pub fn remembered(base: &Path) -> Option<RunMode> {
    let text = std::fs::read_to_string(base.join(LAUNCH_MODE_FILE)).ok()?;
    match text.trim() {
        "demo" => Some(RunMode::Demo),
        "real" => Some(RunMode::Live),
        _ => None,
    }
}

/// Remembers `mode` for the next start, written whole (a temporary file renamed over the old
/// one) so a crash mid-write leaves the previous choice, never half a word.
pub fn remember(base: &Path, mode: RunMode) -> std::io::Result<()> {
    std::fs::create_dir_all(base)?;
    let word = match mode {
        RunMode::Demo => "demo",
        RunMode::Live => "real",
    };
    let tmp: PathBuf = base.join(format!("{LAUNCH_MODE_FILE}.tmp"));
    std::fs::write(&tmp, format!("{word}\n"))?;
    std::fs::rename(&tmp, base.join(LAUNCH_MODE_FILE))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: [&str; 0] = [];

    #[test]
    fn the_flag_wins_over_everything() {
        let l = resolve(["sia-setup", "--demo"], Some("0"), Some(RunMode::Live));
        assert_eq!(l.mode, RunMode::Demo);
        assert_eq!(l.source, LaunchSource::Flag);
        assert!(l.is_forced());
    }

    #[test]
    fn the_environment_wins_over_the_remembered_choice_either_way() {
        let l = resolve(NONE, Some("1"), Some(RunMode::Live));
        assert_eq!((l.mode, l.source), (RunMode::Demo, LaunchSource::Env));
        let l = resolve(NONE, Some("false"), Some(RunMode::Demo));
        assert_eq!((l.mode, l.source), (RunMode::Live, LaunchSource::Env));
        assert!(l.is_forced());
    }

    #[test]
    fn an_environment_value_that_says_nothing_leaves_the_remembered_choice() {
        for value in ["", "maybe"] {
            let l = resolve(NONE, Some(value), Some(RunMode::Demo));
            assert_eq!(
                (l.mode, l.source),
                (RunMode::Demo, LaunchSource::Remembered)
            );
            assert!(!l.is_forced());
        }
    }

    #[test]
    fn with_nothing_said_the_real_services() {
        let l = resolve(["sia-setup"], None, None);
        assert_eq!((l.mode, l.source), (RunMode::Live, LaunchSource::Default));
        assert!(!l.is_forced());
    }

    #[test]
    fn the_choice_is_remembered_in_the_base_folder_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("not-yet-created");
        assert_eq!(remembered(&base), None);
        remember(&base, RunMode::Demo).unwrap();
        assert_eq!(remembered(&base), Some(RunMode::Demo));
        let l = resolve(NONE, None, remembered(&base));
        assert_eq!(
            (l.mode, l.source),
            (RunMode::Demo, LaunchSource::Remembered)
        );
        remember(&base, RunMode::Live).unwrap();
        assert_eq!(remembered(&base), Some(RunMode::Live));
        assert!(!base.join(format!("{LAUNCH_MODE_FILE}.tmp")).exists());
    }

    #[test]
    fn an_unknown_remembered_word_means_the_real_services() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(LAUNCH_MODE_FILE), "sandbox").unwrap();
        assert_eq!(remembered(dir.path()), None);
        assert_eq!(
            resolve(NONE, None, remembered(dir.path())).mode,
            RunMode::Live
        );
    }
}
