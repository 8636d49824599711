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
pub mod updates;

/// Every command's result passes through `Returned::returned` on its way to the window
/// (`every_command_records_the_errors_it_returns` checks each command does).
pub use sia_app::error::Returned;
