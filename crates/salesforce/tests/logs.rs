//! Runs alone in its own process, because a thread-local `tracing` subscriber misses events
//! when other tests register the same callsites first: no token or code in any log line.

mod support;

use support::*;

/// A `tracing` writer that keeps every line in memory.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
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

#[tokio::test]
async fn no_token_or_code_in_any_log_line() -> TestResult {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let org = Org::start(|_| {}).await?;
    let (session, visit, _) = login(&org, org.login_config()).await?;
    org.control.expire_access_tokens();
    session.client.active_users().await?;
    let err = {
        session.client.clone().disconnect().await?;
        session.client.active_users().await.expect_err("revoked")
    };
    assert_eq!(err.code(), "signin_required");
    let logs =
        String::from_utf8_lossy(&captured.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    assert!(
        logs.contains("salesforce sign-in completed"),
        "the capture works"
    );
    let code = url::Url::parse(&visit.callback_url)?
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .ok_or("no code")?;
    let mut secrets: Vec<String> = org
        .log()
        .entries()
        .iter()
        .filter_map(|e| e.header("authorization"))
        .filter_map(|h| h.split_once(' ').map(|(_, t)| t.to_string()))
        .collect();
    secrets.push(session.refresh_token.expose().to_string());
    secrets.push(code);
    for s in &secrets {
        assert!(!logs.contains(s.as_str()), "a secret reached a log line");
    }
    Ok(())
}
