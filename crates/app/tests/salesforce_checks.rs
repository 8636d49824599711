//! Steps 6 and 7 read from the org one check at a time: a step's own check as it opens and the
//! admin's click on "Check" must not interleave their Tooling queries.

use std::sync::Arc;

use sia_app::api;

mod support;
use support::{sandbox, sign_in};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_checks_at_once_run_one_after_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let state = Arc::new(support::demo_state(
        dir.path(),
        sia_sandbox::SandboxConfig::for_tests(),
    ));
    sign_in(&state).await;
    let sandbox = sandbox(&state);
    let before = sandbox.log().len();

    let (a, b) = tokio::join!(
        api::salesforce::salesforce_check(&state),
        api::salesforce::salesforce_check(&state)
    );
    let (a, b) = (a.expect("first check"), b.expect("second check"));
    assert_eq!(a.package, b.package);

    let paths: Vec<String> = sandbox
        .log()
        .entries()
        .into_iter()
        .skip(before)
        .filter(|e| e.service == "salesforce")
        .map(|e| e.url())
        .collect();
    assert!(
        !paths.is_empty() && paths.len().is_multiple_of(2),
        "two checks, the same requests each: {paths:#?}"
    );
    let (first, second) = paths.split_at(paths.len() / 2);
    assert_eq!(
        first, second,
        "the second check starts after the first ended"
    );
}
