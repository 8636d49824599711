//! The vault against a real Secret Service (gnome-keyring under `scripts/test-keychain.sh`):
//! store, read from another process, check the real keyring, forget, lock. Fails if absent.

#![cfg(target_os = "linux")]

mod common;

use std::path::Path;
use std::process::Command;

use common::{json, probe};
use sia_vault::{Environment, KeychainState, Vault};

fn secret_tool_search(service: &str, account: &str) -> (bool, String) {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", service, "username", account])
        .output()
        .expect("secret-tool is installed (libsecret-tools)");
    // secret-tool writes attributes to stdout and the item path to stderr.
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Every file under `root` that holds `needle` in plain bytes.
fn files_containing(root: &Path, needle: &str) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path)
                && bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
            {
                hits.push(path.display().to_string());
            }
        }
    }
    hits
}

#[test]
fn real_secret_service_round_trip_across_processes() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "no D-Bus session: run this test through scripts/test-keychain.sh"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path().to_str().expect("utf-8 temp path");

    // The keychain must really be there: this test never passes without it.
    let vault = Vault::open(dir.path()).expect("vault");
    match vault.keychain() {
        KeychainState::Available { backend } => assert_eq!(backend, "Secret Service"),
        KeychainState::Unavailable { code, .. } => {
            panic!("the Secret Service is not reachable ({code}): start gnome-keyring first")
        }
    }
    drop(vault);

    let run_id = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default()
    );
    let account = format!("probe-{run_id}@x.test");
    let refresh = format!("CANARY-refresh-{run_id}");
    let client_id = format!("CANARY-client-id-{run_id}");
    let client_secret = format!("CANARY-client-secret-{run_id}");
    let munchkin = "123-ABC-456";
    let sf = ["--service", "salesforce", "--env", "sandbox"];
    let mk = ["--service", "marketo", "--env", "production"];
    let with = |cmd: &str, svc: &[&str], extra: &[&str]| -> Vec<String> {
        let mut v = vec![cmd.to_owned(), "--dir".into(), d.to_owned()];
        v.extend(svc.iter().map(|s| s.to_string()));
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let call = |args: Vec<String>, stdin: &str| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        probe(&refs, stdin, &[])
    };

    // 1. Store from one process.
    let run = call(
        with("store", &sf, &["--account", &account]),
        &format!("{refresh}\n"),
    );
    assert_eq!(run.code, 0, "store failed: {} {}", run.stdout, run.stderr);
    assert_eq!(json(&run)["storedIn"], "keychain");
    let run = call(
        with("store", &mk, &["--account", munchkin]),
        &format!("{client_id}\n{client_secret}\n"),
    );
    assert_eq!(run.code, 0, "store failed: {} {}", run.stdout, run.stderr);

    // 2. Read back from another process, and from this one.
    let run = call(with("read", &sf, &[]), &format!("{refresh}\n"));
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "match"),
        "{}",
        run.stderr
    );
    let run = call(
        with("read", &mk, &[]),
        &format!("{client_id}\n{client_secret}\n"),
    );
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "match"),
        "{}",
        run.stderr
    );
    let vault = Vault::open(dir.path()).expect("vault");
    let token = vault
        .salesforce(Environment::Sandbox)
        .expect("read")
        .expect("present after restart");
    assert_eq!(token.refresh_token.expose(), refresh);
    drop(vault);

    // 3. The item is in the real keyring, and its attributes and label hold no secret.
    let key = "sia-setup.salesforce.sandbox";
    let (found, listing) = secret_tool_search(key, &account);
    assert!(found, "secret-tool found no item: {listing}");
    assert!(
        listing.contains(&format!("attribute.service = {key}")),
        "{listing}"
    );
    assert!(
        listing.contains(&format!("attribute.username = {account}")),
        "{listing}"
    );
    assert!(
        listing.contains(&refresh),
        "the item's secret is ours: {listing}"
    );
    for line in listing.lines() {
        if line.starts_with("attribute.") || line.starts_with("label") {
            assert!(!line.contains("CANARY"), "secret in metadata: {line}");
        }
    }

    // 4. No plaintext copy anywhere: not the settings file, not the keyring files on disk.
    let settings =
        std::fs::read_to_string(dir.path().join(sia_vault::SETTINGS_FILE)).expect("settings file");
    assert!(settings.contains(&account) && settings.contains(munchkin));
    for canary in [&refresh, &client_id, &client_secret] {
        assert!(files_containing(dir.path(), canary).is_empty());
        if let Some(data) = std::env::var_os("XDG_DATA_HOME") {
            let hits = files_containing(Path::new(&data), canary);
            assert!(hits.is_empty(), "plaintext secret on disk in {hits:?}");
        }
    }

    // 5. Forget from a third process: gone from the vault and the real keyring.
    let run = call(with("forget", &sf, &[]), "");
    assert_eq!(run.code, 0, "forget failed: {} {}", run.stdout, run.stderr);
    let out = json(&run);
    assert_eq!(
        out["revocations"], 1,
        "the refresh token is handed back for revocation"
    );
    assert_eq!(out["outcome"]["removed"].as_array().map(Vec::len), Some(1));
    assert!(!run.stdout.contains(&refresh));
    let run = call(with("forget", &mk, &[]), "");
    assert_eq!(run.code, 0);
    assert_eq!(json(&run)["revocations"], 0);
    let run = call(with("read", &sf, &[]), &format!("{refresh}\n"));
    assert_eq!(run.stdout, "missing");
    let run = call(
        with("read", &mk, &[]),
        &format!("{client_id}\n{client_secret}\n"),
    );
    assert_eq!(run.stdout, "missing");
    let (_, listing) = secret_tool_search(key, &account);
    assert!(
        !listing.contains("attribute.service"),
        "still in the keyring: {listing}"
    );
    let (_, listing) = secret_tool_search("sia-setup.marketo.production", munchkin);
    assert!(
        !listing.contains("attribute.service"),
        "still in the keyring: {listing}"
    );

    // 6. A locked keychain whose unlock prompt cannot be answered fails closed: an error
    //    with a keychain code, never "nothing stored", and session-only still works.
    let ac = ["--service", "actions", "--env", "demo"];
    let token = format!("CANARY-actions-{run_id}");
    let run = call(
        with("store", &ac, &["--account", &account]),
        &format!("{token}\n"),
    );
    assert_eq!(run.code, 0, "store failed: {} {}", run.stdout, run.stderr);
    let locked = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .output()
        .expect("dbus-send is installed (dbus)");
    assert!(
        locked.status.success(),
        "could not lock the login collection: {}",
        String::from_utf8_lossy(&locked.stderr)
    );
    let run = call(with("read", &ac, &[]), &format!("{token}\n"));
    assert_eq!(
        run.code, 2,
        "a locked keychain must be an error: {}",
        run.stdout
    );
    let err = json(&run);
    let code = err["code"].as_str().unwrap_or_default();
    assert!(
        code == "keychain_denied" || code == "keychain_locked",
        "unexpected code {code}"
    );
    assert_eq!(err["sessionOnlyAvailable"], true);
    let run = call(
        with("store", &ac, &["--account", &account, "--session-only"]),
        &format!("{token}\n"),
    );
    assert_eq!(
        run.code, 0,
        "session-only failed: {} {}",
        run.stdout, run.stderr
    );
    assert_eq!(json(&run)["storedIn"], "sessionOnly");
}
