//! `sia salesforce …` and `sia marketo …` as a real process against a temporary `SIA_DATA_DIR`:
//! the demo's stand-ins (started by `AppState::start`, as the window's demo does) and the keychain.
//! Run through `./scripts/with-keyring.sh cargo test -p sia-cli` so the keychain is a private one.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn sia(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sia"));
    command
        .args(args)
        .env("SIA_DATA_DIR", dir)
        .env("LC_ALL", "en_US.UTF-8")
        .env_remove("SIA_DEMO");
    command
}

fn run(dir: &Path, args: &[&str]) -> Output {
    sia(dir, args).output().expect("sia runs")
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "sia {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn nothing_connected_exits_non_zero_with_the_message_and_code() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["salesforce", "checks"][..],
        &["salesforce", "users", "--json"],
        &["marketo", "admins"],
        &["marketo", "test"],
    ] {
        let out = run(dir.path(), args);
        assert!(!out.status.success(), "sia {args:?} should fail");
        assert_eq!(out.status.code(), Some(1), "sia {args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("not_connected)"), "sia {args:?}: {stderr}");
        assert!(stderr.contains("not connected") || stderr.contains("no Marketo API access"));
        assert!(out.stdout.is_empty(), "nothing on stdout for sia {args:?}");
    }
}

#[test]
fn status_names_the_steps_in_traditional_chinese_for_a_zh_tw_locale() {
    let dir = tempfile::tempdir().unwrap();
    let out = sia(dir.path(), &["status"])
        .env("LC_ALL", "zh_TW.UTF-8")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("設定 Marketo 銷售帳戶"), "{text}");
    assert!(text.contains("尚未開始"), "{text}");

    let out = run(dir.path(), &["status"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Set up the Marketo Sales account"), "{text}");
}

/// The demo's stand-ins listen on fixed ports: every demo run of this file is in this one test.
#[test]
fn demo_marketo_and_salesforce_through_the_stand_ins() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();

    // Before the demo's credentials are saved, Marketo is not connected.
    let out = run(dir, &["marketo", "admins", "--demo", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("(marketo_not_connected)"));

    let saved = json(dir, &["marketo", "use-demo", "--demo", "--json"]);
    assert!(!saved["test"]["apiUser"].as_str().unwrap().is_empty());
    let printed = serde_json::to_string(&saved).unwrap();
    assert!(
        !printed.to_lowercase().contains("secret"),
        "no secret in {printed}"
    );

    let test = json(dir, &["marketo", "test", "--demo", "--json"]);
    assert_eq!(test["apiUser"], saved["test"]["apiUser"]);

    let admins = json(dir, &["marketo", "admins", "--demo", "--json"]);
    let admins = admins.as_array().expect("a list of admins");
    assert!(!admins.is_empty());
    for admin in admins {
        assert!(admin["email"].as_str().unwrap().contains('@'), "{admin}");
        assert!(
            admin["roles"].as_array().unwrap().iter().any(|r| r
                .as_str()
                .unwrap()
                .to_lowercase()
                .contains("admin"))
        );
    }

    let preview = json(dir, &["marketo", "preview", "--demo", "--json"]);
    assert_eq!(preview["fields"].as_array().unwrap().len(), 13);
    assert_eq!(preview["missingFields"], 0);
    let scanned = preview["peopleScanned"].as_u64().unwrap();
    assert!(scanned > 0);
    assert_eq!(
        preview["withOwner"].as_u64().unwrap() + preview["withoutOwner"].as_u64().unwrap(),
        scanned
    );

    let usage = json(dir, &["marketo", "usage", "--demo", "--json"]);
    assert!(!usage["apiUsers"].as_array().unwrap().is_empty());

    // A refused sign-in: the error's message and code, and a non-zero exit.
    let (out, _) = sign_in(dir, "deny");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("(salesforce_"), "{stderr}");
    let out = run(dir, &["salesforce", "checks", "--demo"]);
    assert!(!out.status.success(), "still not connected");

    // The sign-in: `sia` prints the address and waits; the "browser" approves in the stand-in.
    let (out, rest) = sign_in(dir, "allow");
    assert!(out.status.success(), "login: {rest:?}");
    assert!(
        rest.iter()
            .any(|l| l.starts_with("Connected to Salesforce as") && l.contains('@')),
        "{rest:?}"
    );

    let checks = json(dir, &["salesforce", "checks", "--demo", "--json"]);
    assert!(checks["package"]["kind"].is_string(), "{checks}");
    assert_eq!(checks["remoteSites"]["sites"].as_array().unwrap().len(), 2);

    let users = json(dir, &["salesforce", "users", "--demo", "--json"]);
    let users = users["users"].as_array().unwrap();
    assert!(
        users.iter().any(|u| u["active"] == false),
        "inactive users too"
    );
    assert!(users.iter().any(|u| u["apiEnabledSource"] == "profile"));
}

/// Runs `sia salesforce login` and answers the stand-in's page with `decision`; its exit and the
/// lines printed after the address.
fn sign_in(dir: &Path, decision: &str) -> (Output, Vec<String>) {
    let mut login = sia(dir, &["salesforce", "login", "--demo", "--no-browser"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(login.stdout.take().unwrap()).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.trim()
                .starts_with("http")
                .then(|| line.trim().to_string())
        })
        .expect("the authorize URL is printed");
    answer_in_the_stand_in(&url, decision);
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    (login.wait_with_output().unwrap(), rest)
}

/// What the admin does in the browser: the stand-in's login page, then "Allow" or "Deny".
fn answer_in_the_stand_in(url: &str, decision: &str) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let page = http.get(url).send().await.unwrap().text().await.unwrap();
        let username = page
            .split("name=\"username\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the login page prefills a user")
            .to_string();
        let (action, query) = url.split_once('?').unwrap();
        let body = format!("{query}&username={username}&password=demo&decision={decision}");
        let answer = http
            .post(action)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        if decision == "allow" {
            assert!(answer.status().is_success(), "{}", answer.status());
        }
    });
}
