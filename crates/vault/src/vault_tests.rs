//! Unit tests of the vault over keyring-core's mock store, with injected keychain failures.
//! Every secret here is a distinctive canary so any leak into files, errors or logs is caught.

use std::io::Write;
use std::sync::{Arc, Mutex};

use keyring_core::CredentialStore;

use super::*;
use crate::secret::{REDACTED, Secret};
use crate::testing::{Fault, Faults, FaultyStore, Op};

const ID: &str = "CANARY-client-id-7d1e";
const SECRET: &str = "CANARY-client-secret-93ab";
const REFRESH: &str = "CANARY-refresh-5Aep861";
const TOKEN: &str = "CANARY-actions-token-c0ffee";
const CANARIES: [&str; 4] = [ID, SECRET, REFRESH, TOKEN];

struct Fixture {
    dir: tempfile::TempDir,
    store: Arc<CredentialStore>,
    faults: Faults,
    vault: Vault,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let (store, faults) = FaultyStore::create().expect("mock store");
        let vault = Vault::with_store(store.clone(), "Test store", dir.path()).expect("vault");
        Fixture {
            dir,
            store,
            faults,
            vault,
        }
    }

    /// A new vault over the same keychain and folder: the app after a restart.
    fn restart(&self) -> Vault {
        Vault::with_store(self.store.clone(), "Test store", self.dir.path()).expect("vault")
    }

    fn settings_text(&self) -> String {
        std::fs::read_to_string(self.dir.path().join(crate::SETTINGS_FILE)).unwrap_or_default()
    }

    fn raw_entry(&self, service: Service, env: Environment, account: &str) -> Option<Vec<u8>> {
        self.store
            .build(&keychain_service(service, env), account, None)
            .expect("entry")
            .get_secret()
            .ok()
    }
}

fn marketo() -> Credentials {
    Credentials::Marketo(MarketoCredentials {
        client_id: Secret::new(ID),
        client_secret: Secret::new(SECRET),
    })
}

fn salesforce() -> Credentials {
    Credentials::Salesforce(SalesforceCredentials {
        refresh_token: Secret::new(REFRESH),
    })
}

fn actions() -> Credentials {
    Credentials::Actions(ActionsCredentials {
        api_token: Secret::new(TOKEN),
    })
}

fn marketo_info() -> ConnectionInfo {
    ConnectionInfo {
        account: "123-ABC-456".into(),
        connected_as: Some("Mia Admin".into()),
        munchkin_id: Some("123-ABC-456".into()),
        base_url: Some("https://123-ABC-456.mktorest.com".into()),
        login_url: None,
    }
}

fn sf_info(account: &str) -> ConnectionInfo {
    ConnectionInfo {
        account: account.into(),
        connected_as: Some(account.into()),
        munchkin_id: None,
        base_url: Some("https://acme.my.salesforce.com".into()),
        login_url: Some("https://test.salesforce.com".into()),
    }
}

fn actions_info() -> ConnectionInfo {
    ConnectionInfo {
        account: "admin@example.com".into(),
        ..Default::default()
    }
}

fn assert_no_canary(what: &str, text: &str) {
    for c in CANARIES {
        assert!(!text.contains(c), "{what} leaks a secret: {text}");
    }
}

#[test]
fn saves_in_keychain_and_reads_back_after_restart() {
    let f = Fixture::new();
    let saved = f
        .vault
        .save(
            Environment::Production,
            marketo_info(),
            marketo(),
            StorageMode::Keychain,
        )
        .expect("saved");
    assert_eq!(saved.stored_in, StorageMode::Keychain);
    assert_eq!(saved.connection.connected_as.as_deref(), Some("Mia Admin"));
    let again = f.restart();
    let creds = again
        .marketo(Environment::Production)
        .expect("read")
        .expect("present");
    assert_eq!(creds.client_id.expose(), ID);
    assert_eq!(creds.client_secret.expose(), SECRET);
    let status = again.status();
    assert_eq!(status.credentials, vec![saved]);
    assert!(
        matches!(status.keychain, KeychainState::Available { ref backend } if backend == "Test store")
    );
    // The other environments are separate keys.
    assert!(again.marketo(Environment::Sandbox).expect("read").is_none());
    let settings = f.settings_text();
    assert!(settings.contains("123-ABC-456") && settings.contains("Mia Admin"));
    assert_no_canary("settings file", &settings);
}

