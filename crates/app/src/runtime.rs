//! The runtime the stand-in services live on when they are started from synchronous code (the
//! window's setup, before any async command runs). One per process, never dropped, so the
//! services it spawned outlive the call that started them — as Tauri's own async runtime does.

use std::future::Future;
use std::sync::OnceLock;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("sia-app")
            .enable_all()
            .build()
            .unwrap_or_else(|error| {
                eprintln!("SIA Setup cannot start its async runtime: {error}");
                std::process::exit(70)
            })
    })
}

/// Runs `future` to completion on the app's runtime; what it spawns keeps running there. It runs
/// on a thread of its own, so this works from synchronous and asynchronous callers alike.
pub fn block_on<F>(future: F) -> F::Output
where
    F: Future + Send,
    F::Output: Send,
{
    std::thread::scope(|scope| {
        scope
            .spawn(|| runtime().block_on(future))
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}
