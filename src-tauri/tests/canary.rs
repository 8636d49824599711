//! The canary: the setup runs with distinctive secret values (Marketo Client Secret, Actions API
//! token, the Salesforce refresh token the stand-in issues), then every file in the app's data
//! folder (settings, SQLite, WAL), every log line, every IPC answer and every event payload is
//! searched for them, and so is every entry of the diagnostics zip the admin would send support.
//! The only place they may be is the keychain, which the test also checks (the positive control).

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{app_with, invoke, unzip};
use serde_json::{Value, json};
use sia_setup_lib::error::AppError;
use sia_setup_lib::state::{AppState, RunMode};
use sia_vault::testing::FaultyStore;
use sia_vault::{Environment, Vault};
use tauri::{Listener, Manager};

const MARKETO_SECRET: &str = "CanaryMktoSecret7f3a9c2e";
const MARKETO_CLIENT_ID: &str = "canary-mkto-client-5b1d";
const ACTIONS_TOKEN: &str = "CanaryActionsToken4e8b0d61";

/// Every log line of the process, at every level.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn no_secret_reaches_a_file_a_log_line_or_the_page() {
    let logs = Captured::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    // The stand-ins with the canary values (their own state lives elsewhere: it is "the cloud").
    let mut config = sia_sandbox::SandboxConfig::for_tests();
    config.marketo.credentials.client_id = MARKETO_CLIENT_ID.into();
    config.marketo.credentials.client_secret = MARKETO_SECRET.into();
    config.actions = Some(sia_sandbox::ActionsConfig::with_token(ACTIONS_TOKEN));
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sandbox = runtime
        .block_on(sia_sandbox::Sandbox::start(config))
        .unwrap();
    let info = sandbox.info();

    // The app, live (not demo), with its data folder and a mock keychain.
    let dir = tempfile::tempdir().unwrap();
    let (store, _faults) = FaultyStore::create().unwrap();
    let vault = Vault::with_store(store, "mock keychain", dir.path())
        .map(Arc::new)
        .map_err(AppError::from);
    let mut state = AppState::open_with_vault(dir.path(), RunMode::Live, "en-US".into(), vault);
    // The diagnostics read this run's log file from here (kept apart from the data folder, whose
    // every file is searched below on its own).
    let support = tempfile::tempdir().unwrap();
    let log_dir = support.path().join("logs");
    state.log_dir = Some(log_dir.clone());
    let (app, window) = app_with(state);
    let answers = Mutex::new(Vec::<String>::new());
    // Events cross IPC too: keep every payload the app emits to the page.
    let events = Arc::new(Mutex::new(Vec::<String>::new()));
    for name in [
        "salesforce-login",
        "import-opened",
        "import-failed",
        "invite-progress",
        "invite-finished",
    ] {
        let events = events.clone();
        app.listen_any(name, move |event| {
            events
                .lock()
                .unwrap()
                .push(format!("{name}: {}", event.payload()));
        });
    }
    let call = |cmd: &str, args: Value| -> Value {
        let result = invoke(&window, cmd, args);
        let text = match &result {
            Ok(v) | Err(v) => v.to_string(),
        };
        answers.lock().unwrap().push(format!("{cmd}: {text}"));
        result.unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    };

    // Settings: the Actions admin API with its token.
    call(
        "actions_connect",
        json!({"url": info.actions_url, "token": format!("  {ACTIONS_TOKEN}\n"), "storage": "keychain"}),
    );
    // Step 1: Marketo access typed into the form, the admins, the activation.
    let form = json!({"munchkinOrEndpoint": info.marketo_url, "clientId": MARKETO_CLIENT_ID, "clientSecret": MARKETO_SECRET});
    call(
        "marketo_test_and_save",
        json!({"form": form, "storage": "keychain"}),
    );
    let admins = call("marketo_admins", json!({}));
    let admin = admins[0]["email"].as_str().unwrap().to_string();
    call("actions_activate", json!({"emails": [admin]}));
    let original = call("actions_overview", json!({}))["originalUser"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    runtime.block_on(async {
        let client = sia_actions::ActionsClient::new(
            info.actions_url.as_deref().unwrap(),
            sia_vault::Secret::new(ACTIONS_TOKEN),
        )
        .unwrap();
        client.accept_invitation(&original).await.unwrap();
    });
    // Step 3: the Integration Information (the same canary secret) pasted by paste-block too.
    let block = format!(
        "Munchkin ID: {}\nClient ID: {MARKETO_CLIENT_ID}\nClient Secret: {MARKETO_SECRET}\n",
        info.munchkin_id
    );
    call(
        "marketo_paste",
        json!({"field": "clientSecret", "text": block}),
    );
    call("actions_fill_from_integration", json!({}));
    call(
        "marketo_test_and_save",
        json!({"form": {"munchkinOrEndpoint": info.marketo_url, "clientId": MARKETO_CLIENT_ID}, "storage": "keychain"}),
    );
    call("actions_connect_marketo", json!({"ownerEmail": admin}));
    // Step 4: preview and sync.
    let preview = call("marketo_sync_preview", json!({}));
    call("sync_start", json!({"expected": preview["withOwner"]}));
    let deadline = Instant::now() + Duration::from_secs(120);
    while call("sync_progress", json!({}))["status"]["state"] == "running" {
        assert!(Instant::now() < deadline, "the sync did not finish");
        std::thread::sleep(Duration::from_millis(200));
    }
    // Step 5: an individual invite job (the token goes to the engine; the journal is searched below).
    let check = call(
        "invite_check",
        json!({"list": "Mei Lin <mei.lin@example.com>\nraj@example.com", "teams": ["Everyone"], "role": "User", "workspace": null}),
    );
    call("invite_start_checked", json!({"checkId": check["checkId"]}));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !call("invite_overview", json!({}))["running"].is_null() {
        assert!(Instant::now() < deadline, "the invite job did not finish");
        std::thread::sleep(Duration::from_millis(100));
    }
    // Step 2: the Salesforce sign-in, with a headless browser following the stand-in's redirects.
    common::sign_in_to_salesforce(
        &window,
        &info.salesforce_url,
        sandbox.salesforce_consumer_key(),
    );
    call("salesforce_check", json!({}));
    // What the admin hands over, written into the data folder so that the search below covers it:
    // the tracker's CSV and the setup report.
    call("activation_tracker", json!({"extra": []}));
    let csv = dir.path().join("activation.csv");
    call("activation_export", json!({"path": csv, "extra": []}));
    let report = dir.path().join("setup-report.html");
    call("export_setup_report", json!({"path": report}));
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        !html.contains("mei.lin@example.com"),
        "the report names no invitee"
    );
    assert!(
        !html.contains(&*dir.path().to_string_lossy()),
        "the report holds no full path"
    );
    call("vault_status", json!({}));
    call("dashboard", json!({}));
    call("app_info", json!({}));

    // The positive control: the keychain does hold every canary, so the search below is meaningful.
    let vault = app.state::<std::sync::Arc<AppState>>().vault().unwrap();
    let refresh = vault
        .salesforce(Environment::Production)
        .unwrap()
        .expect("the refresh token is in the keychain")
        .refresh_token
        .expose()
        .to_string();
    assert!(refresh.len() >= 16);
    let marketo = vault.marketo(Environment::Production).unwrap().unwrap();
    assert_eq!(marketo.client_secret.expose(), MARKETO_SECRET);
    let actions = vault.actions(Environment::Production).unwrap().unwrap();
    assert_eq!(actions.api_token.expose(), ACTIONS_TOKEN);
    // "Export diagnostics…" with everything this run logged as its log file.
    std::fs::create_dir_all(&log_dir).unwrap();
    std::fs::write(
        log_dir.join("sia-setup.2026-12-05.log"),
        logs.0.lock().unwrap().as_slice(),
    )
    .unwrap();
    let zip_path = support.path().join("diagnostics.zip");
    let exported = call("export_diagnostics", json!({"path": zip_path}));
    assert_eq!(exported["logFiles"], 1);
    let entries = unzip(&zip_path);
    assert!(entries.len() >= 4, "{exported}");
    let logged = entries
        .iter()
        .find(|(name, _)| name.contains("/logs/"))
        .unwrap();
    assert!(logged.1.len() > 1000, "the run's log is in the zip");
    let data_path = dir.path().to_string_lossy().to_string();
    for (name, text) in &entries {
        for canary in [MARKETO_SECRET, ACTIONS_TOKEN, refresh.as_str()] {
            assert!(!text.contains(canary), "a secret is in the zip's {name}");
        }
        assert!(
            !text.contains(&data_path),
            "the data folder is in the zip's {name}"
        );
    }

    drop(window);
    drop(app); // closes SQLite, so the WAL is checkpointed into the file searched below

    let canaries = [MARKETO_SECRET, ACTIONS_TOKEN, refresh.as_str()];
    let mut files = Vec::new();
    files_under(dir.path(), &mut files);
    assert!(files.iter().any(|f| f.ends_with("setup.db")), "{files:?}");
    assert!(
        files.iter().any(|f| f.ends_with("sia-settings.json")),
        "{files:?}"
    );
    for handed_over in ["activation.csv", "setup-report.html"] {
        assert!(files.iter().any(|f| f.ends_with(handed_over)), "{files:?}");
    }
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for canary in canaries {
            assert!(
                !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
                "a secret is in {}",
                file.display()
            );
        }
    }
    let logs = String::from_utf8_lossy(&logs.0.lock().unwrap()).to_string();
    assert!(logs.len() > 1000, "the app logged while it ran");
    let events = events.lock().unwrap().join("\n");
    assert!(
        events.contains("salesforce-login"),
        "the sign-in event was seen"
    );
    let answers = answers.lock().unwrap().join("\n") + "\n" + &events;
    for canary in canaries {
        assert!(!logs.contains(canary), "a secret is in the logs");
        assert!(!answers.contains(canary), "a secret crossed IPC");
    }
    // The Client ID is not a secret (the UI shows it), so it may appear; the Munchkin ID too.
    assert!(answers.contains(MARKETO_CLIENT_ID));
    runtime.block_on(sandbox.shutdown());
}
