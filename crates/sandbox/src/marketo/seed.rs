//! The Marketo lead database and user list, generated per record from the seed.
//! Person N is computed when asked for, so a 100,000-person database costs no memory up front.

use crate::ids::sf_id;
use crate::names::{COMPANIES, LEAD_SOURCES, PEOPLE, TITLES};
use crate::prng::Rng;
use serde::Serialize;
use serde_json::{Map, Value, json};

/// Marketo REST names of the 13 fields Actions syncs, in the order of the setup guide.
pub const SYNCED_FIELDS: [&str; 13] = [
    "firstName",
    "lastName",
    "sfdcContactId",
    "sfdcLeadId",
    "sfdcAccountId",
    "sfdcOpptyId",
    "id",
    "company",
    "title",
    "email",
    "phone",
    "linkedInProfileURL",
    "leadSource",
];

/// (REST name, display name, data type, length, updateable, crmManaged)
pub type FieldRow = (
    &'static str,
    &'static str,
    &'static str,
    Option<u32>,
    bool,
    bool,
);

/// The lead fields describe2 reports.
pub const FIELDS: &[FieldRow] = &[
    ("id", "Id", "integer", None, false, false),
    ("firstName", "First Name", "string", Some(255), true, true),
    ("lastName", "Last Name", "string", Some(255), true, true),
    ("email", "Email Address", "email", Some(255), true, true),
    ("phone", "Phone Number", "phone", Some(255), true, true),
    ("company", "Company Name", "string", Some(255), true, true),
    ("title", "Job Title", "string", Some(255), true, true),
    ("leadSource", "Lead Source", "string", Some(255), true, true),
    (
        "linkedInProfileURL",
        "Marketo Social LinkedIn Profile URL",
        "url",
        Some(255),
        false,
        false,
    ),
    (
        "sfdcLeadId",
        "SFDC Lead ID",
        "string",
        Some(18),
        false,
        true,
    ),
    (
        "sfdcContactId",
        "SFDC Contact ID",
        "string",
        Some(18),
        false,
        true,
    ),
    (
        "sfdcAccountId",
        "SFDC Account ID",
        "string",
        Some(18),
        false,
        true,
    ),
    (
        "sfdcOpptyId",
        "SFDC Oppty ID",
        "string",
        Some(18),
        false,
        true,
    ),
    (
        "sfdcLeadOwnerId",
        "Lead Owner Id",
        "string",
        Some(18),
        false,
        true,
    ),
    ("sfdcType", "SFDC Type", "string", Some(255), false, true),
    ("sfdcId", "SFDC Id", "string", Some(18), false, true),
    ("leadStatus", "Lead Status", "string", Some(255), true, true),
    ("country", "Country", "string", Some(255), true, true),
    ("unsubscribed", "Unsubscribed", "boolean", None, true, false),
    (
        "leadPartitionId",
        "Lead Partition Id",
        "integer",
        None,
        false,
        false,
    ),
    ("createdAt", "Created At", "datetime", None, false, false),
    ("updatedAt", "Updated At", "datetime", None, false, false),
];

/// Fields `leads.json` may filter on.
pub const SEARCHABLE: [&str; 7] = [
    "email",
    "id",
    "sfdcLeadId",
    "sfdcContactId",
    "sfdcAccountId",
    "sfdcLeadOwnerId",
    "leadPartitionId",
];

/// Fields returned when a request names none.
pub const DEFAULT_FIELDS: [&str; 6] = [
    "id",
    "updatedAt",
    "lastName",
    "email",
    "firstName",
    "createdAt",
];

/// Generates person `n` (1-based id) of a database seeded with `seed`.
pub struct People<'a> {
    pub seed: u64,
    pub count: u64,
    pub owned_percent: u8,
    /// Salesforce user ids that own records (active users of the seeded org).
    pub owners: &'a [String],
}

