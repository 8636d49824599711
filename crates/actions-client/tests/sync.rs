//! The data sync end to end through the client: activate → Integration Information → connect
//! Marketo → start → done, with the sandbox's Marketo stand-in read through the real REST client.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use sia_actions::ActionsSyncState;
use sia_marketo::{Backoff, ClientConfig, RateLimit};
use sia_sandbox::marketo::LimitSettings;
use sia_sandbox::{RunningSandbox, SandboxConfig};
use support::*;

const LEADS: &str = "/rest/v1/leads.json";
const IDENTITY: &str = "/identity/oauth/token";

/// The sandbox's sync client with short waits, so retries do not slow the suite.
fn quick_config() -> SandboxConfig {
    let mut c = SandboxConfig::for_tests();
    c.sync_client = ClientConfig {
        rate: RateLimit {
            calls: 100_000,
            per: Duration::from_secs(1),
        },
        backoff: Backoff {
            base: Duration::from_millis(20),
            cap: Duration::from_millis(400),
            max_attempts: 40,
        },
        ..ClientConfig::default()
    };
    c
}

fn leads(sb: &RunningSandbox) -> Vec<sia_sandbox::LoggedRequest> {
    sb.log()
        .for_service("marketo")
        .into_iter()
        .filter(|e| e.path == LEADS)
        .collect()
}

/// Nothing lost and nobody twice: every owned person once, every other one counted as skipped
/// once (a page handled twice would inflate the skipped count).
fn assert_each_person_once(sb: &RunningSandbox, synced: u64, skipped: u64) {
    assert_eq!(synced, sb.marketo().people_with_owner());
    assert_eq!(synced + skipped, sb.marketo().people());
    let service = sb.actions_service().expect("service");
    assert_eq!(service.people_synced() as u64, synced);
}

#[tokio::test]
async fn happy_path_syncs_owned_people_with_their_linkedin_url() {
    let (sb, client) = start(SandboxConfig::for_tests()).await;
    connect_marketo(&client).await;
    client.start_sync().await.expect("starts");
    let done = wait_for_sync(&client).await;
    assert_eq!(done.state, ActionsSyncState::Completed, "{done:?}");
    assert!(done.errors.is_empty(), "{done:?}");
    assert!(done.people_synced > 0 && done.people_skipped_no_owner > 0);
    assert_each_person_once(&sb, done.people_synced, done.people_skipped_no_owner);
    assert!(done.finished_at.is_some());

    // The stand-in calls it linkedInProfileURL; SYNC_FIELDS asks for linkedInProfileUrl.
    let service = sb.actions_service().expect("service");
    let mut checked = 0;
    for id in 1..=sb.marketo().people() {
        let Some(p) = sb.marketo().person(id) else {
            continue;
        };
        let (Some(url), false) = (
            p.get("linkedInProfileURL").and_then(|v| v.as_str()),
            p["sfdcLeadOwnerId"].is_null(),
        ) else {
            continue;
        };
        let stored = service
            .synced_person(&id.to_string())
            .expect("an owned person is stored");
        assert_eq!(stored["linkedInUrl"], url, "person {id}");
        assert_eq!(stored["marketoId"], id.to_string());
        checked += 1;
        if checked == 20 {
            break;
        }
    }
    assert!(
        checked > 0,
        "the stand-in has owned people with a LinkedIn URL"
    );
    // People without owner are not stored.
    let unowned = (1..=sb.marketo().people())
        .find(|i| {
            sb.marketo()
                .person(*i)
                .is_some_and(|p| p["sfdcLeadOwnerId"].is_null())
        })
        .expect("someone without owner");
    assert!(service.synced_person(&unowned.to_string()).is_none());
}

#[tokio::test]
async fn a_606_burst_is_backed_off_and_the_sync_completes() {
    let (sb, client) = start(quick_config()).await;
    connect_marketo(&client).await;
    // Marketo's window allows 2 calls per 300 ms: the sync's pages meet 606 again and again.
    sb.marketo().set_limits(LimitSettings {
        rate_limit: 2,
        rate_window: Duration::from_millis(300),
        ..sb.marketo().limits()
    });
    client.start_sync().await.expect("starts");
    let done = wait_for_sync(&client).await;
    assert_eq!(done.state, ActionsSyncState::Completed, "{done:?}");
    assert_each_person_once(&sb, done.people_synced, done.people_skipped_no_owner);
    let pages = sb.marketo().people().div_ceil(300) as usize;
    assert!(
        leads(&sb).len() > pages,
        "some page calls were refused with 606 and retried"
    );
}

