//! Helpers shared by the shell's integration tests: an app on Tauri's mock
//! runtime with the real commands, and a way to invoke one as the webview would.

use serde_json::Value;
use sia_setup_lib::state::AppState;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::webview::InvokeRequest;
use tauri::{WebviewWindow, WebviewWindowBuilder};

pub fn app_with(state: AppState) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = sia_setup_lib::with_commands(mock_builder())
        .manage(std::sync::Arc::new(state))
        .build(mock_context(noop_assets()))
        .expect("mock app builds");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("mock window builds");
    (app, window)
}

pub fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("valid url"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().expect("json body"))
}

/// Signs in to the Salesforce stand-in through the app, as the admin would: `salesforce_connect`,
/// then a headless browser follows the authorize URL's redirects to the app's loopback callback.
/// Returns once the app reports the connection.
#[allow(dead_code)] // not every test file signs in
pub fn sign_in_to_salesforce(
    window: &WebviewWindow<MockRuntime>,
    login_host: &str,
    consumer_key: &str,
) {
    let mut settings = invoke(window, "salesforce_overview", serde_json::json!({}))
        .expect("overview")["settings"]
        .clone();
    settings["loginHost"] = login_host.into();
    settings["consumerKey"] = consumer_key.into();
    let started = invoke(
        window,
        "salesforce_connect",
        serde_json::json!({"settings": settings}),
    )
    .expect("sign-in starts");
    let authorize = started["authorizeUrl"].as_str().expect("a URL").to_string();
    let status = std::thread::spawn(move || {
        tokio::runtime::Runtime::new()
            .expect("runtime")
            .block_on(async { reqwest::get(&authorize).await.map(|r| r.status()) })
    })
    .join()
    .expect("browser thread");
    assert!(status.expect("the callback answers").is_success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while invoke(window, "salesforce_overview", serde_json::json!({})).expect("overview")
        ["connection"]
        .is_null()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the Salesforce sign-in did not finish"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Every entry of the zip at `path` (deflated, as the diagnostics are written), by name, as text.
#[allow(dead_code)] // only the diagnostics tests read zips
pub fn unzip(path: &std::path::Path) -> Vec<(String, String)> {
    use std::io::Read;
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(path).expect("zip exists")).expect("a zip file");
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).expect("entry");
            assert_eq!(entry.compression(), zip::CompressionMethod::Deflated);
            let mut text = String::new();
            entry.read_to_string(&mut text).expect("text entry");
            (entry.name().expect("entry name").to_string(), text)
        })
        .collect()
}
