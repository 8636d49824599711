//! The IPC commands, one module per area. Each command is a few lines of
//! translation between the webview and the domain crates.

pub mod actions;
pub mod app;
pub mod credentials;
pub mod import;
pub mod invite;
pub mod marketo;
pub mod salesforce;
