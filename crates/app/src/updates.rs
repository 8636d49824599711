//! Updates, without the updater: what the window is offered, what it is told while a download
//! runs, why an update failed (as codes the UI translates), and the rule that one install runs
//! at a time and installs exactly the update the admin was shown. The desktop shell owns the
//! Tauri updater itself (`src-tauri/src/updates.rs`) and keeps its pending update in a [`Pending`].
//!
//! Nothing here checks or downloads on its own: the shell calls it only from the admin's clicks
//! (docs/decisions.md, "Updates").

use std::sync::Mutex;

use serde::Serialize;
use ts_rs::TS;

use crate::error::AppError;

/// The event the shell emits while an update downloads.
pub const PROGRESS_EVENT: &str = "update-progress";

/// A newer version the update feed announced, as the admin sees it before saying yes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpdateOffer {
    pub version: String,
    pub current_version: String,
    /// The release notes the feed carries, as written there (plain text).
    pub notes: Option<String>,
    /// When it was published, RFC 3339.
    pub date: Option<String>,
    /// Whether this copy can replace itself: an AppImage, a `.deb`/`.rpm` install, the Windows
    /// installers or a macOS `.app` can; a bare binary (a developer build, a copied file) cannot,
    /// and the window says so before anything is downloaded.
    pub self_install: bool,
}

/// What "Check for updates" found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpdateCheck {
    pub current_version: String,
    /// `None`: this is the latest version.
    pub offer: Option<UpdateOffer>,
}

/// How far a download is, sent as [`PROGRESS_EVENT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpdateProgress {
    #[ts(type = "number")]
    pub downloaded: u64,
    /// Unknown when the server does not say how large the file is.
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

/// The update was verified and installed; the new version runs after a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpdateInstalled {
    pub version: String,
}

/// Why checking or installing an update failed. The shell sorts the updater's errors into these;
/// each becomes one translated code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateFailure {
    /// The update server could not be reached, or answered with an error status.
    Unreachable,
    /// The feed answered with something that is not an update feed.
    FeedInvalid,
    /// The feed has no build for this operating system and processor.
    NoBuildForThisSystem,
    /// The download's signature was not made by the publisher's key (or the file was changed
    /// after signing, or the feed paired the file with another version's signature).
    BadSignature,
    /// The download was verified, but this copy cannot replace itself (not installed from a
    /// package). Nothing was changed.
    NotInstallable { version: String },
    /// Writing or running the installer failed (the previous version is kept).
    InstallFailed,
    /// An install is already running.
    Busy,
    /// Install was asked for without an offer on screen (or after the offer was replaced).
    NoOffer,
    /// The app's own update settings are unusable (no feed or key configured in this build).
    NotConfigured,
}

impl From<UpdateFailure> for AppError {
    fn from(failure: UpdateFailure) -> Self {
        tracing::warn!(?failure, "update failed");
        match failure {
            UpdateFailure::Unreachable => AppError::new(
                "update_unreachable",
                "The update server could not be reached. Check the internet connection and try again.",
            ),
            UpdateFailure::FeedInvalid => AppError::new(
                "update_feed_invalid",
                "The update server's answer could not be read. Nothing was downloaded.",
            ),
            UpdateFailure::NoBuildForThisSystem => AppError::new(
                "update_no_build",
                "The new version has no build for this operating system yet.",
            ),
            UpdateFailure::BadSignature => AppError::new(
                "update_bad_signature",
                "The download was not signed by SIA Setup's publisher, so it was not installed. Nothing was changed.",
            ),
            UpdateFailure::NotInstallable { version } => AppError::new(
                "update_not_installable",
                "This copy of SIA Setup was not installed from a package, so it cannot replace itself. Nothing was changed.",
            )
            .with_param("version", version),
            UpdateFailure::InstallFailed => AppError::new(
                "update_install_failed",
                "The update could not be installed. The current version is unchanged.",
            ),
            UpdateFailure::Busy => AppError::new(
                "update_busy",
                "An update is already being downloaded and installed.",
            ),
            UpdateFailure::NoOffer => AppError::new(
                "update_no_offer",
                "Check for updates first: there is no update to install.",
            ),
            UpdateFailure::NotConfigured => AppError::new(
                "update_not_configured",
                "This build of SIA Setup has no update server configured.",
            ),
        }
    }
}

/// The update the admin was last offered, and whether one is being installed. Generic over the
/// updater's own update type so the rules are tested here, without Tauri.
#[derive(Debug)]
pub struct Pending<U> {
    inner: Mutex<PendingInner<U>>,
}

#[derive(Debug)]
struct PendingInner<U> {
    offered: Option<U>,
    installing: bool,
    installed: Option<String>,
}

impl<U> Default for Pending<U> {
    fn default() -> Self {
        Self {
            inner: Mutex::new(PendingInner {
                offered: None,
                installing: false,
                installed: None,
            }),
        }
    }
}

/// Held while one install runs; dropping it (success or failure) lets the next one start.
pub struct Installing<'a, U> {
    pending: &'a Pending<U>,
}

impl<U: Clone> Pending<U> {
    fn lock(&self) -> std::sync::MutexGuard<'_, PendingInner<U>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Remembers what a check found (or that it found nothing), replacing an earlier offer. Refused
    /// while an install runs: the offer on screen must stay the one being installed.
    pub fn offer(&self, update: Option<U>) -> Result<(), UpdateFailure> {
        let mut inner = self.lock();
        if inner.installing {
            return Err(UpdateFailure::Busy);
        }
        inner.offered = update;
        Ok(())
    }

