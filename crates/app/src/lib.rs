//! SIA Setup's application: what the app holds (state, mode, progress, the open import, invite
//! jobs), and every intent the window or `sia` can send, as plain async functions in `api`.
//! No Tauri here: the desktop shell translates IPC into these calls and events out of `Events`.

pub mod actions;
pub mod api;
pub mod checks;
pub mod clipboard;
pub mod demo;
pub mod diagnostics;
pub mod directory;
pub mod error;
pub mod events;
pub mod guided;
pub mod import;
pub mod invite;
pub mod launch;
pub mod locale;
pub mod logging;
pub mod marketo;
pub mod mode;
pub mod report;
#[cfg(feature = "demo")]
mod runtime;
pub mod salesforce;
pub mod state;
pub mod tracker;
pub mod updates;
pub mod words;

pub use error::{AppError, AppResult};
pub use events::Events;
pub use mode::Mode;
pub use state::{AppState, RunMode};
