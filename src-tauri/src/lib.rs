//! The desktop shell: opens the window, holds the application (`sia_app::AppState`), routes each
//! IPC command in one line to `sia_app::api`, and forwards the app's events to the window.
//! Everything that can be decided without a window lives in `sia-app` and the domain crates.

#[macro_use]
pub mod command_names;
pub mod clipboard;
pub mod commands;
pub mod events;
pub mod import;

use std::sync::Arc;

use tauri::Manager;

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
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SIA_LOG")
                .unwrap_or_else(|_| "warn,sia=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();

    let result = with_commands(tauri::Builder::default())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .on_window_event(import::open_on_drop)
        .setup(move |app| {
            let app_data = app.path().app_data_dir()?;
            // `--demo`/`SIA_DEMO`, else the mode last chosen in the window, else the real services.
            let launch = sia_app::launch::for_window(&state::base_dir(app_data.clone()));
            let state = AppState::start(app_data, launch.mode, started.clone()).launched(launch);
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
                state.invite.stop_for_quit();
                sia_app::marketo::flush_own_calls(&state);
            }
        }),
        Err(error) => {
            eprintln!("SIA Setup could not start: {error}");
            std::process::exit(1);
        }
    }
}
