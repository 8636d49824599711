//! A tiny separate process over the real vault, so tests can prove a secret survives a restart
//! of the app process. Secrets come in on stdin and are compared in here: none is ever printed.

// Usage: vault_probe <store|read|forget|forget-all|status> --dir DIR
//        [--service marketo|salesforce|actions] [--env production|sandbox|demo]
//        [--account NAME] [--session-only]
// store: stdin holds the secret (Marketo: client id, then client secret, one per line).
// read:  stdin holds the expected secret(s); prints `match`, `mismatch` or `missing`.
// Exit code 0 on success, 2 with `{"code":…,"message":…}` on a vault error, 64 on bad usage.

use std::io::Read;
use std::process::ExitCode;

use sia_vault::{
    ActionsCredentials, ConnectionInfo, Credentials, Environment, MarketoCredentials,
    SalesforceCredentials, Secret, Service, StorageMode, Vault, VaultError,
};

struct Args {
    command: String,
    dir: String,
    service: Service,
    environment: Environment,
    account: String,
    mode: StorageMode,
}

fn parse() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let command = it.next().ok_or("missing command")?;
    let mut args = Args {
        command,
        dir: String::new(),
        service: Service::Salesforce,
        environment: Environment::Sandbox,
        account: String::new(),
        mode: StorageMode::Keychain,
    };
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--dir" => args.dir = value()?,
            "--account" => args.account = value()?,
            "--service" => {
                args.service = serde_json::from_value(serde_json::Value::String(value()?))
                    .map_err(|_| "unknown service")?
            }
            "--env" => {
                args.environment = serde_json::from_value(serde_json::Value::String(value()?))
                    .map_err(|_| "unknown environment")?
            }
            "--session-only" => args.mode = StorageMode::SessionOnly,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    if args.dir.is_empty() {
        return Err("--dir is required".into());
    }
    Ok(args)
}

/// Reads stdin into secrets, one per line, wiping the raw buffer afterwards.
fn stdin_secrets() -> Vec<Secret> {
    let mut raw = String::new();
    let _ = std::io::stdin().read_to_string(&mut raw);
    let secrets = raw.lines().map(|l| Secret::new(l.to_owned())).collect();
    zeroize::Zeroize::zeroize(&mut raw);
    secrets
}

fn credentials(service: Service, mut s: Vec<Secret>) -> Result<Credentials, String> {
    let mut next = || {
        if s.is_empty() {
            Err("stdin holds too few secrets".to_string())
        } else {
            Ok(s.remove(0))
        }
    };
    Ok(match service {
        Service::Marketo => Credentials::Marketo(MarketoCredentials {
            client_id: next()?,
            client_secret: next()?,
        }),
        Service::Salesforce => Credentials::Salesforce(SalesforceCredentials {
            refresh_token: next()?,
        }),
        Service::Actions => Credentials::Actions(ActionsCredentials { api_token: next()? }),
    })
}

fn same(a: &Credentials, b: &Credentials) -> bool {
    match (a, b) {
        (Credentials::Marketo(x), Credentials::Marketo(y)) => {
            x.client_id.expose() == y.client_id.expose()
                && x.client_secret.expose() == y.client_secret.expose()
        }
        (Credentials::Salesforce(x), Credentials::Salesforce(y)) => {
            x.refresh_token.expose() == y.refresh_token.expose()
        }
        (Credentials::Actions(x), Credentials::Actions(y)) => {
            x.api_token.expose() == y.api_token.expose()
        }
        _ => false,
    }
}

enum Failure {
    Vault(VaultError),
    Usage(String),
}

impl From<VaultError> for Failure {
    fn from(e: VaultError) -> Self {
        Failure::Vault(e)
    }
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

fn run(args: &Args) -> Result<String, Failure> {
    let vault = Vault::open(&args.dir)?;
    match args.command.as_str() {
        "status" => Ok(json(&vault.status())),
        "store" => {
            let creds = credentials(args.service, stdin_secrets()).map_err(Failure::Usage)?;
            let info = ConnectionInfo {
                account: args.account.clone(),
                connected_as: Some(format!("probe {}", args.account)),
                munchkin_id: (args.service == Service::Marketo).then(|| args.account.clone()),
                base_url: None,
                login_url: (args.service == Service::Salesforce)
                    .then(|| "https://test.salesforce.com".to_owned()),
            };
            let saved = vault.save(args.environment, info, creds, args.mode)?;
            Ok(json(&saved))
        }
        "read" => {
            let expected = credentials(args.service, stdin_secrets()).map_err(Failure::Usage)?;
            Ok(match vault.load(args.service, args.environment)? {
                None => "missing".into(),
                Some(found) if same(&found, &expected) => "match".into(),
                Some(_) => "mismatch".into(),
            })
        }
        "forget" => {
            let outcome = vault.forget(args.service, args.environment)?;
            Ok(format!(
                "{{\"outcome\":{},\"revocations\":{}}}",
                json(&outcome),
                outcome.revocations.len()
            ))
        }
        "forget-all" => {
            let outcome = vault.forget_all();
            Ok(format!(
                "{{\"outcome\":{},\"revocations\":{}}}",
                json(&outcome),
                outcome.revocations.len()
            ))
        }
        other => Err(Failure::Usage(format!("unknown command {other}"))),
    }
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("usage error: {msg}");
            return ExitCode::from(64);
        }
    };
    match run(&args) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(Failure::Vault(e)) => {
            println!("{}", json(&e.info()));
            ExitCode::from(2)
        }
        Err(Failure::Usage(msg)) => {
            eprintln!("usage error: {msg}");
            ExitCode::from(64)
        }
    }
}
