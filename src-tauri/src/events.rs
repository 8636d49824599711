//! The application's events, delivered to the window as Tauri events.

use std::sync::Arc;

use sia_app::events::SharedEvents;
use tauri::{AppHandle, Emitter, Runtime};

struct WindowEvents<R: Runtime>(AppHandle<R>);

impl<R: Runtime> sia_app::Events for WindowEvents<R> {
    fn emit_json(&self, event: &str, payload: serde_json::Value) {
        if let Err(error) = self.0.emit(event, payload) {
            tracing::debug!(event, "an event could not reach the window: {error}");
        }
    }
}

/// The sink that forwards the app's events to `app`'s windows.
pub fn events<R: Runtime>(app: &AppHandle<R>) -> SharedEvents {
    Arc::new(WindowEvents(app.clone()))
}
