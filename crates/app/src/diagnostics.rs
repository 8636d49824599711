//! "Export diagnostics…": one zip for support with the recent logs, the app and OS versions, the
//! mode, the seven steps as `sia status --json` prints them and the last error codes returned.
//!
//! Nothing in it may identify more than the admin already told support: secrets never reach a log
//! line or the progress file (the `Secret` types redact themselves, the canary test checks it),
//! and every entry passes `Redactor` on its way in, which writes the data, log, temporary and
//! home folders as `<data>`, `<logs>`, `<temp>` and `~`, any other full path as `<path>`, the
//! local part of every e-mail address but the admin's own as `***`, and the value after a
//! token-like key as `[redacted]` (belt and braces: such a value should never be there at all).

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sia_vault::Service;
use ts_rs::TS;
use zip::write::SimpleFileOptions;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Log files taken, newest first (a week of daily files at most).
pub const LOG_FILES: usize = 7;
/// The tail of each log file taken: enough for the last days, small enough to e-mail.
pub const LOG_BYTES: u64 = 2 * 1024 * 1024;
/// The prefix of the shell's log files (`sia-setup.YYYY-MM-DD.log`).
pub const LOG_PREFIX: &str = "sia-setup";

/// What was written, for the Settings screen to say so.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DiagnosticsExported {
    /// The zip's entries, in order.
    pub entries: Vec<String>,
    pub log_files: u32,
    pub error_codes: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct About {
    app: &'static str,
    version: &'static str,
    os: &'static str,
    os_version: String,
    arch: &'static str,
    /// `AppState::mode()`'s name: `demo`, `demo-guided`, `real-product` or `actions-api`.
    mode: &'static str,
    language: String,
    exported_at: String,
    keychain: String,
}

/// Writes the diagnostics zip to `path` (atomically: a half-written zip is never left there).
pub async fn export(state: &AppState, path: PathBuf) -> AppResult<DiagnosticsExported> {
    // Read what the state holds here; the slow part (files, compression) runs off the runtime.
    let redactor = Redactor::for_state(state);
    let status = crate::api::app::status_report(state)?;
    let keychain = match state.vault.as_ref().map(|v| v.keychain()) {
        Ok(sia_vault::KeychainState::Available { backend }) => format!("available ({backend})"),
        Ok(sia_vault::KeychainState::Unavailable { code, .. }) => format!("unavailable ({code})"),
        Err(error) => format!("settings unreadable ({})", error.code),
    };
    let about = About {
        app: "SIA Setup",
        version: env!("CARGO_PKG_VERSION"),
        os: std::env::consts::OS,
        os_version: os_version(),
        arch: std::env::consts::ARCH,
        mode: state.mode().name(),
        language: crate::locale::tag(state.language()).to_string(),
        exported_at: now(),
        keychain,
    };
    let errors = state.recent_errors.list();
    let log_dir = state.log_dir.clone();
    let written = tokio::task::spawn_blocking(move || {
        let mut entries: Vec<(String, String)> = vec![
            ("about.json".into(), pretty(&about)),
            ("status.json".into(), pretty(&status)),
            ("recent-errors.json".into(), pretty(&errors)),
        ];
        let logs = log_dir.as_deref().map(recent_logs).unwrap_or_default();
        let log_files = logs.len() as u32;
        for (name, text) in logs {
            entries.push((format!("logs/{name}"), text));
        }
        let entries: Vec<(String, String)> = entries
            .into_iter()
            .map(|(name, text)| (name, redactor.redact(&text)))
            .collect();
        let bytes = zip_entries(&entries).map_err(|_| write_failed())?;
        sia_vault::write_atomic(&path, &bytes).map_err(|_| write_failed())?;
        Ok(DiagnosticsExported {
            entries: entries.into_iter().map(|(name, _)| name).collect(),
            log_files,
            error_codes: errors.len() as u32,
        })
    })
    .await
    .map_err(|_| write_failed())?;
    if let Ok(done) = &written {
        tracing::info!(
            entries = done.entries.len(),
            logs = done.log_files,
            "diagnostics exported"
        );
    }
    written
}

fn write_failed() -> AppError {
    AppError::new(
        "diagnostics_write_failed",
        "the diagnostics file could not be written; choose another folder and try again",
    )
}

