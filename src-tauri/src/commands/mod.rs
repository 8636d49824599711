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
