//! Step 4's preview: the 13 synced fields checked against describe2, and who has a Salesforce owner.
//! Only people with an owner sync (pain point 6), so the admin sees both numbers before Start Sync.

use serde::Serialize;
use serde_json::Value;
use sia_actions_service::sync::{OWNER_FIELD, SYNC_FIELDS};
use ts_rs::TS;

use crate::calls::{LeadQuery, MAX_BATCH, MarketoLeadField};
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
    /// False when the page budget ran out first: the counts then cover `peopleScanned` only.
    pub complete: bool,
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
        let (mut scanned, mut owned) = (0u64, 0u64);
        let mut cursor: Option<String> = None;
        let mut complete = false;
        for _ in 0..max_pages {
            let page = self.leads(&query, cursor.as_deref()).await?;
            scanned += page.leads.len() as u64;
            owned += page.leads.iter().filter(|l| has_owner(l)).count() as u64;
            match page.next_page_token {
                Some(t) if Some(&t) != cursor.as_ref() => cursor = Some(t),
                _ => {
                    complete = true;
                    break;
                }
            }
        }
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
