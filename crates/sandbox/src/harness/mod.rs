//! Serves any `axum::Router` on 127.0.0.1 with per-route fault injection and a request log.
//! It owns the accept loop so that a fault can drop a client's TCP connection without answering.

mod faults;
mod reqlog;

pub use faults::{Fault, FaultAction, FaultControl, FaultId, FaultRule};
pub use reqlog::{LoggedRequest, Outcome, RequestLog};

use crate::SandboxError;
use crate::clock::Clock;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::TokioIo;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tower::ServiceExt;

/// Requests bodies above this size are refused by the harness (the stand-ins need far less).
const MAX_BODY: usize = 16 * 1024 * 1024;
/// How much of a body the log keeps.
const LOGGED_BODY: usize = 64 * 1024;

/// A loopback listener bound before its router exists, so services can know their own URL.
pub struct Bound {
    listener: TcpListener,
    addr: SocketAddr,
}

impl Bound {
    /// Binds 127.0.0.1:`port` (0 lets the OS pick).
    pub async fn loopback(port: u16) -> Result<Bound, SandboxError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|e| SandboxError::Bind {
                port,
                reason: e.kind().to_string(),
            })?;
        let addr = listener.local_addr().map_err(|e| SandboxError::Bind {
            port,
            reason: e.kind().to_string(),
        })?;
        Ok(Bound { listener, addr })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// How one service is served.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Name recorded in the log ("salesforce", "marketo", "actions").
    pub service: String,
    pub faults: FaultControl,
    pub log: RequestLog,
    pub clock: Clock,
}

impl ServeOptions {
    pub fn new(service: &str) -> Self {
        ServeOptions {
            service: service.to_string(),
            faults: FaultControl::default(),
            log: RequestLog::default(),
            clock: Clock::new(),
        }
    }
}

/// A running server; [`Served::shutdown`] stops it and closes its connections.
pub struct Served {
    addr: SocketAddr,
    service: String,
    faults: FaultControl,
    log: RequestLog,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Served {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    pub fn faults(&self) -> &FaultControl {
        &self.faults
    }

    pub fn log(&self) -> &RequestLog {
        &self.log
    }

    /// Stops accepting, closes open connections and waits for the accept loop to end.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Serves `router` on an OS-assigned or given loopback port.
pub async fn serve(port: u16, router: Router, opts: ServeOptions) -> Result<Served, SandboxError> {
    let bound = Bound::loopback(port).await?;
    Ok(serve_bound(bound, router, opts))
}

/// Per-connection switch a `Drop` fault pulls to close the socket.
#[derive(Clone)]
struct ConnKill(Arc<Notify>);

#[derive(Clone)]
struct Mw {
    opts: ServeOptions,
}

/// Serves `router` on an already bound listener.
pub fn serve_bound(bound: Bound, router: Router, opts: ServeOptions) -> Served {
    let Bound { listener, addr } = bound;
    let (stop, stop_rx) = watch::channel(false);
    let app = router.layer(middleware::from_fn_with_state(
        Mw { opts: opts.clone() },
        fault_and_log,
    ));
    let task = tokio::spawn(accept_loop(listener, app, stop_rx));
    Served {
        addr,
        service: opts.service,
        faults: opts.faults,
        log: opts.log,
        stop,
        task,
    }
}

async fn accept_loop(listener: TcpListener, app: Router, mut stop_rx: watch::Receiver<bool>) {
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = stop_rx.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else {
                    // Out of file descriptors or similar: back off instead of spinning.
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let kill = Arc::new(Notify::new());
                let app = app.clone();
                let kill_for_svc = kill.clone();
                let svc = hyper::service::service_fn(move |mut req: Request<hyper::body::Incoming>| {
                    req.extensions_mut().insert(ConnKill(kill_for_svc.clone()));
                    app.clone().oneshot(req.map(Body::new))
                });
                let mut stop = stop_rx.clone();
                conns.spawn(async move {
                    let conn = hyper::server::conn::http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), svc);
                    tokio::select! {
                        _ = conn => {}
                        _ = kill.notified() => {}
                        _ = stop.changed() => {}
                    }
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.shutdown().await;
}

async fn fault_and_log(State(mw): State<Mw>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let (bytes, too_large) = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => (b, false),
        Err(_) => (Bytes::new(), true),
    };
    let mut entry = LoggedRequest {
        seq: 0,
        service: mw.opts.service.clone(),
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: String::from_utf8_lossy(&bytes[..bytes.len().min(LOGGED_BODY)]).into_owned(),
        status: None,
        outcome: Outcome::Answered,
        at_ms: mw.opts.clock.now_ms(),
    };
    if too_large {
        entry.status = Some(StatusCode::PAYLOAD_TOO_LARGE.as_u16());
        mw.opts.log.push(entry);
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let fault = mw.opts.faults.take(parts.method.as_str(), parts.uri.path());
    if let Some(latency) = fault.as_ref().and_then(|f| f.latency) {
        tokio::time::sleep(latency).await;
    }
    match fault.map(|f| f.action) {
        Some(FaultAction::Drop) => {
            entry.outcome = Outcome::Dropped;
            mw.opts.log.push(entry);
            if let Some(kill) = parts.extensions.get::<ConnKill>() {
                kill.0.notify_one();
                // The connection task drops this future together with the socket.
                std::future::pending::<()>().await;
            }
            StatusCode::BAD_GATEWAY.into_response()
        }
        Some(FaultAction::Status {
            status,
            retry_after_secs,
        }) => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut resp = (
                code,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                format!("sandbox fault injection: forced HTTP {}", code.as_u16()),
            )
                .into_response();
            if let Some(secs) = retry_after_secs {
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            entry.status = Some(code.as_u16());
            entry.outcome = Outcome::Injected;
            mw.opts.log.push(entry);
            resp
        }
        Some(FaultAction::Pass) | None => {
            let req = Request::from_parts(parts, Body::from(bytes));
            let resp = next.run(req).await;
            entry.status = Some(resp.status().as_u16());
            mw.opts.log.push(entry);
            resp
        }
    }
}
