//! Runs the `vault_probe` example as a separate process, the way the app restarts.
//! Shared by the integration tests; the example is built by `cargo test` before they run.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `target/<profile>/examples/vault_probe`, next to this test's `deps/` folder.
pub fn probe_path() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile> folder");
    let probe = profile_dir
        .join("examples")
        .join(format!("vault_probe{}", std::env::consts::EXE_SUFFIX));
    assert!(
        probe.exists(),
        "the vault_probe example was not built at {}; run through `cargo test -p sia-vault`",
        probe.display()
    );
    probe
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the probe with `stdin`, extra env vars, and a 60 s ceiling (a hung keychain prompt
/// must fail the test, not stall CI).
pub fn probe(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(probe_path());
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn vault_probe");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes()).expect("write stdin");
    }
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("vault_probe {args:?} hung for 60 s (a keychain prompt?)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|_| {
        panic!(
            "probe printed no JSON: stdout={} stderr={}",
            run.stdout, run.stderr
        )
    })
}
