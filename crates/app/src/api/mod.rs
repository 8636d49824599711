//! Every intent the window or `sia` can send, one module per area. Each function is the whole
//! command: the desktop shell's IPC handlers are one line into these.

pub mod actions;
pub mod app;
pub mod credentials;
pub mod import;
pub mod invite;
pub mod marketo;
pub mod report;
pub mod salesforce;
pub mod support;
