//! Evidence for steps 2 and 5 without an Actions API: the `OauthToken` rows Salesforce keeps for
//! each user's grant to a connected app, and which of the app names is Sales Insight Actions.
//!
//! Salesforce's Object Reference: `OauthToken` "Represents an OAuth access token for connected
//! app authentication" (API 32.0+, `query()`); "Users with the Customize Application permission
//! see all tokens for all users in the org. Otherwise, you see only your own tokens."

use crate::client::SalesforceClient;
use crate::error::SalesforceError;
use serde::{Deserialize, Serialize};

/// Every grant the signed-in user may see, paged through `nextRecordsUrl`.
pub const OAUTH_TOKENS_SOQL: &str =
    "SELECT AppName, UserId, CreatedDate, LastUsedDate, UseCount FROM OauthToken";

/// Names Sales Insight Actions has carried in Connected Apps OAuth Usage: today's name (the
/// vendor's troubleshooting page), the older "Sales Connect", "Marketo Sales …", and ToutApp
/// (sign-in still goes through toutapp.com). Matched case-insensitively, as substrings.
pub const ACTIONS_APP_NAMES: [&str; 4] = [
    "Sales Insight Actions",
    "Sales Connect",
    "Marketo Sales",
    "ToutApp",
];

/// One user's grant to one connected app. Salesforce datetimes are kept as sent
/// (`2025-01-02T03:04:05.000+0000`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "SalesforceOauthToken")]
pub struct OauthTokenRow {
    pub app_name: String,
    pub user_id: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_date: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_date: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_count: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TokenRecord {
    app_name: Option<String>,
    user_id: Option<String>,
    created_date: Option<String>,
    last_used_date: Option<String>,
    use_count: Option<u32>,
}

impl From<TokenRecord> for OauthTokenRow {
    fn from(r: TokenRecord) -> Self {
        OauthTokenRow {
            app_name: r.app_name.unwrap_or_default(),
            user_id: r.user_id.unwrap_or_default(),
            created_date: r.created_date,
            last_used_date: r.last_used_date,
            use_count: r.use_count,
        }
    }
}

/// Which of the app names looks like Sales Insight Actions. When it is not exactly one, the
/// admin picks: `None` lists every distinct name found so the UI can offer them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export, rename = "ActionsAppMatch")]
pub enum ActionsAppMatch {
    One { name: String },
    Several { names: Vec<String> },
    None { found: Vec<String> },
}

/// Matches `app_names` against [`ACTIONS_APP_NAMES`], ignoring case and surrounding spaces.
/// Names are de-duplicated without regard to case (the first spelling wins) and sorted.
pub fn match_actions_apps<I, S>(app_names: I) -> ActionsAppMatch
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut distinct: Vec<String> = Vec::new();
    for name in app_names {
        let name = name.as_ref().trim();
        if !name.is_empty() && !distinct.iter().any(|d| d.eq_ignore_ascii_case(name)) {
            distinct.push(name.to_string());
        }
    }
    distinct.sort_by_key(|n| n.to_lowercase());
    let hits: Vec<String> = distinct
        .iter()
        .filter(|n| {
            let lower = n.to_lowercase();
            ACTIONS_APP_NAMES
                .iter()
                .any(|a| lower.contains(&a.to_lowercase()))
        })
        .cloned()
        .collect();
    match hits.len() {
        0 => ActionsAppMatch::None { found: distinct },
        1 => ActionsAppMatch::One {
            name: hits.into_iter().next().unwrap_or_default(),
        },
        _ => ActionsAppMatch::Several { names: hits },
    }
}

