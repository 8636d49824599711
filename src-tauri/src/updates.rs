//! Updates through Tauri's updater plugin: the feed URL and the publisher's minisign public key come
//! from `plugins.updater` in tauri.conf.json; the window's two clicks ("Check for updates",
//! "Download and install") are the only things that reach the feed. What crosses IPC, the failure
//! codes and the one-install-at-a-time rule live in `sia_app::updates`.

use sia_app::error::AppResult;
use sia_app::events::SharedEvents;
use sia_app::updates::{
    PROGRESS_EVENT, Pending, ProgressThrottle, UpdateCheck, UpdateFailure, UpdateInstalled,
    UpdateOffer,
};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Error, Update, Updater, UpdaterExt};

/// The update last offered to the admin, kept between "Check" and "Install" so the install
/// installs exactly what was shown (managed state).
pub type PendingUpdate = Pending<Update>;

/// The plugin, registered in `lib.rs`. Its own JS commands (`plugin:updater|check` and so on)
/// are granted to no window: the window goes through `update_check`/`update_install` only.
pub fn plugin<R: Runtime>() -> tauri::plugin::TauriPlugin<R, tauri_plugin_updater::Config> {
    tauri_plugin_updater::Builder::new().build()
}

/// "Check for updates": asks the feed once, remembers what it offers.
pub async fn check<R: Runtime>(app: &AppHandle<R>) -> AppResult<UpdateCheck> {
    let pending = app.state::<PendingUpdate>();
    let found = updater(app)?.check().await.map_err(failure)?;
    let offer = found.as_ref().map(|update| UpdateOffer {
        version: update.version.clone(),
        current_version: update.current_version.clone(),
        notes: update.body.clone(),
        date: update.date.and_then(|d| {
            d.format(&time::format_description::well_known::Rfc3339)
                .ok()
        }),
        self_install: can_replace_itself(app),
    });
    pending.offer(found)?;
    tracing::info!(
        offered = offer.as_ref().map(|o| o.version.as_str()),
        "checked for updates"
    );
    Ok(UpdateCheck {
        current_version: app.package_info().version.to_string(),
        offer,
    })
}

/// "Download and install": downloads the offered update, which the plugin verifies against the
/// publisher's key before returning it, then installs it. A second click while this runs is
/// refused. On Windows the plugin starts the installer and the app exits; elsewhere the new
/// version starts after a restart (`update_restart`).
pub async fn install<R: Runtime>(
    app: &AppHandle<R>,
    events: SharedEvents,
) -> AppResult<UpdateInstalled> {
    let pending = app.state::<PendingUpdate>();
    let (update, installing) = pending.start_install()?;
    let mut throttle = ProgressThrottle::default();
    let bytes = update
        .download(
            |len, total| {
                if let Some(progress) = throttle.chunk(len, total) {
                    sia_app::events::emit(events.as_ref(), PROGRESS_EVENT, &progress);
                }
            },
            || {},
        )
        .await
        .map_err(failure)?;
    tracing::info!(version = %update.version, "the update's signature was verified");
    if !can_replace_itself(app) {
        return Err(UpdateFailure::NotInstallable {
            version: update.version.clone(),
        }
        .into());
    }
    // Writing the AppImage, or `pkexec dpkg -i` waiting for a password, blocks.
    let version = update.version.clone();
    tauri::async_runtime::spawn_blocking(move || update.install(bytes))
        .await
        .map_err(|_| UpdateFailure::InstallFailed)?
        .map_err(failure)?;
    tracing::info!(%version, "update installed");
    installing.done(&version);
    Ok(UpdateInstalled { version })
}

/// "Restart to finish": only once an update was installed in this run.
pub fn restart<R: Runtime>(app: &AppHandle<R>) -> AppResult<()> {
    if app.state::<PendingUpdate>().installed().is_none() {
        return Err(UpdateFailure::NoOffer.into());
    }
    app.request_restart();
    Ok(())
}

fn updater<R: Runtime>(app: &AppHandle<R>) -> Result<Updater, UpdateFailure> {
    let builder = app.updater_builder();
    #[cfg(debug_assertions)]
    let builder = test_overrides(builder)?;
    builder.build().map_err(failure)
}

/// The E2E's local feed and throwaway key. Debug builds only: a release binary must never take
/// its trust root (the public key) or its feed from the environment, or anyone who can set a
/// variable for the admin's session could get any file they signed installed.
#[cfg(debug_assertions)]
fn test_overrides(
    mut builder: tauri_plugin_updater::UpdaterBuilder,
) -> Result<tauri_plugin_updater::UpdaterBuilder, UpdateFailure> {
    if let Some(feed) = std::env::var_os("SIA_UPDATE_FEED") {
        let url = feed
            .to_str()
            .and_then(|f| f.parse::<tauri::Url>().ok())
            .ok_or(UpdateFailure::NotConfigured)?;
        builder = builder.endpoints(vec![url]).map_err(failure)?;
    }
    if let Ok(key) = std::env::var("SIA_UPDATE_PUBKEY") {
        builder = builder.pubkey(key);
    }
    Ok(builder)
}

