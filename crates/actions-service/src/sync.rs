//! The data sync's domain (step 4): the 13 fields, the `PeopleSource` seam, and which people are kept.
//! The runner (in `api::sync`) pulls pages from a source — the Marketo REST client, plugged in later.

use std::collections::BTreeMap;

use serde::Serialize;

/// One of the 13 fields Actions syncs from Marketo (not configurable).
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncField {
    pub key: &'static str,
    pub label: &'static str,
    /// The field's REST API name in Marketo (`leads/describe2.json`).
    pub marketo_field: &'static str,
}

/// The 13 synced fields. Marketo REST names marked "inferred" in the API guide are design assumptions.
pub const SYNC_FIELDS: [SyncField; 13] = [
    SyncField {
        key: "firstName",
        label: "First name",
        marketo_field: "firstName",
    },
    SyncField {
        key: "lastName",
        label: "Last name",
        marketo_field: "lastName",
    },
    SyncField {
        key: "salesforceContactId",
        label: "Salesforce contact ID",
        marketo_field: "sfdcContactId",
    },
    SyncField {
        key: "salesforceLeadId",
        label: "Salesforce lead ID",
        marketo_field: "sfdcLeadId",
    },
    SyncField {
        key: "salesforceAccountId",
        label: "Salesforce account ID",
        marketo_field: "sfdcAccountId",
    },
    SyncField {
        key: "salesforceOpportunityId",
        label: "Salesforce opportunity ID",
        marketo_field: "sfdcOpptyId",
    },
    SyncField {
        key: "marketoId",
        label: "Marketo ID",
        marketo_field: "id",
    },
    SyncField {
        key: "company",
        label: "Company",
        marketo_field: "company",
    },
    SyncField {
        key: "title",
        label: "Title",
        marketo_field: "title",
    },
    SyncField {
        key: "email",
        label: "Email",
        marketo_field: "email",
    },
    SyncField {
        key: "phone",
        label: "Phone",
        marketo_field: "phone",
    },
    SyncField {
        key: "linkedInUrl",
        label: "LinkedIn URL",
        marketo_field: "linkedInProfileUrl",
    },
    SyncField {
        key: "source",
        label: "Source",
        marketo_field: "leadSource",
    },
];

/// The Marketo field that says a person has a Salesforce owner (only those sync).
pub const OWNER_FIELD: &str = "sfdcLeadOwnerId";

/// The most people one instance syncs (the vendor's documented limit).
pub const MAX_PEOPLE: u64 = 1_500_000;

/// One person as Marketo returns it: REST field name → value (absent or null fields left out).
pub type Person = BTreeMap<String, String>;

/// What the runner hands the source so it can log in to Marketo.
#[derive(Clone)]
pub struct SourceCredentials {
    pub munchkin_id: String,
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for SourceCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceCredentials")
            .field("munchkin_id", &self.munchkin_id)
            .finish_non_exhaustive()
    }
}

pub struct PeoplePage {
    pub people: Vec<Person>,
    /// Where the next page starts; `None` when this was the last one.
    pub next: Option<String>,
}

/// Why a page could not be read; `code` is stable (e.g. Marketo's `606`, `607`, or `unreachable`).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {message}")]
pub struct SourceError {
    pub code: String,
    pub message: String,
}

/// Re-exported so an implementor of [`PeopleSource`] needs no dependency of its own.
pub use async_trait::async_trait;

/// Where the sync reads people from. The Marketo REST client implements it (issue 7);
/// tests use an in-memory source.
#[async_trait::async_trait]
pub trait PeopleSource: Send + Sync {
    async fn page(
        &self,
        credentials: &SourceCredentials,
        cursor: Option<String>,
    ) -> Result<PeoplePage, SourceError>;
}

/// The Marketo fields the runner asks a source for: the 13 synced ones and the owner.
pub fn requested_fields() -> Vec<&'static str> {
    SYNC_FIELDS
        .iter()
        .map(|f| f.marketo_field)
        .chain([OWNER_FIELD])
        .collect()
}

/// Splits a page into people to keep (Marketo id, JSON of the 13 fields) and a count of those without owner.
pub fn keep_owned(people: &[Person]) -> (Vec<(String, String)>, u64) {
    let mut kept = Vec::new();
    let mut skipped = 0;
    for p in people {
        let owned = p.get(OWNER_FIELD).is_some_and(|o| !o.trim().is_empty());
        let id = p.get("id").filter(|i| !i.trim().is_empty());
        match (owned, id) {
            (true, Some(id)) => {
                let row: BTreeMap<&str, &str> = SYNC_FIELDS
                    .iter()
                    .filter_map(|f| p.get(f.marketo_field).map(|v| (f.key, v.as_str())))
                    .collect();
                kept.push((
                    id.clone(),
                    serde_json::to_string(&row).unwrap_or_else(|_| "{}".into()),
                ));
            }
            _ => skipped += 1,
        }
    }
    (kept, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirteen_distinct_fields() {
        let keys: std::collections::BTreeSet<_> = SYNC_FIELDS.iter().map(|f| f.key).collect();
        assert_eq!(keys.len(), 13);
    }

    #[test]
    fn only_people_with_an_owner_are_kept() {
        let mut a = Person::new();
        a.insert("id".into(), "1".into());
        a.insert("email".into(), "a@example.com".into());
        a.insert(OWNER_FIELD.into(), "005xx".into());
        let mut b = a.clone();
        b.insert("id".into(), "2".into());
        b.remove(OWNER_FIELD);
        let (kept, skipped) = keep_owned(&[a, b]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].0, "1");
        assert!(kept[0].1.contains("\"email\":\"a@example.com\""));
        assert_eq!(skipped, 1);
    }
}
