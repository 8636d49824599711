//! The RFC 8252 loopback listener that receives the OAuth redirect: 127.0.0.1 only, first free
//! port of a list, one valid callback, strict checks, and a socket that is always released.

use crate::error::SalesforceError;
use crate::page::{self, CSP, PageKind};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::{Deserialize, Serialize};
use sia_core::UiLanguage;
use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc, oneshot};
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::sync::{CancellationToken, DropGuard};

/// Ports registered in the External Client App, tried in this order.
pub const DEFAULT_CALLBACK_PORTS: [u16; 4] = [53682, 53683, 53684, 1717];
/// Path of the registered callback URLs.
pub const DEFAULT_CALLBACK_PATH: &str = "/callback";
/// Where the callback sends the browser (303) so the code leaves the address bar.
pub(crate) const RESULT_PATH: &str = "/done";

/// Which ports the listener may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export, rename = "SalesforceCallbackPorts")]
pub enum CallbackPorts {
    /// Salesforce matches the callback URL exactly, port included: only registered ports work.
    List { ports: Vec<u16> },
    /// Any free port, for providers that accept any loopback port (RFC 8252 section 7.3).
    AnyPort,
}

impl Default for CallbackPorts {
    fn default() -> Self {
        CallbackPorts::List {
            ports: DEFAULT_CALLBACK_PORTS.to_vec(),
        }
    }
}

impl CallbackPorts {
    /// The callback URLs an admin has to register for this list (empty for `AnyPort`).
    pub fn callback_urls(&self, host: CallbackHost, path: &str) -> Vec<String> {
        match self {
            CallbackPorts::List { ports } => {
                ports.iter().map(|p| callback_url(host, *p, path)).collect()
            }
            CallbackPorts::AnyPort => Vec::new(),
        }
    }
}

/// The host name in the callback URL. The listener is on 127.0.0.1 either way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "SalesforceCallbackHost")]
pub enum CallbackHost {
    /// `http://127.0.0.1:…`, as RFC 8252 section 7.3 recommends (no name resolution).
    #[default]
    Ipv4Loopback,
    /// `http://localhost:…`, for orgs whose callback field only takes `localhost` (the
    /// Salesforce CLI registers `http://localhost:1717/OauthRedirect`).
    Localhost,
}

impl CallbackHost {
    pub fn as_str(self) -> &'static str {
        match self {
            CallbackHost::Ipv4Loopback => "127.0.0.1",
            CallbackHost::Localhost => "localhost",
        }
    }
}

pub(crate) fn callback_url(host: CallbackHost, port: u16, path: &str) -> String {
    format!("http://{}:{port}{path}", host.as_str())
}

/// A callback path is `/` followed by URL-safe characters; no query, fragment or spaces.
pub(crate) fn valid_callback_path(path: &str) -> bool {
    path.len() > 1
        && path.starts_with('/')
        && path != RESULT_PATH
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '~'))
}

