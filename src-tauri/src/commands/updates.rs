//! IPC for updates (`crate::updates`, the shell's part; the types are `sia_app::updates`): each
//! command is one call, and each runs only because the admin clicked.

use sia_app::error::AppResult;
use sia_app::state::AppState;
use sia_app::updates::{UpdateCheck, UpdateInstalled};
use std::sync::Arc;
use tauri::{AppHandle, Runtime, State};

use super::Returned;
use crate::updates;

#[tauri::command]
pub async fn update_check<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<AppState>>,
) -> AppResult<UpdateCheck> {
    updates::check(&app).await.returned(&state)
}

#[tauri::command]
pub async fn update_install<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<AppState>>,
) -> AppResult<UpdateInstalled> {
    updates::install(&app, crate::events::events(&app))
        .await
        .returned(&state)
}

/// Restarts through the event loop, as the mode switch does, so the quit handler runs first.
#[tauri::command]
pub async fn update_restart<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, Arc<AppState>>,
) -> AppResult<()> {
    updates::restart(&app).returned(&state)
}
