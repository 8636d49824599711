//! Fail closed with the real platform store when there is no keychain at all: a Linux process
//! with no reachable D-Bus session. Runs in plain `cargo test`; needs no keychain.

#![cfg(target_os = "linux")]

mod common;

use common::{json, probe};

const NO_BUS: [(&str, &str); 2] = [
    (
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/sia-vault-test-bus",
    ),
    ("XDG_RUNTIME_DIR", "/nonexistent/sia-vault-test-runtime"),
];

#[test]
fn no_secret_service_refuses_keychain_saves_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path().to_str().expect("utf-8 temp path");
    let canary = "CANARY-no-keychain-token-41d7";
    let args = [
        "store",
        "--dir",
        d,
        "--service",
        "actions",
        "--env",
        "demo",
        "--account",
        "a@x.test",
    ];
    let run = probe(&args, &format!("{canary}\n"), &NO_BUS);
    assert_eq!(run.code, 2, "stdout={} stderr={}", run.stdout, run.stderr);
    let err = json(&run);
    assert_eq!(err["code"], "keychain_unavailable");
    assert_eq!(err["sessionOnlyAvailable"], true);
    assert!(!run.stdout.contains(canary) && !run.stderr.contains(canary));
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        0,
        "nothing on disk"
    );

    let status = json(&probe(&["status", "--dir", d], "", &NO_BUS));
    assert_eq!(status["keychain"]["kind"], "unavailable");
    assert_eq!(status["keychain"]["code"], "keychain_unavailable");
    assert_eq!(status["credentials"].as_array().map(Vec::len), Some(0));

    // The explicit choice works, and still writes nothing to disk.
    let mut session_args = args.to_vec();
    session_args.push("--session-only");
    let run = probe(&session_args, &format!("{canary}\n"), &NO_BUS);
    assert_eq!(run.code, 0, "stdout={} stderr={}", run.stdout, run.stderr);
    assert_eq!(json(&run)["storedIn"], "sessionOnly");
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("dir").count(),
        0,
        "nothing on disk"
    );
}
