//! The desktop shell: opens the window, holds the app state, and routes IPC
//! commands to the domain crates. Everything that can be tested without a
//! window lives in `crates/`.

pub mod actions;
pub mod command_names;
pub mod commands;
pub mod demo;
pub mod directory;
pub mod error;
pub mod import;
pub mod invite;
pub mod locale;
pub mod marketo;
pub mod salesforce;
pub mod state;

use tauri::Manager;

use state::{AppState, RunMode};

/// Registers the app's commands on `builder`; shared by `run` and the
/// mock-runtime tests (which pass `tauri::test::mock_builder()`).
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app::app_info,
        commands::app::dashboard,
        commands::app::start_step,
        commands::app::confirm_step,
        commands::app::confirm_prerequisite,
        commands::app::set_language,
        commands::app::ui_ready,
        commands::credentials::vault_status,
        commands::credentials::forget_credential,
        commands::credentials::forget_everything,
        commands::salesforce::salesforce_overview,
        commands::salesforce::save_salesforce_settings,
        commands::salesforce::salesforce_connect,
        commands::salesforce::salesforce_cancel,
        commands::salesforce::salesforce_keep_for_session,
        commands::salesforce::salesforce_disconnect,
        commands::salesforce::salesforce_check,
        commands::salesforce::salesforce_check_api_secret_key,
        commands::salesforce::actions_connect_salesforce,
        commands::import::import_open,
        commands::import::import_refresh_directory,
        commands::import::import_summary,
        commands::import::import_page,
        commands::import::import_set_encoding,
        commands::import::import_set_delimiter,
        commands::import::import_set_has_header,
        commands::import::import_set_sheet,
        commands::import::import_set_mapping,
        commands::import::import_edit_cell,
        commands::import::import_confirm,
        commands::import::import_export_clean,
        commands::import::import_export_errors,
        commands::import::import_template,
        commands::import::import_close,
        commands::marketo::marketo_overview,
        commands::marketo::marketo_paste,
        commands::marketo::marketo_discard_paste,
        commands::marketo::marketo_test_and_save,
        commands::marketo::marketo_use_demo,
        commands::marketo::marketo_admins,
        commands::marketo::marketo_sync_preview,
        commands::actions::actions_connect,
        commands::actions::actions_overview,
        commands::actions::actions_activate,
        commands::actions::actions_outbox,
        commands::actions::actions_demo_accept,
        commands::actions::actions_fill_from_integration,
        commands::actions::actions_connect_marketo,
        commands::actions::actions_disconnect_marketo,
        commands::actions::sync_progress,
        commands::actions::sync_start,
        commands::invite::invite_form_info,
        commands::invite::invite_check,
        commands::invite::invite_start_checked,
        commands::invite::invite_start_import,
        commands::invite::invite_overview,
        commands::invite::invite_pause,
        commands::invite::invite_resume,
        commands::invite::invite_cancel,
        commands::invite::invite_resume_job,
        commands::invite::invite_results,
        commands::invite::invite_export_results,
        commands::invite::invite_revoke,
    ])
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

    let mode = RunMode::from_env();
    let result = with_commands(tauri::Builder::default())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .on_window_event(import_on_drop)
        .setup(move |app| {
            let app_data = app.path().app_data_dir()?;
            let dir = state::data_dir(app_data, mode);
            let mut state = AppState::open(&dir, mode, locale::os_locale());
            state.started = started.clone();
            if mode == RunMode::Demo {
                state.demo = Some(demo::DemoServices::start(&dir));
            }
            if let Some(problem) = &state.store_problem {
                tracing::warn!(code = %problem.code, "running without saved progress");
            }
            state
                .import
                .remember_mappings_in(dir.join("import-mappings.json"));
            app.manage(state);
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"));
    match result {
        Ok(app) => app.run(|handle, event| {
            // Quitting is not cancelling: a running invite job stops where it is and is offered
            // for resuming on the next start (docs/decisions.md §9).
            if let tauri::RunEvent::Exit = event
                && let Some(state) = handle.try_state::<AppState>()
            {
                state.invite.stop_for_quit();
            }
        }),
        Err(error) => {
            eprintln!("SIA Setup could not start: {error}");
            std::process::exit(1);
        }
    }
}

/// A file dropped on the window is opened like one chosen with Browse; the UI hears the result
/// as an `import-opened` / `import-failed` event (hover highlighting uses Tauri's own drag events).
fn import_on_drop<R: tauri::Runtime>(window: &tauri::Window<R>, event: &tauri::WindowEvent) {
    if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
        let Some(path) = paths.first() else { return };
        let Some(state) = window.try_state::<AppState>() else {
            return;
        };
        import::open_dropped(
            window.app_handle().clone(),
            state.import.clone(),
            path.clone(),
            import::locale_tag(&state.os_locale),
        );
    }
}
