//! How the application tells whoever shows it that something happened in the background (a
//! sign-in ended, a dropped file opened, an invite job moved). The window forwards these as Tauri
//! events; `sia` prints or ignores them. Payloads are the same serialisable types the IPC returns.

use std::sync::Arc;

use serde::Serialize;

/// A sink for the app's events. Implementations must not block: they are called from job loops.
pub trait Events: Send + Sync + 'static {
    /// Delivers `payload` (already serialised) under `event`.
    fn emit_json(&self, event: &str, payload: serde_json::Value);
}

/// Serialises `payload` and emits it; a payload that cannot be serialised is logged, not sent.
pub fn emit<T: Serialize + ?Sized>(events: &dyn Events, event: &str, payload: &T) {
    match serde_json::to_value(payload) {
        Ok(value) => events.emit_json(event, value),
        Err(error) => tracing::warn!(event, "an event could not be serialised: {error}"),
    }
}

/// Drops every event: for callers that only read answers (tests, `sia` without progress).
pub struct NoEvents;

impl Events for NoEvents {
    fn emit_json(&self, _event: &str, _payload: serde_json::Value) {}
}

/// A shared sink, as background jobs hold it.
pub type SharedEvents = Arc<dyn Events>;