impl People<'_> {
    /// The person with Marketo id `id`, or `None` outside `1..=count`.
    pub fn get(&self, id: u64) -> Option<Map<String, Value>> {
        if id == 0 || id > self.count {
            return None;
        }
        // Every 97th person is a duplicate of the one before: Marketo keeps duplicates.
        let source = if id > 1 && id.is_multiple_of(97) {
            id - 1
        } else {
            id
        };
        let mut rng = Rng::new(self.seed ^ 0x4D4B_0002, source);
        let (first, last, rfirst, rlast) = *rng.pick(PEOPLE);
        let (company, domain) = *rng.pick(COMPANIES);
        let suffix = rng.below(1000);
        let email = if suffix < 500 {
            format!("{rfirst}.{rlast}@{domain}")
        } else {
            format!("{rfirst}.{rlast}{suffix}@{domain}")
        };
        let mut rng = Rng::new(self.seed ^ 0x4D4B_0003, id);
        let owned = !self.owners.is_empty() && rng.percent(self.owned_percent as u64);
        let mut m = Map::new();
        m.insert("id".into(), json!(id));
        m.insert("firstName".into(), json!(first));
        m.insert("lastName".into(), json!(last));
        m.insert("email".into(), json!(email));
        m.insert("company".into(), json!(company));
        m.insert("title".into(), json!(rng.pick(TITLES)));
        let phone = format!("+886 2 {:04} {:04}", rng.below(10_000), rng.below(10_000));
        m.insert(
            "phone".into(),
            if rng.percent(80) {
                json!(phone)
            } else {
                Value::Null
            },
        );
        let li = format!(
            "https://www.linkedin.com/in/{rfirst}-{rlast}-{:x}",
            rng.below(1 << 24)
        );
        m.insert(
            "linkedInProfileURL".into(),
            if rng.percent(55) {
                json!(li)
            } else {
                Value::Null
            },
        );
        m.insert("leadSource".into(), json!(rng.pick(LEAD_SOURCES)));
        m.insert(
            "leadStatus".into(),
            json!(if owned { "Working" } else { "New" }),
        );
        m.insert(
            "country".into(),
            json!(
                if domain.contains("hsinchu") || domain.contains("twprecision") {
                    "Taiwan"
                } else {
                    "United States"
                }
            ),
        );
        m.insert("unsubscribed".into(), json!(rng.percent(4)));
        m.insert("leadPartitionId".into(), json!(1));
        let day = 1 + id % 28;
        m.insert(
            "createdAt".into(),
            json!(format!(
                "2024-{:02}-{day:02}T08:{:02}:00Z",
                1 + id % 12,
                id % 60
            )),
        );
        m.insert(
            "updatedAt".into(),
            json!(format!(
                "2025-{:02}-{day:02}T09:{:02}:00Z",
                1 + id % 12,
                id % 60
            )),
        );
        for f in [
            "sfdcLeadId",
            "sfdcContactId",
            "sfdcAccountId",
            "sfdcOpptyId",
            "sfdcLeadOwnerId",
            "sfdcType",
            "sfdcId",
        ] {
            m.insert(f.into(), Value::Null);
        }
        if owned {
            // A few records are owned by a queue, not a user: Actions cannot sync those to a person.
            let owner = if rng.percent(2) {
                sf_id("00G", 1 + rng.below(3))
            } else {
                rng.pick(self.owners).clone()
            };
            m.insert("sfdcLeadOwnerId".into(), json!(owner));
            if rng.percent(55) {
                let lead = sf_id("00Q", id);
                m.insert("sfdcType".into(), json!("Lead"));
                m.insert("sfdcLeadId".into(), json!(lead));
                m.insert("sfdcId".into(), json!(lead));
            } else {
                let contact = sf_id("003", id);
                m.insert("sfdcType".into(), json!("Contact"));
                m.insert("sfdcContactId".into(), json!(contact));
                m.insert("sfdcId".into(), json!(contact));
                m.insert("sfdcAccountId".into(), json!(sf_id("001", 1 + id / 7)));
                if rng.percent(30) {
                    m.insert("sfdcOpptyId".into(), json!(sf_id("006", id)));
                }
            }
        }
        Some(m)
    }
}

/// One Marketo user (Admin > Users & Roles).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarketoUser {
    pub id: u64,
    pub userid: String,
    pub first_name: String,
    pub last_name: String,
    pub email_address: String,
    pub api_only: bool,
    pub is_locked: bool,
    /// (role id, role name) per workspace "Default".
    pub roles: Vec<(u64, String)>,
}