#[test]
fn each_kind_is_keyed_per_service_environment_and_account() {
    let f = Fixture::new();
    f.vault
        .save(
            Environment::Sandbox,
            sf_info("a@x.test"),
            salesforce(),
            StorageMode::Keychain,
        )
        .expect("sf");
    f.vault
        .save(
            Environment::Demo,
            actions_info(),
            actions(),
            StorageMode::Keychain,
        )
        .expect("actions");
    assert_eq!(
        keychain_service(Service::Salesforce, Environment::Sandbox),
        "sia-setup.salesforce.sandbox"
    );
    let raw = f
        .raw_entry(Service::Salesforce, Environment::Sandbox, "a@x.test")
        .expect("entry exists under service/environment/account");
    assert!(String::from_utf8_lossy(&raw).contains(REFRESH));
    assert!(
        f.raw_entry(Service::Salesforce, Environment::Production, "a@x.test")
            .is_none()
    );
    let token = f
        .vault
        .actions(Environment::Demo)
        .expect("read")
        .expect("present");
    assert_eq!(token.api_token.expose(), TOKEN);
    let sf = f
        .vault
        .salesforce(Environment::Sandbox)
        .expect("read")
        .expect("present");
    assert_eq!(sf.refresh_token.expose(), REFRESH);
}

#[test]
fn pasted_values_are_cleaned_and_bad_input_refused() {
    let f = Fixture::new();
    let pasted = Credentials::Marketo(MarketoCredentials {
        client_id: Secret::new(format!("  {ID}\n")),
        client_secret: Secret::new(format!("\u{00A0}{SECRET}\u{200B}")),
    });
    f.vault
        .save(
            Environment::Production,
            marketo_info(),
            pasted,
            StorageMode::Keychain,
        )
        .expect("cleaned");
    let m = f
        .vault
        .marketo(Environment::Production)
        .expect("read")
        .expect("present");
    assert_eq!(
        (m.client_id.expose(), m.client_secret.expose()),
        (ID, SECRET)
    );

    let split = Credentials::Actions(ActionsCredentials {
        api_token: Secret::new("abc def"),
    });
    let err = f
        .vault
        .save(
            Environment::Production,
            actions_info(),
            split,
            StorageMode::Keychain,
        )
        .expect_err("refused");
    assert_eq!(err.code(), "secret_invalid");
    assert!(!err.offers_session_only());

    let no_munchkin = ConnectionInfo {
        munchkin_id: Some("  ".into()),
        ..marketo_info()
    };
    let err = f
        .vault
        .save(
            Environment::Sandbox,
            no_munchkin,
            marketo(),
            StorageMode::Keychain,
        )
        .expect_err("refused");
    assert_eq!(err.code(), "setting_missing");

    for account in ["", "a\nb", &"x".repeat(300)] {
        let err = f
            .vault
            .save(
                Environment::Sandbox,
                ConnectionInfo {
                    account: account.into(),
                    ..Default::default()
                },
                actions(),
                StorageMode::Keychain,
            )
            .expect_err("refused");
        assert_eq!(err.code(), "account_invalid");
    }
}

#[test]
fn too_large_secret_is_refused_in_every_mode_and_nothing_is_kept() {
    let f = Fixture::new();
    for mode in [StorageMode::Keychain, StorageMode::SessionOnly] {
        let big = Credentials::Salesforce(SalesforceCredentials {
            refresh_token: Secret::new(format!("{REFRESH}{}", "A".repeat(2600))),
        });
        let err = f
            .vault
            .save(Environment::Production, sf_info("a@x.test"), big, mode)
            .expect_err("too large");
        assert_eq!(err.code(), "secret_too_large");
        assert_no_canary("error", &err.to_string());
    }
    assert!(f.vault.status().credentials.is_empty());
    assert!(
        f.raw_entry(Service::Salesforce, Environment::Production, "a@x.test")
            .is_none()
    );
}