fn pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Deflate only: every unzip reads it, and logs shrink tenfold.
fn zip_entries(entries: &[(String, String)]) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in entries {
        zip.start_file(format!("sia-diagnostics/{name}"), options)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// The newest log files (by name: the date is in it), each cut to its last `LOG_BYTES` at a line
/// start. An unreadable file is left out rather than failing the export.
fn recent_logs(dir: &Path) -> Vec<(String, String)> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = read
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(LOG_PREFIX))
        .collect();
    names.sort_unstable_by(|a, b| b.cmp(a));
    names
        .into_iter()
        .take(LOG_FILES)
        .filter_map(|name| tail(&dir.join(&name)).ok().map(|text| (name, text)))
        .collect()
}

fn tail(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let cut = len > LOG_BYTES;
    if cut {
        file.seek(SeekFrom::Start(len - LOG_BYTES))?;
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(match (cut, text.find('\n')) {
        (true, Some(first)) => text[first + 1..].to_string(),
        _ => text.into_owned(),
    })
}

/// The OS's name and version as a person would say it ("Debian GNU/Linux 13 (trixie), kernel
/// 6.1.0"); `unknown` when the system does not say.
pub fn os_version() -> String {
    #[cfg(target_os = "linux")]
    {
        let pretty = std::fs::read_to_string("/etc/os-release")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                    .map(|v| v.trim_matches('"').to_string())
            });
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .ok()
            .map(|k| k.trim().to_string());
        match (pretty, kernel) {
            (Some(p), Some(k)) => format!("{p}, kernel {k}"),
            (Some(p), None) => p,
            (None, Some(k)) => format!("Linux, kernel {k}"),
            (None, None) => "unknown".into(),
        }
    }
    #[cfg(target_os = "macos")]
    {
        command_output("sw_vers", &["-productVersion"])
            .map(|v| format!("macOS {v}"))
            .unwrap_or_else(|| "unknown".into())
    }
    #[cfg(target_os = "windows")]
    {
        command_output("cmd", &["/C", "ver"]).unwrap_or_else(|| "unknown".into())
    }
    #[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
    {
        "unknown".into()
    }
}

#[cfg(any(target_os = "macos", target_os = "windows"))]
fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !text.is_empty()).then_some(text)
}

