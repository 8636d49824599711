//! The IPC commands, one module per area, each a one-line call into `sia_app::api` (the same
//! application `sia` drives). What the window alone has (the opener, events) is adapted here.

pub mod actions;
pub mod app;
pub mod credentials;
pub mod import;
pub mod invite;
pub mod marketo;
pub mod report;
pub mod salesforce;
pub mod support;

use sia_app::error::AppResult;
use sia_app::state::AppState;

/// Every command's result passes here on its way to the window: an error's code is kept in the
/// app's short list of recent errors, which "Export diagnostics…" hands to support. Here, at the
/// IPC edge, because only what reached the admin is what support hears about
/// (`every_command_records_the_errors_it_returns` checks each command does).
pub trait Returned<T> {
    fn returned(self, state: &AppState) -> AppResult<T>;
}

impl<T> Returned<T> for AppResult<T> {
    fn returned(self, state: &AppState) -> AppResult<T> {
        if let Err(error) = &self {
            state.recent_errors.record(error);
        }
        self
    }
}