#[test]
fn keychain_failures_on_save_fail_closed_with_distinct_codes() {
    for (fault, code) in [
        (Fault::Unavailable, "keychain_unavailable"),
        (Fault::Locked, "keychain_locked"),
        (Fault::Denied, "keychain_denied"),
        (Fault::Failed, "keychain_failed"),
    ] {
        let f = Fixture::new();
        f.faults.inject(Op::Set, fault);
        let err = f
            .vault
            .save(
                Environment::Production,
                sf_info("a@x.test"),
                salesforce(),
                StorageMode::Keychain,
            )
            .expect_err("fails closed");
        assert_eq!(err.code(), code);
        assert!(err.offers_session_only());
        assert_no_canary("error", &err.to_string());
        // Nothing was written anywhere: no record, no file, no entry.
        assert!(f.vault.status().credentials.is_empty());
        assert!(f.settings_text().is_empty());
        f.faults.clear();
        assert!(
            f.raw_entry(Service::Salesforce, Environment::Production, "a@x.test")
                .is_none()
        );
    }
}

#[test]
fn session_only_is_explicit_in_memory_and_gone_after_restart() {
    let f = Fixture::new();
    f.faults.inject(Op::Set, Fault::Locked);
    let err = f
        .vault
        .save(
            Environment::Production,
            marketo_info(),
            marketo(),
            StorageMode::Keychain,
        )
        .expect_err("locked");
    assert_eq!(err.code(), "keychain_locked");
    // The user chose "Only for this session".
    let saved = f
        .vault
        .save(
            Environment::Production,
            marketo_info(),
            marketo(),
            StorageMode::SessionOnly,
        )
        .expect("session");
    assert_eq!(saved.stored_in, StorageMode::SessionOnly);
    let m = f
        .vault
        .marketo(Environment::Production)
        .expect("read")
        .expect("present");
    assert_eq!(m.client_secret.expose(), SECRET);
    assert_eq!(f.vault.status().credentials, vec![saved]);
    // Nothing on disk, nothing in the keychain.
    assert!(!f.settings_text().contains("123-ABC-456"));
    f.faults.clear();
    assert!(
        f.raw_entry(Service::Marketo, Environment::Production, "123-ABC-456")
            .is_none()
    );
    // After a restart the secret and its record are gone, as promised.
    let again = f.restart();
    assert!(again.status().credentials.is_empty());
    assert!(
        again
            .marketo(Environment::Production)
            .expect("read")
            .is_none()
    );
}

#[test]
fn session_only_shadows_the_keychain_until_forgotten() {
    let f = Fixture::new();
    f.vault
        .save(
            Environment::Sandbox,
            sf_info("old@x.test"),
            salesforce(),
            StorageMode::Keychain,
        )
        .expect("keychain");
    let session = Credentials::Salesforce(SalesforceCredentials {
        refresh_token: Secret::new("CANARY-session-token"),
    });
    f.vault
        .save(
            Environment::Sandbox,
            sf_info("new@x.test"),
            session,
            StorageMode::SessionOnly,
        )
        .expect("session");
    let sf = f
        .vault
        .salesforce(Environment::Sandbox)
        .expect("read")
        .expect("present");
    assert_eq!(sf.refresh_token.expose(), "CANARY-session-token");
    let outcome = f
        .vault
        .forget(Service::Salesforce, Environment::Sandbox)
        .expect("forgot");
    assert_eq!(outcome.removed.len(), 2);
    let tokens: Vec<&str> = outcome
        .revocations
        .iter()
        .map(|r| r.refresh_token.expose())
        .collect();
    assert_eq!(tokens, [REFRESH, "CANARY-session-token"]);
    assert!(
        f.vault
            .salesforce(Environment::Sandbox)
            .expect("read")
            .is_none()
    );
}

#[test]
fn without_a_keychain_only_session_mode_works() {
    let dir = tempfile::tempdir().expect("temp dir");
    let vault =
        Vault::without_keychain(VaultError::KeychainUnavailable, dir.path()).expect("vault");
    match vault.status().keychain {
        KeychainState::Unavailable { code, message } => {
            assert_eq!(code, "keychain_unavailable");
            assert!(message.contains("Only for this session"));
        }
        other => panic!("unexpected {other:?}"),
    }
    let err = vault
        .save(
            Environment::Demo,
            actions_info(),
            actions(),
            StorageMode::Keychain,
        )
        .expect_err("fails closed");
    assert_eq!(err.code(), "keychain_unavailable");
    vault
        .save(
            Environment::Demo,
            actions_info(),
            actions(),
            StorageMode::SessionOnly,
        )
        .expect("session");
    assert_eq!(
        vault
            .actions(Environment::Demo)
            .expect("read")
            .expect("present")
            .api_token
            .expose(),
        TOKEN
    );
    // Nothing at all was written to the folder.
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
}