    /// Starts installing the offered update: a copy of exactly what was offered, and a guard that
    /// refuses a second install until this one ends.
    pub fn start_install(&self) -> Result<(U, Installing<'_, U>), UpdateFailure> {
        let mut inner = self.lock();
        if inner.installing {
            return Err(UpdateFailure::Busy);
        }
        let update = inner.offered.clone().ok_or(UpdateFailure::NoOffer)?;
        inner.installing = true;
        Ok((update, Installing { pending: self }))
    }

    /// The version installed in this run, if any: a restart then starts it.
    pub fn installed(&self) -> Option<String> {
        self.lock().installed.clone()
    }
}

impl<U> Installing<'_, U> {
    /// The install succeeded: the offer is used up, and a restart is what is left.
    pub fn done(self, version: &str) {
        let mut inner = self.pending.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.offered = None;
        inner.installed = Some(version.to_string());
    }
}

impl<U> Drop for Installing<'_, U> {
    fn drop(&mut self) {
        let mut inner = self.pending.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.installing = false;
    }
}

/// Reports download progress without flooding the window: the first chunk, then at most one event
/// per percent (or per 256 KiB when the size is unknown), and the end.
#[derive(Debug, Default)]
pub struct ProgressThrottle {
    downloaded: u64,
    last_sent: Option<u64>,
}

impl ProgressThrottle {
    /// Adds a chunk; returns the progress to send, if it moved enough since the last one.
    pub fn chunk(&mut self, len: usize, total: Option<u64>) -> Option<UpdateProgress> {
        self.downloaded += len as u64;
        let step = match total {
            Some(total) => (total / 100).max(1),
            None => 256 * 1024,
        };
        let due = match self.last_sent {
            None => true,
            Some(last) => {
                self.downloaded - last >= step || total.is_some_and(|t| self.downloaded >= t)
            }
        };
        if !due {
            return None;
        }
        self.last_sent = Some(self.downloaded);
        Some(UpdateProgress {
            downloaded: self.downloaded,
            total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_installs_what_was_offered_and_only_once_at_a_time() {
        let pending = Pending::<String>::default();
        assert_eq!(
            pending.start_install().err(),
            Some(UpdateFailure::NoOffer),
            "nothing is installed before a check offered it"
        );
        pending.offer(Some("0.2.0".into())).unwrap();
        let (update, guard) = pending.start_install().unwrap();
        assert_eq!(update, "0.2.0");
        assert_eq!(
            pending.start_install().err(),
            Some(UpdateFailure::Busy),
            "a second click while one runs is refused"
        );
        assert_eq!(
            pending.offer(Some("0.3.0".into())),
            Err(UpdateFailure::Busy),
            "a check cannot swap the update being installed"
        );
        drop(guard);
        // A failed install (the guard dropped without `done`) can be tried again.
        let (again, guard) = pending.start_install().unwrap();
        assert_eq!(again, "0.2.0");
        guard.done("0.2.0");
        assert_eq!(pending.installed().as_deref(), Some("0.2.0"));
        assert_eq!(pending.start_install().err(), Some(UpdateFailure::NoOffer));
    }

    #[test]
    fn a_check_that_finds_nothing_withdraws_the_earlier_offer() {
        let pending = Pending::<String>::default();
        pending.offer(Some("0.2.0".into())).unwrap();
        pending.offer(None).unwrap();
        assert_eq!(pending.start_install().err(), Some(UpdateFailure::NoOffer));
    }

    #[test]
    fn failures_have_their_own_codes_and_no_detail_of_the_server() {
        let codes: Vec<String> = [
            UpdateFailure::Unreachable,
            UpdateFailure::FeedInvalid,
            UpdateFailure::NoBuildForThisSystem,
            UpdateFailure::BadSignature,
            UpdateFailure::NotInstallable {
                version: "0.2.0".into(),
            },
            UpdateFailure::InstallFailed,
            UpdateFailure::Busy,
            UpdateFailure::NoOffer,
            UpdateFailure::NotConfigured,
        ]
        .into_iter()
        .map(|f| AppError::from(f).code)
        .collect();
        let unique: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), codes.len(), "{codes:?}");
        assert!(codes.iter().all(|c| c.starts_with("update_")));
        let error = AppError::from(UpdateFailure::NotInstallable {
            version: "0.2.0".into(),
        });
        assert_eq!(
            error.params.get("version").map(String::as_str),
            Some("0.2.0")
        );
    }

    #[test]
    fn progress_is_sent_per_percent_and_at_the_end() {
        let mut throttle = ProgressThrottle::default();
        let total = Some(10_000);
        let sent: Vec<_> = (0..100)
            .filter_map(|_| throttle.chunk(100, total))
            .map(|p| p.downloaded)
            .collect();
        assert_eq!(sent.first(), Some(&100));
        assert_eq!(sent.last(), Some(&10_000));
        assert_eq!(sent.len(), 100);
        let mut small_chunks = ProgressThrottle::default();
        let sent = (0..1000)
            .filter_map(|_| small_chunks.chunk(10, total))
            .count();
        assert_eq!(
            sent, 101,
            "one per percent (not one per chunk), and the end"
        );
        let mut unknown = ProgressThrottle::default();
        let sent = (0..100)
            .filter_map(|_| unknown.chunk(64 * 1024, None))
            .count();
        assert_eq!(sent, 25, "first chunk, then every 256 KiB");
    }
}