/// What the listener hands to the login flow.
pub(crate) enum CallbackEvent {
    /// A callback with the right state and a code. The browser waits for `reply`: what the
    /// result page should say once the code has been exchanged.
    Code {
        code: String,
        reply: oneshot::Sender<PageKind>,
    },
    /// A callback that ends the attempt (wrong state, or an error from Salesforce).
    Failed(SalesforceError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Waiting,
    Exchanging,
    Done,
}

struct Shared {
    port: u16,
    path: String,
    state: String,
    language: UiLanguage,
    phase: Mutex<Phase>,
    outcome: Mutex<Option<PageKind>>,
    events: mpsc::Sender<CallbackEvent>,
    page_served: Notify,
}

impl Shared {
    fn phase(&self) -> Phase {
        *self.phase.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set_phase(&self, phase: Phase) {
        *self.phase.lock().unwrap_or_else(|p| p.into_inner()) = phase;
    }

    fn set_outcome(&self, kind: PageKind) {
        *self.outcome.lock().unwrap_or_else(|p| p.into_inner()) = Some(kind);
        self.set_phase(Phase::Done);
    }

    fn outcome(&self) -> Option<PageKind> {
        *self.outcome.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A bound, serving listener. Dropping it stops the server; [`Loopback::close`] also waits
/// until the socket is closed.
pub(crate) struct Loopback {
    port: u16,
    redirect_uri: String,
    events: mpsc::Receiver<CallbackEvent>,
    shared: Arc<Shared>,
    stop: CancellationToken,
    task: Option<JoinHandle<()>>,
    _guard: DropGuard,
}

impl Loopback {
    /// Binds 127.0.0.1 on the first free port and starts serving.
    pub(crate) async fn bind(
        ports: &CallbackPorts,
        host: CallbackHost,
        path: &str,
        state: String,
        language: UiLanguage,
    ) -> Result<Loopback, SalesforceError> {
        let listener = bind_first_free(ports).await?;
        let port = listener
            .local_addr()
            .map_err(|e| SalesforceError::ListenerFailed {
                reason: e.kind().to_string(),
            })?
            .port();
        let (tx, rx) = mpsc::channel(4);
        let shared = Arc::new(Shared {
            port,
            path: path.to_string(),
            state,
            language,
            phase: Mutex::new(Phase::Waiting),
            outcome: Mutex::new(None),
            events: tx,
            page_served: Notify::new(),
        });
        let stop = CancellationToken::new();
        let task = tokio::spawn(accept_loop(listener, shared.clone(), stop.clone()));
        tracing::debug!(port, "loopback listener started");
        Ok(Loopback {
            port,
            redirect_uri: callback_url(host, port, path),
            events: rx,
            shared,
            _guard: stop.clone().drop_guard(),
            stop,
            task: Some(task),
        })
    }

    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    pub(crate) fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The next callback that matters; `None` only if the server stopped.
    pub(crate) async fn next_event(&mut self) -> Option<CallbackEvent> {
        self.events.recv().await
    }

    /// Waits until the browser fetched the result page (or `linger` passed), then stops
    /// the server and waits for the socket to be closed.
    pub(crate) async fn close(mut self, linger: Duration) {
        // Once a callback was answered the browser is on its way to the result page.
        if self.shared.phase() != Phase::Waiting && !linger.is_zero() {
            let _ = tokio::time::timeout(linger, self.shared.page_served.notified()).await;
        }
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        tracing::debug!(port = self.port, "loopback listener closed");
    }
}

async fn bind_first_free(ports: &CallbackPorts) -> Result<TcpListener, SalesforceError> {
    let list = match ports {
        CallbackPorts::AnyPort => vec![0],
        CallbackPorts::List { ports } => ports.clone(),
    };
    if list.is_empty() {
        return Err(SalesforceError::ListenerFailed {
            reason: "no callback port is configured".into(),
        });
    }
    let mut other = None;
    for port in &list {
        match TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, *port))).await {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == ErrorKind::AddrInUse => {
                tracing::debug!(port, "callback port busy");
            }
            Err(e) => {
                tracing::debug!(port, kind = %e.kind(), "callback port unusable");
                other = Some(e.kind());
            }
        }
    }
    match (other, ports) {
        (Some(kind), CallbackPorts::AnyPort) => Err(SalesforceError::ListenerFailed {
            reason: kind.to_string(),
        }),
        _ => Err(SalesforceError::PortsBusy { ports: list }),
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, stop: CancellationToken) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            accepted = listener.accept() => {
                let Ok((stream, peer)) = accepted else {
                    // Out of descriptors or similar: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                };
                if !peer.ip().is_loopback() {
                    continue;
                }
                conns.spawn(serve_connection(stream, shared.clone(), stop.clone()));
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    // The port is free from here on; in-flight answers get a moment to be written.
    drop(listener);
    let drain = async { while conns.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(2), drain)
        .await
        .is_err()
    {
        conns.shutdown().await;
    }
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    shared: Arc<Shared>,
    stop: CancellationToken,
) {
    let svc = hyper::service::service_fn(move |req| {
        let shared = shared.clone();
        async move { Ok::<_, std::convert::Infallible>(handle(req, &shared).await) }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .keep_alive(false)
        .timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(10))
        .max_buf_size(16 * 1024);
    let conn = builder.serve_connection(TokioIo::new(stream), svc);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = stop.cancelled() => {
            // Idle connections close now; an answer being written is finished.
            conn.as_mut().graceful_shutdown();
            let _ = tokio::time::timeout(Duration::from_secs(1), conn).await;
        }
    }
}

async fn handle(req: Request<Incoming>, shared: &Shared) -> Response<Full<Bytes>> {
    if !host_is_ours(&req, shared.port) {
        return plain(StatusCode::BAD_REQUEST, "unexpected Host header");
    }
    let path = req.uri().path();
    if path == shared.path {
        if req.method() != Method::GET {
            return not_allowed();
        }
        return callback(req.uri().query().unwrap_or(""), shared).await;
    }
    if path == RESULT_PATH {
        if req.method() != Method::GET {
            return not_allowed();
        }
        return match shared.outcome() {
            Some(kind) => {
                let resp = html(StatusCode::OK, kind, shared.language);
                shared.page_served.notify_one();
                resp
            }
            None => html(StatusCode::NOT_FOUND, PageKind::NotASignIn, shared.language),
        };
    }
    plain(StatusCode::NOT_FOUND, "not found")
}

/// Guards against DNS rebinding: a page on another origin that resolves to 127.0.0.1
/// still sends its own host name.
fn host_is_ours(req: &Request<Incoming>, port: u16) -> bool {
    let Some(host) = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
    else {
        return false;
    };
    let host = host.to_ascii_lowercase();
    host == format!("127.0.0.1:{port}") || host == format!("localhost:{port}")
}

/// The query parameters of a callback, refusing repeated keys that could smuggle a second
/// state or code past the check.
#[derive(Default)]
struct CallbackQuery {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    repeated: bool,
}

fn parse_query(query: &str) -> CallbackQuery {
    let mut q = CallbackQuery::default();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match k.as_ref() {
            "state" => &mut q.state,
            "code" => &mut q.code,
            "error" => &mut q.error,
            "error_description" => &mut q.error_description,
            _ => continue,
        };
        if slot.is_some() {
            q.repeated = true;
        }
        *slot = Some(v.into_owned());
    }
    q
}

async fn callback(query: &str, shared: &Shared) -> Response<Full<Bytes>> {
    let q = parse_query(query);
    if q.state.is_none() && q.code.is_none() && q.error.is_none() {
        // A stray visit (a bookmark, a prefetch): not an answer, the attempt goes on.
        return html(
            StatusCode::BAD_REQUEST,
            PageKind::NotASignIn,
            shared.language,
        );
    }
    {
        let mut phase = shared.phase.lock().unwrap_or_else(|p| p.into_inner());
        if *phase != Phase::Waiting {
            drop(phase);
            return html(StatusCode::GONE, PageKind::NotASignIn, shared.language);
        }
        *phase = Phase::Exchanging;
    }
    let state_ok = !q.repeated
        && q.state
            .as_deref()
            .is_some_and(|s| bool::from(s.as_bytes().ct_eq(shared.state.as_bytes())));
    let failure = if !state_ok {
        Some(SalesforceError::StateMismatch)
    } else if let Some(error) = q.error.as_deref() {
        Some(callback_error(error, q.error_description.as_deref()))
    } else if q.code.as_deref().is_none_or(str::is_empty) {
        Some(SalesforceError::protocol("the callback had no code"))
    } else {
        None
    };
    let kind = match (failure, q.code) {
        (Some(err), _) => {
            let kind = PageKind::Failed(err.code());
            if shared
                .events
                .send(CallbackEvent::Failed(err))
                .await
                .is_err()
            {
                PageKind::Failed("cancelled")
            } else {
                kind
            }
        }
        (None, Some(code)) => {
            let (reply, answer) = oneshot::channel();
            if shared
                .events
                .send(CallbackEvent::Code { code, reply })
                .await
                .is_err()
            {
                PageKind::Failed("cancelled")
            } else {
                answer.await.unwrap_or(PageKind::Failed("cancelled"))
            }
        }
        (None, None) => PageKind::Failed("protocol"),
    };
    shared.set_outcome(kind);
    see_other(RESULT_PATH)
}

/// Maps an `error=` on the callback to the crate error.
pub(crate) fn callback_error(error: &str, description: Option<&str>) -> SalesforceError {
    let description = description.and_then(crate::error::sanitize_description);
    match error {
        "access_denied" => SalesforceError::AccessDenied { description },
        "redirect_uri_mismatch" => SalesforceError::RedirectUriMismatch {
            callback_urls: Vec::new(),
        },
        other => SalesforceError::AuthorizationFailed {
            error: crate::error::sanitize_description(other).unwrap_or_else(|| "unknown".into()),
            description,
        },
    }
}

fn base(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if let Ok(csp) = HeaderValue::from_str(&CSP) {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    resp
}

fn html(status: StatusCode, kind: PageKind, lang: UiLanguage) -> Response<Full<Bytes>> {
    base(status, "text/html; charset=utf-8", page::render(kind, lang))
}

fn plain(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    base(status, "text/plain; charset=utf-8", text.to_string())
}

fn not_allowed() -> Response<Full<Bytes>> {
    let mut resp = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    resp.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET"));
    resp
}

fn see_other(location: &'static str) -> Response<Full<Bytes>> {
    let mut resp = base(
        StatusCode::SEE_OTHER,
        "text/plain; charset=utf-8",
        String::new(),
    );
    resp.headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static(location));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_paths_are_plain() {
        assert!(valid_callback_path("/callback"));
        assert!(valid_callback_path("/OauthRedirect"));
        for bad in ["", "/", "callback", "/cb?x", "/c b", "/done", "/a#b"] {
            assert!(!valid_callback_path(bad), "{bad}");
        }
    }

    #[test]
    fn repeated_parameters_are_flagged() {
        let q = parse_query("state=a&code=b&state=c");
        assert!(q.repeated);
        let q = parse_query("state=a&code=b%2Bc&other=1");
        assert!(!q.repeated);
        assert_eq!(q.code.as_deref(), Some("b+c"));
    }

    #[test]
    fn callback_urls_follow_the_port_list() {
        let urls = CallbackPorts::default().callback_urls(CallbackHost::default(), "/callback");
        assert_eq!(urls[0], "http://127.0.0.1:53682/callback");
        assert_eq!(urls[3], "http://127.0.0.1:1717/callback");
        let named = CallbackPorts::default().callback_urls(CallbackHost::Localhost, "/cb");
        assert_eq!(named[1], "http://localhost:53683/cb");
        assert!(
            CallbackPorts::AnyPort
                .callback_urls(CallbackHost::default(), "/callback")
                .is_empty()
        );
    }
}
