//! Step 4's preview: the 13 synced fields checked against describe2, and who has a Salesforce owner.
//! Only people with an owner sync (pain point 6), so the admin sees both numbers before Start Sync.

use serde::Serialize;
use serde_json::Value;
use sia_actions_contract::{OWNER_FIELD, SYNC_FIELDS};
use ts_rs::TS;

use std::future::Future;

use crate::calls::{LeadQuery, LeadsPage, MAX_BATCH, MarketoLeadField};
use crate::client::MarketoClient;
use crate::error::MarketoError;

/// Whether a synced field exists in this Marketo instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum MarketoFieldStatus {
    Present,
    Missing,
    /// Present but not updateable through the API: it still syncs (Actions only reads it).
    ReadOnly,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoFieldCheck {
    /// Actions' key, e.g. `salesforceContactId`.
    pub key: String,
    /// English label; the UI translates by `key`.
    pub label: String,
    /// The REST name Actions expects.
    pub marketo_field: String,
    /// The name describe2 reports (may differ in case), when present.
    pub found_as: Option<String>,
    pub display_name: Option<String>,
    pub data_type: Option<String>,
    pub status: MarketoFieldStatus,
}

/// A number of people that says whether it is exact or only "at least" (the preview stopped
/// paging before the end: its page budget ran out, or Marketo repeated a page token).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PeopleCount {
    #[ts(type = "number")]
    pub value: u64,
    /// True when the real number may be larger: show "at least {value}", and do not use it as
    /// the total of a progress bar or a time-left estimate without saying so.
    pub lower_bound: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MarketoSyncPreview {
    pub fields: Vec<MarketoFieldCheck>,
    pub missing_fields: u32,
    /// People read to count owners.
    #[ts(type = "number")]
    pub people_scanned: u64,
    #[ts(type = "number")]
    pub with_owner: u64,
    #[ts(type = "number")]
    pub without_owner: u64,
    /// False when paging stopped before the end (the page budget ran out first, or Marketo
    /// repeated a page token): the counts then cover `peopleScanned` only.
    pub complete: bool,
    /// People in the lead database: `peopleScanned`, a lower bound unless `complete`.
    pub people: PeopleCount,
    /// People with a Salesforce owner (the ones that sync): `withOwner`, a lower bound unless `complete`.
    pub people_with_owner: PeopleCount,
    /// People without one (they will not sync): `withoutOwner`, a lower bound unless `complete`.
    pub people_without_owner: PeopleCount,
}

/// Checks the 13 synced fields against describe2's fields (names compared case-insensitively,
/// as Marketo's REST API does).
pub fn check_fields(described: &[MarketoLeadField]) -> Vec<MarketoFieldCheck> {
    SYNC_FIELDS
        .iter()
        .map(|f| {
            let found = described
                .iter()
                .find(|d| d.name.eq_ignore_ascii_case(f.marketo_field));
            // `id` is never updateable anywhere, and Actions only reads: "read-only" informs, not warns.
            let status = match found {
                None => MarketoFieldStatus::Missing,
                Some(d) if !d.updateable => MarketoFieldStatus::ReadOnly,
                Some(_) => MarketoFieldStatus::Present,
            };
            MarketoFieldCheck {
                key: f.key.to_owned(),
                label: f.label.to_owned(),
                marketo_field: f.marketo_field.to_owned(),
                found_as: found.map(|d| d.name.clone()),
                display_name: found.map(|d| d.display_name.clone()),
                data_type: found.map(|d| d.data_type.clone()),
                status,
            }
        })
        .collect()
}

fn has_owner(lead: &serde_json::Map<String, Value>) -> bool {
    lead.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(OWNER_FIELD))
        .is_some_and(|(_, v)| match v {
            Value::String(s) => !s.trim().is_empty(),
            Value::Null => false,
            _ => true,
        })
}

/// Pages the preview reads by default: 6,000 people in 20 calls, a fraction of the daily quota.
pub const DEFAULT_PREVIEW_PAGES: u32 = 20;

/// The filter that pages the whole lead database (the stand-in and Marketo's default partition).
pub const ALL_PEOPLE_FILTER: (&str, &str) = ("leadPartitionId", "1");

/// What paging the lead database found: people read, those with an owner, and whether the
/// paging reached the end (the last page had no further token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OwnerTally {
    scanned: u64,
    owned: u64,
    complete: bool,
}

