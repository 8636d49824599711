//! The desktop shell: opens the window, holds the application (`sia_app::AppState`), routes each
//! IPC command in one line to `sia_app::api`, and forwards the app's events to the window.
//! Everything that can be decided without a window lives in `sia-app` and the domain crates.

#[macro_use]
pub mod command_names;
pub mod clipboard;
pub mod commands;
pub mod events;
pub mod import;
pub mod updates;
pub mod window_state;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tauri::{AppHandle, Manager, Runtime};

pub use sia_app::{actions, demo, directory, error, invite, locale, state};
use state::AppState;

macro_rules! invoke_handler {
    ($($area:ident :: $name:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$area::$name),*]
    };
}

/// Registers the app's commands on `builder`; shared by `run` and the
/// mock-runtime tests (which pass `tauri::test::mock_builder()`).
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(with_app_commands!(invoke_handler))
}

pub fn run() {
    let started = state::StartClock::now();
    // `--demo`/`SIA_DEMO`, else the mode last chosen in the window, else the real services.
    // Decided before anything else: the log file is per mode.
    let launch = sia_app::launch::for_window(&state::base_dir(state::default_app_data_dir()));
    sia_app::logging::start(launch.mode);

    // Single instance first, as its docs require: a second launch must hand over and exit before
    // any other plugin or the setup below touches the progress file, the journal or the window.
    let result = with_commands(tauri::Builder::default())
        .plugin(tauri_plugin_single_instance::init(on_second_launch))
        .plugin(
            tauri_plugin_window_state::Builder::new()
                .with_state_flags(window_state::FLAGS)
                .with_filename(window_state_file())
                .build(),
        )
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(updates::plugin())
        .manage(updates::PendingUpdate::default())
        .on_window_event(|window, event| {
            import::open_on_drop(window, event);
            window_state::save_when_settled(window, event);
        })
        .setup(move |app| {
            let app_data = app.path().app_data_dir()?;
            let state = AppState::start(app_data, launch.mode, started.clone()).launched(launch);
            // The first line support reads: which build, in which mode.
            tracing::info!(
                version = env!("CARGO_PKG_VERSION"),
                mode = state.mode().name(),
                "SIA Setup started"
            );
            // A dark look starts dark: the window's own background shows until the page paints
            // (the page then sets its theme before its first paint, ui/src/lib/theme.ts).
            if let Some(window) = app.get_webview_window("main") {
                let os_dark = window.theme().is_ok_and(|t| t == tauri::Theme::Dark);
                if state.theme().is_dark(os_dark) {
                    let _ =
                        window.set_background_color(Some(tauri::window::Color(18, 20, 23, 255)));
                }
            }
            app.manage(Arc::new(state));
            // Launched with a file ("Open with", `sia-setup people.csv`): the import opens it.
            let args: Vec<String> = std::env::args().collect();
            let cwd = std::env::current_dir().unwrap_or_default();
            if let Some(path) = sia_app::import::launch_file(&args, &cwd) {
                import::open_launched(app.handle().clone(), path);
            }
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"));
    match result {
        Ok(app) => app.run(|handle, event| {
            // Quitting is not cancelling: a running invite job stops where it is and is offered
            // for resuming on the next start (docs/decisions.md §9).
            if let tauri::RunEvent::Exit = event
                && let Some(state) = handle.try_state::<Arc<AppState>>()
            {
                tracing::info!("quitting");
                state.invite.stop_for_quit();
                sia_app::marketo::flush_own_calls(&state);
            }
        }),
        Err(error) => {
            tracing::error!("SIA Setup could not start: {error}");
            eprintln!("SIA Setup could not start: {error}");
            std::process::exit(1);
        }
    }
}

/// Where the window's size and position are kept: the OS config folder (the plugin's default),
/// or beside the data when `SIA_DATA_DIR` sets one, so a test's window never inherits the
/// geometry another run left behind. (An absolute name replaces the plugin's folder.)
fn window_state_file() -> String {
    match std::env::var_os("SIA_DATA_DIR") {
        Some(dir) => PathBuf::from(dir)
            .join("window-state.json")
            .to_string_lossy()
            .into_owned(),
        None => tauri_plugin_window_state::DEFAULT_FILENAME.to_string(),
    }
}

/// A second launch of the app: it exits (the plugin ends it once this returns) and this window
/// comes to the front; a file it was given opens in the import, as a dropped file does.
fn on_second_launch<R: Runtime>(app: &AppHandle<R>, args: Vec<String>, cwd: String) {
    tracing::info!("a second launch was handed to this window");
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    if let Some(path) = sia_app::import::launch_file(&args, Path::new(&cwd)) {
        import::open_launched(app.clone(), path);
    }
}
