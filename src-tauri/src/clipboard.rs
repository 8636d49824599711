//! The system clipboard for `sia_app::clipboard` (Tauri's clipboard plugin, used from Rust only:
//! the page has no clipboard permission).

use std::sync::Arc;

use sia_app::clipboard::Clipboard;
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

struct SystemClipboard<R: Runtime>(AppHandle<R>);

impl<R: Runtime> Clipboard for SystemClipboard<R> {
    fn write_text(&self, text: &str) -> Result<(), String> {
        self.0
            .clipboard()
            .write_text(text)
            .map_err(|e| e.to_string())
    }

    fn read_text(&self) -> Result<String, String> {
        self.0.clipboard().read_text().map_err(|e| e.to_string())
    }

    fn clear(&self) -> Result<(), String> {
        self.0.clipboard().clear().map_err(|e| e.to_string())
    }
}

pub fn clipboard<R: Runtime>(app: &AppHandle<R>) -> Arc<dyn Clipboard> {
    Arc::new(SystemClipboard(app.clone()))
}