/// Rewrites text for the diagnostics: known folders as placeholders, other full paths as
/// `<path>`, other people's e-mail local parts as `***`, token-like values as `[redacted]`.
pub struct Redactor {
    /// (folder as written, placeholder), longest first so a folder inside another wins.
    folders: Vec<(String, &'static str)>,
    /// The admin's own addresses (their sign-ins), lower case: support may see whose setup it is.
    admins: Vec<String>,
}

/// Where a full path may start on Unix: the roots that hold people's and programs' files. Others
/// (`/api/v1/…`, `/rest/v1/…` in a log line) are URL paths support needs to read.
const PATH_ROOTS: &[&str] = &[
    "/home/",
    "/Users/",
    "/root",
    "/tmp/",
    "/var/",
    "/private/",
    "/mnt/",
    "/media/",
    "/opt/",
    "/srv/",
    "/run/",
    "/Volumes/",
    "/etc/",
    "/usr/",
    "/nix/",
    "/snap/",
];

/// Keys whose value is a credential wherever it appears (`key=value`, `"key": "value"`).
const SECRET_KEYS: &[&str] = &[
    "bearer",
    "access_token",
    "refresh_token",
    "client_secret",
    "api_token",
    "apitoken",
    "accesstoken",
    "refreshtoken",
    "clientsecret",
    "password",
    "authorization",
    "token",
    "secret",
];

impl Redactor {
    pub fn new(folders: Vec<(PathBuf, &'static str)>, admins: Vec<String>) -> Self {
        let mut written = Vec::new();
        for (folder, name) in folders {
            let text = folder
                .to_string_lossy()
                .trim_end_matches(['/', '\\'])
                .to_string();
            if text.len() < 2 {
                continue;
            }
            // JSON writes a Windows path's backslashes doubled.
            let escaped = text.replace('\\', "\\\\");
            if escaped != text {
                written.push((escaped, name));
            }
            written.push((text, name));
        }
        written.sort_by_key(|(text, _)| std::cmp::Reverse(text.len()));
        Self {
            folders: written,
            admins: admins.into_iter().map(|a| a.to_lowercase()).collect(),
        }
    }

    /// The folders and the admin of this app: its data and log folders, the temporary folder, the
    /// home folder; the accounts of the Salesforce and Actions connections (the admin's sign-ins).
    pub fn for_state(state: &AppState) -> Self {
        let mut folders = vec![(state.data_dir.clone(), "<data>")];
        if let Some(logs) = &state.log_dir {
            folders.push((logs.clone(), "<logs>"));
        }
        folders.push((std::env::temp_dir(), "<temp>"));
        // The real folders too, where a link leads elsewhere (macOS's /var → /private/var).
        for (folder, name) in folders.clone() {
            if let Ok(real) = folder.canonicalize()
                && real != folder
            {
                folders.push((real, name));
            }
        }
        if let Some(home) = dirs::home_dir() {
            folders.push((home, "~"));
        }
        let mut admins = Vec::new();
        if let Ok(vault) = &state.vault {
            for stored in vault.status().credentials {
                if matches!(stored.service, Service::Salesforce | Service::Actions) {
                    admins.push(stored.connection.account.clone());
                    admins.extend(stored.connection.connected_as.clone());
                }
            }
        }
        admins.retain(|a| a.contains('@'));
        Self::new(folders, admins)
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (folder, name) in &self.folders {
            out = out.replace(folder.as_str(), name);
        }
        let out = other_paths(&out);
        let out = self.emails(&out);
        secret_values(&out)
    }

    fn emails(&self, text: &str) -> String {
        let is_local = |c: char| c.is_ascii_alphanumeric() || "._%+-'".contains(c);
        let is_domain = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find('@') {
            let before = &rest[..at];
            let local_start = before
                .char_indices()
                .rev()
                .take_while(|(_, c)| is_local(*c))
                .last()
                .map(|(i, _)| i)
                .unwrap_or(at);
            let after = &rest[at + 1..];
            let domain_len = after
                .char_indices()
                .take_while(|(_, c)| is_domain(*c))
                .last()
                .map(|(i, c)| i + c.len_utf8())
                .unwrap_or(0);
            let domain = after[..domain_len].trim_end_matches('.');
            let local = &before[local_start..];
            let address = format!("{local}@{domain}");
            let is_address = !local.is_empty() && domain.contains('.');
            if is_address && !self.admins.contains(&address.to_lowercase()) {
                out.push_str(&before[..local_start]);
                out.push_str("***@");
            } else {
                out.push_str(&rest[..=at]);
            }
            rest = &rest[at + 1..];
        }
        out.push_str(rest);
        out
    }
}

/// Full paths the known folders did not cover: a Unix path under a root that holds files, a
/// Windows path with a drive letter or a UNC share. Written as `<path>`.
fn other_paths(text: &str) -> String {
    let ends = |c: char| c.is_whitespace() || "\"'`,;)]}>".contains(c);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < text.len() {
        let starts_token = i == 0 || {
            let prev = bytes[i - 1];
            prev.is_ascii_whitespace() || b"\"'`=(<[{,".contains(&prev)
        };
        let rest = &text[i..];
        let unix = PATH_ROOTS.iter().any(|root| {
            rest.starts_with(root)
                && (root.ends_with('/') || rest[root.len()..].starts_with(['/', '"', ' ']))
        });
        let windows =
            rest.len() > 3 && bytes[i].is_ascii_alphabetic() && rest[1..].starts_with(":\\")
                || rest.starts_with("\\\\");
        if starts_token && (unix || windows) {
            let len = rest.find(ends).unwrap_or(rest.len());
            out.push_str("<path>");
            i += len.max(1);
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// The value after a credential's key, when one is there at all.
fn secret_values(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let value_char = |c: char| c.is_ascii_alphanumeric() || "._~+/=!%-".contains(c);
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for key in SECRET_KEYS {
        for (at, _) in lower.match_indices(key) {
            let mut start = at + key.len();
            // Up to a few separators: `": "`, `=`, ` `.
            let seps = text[start..]
                .chars()
                .take_while(|c| "\"': =".contains(*c))
                .count();
            if seps == 0 || seps > 4 {
                continue;
            }
            start += seps;
            let len = text[start..].chars().take_while(|c| value_char(*c)).count();
            // A word after "token " in a sentence is short; a credential is not.
            if len >= 12 {
                cuts.push((start, start + len));
            }
        }
    }
    cuts.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end) in cuts {
        if start < last {
            continue;
        }
        out.push_str(&text[last..start]);
        out.push_str(sia_vault::REDACTED);
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redactor() -> Redactor {
        Redactor::new(
            vec![
                (PathBuf::from("/home/ada"), "~"),
                (
                    PathBuf::from("/home/ada/.local/share/app.siasetup.desktop"),
                    "<data>",
                ),
                (PathBuf::from(r"C:\Users\Ada\AppData"), "<data>"),
            ],
            vec!["Ada.Admin@Example.com".into()],
        )
    }

    #[test]
    fn known_folders_become_placeholders_inner_first() {
        let r = redactor();
        assert_eq!(
            r.redact("opened /home/ada/.local/share/app.siasetup.desktop/setup.db"),
            "opened <data>/setup.db"
        );
        assert_eq!(r.redact("file /home/ada/x.csv"), "file ~/x.csv");
        assert_eq!(
            r.redact(r#"{"dir":"C:\\Users\\Ada\\AppData\\setup.db"}"#),
            r#"{"dir":"<data>\\setup.db"}"#
        );
    }

    #[test]
    fn other_full_paths_go_but_url_paths_stay() {
        let r = redactor();
        assert_eq!(
            r.redact("read /tmp/people.csv failed"),
            "read <path> failed"
        );
        assert_eq!(r.redact(r#"path="/home/bob/list.csv""#), r#"path="<path>""#);
        assert_eq!(r.redact(r"at D:\Shared\people.xlsx"), "at <path>");
        assert_eq!(
            r.redact(r#"backing off path="/rest/v1/leads.json" https://x.mktorest.com/rest/v1"#),
            r#"backing off path="/rest/v1/leads.json" https://x.mktorest.com/rest/v1"#
        );
    }

    #[test]
    fn only_the_admins_address_keeps_its_local_part() {
        let r = redactor();
        assert_eq!(
            r.redact(
                "invited mei.lin@example.com and raj+x@corp.example.org by ada.admin@example.com"
            ),
            "invited ***@example.com and ***@corp.example.org by ada.admin@example.com"
        );
        // Not addresses: no dot in the domain, nothing before the @.
        assert_eq!(r.redact("user@localhost @ 3 a@"), "user@localhost @ 3 a@");
    }

    #[test]
    fn token_like_values_are_redacted_wherever_a_key_names_them() {
        let r = redactor();
        let text = r#"Authorization: Bearer abcDEF123456789xyz {"access_token":"00Dxx!AQ4AQFake.Token.Value"} client_secret=Sec7f3a9c2eAbcdef token expired"#;
        let out = r.redact(text);
        assert!(!out.contains("abcDEF123456789xyz"), "{out}");
        assert!(!out.contains("AQFake"), "{out}");
        assert!(!out.contains("Sec7f3a9c2eAbcdef"), "{out}");
        assert!(out.contains("token expired"), "{out}");
    }

    #[test]
    fn a_log_tail_starts_at_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sia-setup.2026-12-05.log");
        let line = "x".repeat(99) + "\n";
        std::fs::write(&file, line.repeat((LOG_BYTES as usize / 100) + 50)).unwrap();
        let text = tail(&file).unwrap();
        assert!(text.len() as u64 <= LOG_BYTES);
        assert!(text.starts_with(&"x".repeat(99)));
        assert!(text.lines().all(|l| l.len() == 99));
    }

    #[test]
    fn the_newest_log_files_are_taken_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        for day in 1..=9 {
            std::fs::write(
                dir.path().join(format!("sia-setup.2026-12-0{day}.log")),
                format!("day {day}\n"),
            )
            .unwrap();
        }
        std::fs::write(dir.path().join("other.txt"), "not a log").unwrap();
        let logs = recent_logs(dir.path());
        assert_eq!(logs.len(), LOG_FILES);
        assert_eq!(logs[0].0, "sia-setup.2026-12-09.log");
        assert!(logs.iter().all(|(name, _)| name.starts_with(LOG_PREFIX)));
    }
}