#[test]
fn read_failures_are_reported_not_mistaken_for_nothing_stored() {
    let f = Fixture::new();
    f.vault
        .save(
            Environment::Production,
            actions_info(),
            actions(),
            StorageMode::Keychain,
        )
        .expect("saved");
    for (fault, code) in [
        (Fault::Unavailable, "keychain_unavailable"),
        (Fault::Locked, "keychain_locked"),
        (Fault::Denied, "keychain_denied"),
        (Fault::Failed, "keychain_failed"),
    ] {
        f.faults.inject(Op::Get, fault);
        let err = f.vault.actions(Environment::Production).expect_err("error");
        assert_eq!(err.code(), code);
    }
    f.faults.clear();
    // The record survived the failed reads.
    assert!(
        f.vault
            .actions(Environment::Production)
            .expect("read")
            .is_some()
    );
}

#[test]
fn failed_delete_forgets_nothing_and_forget_all_reports_it() {
    let f = Fixture::new();
    f.vault
        .save(
            Environment::Production,
            marketo_info(),
            marketo(),
            StorageMode::Keychain,
        )
        .expect("m");
    f.vault
        .save(
            Environment::Production,
            sf_info("a@x.test"),
            salesforce(),
            StorageMode::Keychain,
        )
        .expect("sf");
    f.faults.inject(Op::Delete, Fault::Denied);
    let err = f
        .vault
        .forget(Service::Marketo, Environment::Production)
        .expect_err("denied");
    assert_eq!(err.code(), "keychain_denied");
    assert_eq!(f.vault.status().credentials.len(), 2);

    let outcome = f.vault.forget_all();
    assert!(outcome.removed.is_empty());
    assert_eq!(outcome.failed.len(), 2);
    assert!(outcome.failed.iter().all(|x| x.code == "keychain_denied"));
    assert!(
        outcome.revocations.is_empty(),
        "nothing removed, nothing to revoke"
    );
    f.faults.clear();
    assert!(
        f.vault
            .marketo(Environment::Production)
            .expect("read")
            .is_some()
    );
    assert!(
        f.vault
            .salesforce(Environment::Production)
            .expect("read")
            .is_some()
    );
}

#[test]
fn forget_all_removes_everything_and_hands_back_salesforce_tokens() {
    let f = Fixture::new();
    f.vault
        .save(
            Environment::Production,
            marketo_info(),
            marketo(),
            StorageMode::Keychain,
        )
        .expect("m");
    f.vault
        .save(
            Environment::Production,
            sf_info("p@x.test"),
            salesforce(),
            StorageMode::Keychain,
        )
        .expect("sf");
    f.vault
        .save(
            Environment::Sandbox,
            sf_info("s@x.test"),
            salesforce(),
            StorageMode::Keychain,
        )
        .expect("sf sandbox");
    f.vault
        .save(
            Environment::Demo,
            actions_info(),
            actions(),
            StorageMode::SessionOnly,
        )
        .expect("actions");
    let outcome = f.vault.forget_all();
    assert!(outcome.failed.is_empty());
    assert_eq!(outcome.removed.len(), 4);
    let envs: Vec<Environment> = outcome.revocations.iter().map(|r| r.environment).collect();
    assert_eq!(envs, [Environment::Production, Environment::Sandbox]);
    assert!(
        outcome
            .revocations
            .iter()
            .all(|r| r.refresh_token.expose() == REFRESH)
    );
    assert_eq!(
        outcome.revocations[1].connection.login_url.as_deref(),
        Some("https://test.salesforce.com")
    );
    assert!(f.vault.status().credentials.is_empty());
    assert!(
        f.raw_entry(Service::Marketo, Environment::Production, "123-ABC-456")
            .is_none()
    );
    assert!(
        f.raw_entry(Service::Salesforce, Environment::Sandbox, "s@x.test")
            .is_none()
    );
    assert!(f.restart().status().credentials.is_empty());
    // What crosses IPC: the removed summaries, never the tokens.
    let json = serde_json::to_string(&outcome).expect("json");
    assert!(json.contains("\"removed\""));
    assert!(!json.contains("revocations"));
    assert_no_canary("forget outcome", &json);
    assert_no_canary("forget outcome debug", &format!("{outcome:?}"));
}