/// Salesforce record IDs are 15 or 18 letters and digits: anything else is refused before it
/// reaches a query string.
fn is_record_id(s: &str) -> bool {
    (s.len() == 15 || s.len() == 18) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// User IDs per `IN (…)` list, keeping each query string well under Salesforce's length limit.
const IDS_PER_QUERY: usize = 200;

impl SalesforceClient {
    /// Every `OauthToken` row the signed-in user may see (all users' with Customize Application,
    /// else only their own).
    pub async fn oauth_tokens(&self) -> Result<Vec<OauthTokenRow>, SalesforceError> {
        let rows: Vec<TokenRecord> = self.query(OAUTH_TOKENS_SOQL).await?;
        Ok(rows.into_iter().map(OauthTokenRow::from).collect())
    }

    /// The `OauthToken` rows of these users (`WHERE UserId IN (…)`, a few IDs per query).
    /// An ID that is not a Salesforce record ID is a protocol error, never sent.
    pub async fn oauth_tokens_of(
        &self,
        user_ids: &[&str],
    ) -> Result<Vec<OauthTokenRow>, SalesforceError> {
        if !user_ids.iter().all(|id| is_record_id(id)) {
            return Err(SalesforceError::protocol(
                "a user ID is not a Salesforce ID",
            ));
        }
        let mut out = Vec::new();
        for chunk in user_ids.chunks(IDS_PER_QUERY) {
            let list = chunk
                .iter()
                .map(|id| format!("'{id}'"))
                .collect::<Vec<_>>()
                .join(", ");
            let rows: Vec<TokenRecord> = self
                .query(&format!("{OAUTH_TOKENS_SOQL} WHERE UserId IN ({list})"))
                .await?;
            out.extend(rows.into_iter().map(OauthTokenRow::from));
        }
        Ok(out)
    }

    /// `SELECT COUNT() FROM OauthToken`: how many grants the signed-in user may see, to decide
    /// before reading them all.
    pub async fn oauth_token_count(&self) -> Result<u64, SalesforceError> {
        self.count("SELECT COUNT() FROM OauthToken").await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_match_ignores_case_and_other_apps() {
        assert_eq!(
            match_actions_apps([
                "Salesforce CLI",
                "sales insight actions",
                "Dataloader Partner"
            ]),
            ActionsAppMatch::One {
                name: "sales insight actions".into()
            }
        );
        assert_eq!(
            match_actions_apps(["  TOUTAPP Production "]),
            ActionsAppMatch::One {
                name: "TOUTAPP Production".into()
            }
        );
    }

    #[test]
    fn duplicates_count_once() {
        assert_eq!(
            match_actions_apps([
                "Sales Insight Actions",
                "SALES INSIGHT ACTIONS",
                "Salesforce CLI"
            ]),
            ActionsAppMatch::One {
                name: "Sales Insight Actions".into()
            }
        );
    }

    #[test]
    fn several_matches_are_listed_for_the_admin() {
        assert_eq!(
            match_actions_apps([
                "Sales Connect",
                "Marketo Sales Insight",
                "Sales Insight Actions"
            ]),
            ActionsAppMatch::Several {
                names: vec![
                    "Marketo Sales Insight".into(),
                    "Sales Connect".into(),
                    "Sales Insight Actions".into()
                ]
            }
        );
    }

    #[test]
    fn no_match_lists_every_distinct_name() {
        let m = match_actions_apps(["Salesforce CLI", "", "Dataloader Partner", "salesforce cli"]);
        assert_eq!(
            m,
            ActionsAppMatch::None {
                found: vec!["Dataloader Partner".into(), "Salesforce CLI".into()]
            }
        );
        let json = serde_json::to_value(&m).unwrap_or_default();
        assert_eq!(json["kind"], "none");
        assert_eq!(
            match_actions_apps(Vec::<String>::new()),
            ActionsAppMatch::None { found: vec![] }
        );
    }

    #[test]
    fn ids_are_checked_before_they_reach_a_query() {
        assert!(is_record_id("005000000000001AAA"));
        assert!(is_record_id("005000000000001"));
        assert!(!is_record_id("005' OR Id != '"));
        assert!(!is_record_id(""));
    }
}
