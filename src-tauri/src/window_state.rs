//! The window's size, position and maximised state, kept across restarts by Tauri's window-state
//! plugin. The plugin writes them when the app quits through its event loop; this also writes them
//! shortly after each move or resize, so a crash, a kill or a logout keeps the last geometry too.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{Manager, Runtime, Window, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// What is remembered: not visibility or decorations, which the app itself decides.
pub const FLAGS: StateFlags = StateFlags::SIZE
    .union(StateFlags::POSITION)
    .union(StateFlags::MAXIMIZED);

/// A drag or resize sends many events; only the last one, once it has settled, is written.
const SETTLE: Duration = Duration::from_millis(400);

static LATEST: AtomicU64 = AtomicU64::new(0);

pub fn save_when_settled<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if !matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
        return;
    }
    let this = LATEST.fetch_add(1, Ordering::SeqCst) + 1;
    let app = window.app_handle().clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(SETTLE).await;
        if LATEST.load(Ordering::SeqCst) == this
            && let Err(error) = app.save_window_state(FLAGS)
        {
            tracing::debug!("the window's geometry could not be saved: {error}");
        }
    });
}
