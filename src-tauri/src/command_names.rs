// The app's IPC commands, written once. `with_app_commands!(m)` hands the list to the macro `m`:
// lib.rs builds the invoke handler from it, this file the names, which build.rs (to generate
// each command's allow-/deny- permission) and the tests (to check the capability grants each,
// and that the UI calls only these) read.

macro_rules! with_app_commands {
    ($then:ident) => {
        $then! {
            app::app_info,
            app::dashboard,
            app::start_step,
            app::confirm_step,
            app::confirm_prerequisite,
            app::set_language,
            app::ui_ready,
            app::set_demo_actions_access,
            app::refresh_checks,
            app::check_step,
            credentials::vault_status,
            credentials::forget_credential,
            credentials::forget_everything,
            salesforce::salesforce_overview,
            salesforce::save_salesforce_settings,
            salesforce::salesforce_connect,
            salesforce::salesforce_cancel,
            salesforce::salesforce_keep_for_session,
            salesforce::salesforce_disconnect,
            salesforce::salesforce_check,
            salesforce::salesforce_check_api_secret_key,
            salesforce::actions_connect_salesforce,
            salesforce::salesforce_actions_app,
            salesforce::salesforce_choose_actions_app,
            import::import_open,
            import::import_refresh_directory,
            import::import_summary,
            import::import_page,
            import::import_set_encoding,
            import::import_set_delimiter,
            import::import_set_has_header,
            import::import_set_sheet,
            import::import_set_mapping,
            import::import_edit_cell,
            import::import_confirm,
            import::import_export_clean,
            import::import_export_errors,
            import::import_template,
            import::import_close,
            marketo::marketo_overview,
            marketo::marketo_paste,
            marketo::marketo_discard_paste,
            marketo::marketo_test_and_save,
            marketo::marketo_use_demo,
            marketo::marketo_admins,
            marketo::marketo_sync_preview,
            marketo::marketo_usage,
            marketo::marketo_choose_actions_user,
            marketo::marketo_copy_field,
            actions::actions_connect,
            actions::actions_overview,
            actions::actions_activate,
            actions::actions_outbox,
            actions::actions_demo_accept,
            actions::actions_fill_from_integration,
            actions::actions_connect_marketo,
            actions::actions_disconnect_marketo,
            actions::sync_progress,
            actions::sync_start,
            actions::demo_play,
            invite::invite_form_info,
            invite::invite_check,
            invite::invite_start_checked,
            invite::invite_start_import,
            invite::invite_overview,
            invite::invite_pause,
            invite::invite_resume,
            invite::invite_cancel,
            invite::invite_resume_job,
            invite::invite_results,
            invite::invite_export_results,
            invite::invite_export_upload,
            invite::invite_revoke,
            invite::activation_tracker,
            invite::activation_export,
            invite::activation_last,
            report::export_setup_report,
        }
    };
}

macro_rules! command_names {
    ($($area:ident :: $name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

#[allow(dead_code)] // build.rs includes this file too; only main reads it there.
pub const COMMANDS: &[&str] = with_app_commands!(command_names);