/// The API-only user the Integration Information card's credentials belong to (Actions' user).
pub const ACTIONS_API_USERID: &str = "sales-insight-actions@123-sia-456.mktoapi.example";
/// Another integration's API-only user, with credentials of its own (`other_api_clients`).
pub const DW_EXPORT_USERID: &str = "dw-export@123-sia-456.mktoapi.example";

/// The Marketo instance's users: some admins, some marketers, two API-only users (Actions' and
/// a data warehouse export's).
pub fn users() -> Vec<MarketoUser> {
    let u = |id: u64,
             first: &str,
             last: &str,
             email: &str,
             api: bool,
             locked: bool,
             roles: &[(u64, &str)]| MarketoUser {
        id,
        userid: email.to_string(),
        first_name: first.to_string(),
        last_name: last.to_string(),
        email_address: email.to_string(),
        api_only: api,
        is_locked: locked,
        roles: roles.iter().map(|(i, n)| (*i, n.to_string())).collect(),
    };
    vec![
        u(
            1001,
            "Jordan",
            "Lee",
            "jordan.lee@acme-demo.example",
            false,
            false,
            &[(1, "Admin")],
        ),
        u(
            1002,
            "怡君",
            "陳",
            "yijun.chen@acme-demo.example",
            false,
            false,
            &[(1, "Admin"), (3, "Marketing User")],
        ),
        u(
            1003,
            "Emma",
            "Johnson",
            "emma.johnson@acme-demo.example",
            false,
            false,
            &[(3, "Marketing User")],
        ),
        u(
            1004,
            "志明",
            "林",
            "zhiming.lin@acme-demo.example",
            false,
            false,
            &[(1, "Admin")],
        ),
        u(
            1005,
            "太郎",
            "山田",
            "taro.yamada@acme-demo.example",
            false,
            false,
            &[(4, "Analytics User")],
        ),
        u(
            1006,
            "Priya",
            "Sharma",
            "priya.sharma@acme-demo.example",
            false,
            true,
            &[(1, "Admin")],
        ),
        u(
            1007,
            "Lucas",
            "Martin",
            "lucas.martin@acme-demo.example",
            false,
            false,
            &[(3, "Marketing User")],
        ),
        u(
            1008,
            "Sales Insight Actions",
            "Integration",
            ACTIONS_API_USERID,
            true,
            false,
            &[(5, "API Role")],
        ),
        u(
            1009,
            "Data Warehouse",
            "Export",
            DW_EXPORT_USERID,
            true,
            false,
            &[(5, "API Role")],
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_deterministic_with_and_without_owner() {
        let owners = vec![sf_id("005", 1000), sf_id("005", 1001)];
        let p = People {
            seed: 9,
            count: 1000,
            owned_percent: 60,
            owners: &owners,
        };
        assert_eq!(p.get(5), p.get(5));
        assert_eq!(p.get(0), None);
        assert_eq!(p.get(1001), None);
        let all: Vec<_> = (1..=1000).filter_map(|i| p.get(i)).collect();
        let owned = all
            .iter()
            .filter(|m| !m["sfdcLeadOwnerId"].is_null())
            .count();
        assert!(owned > 450 && owned < 750, "{owned}");
        assert!(all.iter().any(|m| m["sfdcType"] == "Lead"));
        assert!(all.iter().any(|m| m["sfdcType"] == "Contact"));
        assert_eq!(
            p.get(97).unwrap()["email"],
            p.get(96).unwrap()["email"],
            "duplicates stay"
        );
    }

    #[test]
    fn synced_fields_are_described() {
        for f in SYNCED_FIELDS {
            assert!(FIELDS.iter().any(|(n, ..)| *n == f), "{f}");
        }
        assert!(
            users()
                .iter()
                .any(|u| u.first_name.chars().any(|c| c > '\u{2E80}'))
        );
        assert!(
            users()
                .iter()
                .filter(|u| u.roles.iter().any(|(_, r)| r == "Admin"))
                .count()
                >= 3
        );
    }
}
