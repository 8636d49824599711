//! No secret or token reaches a log line: every event at TRACE (hyper and reqwest included) is
//! captured over a run with bad credentials, retries, a renewal and a quota stop.
//! In its own test binary, because the subscriber is process-wide.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sia_marketo::{ClientConfig, Credentials, test_credentials};
use sia_sandbox::FaultRule;
use support::*;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_or_token_in_any_log_line() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let sb = sandbox().await;
    let c = sb.marketo_credentials();
    let err = test_credentials(
        sb.marketo_url(),
        Credentials::new(c.client_id.clone(), format!("{}-wrong", c.client_secret)),
        ClientConfig::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code(), "credentials_rejected");

    sb.marketo_faults()
        .add(FaultRule::on("/identity/*").status(503).times(1));
    sb.marketo_faults()
        .add(FaultRule::on("/rest/*").drop_connection().times(1));
    let client = client(&sb, quick(loose(), 5, 4));
    client.describe_leads().await.expect("describe");
    sb.clock().advance(Duration::from_secs(3601));
    client
        .describe_leads()
        .await
        .expect("describe after renewal");
    sb.marketo().set_daily_used(u64::MAX / 2);
    assert_eq!(
        client.describe_leads().await.unwrap_err().code(),
        "daily_quota_exceeded"
    );

    let text =
        String::from_utf8_lossy(&capture.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    assert!(
        text.contains("backing off"),
        "the capture works: {} bytes",
        text.len()
    );
    assert!(
        !text.contains(&c.client_secret),
        "the client secret reached a log line"
    );
    let tokens: Vec<String> = marketo_log(&sb)
        .iter()
        .filter_map(|e| {
            e.header("authorization")
                .and_then(|a| a.strip_prefix("Bearer "))
                .map(str::to_owned)
        })
        .collect();
    assert!(tokens.len() >= 2);
    for t in tokens {
        assert!(!text.contains(&t), "an access token reached a log line");
    }
}