#[tokio::test]
async fn an_expired_token_mid_sync_is_renewed_and_nobody_is_synced_twice() {
    let (sb, client) = start(quick_config()).await;
    connect_marketo(&client).await;
    // Slow pages, so the sync is surely still running when the token expires.
    sb.marketo_faults()
        .add(sia_sandbox::FaultRule::on(LEADS).latency(Duration::from_millis(250)));
    client.start_sync().await.expect("starts");
    let mut expired = false;
    for _ in 0..500 {
        let s = client.sync_status().await.expect("status");
        if s.people_synced > 0 && s.state == ActionsSyncState::Running {
            sb.marketo().expire_token();
            expired = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(expired, "the token was expired while the sync ran");
    let done = wait_for_sync(&client).await;
    assert_eq!(done.state, ActionsSyncState::Completed, "{done:?}");
    assert_each_person_once(&sb, done.people_synced, done.people_skipped_no_owner);
    let identity = sb
        .log()
        .for_service("marketo")
        .iter()
        .filter(|e| e.path == IDENTITY)
        .count();
    assert_eq!(identity, 2, "one token, then one renewal");
    // Every page asked once, except the one refused with 602 and asked again.
    let queries: Vec<_> = leads(&sb).into_iter().map(|e| e.query).collect();
    let distinct: HashSet<_> = queries.iter().collect();
    assert_eq!(queries.len(), distinct.len() + 1, "{queries:?}");
}

#[tokio::test]
async fn the_daily_quota_stops_the_sync_with_a_reason_in_words() {
    let (sb, client) = start(quick_config()).await;
    connect_marketo(&client).await;
    // Two page calls left today.
    let quota = sb.marketo().limits().daily_quota;
    sb.marketo().set_daily_used(quota - 2);
    client.start_sync().await.expect("starts");
    let done = wait_for_sync(&client).await;
    assert_eq!(done.state, ActionsSyncState::Failed, "{done:?}");
    assert_eq!(
        done.people_synced + done.people_skipped_no_owner,
        600,
        "two pages of 300"
    );
    let why = done.errors.last().expect("a reason");
    assert_eq!(why.code, "marketo_daily_quota_exceeded", "{why:?}");
    assert!(why.message.contains("quota"), "{}", why.message);
    assert!(
        why.message.contains("midnight US Central"),
        "{}",
        why.message
    );
    assert_eq!(leads(&sb).len(), 3, "no retry against a used-up quota");
}

#[tokio::test]
async fn progress_survives_a_restart_of_the_service() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = quick_config();
    config.state_file = Some(dir.path().join("sandbox.sqlite"));

    // A sync stopped by the quota, then the service restarts: the progress and the reason stay.
    let (sb, client) = start(config.clone()).await;
    connect_marketo(&client).await;
    let quota = sb.marketo().limits().daily_quota;
    sb.marketo().set_daily_used(quota - 2);
    client.start_sync().await.expect("starts");
    let stopped = wait_for_sync(&client).await;
    assert_eq!(stopped.state, ActionsSyncState::Failed);
    sb.shutdown().await;

    let (sb, client) = start(config.clone()).await;
    // A new Marketo day: the quota is back.
    sb.marketo().set_daily_used(0);
    let after = client.sync_status().await.expect("status");
    assert_eq!(after, stopped, "the same progress after a restart");
    assert_eq!(
        sb.actions_service().expect("service").people_synced() as u64,
        stopped.people_synced
    );

    // Started again on the restarted service, it completes without counting anyone twice.
    client.start_sync().await.expect("starts again");
    let done = wait_for_sync(&client).await;
    assert_eq!(done.state, ActionsSyncState::Completed, "{done:?}");
    assert_each_person_once(&sb, done.people_synced, done.people_skipped_no_owner);
    sb.shutdown().await;

    let (_sb, client) = start(config).await;
    assert_eq!(client.sync_status().await.expect("status"), done);
}