#[test]
fn forgetting_nothing_is_fine() {
    let f = Fixture::new();
    let outcome = f
        .vault
        .forget(Service::Actions, Environment::Sandbox)
        .expect("ok");
    assert!(outcome.removed.is_empty() && outcome.revocations.is_empty());
}

#[test]
fn another_account_replaces_the_old_entry() {
    let f = Fixture::new();
    f.vault
        .save(
            Environment::Production,
            sf_info("old@x.test"),
            salesforce(),
            StorageMode::Keychain,
        )
        .expect("old");
    f.vault
        .save(
            Environment::Production,
            sf_info("new@x.test"),
            salesforce(),
            StorageMode::Keychain,
        )
        .expect("new");
    assert!(
        f.raw_entry(Service::Salesforce, Environment::Production, "old@x.test")
            .is_none()
    );
    assert!(
        f.raw_entry(Service::Salesforce, Environment::Production, "new@x.test")
            .is_some()
    );
    let status = f.vault.status();
    assert_eq!(status.credentials.len(), 1);
    assert_eq!(status.credentials[0].connection.account, "new@x.test");
}

#[test]
fn entry_deleted_outside_the_app_drops_its_record() {
    let f = Fixture::new();
    f.vault
        .save(
            Environment::Production,
            actions_info(),
            actions(),
            StorageMode::Keychain,
        )
        .expect("saved");
    f.store
        .build(
            &keychain_service(Service::Actions, Environment::Production),
            "admin@example.com",
            None,
        )
        .expect("entry")
        .delete_credential()
        .expect("deleted outside");
    assert!(
        f.vault
            .actions(Environment::Production)
            .expect("read")
            .is_none()
    );
    assert!(f.vault.status().credentials.is_empty());
    assert!(f.restart().status().credentials.is_empty());
}

#[test]
fn damaged_entry_is_reported() {
    let f = Fixture::new();
    f.vault
        .save(
            Environment::Production,
            actions_info(),
            actions(),
            StorageMode::Keychain,
        )
        .expect("saved");
    f.store
        .build(
            &keychain_service(Service::Actions, Environment::Production),
            "admin@example.com",
            None,
        )
        .expect("entry")
        .set_secret(b"\xff\x00 not ours")
        .expect("overwritten outside");
    let err = f
        .vault
        .actions(Environment::Production)
        .expect_err("damaged");
    assert_eq!(err.code(), "stored_secret_damaged");
}

#[test]
fn damaged_settings_file_stops_the_vault_from_opening() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(crate::SETTINGS_FILE), "not json").expect("write");
    let (store, _) = FaultyStore::create().expect("store");
    let err = Vault::with_store(store, "Test store", dir.path()).expect_err("damaged");
    assert_eq!(err.code(), "settings_damaged");
}

#[test]
fn settings_write_failure_saves_nothing_and_leaves_no_orphan_entry() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, _) = FaultyStore::create().expect("store");
    let vault = Vault::with_store(store.clone(), "Test store", dir.path()).expect("vault");
    // A directory where the settings file goes makes every atomic replace fail.
    std::fs::create_dir(dir.path().join(crate::SETTINGS_FILE)).expect("dir");
    std::fs::write(dir.path().join(crate::SETTINGS_FILE).join("x"), "x").expect("write");
    let err = vault
        .save(
            Environment::Production,
            actions_info(),
            actions(),
            StorageMode::Keychain,
        )
        .expect_err("write fails");
    assert_eq!(err.code(), "settings_write_failed");
    assert!(vault.status().credentials.is_empty());
    let raw = store
        .build(
            &keychain_service(Service::Actions, Environment::Production),
            "admin@example.com",
            None,
        )
        .expect("entry")
        .get_secret();
    assert!(raw.is_err(), "the new entry was rolled back");
}

#[test]
fn preferences_round_trip() {
    let f = Fixture::new();
    assert_eq!(f.vault.preferences(), Preferences::default());
    let p = Preferences {
        environment: Some(Environment::Sandbox),
    };
    f.vault.set_preferences(p.clone()).expect("saved");
    assert_eq!(f.restart().preferences(), p);
}