/// Whether the plugin has a way to replace this copy: a bundle it knows (the bundler marks the
/// binary: AppImage, `.deb`, `.rpm`, MSI, NSIS), an AppImage it was started from, or a macOS
/// `.app`. A bare binary would be overwritten in place by whatever the feed serves for
/// AppImages, so it is refused with its own message instead.
fn can_replace_itself<R: Runtime>(app: &AppHandle<R>) -> bool {
    if cfg!(target_os = "macos") {
        // The plugin reports every macOS build as an `.app`; only one inside a bundle is.
        return std::env::current_exe()
            .is_ok_and(|exe| exe.to_string_lossy().contains(".app/Contents/MacOS/"));
    }
    #[cfg(target_os = "linux")]
    if app.env().appimage.is_some() {
        return true;
    }
    let _ = app;
    tauri::utils::platform::bundle_type().is_some()
}

/// Sorts the plugin's errors into what the admin is told. The plugin's own text goes to the log
/// only, and not where it can hold a path (a temporary folder, the app's own location).
fn failure(error: Error) -> UpdateFailure {
    match &error {
        Error::Io(io) => tracing::warn!("updater: I/O error ({:?})", io.kind()),
        Error::PreviousAppNotRestored(_) => {
            tracing::error!("updater: the install failed and the previous app was not restored")
        }
        other => tracing::warn!("updater: {other}"),
    }
    match error {
        Error::Minisign(_)
        | Error::Base64(_)
        | Error::SignatureUtf8(_)
        | Error::SignedVersionMismatch { .. }
        | Error::MissingSignedVersion => UpdateFailure::BadSignature,
        Error::Reqwest(_) | Error::Network(_) | Error::ReleaseNotFound => {
            UpdateFailure::Unreachable
        }
        Error::Serialization(_) | Error::Semver(_) | Error::UrlParse(_) => {
            UpdateFailure::FeedInvalid
        }
        Error::TargetNotFound(_)
        | Error::TargetsNotFound(_)
        | Error::UnsupportedArch
        | Error::UnsupportedOs => UpdateFailure::NoBuildForThisSystem,
        Error::EmptyEndpoints | Error::InsecureTransportProtocol => UpdateFailure::NotConfigured,
        _ => UpdateFailure::InstallFailed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tampered_feed_is_a_bad_signature_not_an_install_failure() {
        assert_eq!(
            failure(Error::SignedVersionMismatch {
                signed: "0.1.0".into(),
                announced: "9.9.9".into(),
            }),
            UpdateFailure::BadSignature
        );
        assert_eq!(
            failure(Error::SignatureUtf8("x".into())),
            UpdateFailure::BadSignature
        );
        assert_eq!(
            failure(Error::Network("502".into())),
            UpdateFailure::Unreachable
        );
        assert_eq!(
            failure(Error::TargetsNotFound(vec!["linux-x86_64".into()])),
            UpdateFailure::NoBuildForThisSystem
        );
        assert_eq!(
            failure(Error::InvalidUpdaterFormat),
            UpdateFailure::InstallFailed
        );
    }

    /// The environment overrides exist for the E2E only. Every place this file reads them must
    /// sit in the function compiled for debug builds alone.
    #[test]
    fn the_feed_and_key_overrides_are_compiled_into_debug_builds_only() {
        let source = include_str!("updates.rs");
        let code = &source[..source.find("#[cfg(test)]\nmod tests").unwrap()];
        let start = code.find("fn test_overrides(").unwrap();
        assert!(
            code[..start].ends_with("\n#[cfg(debug_assertions)]\n"),
            "test_overrides is compiled into debug builds only"
        );
        let end = start + code[start..].find("\n}\n").unwrap();
        for name in ["\"SIA_UPDATE_FEED\"", "\"SIA_UPDATE_PUBKEY\""] {
            let uses: Vec<_> = code.match_indices(name).map(|(i, _)| i).collect();
            assert_eq!(uses.len(), 1, "{name} is read in one place");
            assert!(
                (start..end).contains(&uses[0]),
                "{name} is read only inside test_overrides"
            );
        }
        let call = code.find("test_overrides(builder)").unwrap();
        assert!(
            code[..call].ends_with("#[cfg(debug_assertions)]\n    let builder = "),
            "the call is debug-only too"
        );
    }
}