/// Reads up to `max_pages` pages through `fetch` (given the cursor, `None` first) and counts owners.
async fn tally_owners<F, Fut>(max_pages: u32, mut fetch: F) -> Result<OwnerTally, MarketoError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<LeadsPage, MarketoError>>,
{
    let (mut scanned, mut owned) = (0u64, 0u64);
    let mut cursor: Option<String> = None;
    let mut complete = false;
    for _ in 0..max_pages {
        let page = fetch(cursor.clone()).await?;
        scanned += page.leads.len() as u64;
        owned += page.leads.iter().filter(|l| has_owner(l)).count() as u64;
        match page.next_page_token {
            None => {
                complete = true;
                break;
            }
            // The same token again would read the same page forever: stop, but the people
            // after it were not read, so the counts are not totals.
            Some(t) if Some(&t) == cursor.as_ref() => {
                tracing::warn!("Marketo repeated a nextPageToken; the preview stops there");
                break;
            }
            Some(t) => cursor = Some(t),
        }
    }
    Ok(OwnerTally {
        scanned,
        owned,
        complete,
    })
}

impl MarketoClient {
    /// The preview for step 4: describe2 once, then up to `max_pages` pages of 300 people
    /// (only `id` and the owner field) to count who has a Salesforce owner.
    pub async fn sync_preview(&self, max_pages: u32) -> Result<MarketoSyncPreview, MarketoError> {
        let fields = check_fields(&self.describe_leads().await?);
        let values = [ALL_PEOPLE_FILTER.1.to_owned()];
        let query = LeadQuery {
            filter_type: ALL_PEOPLE_FILTER.0,
            filter_values: &values,
            fields: &["id", OWNER_FIELD],
            batch_size: MAX_BATCH,
        };
        let query = &query;
        let OwnerTally {
            scanned,
            owned,
            complete,
        } = tally_owners(max_pages, |cursor| async move {
            self.leads(query, cursor.as_deref()).await
        })
        .await?;
        let count = |value| PeopleCount {
            value,
            lower_bound: !complete,
        };
        Ok(MarketoSyncPreview {
            missing_fields: fields
                .iter()
                .filter(|f| f.status == MarketoFieldStatus::Missing)
                .count() as u32,
            fields,
            people_scanned: scanned,
            with_owner: owned,
            without_owner: scanned - owned,
            complete,
            people: count(scanned),
            people_with_owner: count(owned),
            people_without_owner: count(scanned - owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, updateable: bool) -> MarketoLeadField {
        MarketoLeadField {
            name: name.into(),
            display_name: name.into(),
            data_type: "string".into(),
            length: None,
            updateable,
            crm_managed: false,
        }
    }

    fn lead(owner: Option<&str>) -> serde_json::Map<String, Value> {
        let mut m = serde_json::Map::new();
        m.insert("id".into(), Value::from(1));
        m.insert(OWNER_FIELD.into(), owner.map_or(Value::Null, Value::from));
        m
    }

    /// A lead database of `pages` pages of two people (one owned); `repeat` makes the server
    /// hand back the same token again from page 2 on (a misbehaving or looping server).
    async fn tally(pages: u32, max_pages: u32, repeat: bool) -> OwnerTally {
        tally_owners(max_pages, |cursor| async move {
            let n: u32 = cursor.as_deref().map_or(1, |c| c.parse().unwrap());
            let next = if n >= pages {
                None
            } else if repeat && n >= 2 {
                Some(n.to_string())
            } else {
                Some((n + 1).to_string())
            };
            Ok(LeadsPage {
                leads: vec![lead(Some("005000000000001AAA")), lead(None)],
                next_page_token: next,
            })
        })
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn paging_says_whether_it_reached_the_end() {
        let t = tally(3, 20, false).await;
        assert_eq!((t.scanned, t.owned, t.complete), (6, 3, true));
        let t = tally(20, 20, false).await;
        assert!(t.complete, "the 20th page was the last");
        let t = tally(21, 20, false).await;
        assert_eq!((t.scanned, t.complete), (40, false));
    }

    #[tokio::test]
    async fn a_repeated_token_is_not_the_end() {
        // The server keeps answering page 2's token: the preview stops, but it has not read
        // everyone, so its counts are lower bounds, not totals.
        let t = tally(10, 20, true).await;
        assert!(!t.complete, "{t:?}");
    }

    #[test]
    fn statuses() {
        let described = vec![
            field("firstName", true),
            field("ID", false),
            field("linkedInProfileURL", false),
        ];
        let checks = check_fields(&described);
        assert_eq!(checks.len(), 13);
        let by = |k: &str| checks.iter().find(|c| c.key == k).unwrap();
        assert_eq!(by("firstName").status, MarketoFieldStatus::Present);
        assert_eq!(by("marketoId").status, MarketoFieldStatus::ReadOnly);
        assert_eq!(
            by("linkedInUrl").found_as.as_deref(),
            Some("linkedInProfileURL")
        );
        assert_eq!(by("email").status, MarketoFieldStatus::Missing);
    }
}