#[test]
fn nothing_that_holds_a_secret_shows_it() {
    let f = Fixture::new();
    let saved = f
        .vault
        .save(
            Environment::Production,
            sf_info("a@x.test"),
            salesforce(),
            StorageMode::Keychain,
        )
        .expect("saved");
    let m = MarketoCredentials {
        client_id: Secret::new(ID),
        client_secret: Secret::new(SECRET),
    };
    let a = ActionsCredentials {
        api_token: Secret::new(TOKEN),
    };
    let s = SalesforceCredentials {
        refresh_token: Secret::new(REFRESH),
    };
    let all = [marketo(), salesforce(), actions()];
    let outcome = f
        .vault
        .forget(Service::Salesforce, Environment::Production)
        .expect("forgot");
    assert_eq!(outcome.revocations.len(), 1);
    let rev = &outcome.revocations[0];
    let mut texts = vec![
        format!("{m:?}"),
        format!("{a:?}"),
        format!("{s:?}"),
        format!("{all:?}"),
        format!("{all:#?}"),
        format!("{rev:?}"),
        format!("{outcome:?}"),
        format!("{saved:?}"),
        format!("{:?}", f.vault),
        serde_json::to_string(&m).expect("json"),
        serde_json::to_string(&a).expect("json"),
        serde_json::to_string(&s).expect("json"),
        serde_json::to_string(&all).expect("json"),
        serde_json::to_string(rev).expect("json"),
        serde_json::to_string(&outcome).expect("json"),
        serde_json::to_string(&f.vault.status()).expect("json"),
        f.settings_text(),
    ];
    texts.push(format!("{}", m.client_secret));
    for t in &texts {
        assert_no_canary("formatted value", t);
    }
    assert!(serde_json::to_string(&m).expect("json").contains(REDACTED));
}

/// Captures everything the vault logs, at every level, through a real tracing subscriber.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn logs_never_contain_a_secret() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        // Another test's thread may have registered these callsites while no subscriber wanted
        // them, and tracing caches that; without a rebuild their events can be dropped here.
        tracing::callsite::rebuild_interest_cache();
        let f = Fixture::new();
        f.vault
            .save(
                Environment::Production,
                marketo_info(),
                marketo(),
                StorageMode::Keychain,
            )
            .expect("saved");
        f.vault
            .save(
                Environment::Sandbox,
                sf_info("a@x.test"),
                salesforce(),
                StorageMode::SessionOnly,
            )
            .expect("session");
        f.faults.inject(Op::Get, Fault::Failed);
        let _ = f.vault.marketo(Environment::Production);
        f.faults.inject(Op::Set, Fault::Denied);
        let _ = f.vault.save(
            Environment::Demo,
            actions_info(),
            actions(),
            StorageMode::Keychain,
        );
        f.faults.clear();
        let m = f.vault.marketo(Environment::Production).expect("read");
        tracing::info!(?m, "what a careless caller might log");
        let _ = f.vault.forget_all();
    });
    let text =
        String::from_utf8_lossy(&captured.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    assert!(
        text.contains("secret saved in keychain"),
        "logging was not captured: {text}"
    );
    assert!(
        text.contains("careless caller") && text.contains(REDACTED),
        "{text}"
    );
    assert_no_canary("log output", &text);
}

#[test]
fn vault_can_be_shared_across_threads() {
    // Tauri keeps it in managed state and calls it from blocking tasks.
    fn shared<T: Send + Sync + 'static>() {}
    shared::<Vault>();
    let f = Fixture::new();
    let vault = Arc::new(f.restart());
    let handles: Vec<_> = Environment::ALL
        .into_iter()
        .map(|env| {
            let vault = vault.clone();
            std::thread::spawn(move || {
                vault
                    .save(env, actions_info(), actions(), StorageMode::Keychain)
                    .map(|r| r.environment)
            })
        })
        .collect();
    for h in handles {
        assert!(h.join().expect("thread").is_ok());
    }
    assert_eq!(vault.status().credentials.len(), 3);
    assert_eq!(
        f.restart().status().credentials.len(),
        3,
        "no lost settings update"
    );
}
