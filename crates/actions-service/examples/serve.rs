//! Serves the Actions admin API on 127.0.0.1 for the OpenAPI check and for trying it by hand.
//! Usage: serve --token T [--port P] [--seats N] [--rate N/SECONDS] [--sqlite FILE] [--activate EMAIL]

use std::time::Duration;

use sia_actions_service::{ActionsConfig, ActionsService, RateLimit};

fn usage() -> ! {
    eprintln!(
        "usage: serve --token T [--port P] [--seats N] [--rate N/SECONDS] [--sqlite FILE] [--activate EMAIL]"
    );
    std::process::exit(2)
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let mut config = ActionsConfig::default();
    let mut port: u16 = 0;
    let mut activate: Vec<String> = Vec::new();
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--token" => config.tokens.push(value),
            "--port" => port = value.parse().unwrap_or_else(|_| usage()),
            "--seats" => config.seat_limit = value.parse().unwrap_or_else(|_| usage()),
            "--rate" => {
                let (n, secs) = value.split_once('/').unwrap_or_else(|| usage());
                config.rate_limit = RateLimit {
                    requests: n.parse().unwrap_or_else(|_| usage()),
                    window: Duration::from_secs(secs.parse().unwrap_or_else(|_| usage())),
                };
            }
            "--sqlite" => config.sqlite_path = Some(value.into()),
            "--activate" => activate.push(value),
            _ => usage(),
        }
    }
    if config.tokens.is_empty() {
        usage();
    }
    let service = match ActionsService::new(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot start: {e} ({})", e.code());
            std::process::exit(1)
        }
    };
    if !activate.is_empty() {
        let emails: Vec<&str> = activate.iter().map(String::as_str).collect();
        if let Err(e) = service.activate(&emails) {
            eprintln!("cannot activate: {e} ({})", e.code());
            std::process::exit(1)
        }
    }
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
            std::process::exit(1)
        }
    };
    if let Ok(addr) = listener.local_addr() {
        println!("listening on http://{addr}");
    }
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    if let Err(e) = axum::serve(listener, service.router())
        .with_graceful_shutdown(shutdown)
        .await
    {
        eprintln!("server stopped: {e}");
        std::process::exit(1)
    }
}
