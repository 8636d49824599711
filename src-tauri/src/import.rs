//! A file dropped on the window is opened like one chosen with Browse; the UI hears the result
//! as an `import-opened` / `import-failed` event (hover highlighting uses Tauri's own drag events).
//! A file the app is launched with takes the same route.

use std::path::PathBuf;
use std::sync::Arc;

use sia_app::AppState;
use tauri::{AppHandle, Manager, Runtime};

pub fn open_on_drop<R: Runtime>(window: &tauri::Window<R>, event: &tauri::WindowEvent) {
    if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event
        && let Some(path) = paths.first()
    {
        open_dropped(window.app_handle().clone(), path.clone());
    }
}

/// Opens `path` off the event loop (`sia_app::import::open_dropped`) and reports it as an event.
pub fn open_dropped<R: Runtime>(app: AppHandle<R>, path: PathBuf) {
    let Some(state) = app.try_state::<Arc<AppState>>().map(|s| s.inner().clone()) else {
        return;
    };
    let events = crate::events::events(&app);
    tauri::async_runtime::spawn(async move {
        sia_app::import::open_dropped(&state, events.as_ref(), path).await;
    });
}

/// A file the app was launched with (`sia_app::import::open_from_launch`): the window is asked to
/// show the import, then the file opens as a dropped one.
pub fn open_launched<R: Runtime>(app: AppHandle<R>, path: PathBuf) {
    let Some(state) = app.try_state::<Arc<AppState>>().map(|s| s.inner().clone()) else {
        return;
    };
    let events = crate::events::events(&app);
    tauri::async_runtime::spawn(async move {
        sia_app::import::open_from_launch(&state, events.as_ref(), path).await;
    });
}
