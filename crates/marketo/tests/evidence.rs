//! Steps 3 and 4's evidence in real-product mode, over real HTTP against the Marketo stand-in:
//! usage stats per API user, the API-only users and the preselection, and the preview's counts
//! saying when they are only lower bounds.

mod support;

use sia_marketo::{
    ClientConfig, Credentials, DEFAULT_PREVIEW_PAGES, Endpoint, MarketoClient,
    suggest_actions_api_user,
};
use sia_sandbox::marketo::{ACTIONS_API_USERID, DW_EXPORT_USERID};
use sia_sandbox::{Sandbox, SandboxConfig};
use support::*;

const TODAY: &str = "/rest/v1/stats/usage.json";
const LAST7: &str = "/rest/v1/stats/usage/last7days.json";
const LEADS: &str = "/rest/v1/leads.json";

#[tokio::test]
async fn usage_today_and_last_7_days_come_back_in_shape() {
    let sb = sandbox().await;
    sb.marketo().add_usage(3, DW_EXPORT_USERID, 25);
    let client = client(&sb, quick(loose(), 5, 3));
    client.describe_leads().await.expect("describe");
    let today = client.usage_today().await.expect("today");
    assert_eq!(today.days.len(), 1);
    let day = &today.days[0];
    assert_eq!(day.date.len(), 10);
    assert_eq!(day.total, day.users.iter().map(|u| u.count).sum::<u64>());
    // describe2 and the usage call itself.
    assert_eq!(today.calls_by(ACTIONS_API_USERID), 2);
    let week = client.usage_last_7_days().await.expect("last 7 days");
    assert_eq!(week.days.len(), 2);
    assert!(week.days[0].date > week.days[1].date, "newest first");
    assert_eq!(week.days[0].date, day.date);
    assert_eq!(week.calls_by(DW_EXPORT_USERID), 25);
    assert_eq!(
        week.last_day_with_calls_by(ACTIONS_API_USERID),
        Some(day.date.as_str())
    );
    // One call each, for every user at once.
    assert_eq!(count(&sb, TODAY), 1);
    assert_eq!(count(&sb, LAST7), 1);
    let json = serde_json::to_value(&week).unwrap();
    assert!(json["days"][0]["users"][0]["userId"].is_string(), "{json}");
    assert_secret_only_in_identity_query(&sb);
}

#[tokio::test]
async fn counts_rise_with_the_calls_of_the_api_user_that_made_them() {
    let sb = sandbox().await;
    let actions = client(&sb, quick(loose(), 5, 3));
    let before = actions.usage_today().await.expect("before");
    let other = sb.marketo().other_api_clients()[0].clone();
    let dw = MarketoClient::new(
        Endpoint::parse(sb.marketo_url()).unwrap(),
        Credentials::new(other.client_id, other.client_secret),
        quick(loose(), 5, 3),
    )
    .unwrap();
    const N: u64 = 4;
    for _ in 0..N {
        dw.describe_leads()
            .await
            .expect("describe as the other user");
    }
    let after = actions.usage_today().await.expect("after");
    assert_eq!(
        after.calls_by(DW_EXPORT_USERID) - before.calls_by(DW_EXPORT_USERID),
        N
    );
    // Only the second usage call: the other user's calls did not count for Actions' user.
    assert_eq!(
        after.calls_by(ACTIONS_API_USERID) - before.calls_by(ACTIONS_API_USERID),
        1
    );
    assert_eq!(
        after.calls_by(ACTIONS_API_USERID),
        sb.marketo().usage_today(ACTIONS_API_USERID)
    );
}

#[tokio::test]
async fn a_rejected_token_is_renewed_once_and_the_usage_call_goes_through() {
    let sb = sandbox().await;
    let client = client(&sb, quick(loose(), 5, 3));
    client.usage_today().await.expect("first");
    assert_eq!(count(&sb, IDENTITY), 1);
    // The stand-in forgets the token the client holds: the next call gets 601.
    sb.marketo().forget_tokens();
    let usage = client.usage_last_7_days().await.expect("after 601");
    assert_eq!(count(&sb, IDENTITY), 2, "re-authenticated once");
    assert_eq!(count(&sb, LAST7), 2, "the refused call, then the retry");
    // The refused call counted nowhere; the first call and the retry did.
    assert_eq!(usage.calls_by(ACTIONS_API_USERID), 2);
}

#[tokio::test]
async fn the_integration_user_is_preselected_among_the_api_only_users() {
    let sb = sandbox().await;
    let client = client(&sb, ClientConfig::default());
    let api = client.api_only_users().await.expect("api users");
    let ids: Vec<&str> = api.iter().map(|u| u.userid.as_str()).collect();
    assert_eq!(ids, [ACTIONS_API_USERID, DW_EXPORT_USERID]);
    assert!(api.iter().all(|u| u.api_only));
    assert_eq!(
        suggest_actions_api_user(&api).as_deref(),
        Some(ACTIONS_API_USERID)
    );
    // The admin list still leaves API-only users out.
    let admins = client.admin_users().await.expect("admins");
    assert!(admins.iter().all(|a| !ids.contains(&a.userid.as_str())));
}

async fn preview_with(people: u64) -> (sia_marketo::MarketoSyncPreview, usize) {
    let mut config = SandboxConfig::for_tests();
    config.marketo.people = people;
    let sb = Sandbox::start(config).await.expect("sandbox");
    let client = client(&sb, quick(loose(), 5, 3));
    let p = client
        .sync_preview(DEFAULT_PREVIEW_PAGES)
        .await
        .expect("preview");
    let pages = count(&sb, LEADS);
    (p, pages)
}

#[tokio::test]
async fn a_preview_cut_short_by_its_page_budget_says_at_least() {
    // 20 pages of 300 hold 6,000 people: 6,001 need a 21st page the preview does not read.
    let (p, pages) = preview_with(6_001).await;
    assert_eq!(pages, DEFAULT_PREVIEW_PAGES as usize);
    assert!(!p.complete);
    assert_eq!(p.people_scanned, 6_000);
    assert!(p.people.lower_bound && p.people.value == 6_000);
    assert!(p.people_with_owner.lower_bound);
    assert!(p.people_without_owner.lower_bound);
    assert_eq!(p.people_with_owner.value, p.with_owner);
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["peopleWithOwner"]["lowerBound"], true, "{json}");
}

#[tokio::test]
async fn a_preview_that_read_everyone_gives_exact_counts() {
    let (p, pages) = preview_with(5_999).await;
    assert_eq!(pages, 20);
    assert!(p.complete);
    assert_eq!(p.people.value, 5_999);
    assert!(!p.people.lower_bound);
    assert!(!p.people_with_owner.lower_bound && !p.people_without_owner.lower_bound);
    assert_eq!(
        p.people_with_owner.value + p.people_without_owner.value,
        5_999
    );
}
