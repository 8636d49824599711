//! Switching between the demo and the real setup from the window: the choice is remembered in
//! the base data folder for the next start, the admin's language and look go with them, and a
//! run whose mode a flag or `SIA_DEMO` decided refuses (the restart would keep them).

use sia_app::api::app;
use sia_app::launch::{self, Launch, LaunchSource};
use sia_app::state::{AppState, RunMode, mode_dir};
use sia_core::{Preference, SetupStore, Theme, UiLanguage};

fn real_state(base: &std::path::Path) -> AppState {
    let mut state = AppState::open(base, RunMode::Live, "en-US".into());
    state.base_dir = Some(base.to_path_buf());
    state
}

#[tokio::test]
async fn switching_to_the_demo_remembers_it_and_carries_language_and_look() {
    let dir = tempfile::tempdir().unwrap();
    let state = real_state(dir.path());
    app::set_language(&state, UiLanguage::ZhTw).await.unwrap();
    app::set_theme(&state, Theme::Dark).await.unwrap();
    assert_eq!(launch::remembered(dir.path()), None);

    app::switch_launch_mode(&state, true).await.unwrap();

    assert_eq!(launch::remembered(dir.path()), Some(RunMode::Demo));
    let next = launch::resolve(["sia-setup"], None, launch::remembered(dir.path()));
    assert_eq!(next.mode, RunMode::Demo);
    assert_eq!(next.source, LaunchSource::Remembered);
    // The demo's own folder, not the real one, got the preferences; no progress was written.
    let demo = SetupStore::open(&mode_dir(dir.path(), RunMode::Demo)).unwrap();
    assert_eq!(
        demo.preference(Preference::Language).unwrap().as_deref(),
        Some("zh-TW")
    );
    assert_eq!(
        demo.preference(Preference::Theme).unwrap().as_deref(),
        Some("dark")
    );
    assert!(demo.dashboard().unwrap().first_run);

    // And back: the demo run writes "real", and the real setup starts next.
    let demo_state = {
        let mut s = AppState::open(
            &mode_dir(dir.path(), RunMode::Demo),
            RunMode::Demo,
            "en-US".into(),
        )
        .launched(next);
        s.base_dir = Some(dir.path().to_path_buf());
        s
    };
    app::switch_launch_mode(&demo_state, false).await.unwrap();
    assert_eq!(launch::remembered(dir.path()), Some(RunMode::Live));
}

#[tokio::test]
async fn a_mode_forced_by_the_environment_or_flag_is_not_switched() {
    let dir = tempfile::tempdir().unwrap();
    for source in [LaunchSource::Env, LaunchSource::Flag] {
        let state = real_state(dir.path()).launched(Launch {
            mode: RunMode::Demo,
            source,
        });
        let error = app::switch_launch_mode(&state, false).await.unwrap_err();
        assert_eq!(error.code, "app_launch_forced");
        assert_eq!(launch::remembered(dir.path()), None, "nothing remembered");
        let info = app::app_info(&state).await.unwrap();
        assert_eq!(info.launch, source);
    }
}

#[tokio::test]
async fn a_state_without_a_base_folder_cannot_switch() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(dir.path(), RunMode::Live, "en-US".into());
    let error = app::switch_launch_mode(&state, true).await.unwrap_err();
    assert_eq!(error.code, "app_launch_unavailable");
}

#[tokio::test]
async fn the_theme_is_stored_and_reported_with_the_app_info() {
    let dir = tempfile::tempdir().unwrap();
    let state = real_state(dir.path());
    assert_eq!(app::app_info(&state).await.unwrap().theme, Theme::System);
    app::set_theme(&state, Theme::Light).await.unwrap();
    assert_eq!(app::app_info(&state).await.unwrap().theme, Theme::Light);
    let reopened = real_state(dir.path());
    assert_eq!(reopened.theme(), Theme::Light);
}
