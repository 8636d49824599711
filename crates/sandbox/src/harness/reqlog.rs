//! The request log: every request a stand-in received, with what it answered.
//! Tests read it to assert on client behaviour (for example that a secret never appeared in a URL).

use serde::Serialize;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// How the harness ended a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// The service answered.
    Answered,
    /// A fault rule answered with a forced status.
    Injected,
    /// A fault rule dropped the connection.
    Dropped,
}

/// One logged request. Bodies longer than 64 KiB are cut.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedRequest {
    pub seq: u64,
    pub service: String,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// `None` when the connection was dropped.
    pub status: Option<u16>,
    pub outcome: Outcome,
    pub at_ms: i64,
}

impl LoggedRequest {
    /// Path and query as the client sent them.
    pub fn url(&self) -> String {
        match &self.query {
            Some(q) => format!("{}?{}", self.path, q),
            None => self.path.clone(),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug)]
struct Inner {
    next: u64,
    capacity: usize,
    entries: VecDeque<LoggedRequest>,
}

/// Shared, clonable handle to a request log (a ring buffer of `capacity` entries).
#[derive(Clone, Debug)]
pub struct RequestLog {
    inner: Arc<Mutex<Inner>>,
}

impl Default for RequestLog {
    fn default() -> Self {
        RequestLog::new(10_000)
    }
}

impl RequestLog {
    pub fn new(capacity: usize) -> Self {
        RequestLog {
            inner: Arc::new(Mutex::new(Inner {
                next: 0,
                capacity: capacity.max(1),
                entries: VecDeque::new(),
            })),
        }
    }

    pub(crate) fn push(&self, mut entry: LoggedRequest) {
        let mut g = self.lock();
        g.next += 1;
        entry.seq = g.next;
        if g.entries.len() >= g.capacity {
            g.entries.pop_front();
        }
        g.entries.push_back(entry);
    }

    /// A copy of every entry still held, oldest first.
    pub fn entries(&self) -> Vec<LoggedRequest> {
        self.lock().entries.iter().cloned().collect()
    }

    /// Entries of one service ("salesforce", "marketo", "actions").
    pub fn for_service(&self, service: &str) -> Vec<LoggedRequest> {
        self.lock()
            .entries
            .iter()
            .filter(|e| e.service == service)
            .cloned()
            .collect()
    }

    /// Entries whose path equals `path`.
    pub fn with_path(&self, path: &str) -> Vec<LoggedRequest> {
        self.lock()
            .entries
            .iter()
            .filter(|e| e.path == path)
            .cloned()
            .collect()
    }

    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn clear(&self) {
        self.lock().entries.clear();
    }

    /// True if `needle` appears in any logged path or query string (raw or percent-decoded).
    pub fn any_url_contains(&self, needle: &str) -> bool {
        self.lock().entries.iter().any(|e| {
            let url = e.url();
            url.contains(needle) || percent_decode(&url).contains(needle)
        })
    }

    /// True if `needle` appears anywhere: URL, header value or body.
    pub fn anywhere_contains(&self, needle: &str) -> bool {
        self.lock().entries.iter().any(|e| {
            let url = e.url();
            url.contains(needle)
                || percent_decode(&url).contains(needle)
                || e.headers.iter().any(|(_, v)| v.contains(needle))
                || e.body.contains(needle)
                || percent_decode(&e.body).contains(needle)
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Decodes `%XX` and `+` the way form and query strings encode them.
fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(s.as_bytes())
        .map(|(k, v)| {
            if v.is_empty() {
                k.into_owned()
            } else {
                format!("{k}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, query: Option<&str>) -> LoggedRequest {
        LoggedRequest {
            seq: 0,
            service: "s".into(),
            method: "GET".into(),
            path: path.into(),
            query: query.map(Into::into),
            headers: vec![("authorization".into(), "Bearer tok".into())],
            body: String::new(),
            status: Some(200),
            outcome: Outcome::Answered,
            at_ms: 0,
        }
    }

    #[test]
    fn ring_buffer_keeps_the_newest() {
        let log = RequestLog::new(2);
        log.push(entry("/1", None));
        log.push(entry("/2", None));
        log.push(entry("/3", None));
        let paths: Vec<_> = log.entries().into_iter().map(|e| e.path).collect();
        assert_eq!(paths, ["/2", "/3"]);
    }

    #[test]
    fn finds_secrets_in_encoded_urls_and_headers() {
        let log = RequestLog::new(10);
        log.push(entry("/t", Some("client_secret=a%2Bb%20c")));
        assert!(log.any_url_contains("a+b c"));
        assert!(!log.any_url_contains("tok"));
        assert!(log.anywhere_contains("tok"));
    }
}
