//! The data sync's contract (step 4): the 13 fields, the owner field, and the `PeopleSource` seam
//! the service's sync runner pulls pages through (the Marketo REST client implements it).

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirteen_distinct_fields() {
        let keys: std::collections::BTreeSet<_> = SYNC_FIELDS.iter().map(|f| f.key).collect();
        assert_eq!(keys.len(), 13);
        assert_eq!(requested_fields().len(), 14);
    }
}
