//! Evidence for steps 3 and 4 when the real Actions product (which has no API) is being set up:
//! Marketo's usage stats count REST calls per API user, so calls by Actions' API user show that
//! Actions reads Marketo (step 3) and that the sync runs (step 4). Which API user is Actions' is
//! not documented, so the admin picks it among the API-only users; the app preselects one only
//! when exactly one plainly names the product.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::calls::MarketoUser;
use crate::client::{MarketoClient, Style};
use crate::error::MarketoError;

/// Calls one API user made on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApiUserCalls {
    /// The API user's `userid` (as in `allusers.json`).
    pub user_id: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// One day of REST API usage in Marketo's quota day (midnight to midnight US Central time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApiUsageDay {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Calls by every user that day.
    #[ts(type = "number")]
    pub total: u64,
    pub users: Vec<ApiUserCalls>,
}

/// `stats/usage.json` (today) or `stats/usage/last7days.json`: days newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApiUsage {
    pub days: Vec<ApiUsageDay>,
}

impl ApiUsage {
    /// Calls `user_id` made over every day listed (user ids compared case-insensitively).
    pub fn calls_by(&self, user_id: &str) -> u64 {
        self.days
            .iter()
            .flat_map(|d| &d.users)
            .filter(|u| u.user_id.eq_ignore_ascii_case(user_id))
            .map(|u| u.count)
            .sum()
    }

    /// The newest day on which `user_id` made a call, if any.
    pub fn last_day_with_calls_by(&self, user_id: &str) -> Option<&str> {
        self.days
            .iter()
            .find(|d| {
                d.users
                    .iter()
                    .any(|u| u.user_id.eq_ignore_ascii_case(user_id) && u.count > 0)
            })
            .map(|d| d.date.as_str())
    }
}

/// An API-only Marketo user (Admin > Users & Roles, "API Only"): a candidate for Actions' user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "MarketoApiOnlyUser")]
pub struct MarketoApiUser {
    pub userid: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub api_only: bool,
}

/// The API-only users of an `allusers.json` list, in its order.
pub fn api_only_users(users: &[MarketoUser]) -> Vec<MarketoApiUser> {
    users
        .iter()
        .filter(|u| u.api_only)
        .map(|u| MarketoApiUser {
            userid: u.userid.clone(),
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            email: if u.email_address.is_empty() {
                u.userid.clone()
            } else {
                u.email_address.clone()
            },
            api_only: true,
        })
        .collect()
}

/// Names of the product, old and new, as words: "Sales Insight Actions", "MSI Actions",
/// "Sales Connect" (its former name) and "ToutApp" (its original name, still its sign-in host).
const PRODUCT_NAMES: [&[&str]; 5] = [
    &["sales", "insight", "actions"],
    &["msi", "actions"],
    &["sales", "connect"],
    &["salesconnect"],
    &["toutapp"],
];

/// Lower-case words of a text, split at anything not a letter or digit (so `sales-connect@`,
/// `Sales_Insight.Actions` and `toutapp.com` all split into their words).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `name` appears as consecutive words in `text`.
fn has_phrase(text: &[String], name: &[&str]) -> bool {
    text.windows(name.len())
        .any(|w| w.iter().zip(name).all(|(a, b)| a == b))
}

/// Whether a user's names, email or user id plainly name Sales Insight Actions (or its former
/// names Sales Connect and ToutApp, or "MSI Actions"), case-insensitively, as whole words.
pub fn names_actions(user: &MarketoApiUser) -> bool {
    [
        format!("{} {}", user.first_name, user.last_name),
        user.email.clone(),
        user.userid.clone(),
    ]
    .iter()
    .map(|t| words(t))
    .any(|w| PRODUCT_NAMES.iter().any(|n| has_phrase(&w, n)))
}

/// The API-only user to preselect as Actions' API user: only when exactly one API-only user
/// plainly names the product (see [`names_actions`]); `None` when none does, or several do,
/// so the admin picks. Which user Actions uses is not documented, so this never guesses further.
pub fn suggest_actions_api_user(users: &[MarketoApiUser]) -> Option<String> {
    let mut named = users.iter().filter(|u| u.api_only && names_actions(u));
    let first = named.next()?;
    named.next().is_none().then(|| first.userid.clone())
}

fn parse_usage(body: &Value) -> Result<ApiUsage, MarketoError> {
    let result = match body.get("result") {
        None | Some(Value::Null) => return Ok(ApiUsage::default()),
        Some(r) => r.clone(),
    };
    let mut days: Vec<ApiUsageDay> = serde_json::from_value(result)
        .map_err(|_| MarketoError::Protocol("the usage stats are malformed".into()))?;
    // The order of the days is not documented: newest first, whatever Marketo sends.
    days.sort_by(|a, b| b.date.cmp(&a.date));
    Ok(ApiUsage { days })
}

impl MarketoClient {
    /// `GET /rest/v1/stats/usage.json`: today's calls per API user (one call, for every user).
    pub async fn usage_today(&self) -> Result<ApiUsage, MarketoError> {
        let body = self
            .get("/rest/v1/stats/usage.json", &[], Style::Envelope)
            .await?;
        parse_usage(&body)
    }

    /// `GET /rest/v1/stats/usage/last7days.json`: the last 7 days' calls per API user.
    pub async fn usage_last_7_days(&self) -> Result<ApiUsage, MarketoError> {
        let body = self
            .get("/rest/v1/stats/usage/last7days.json", &[], Style::Envelope)
            .await?;
        parse_usage(&body)
    }

    /// The API-only users of `allusers.json` (candidates for Actions' API user).
    pub async fn api_only_users(&self) -> Result<Vec<MarketoApiUser>, MarketoError> {
        Ok(api_only_users(&self.list_users().await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(userid: &str, first: &str, last: &str) -> MarketoApiUser {
        MarketoApiUser {
            userid: userid.into(),
            first_name: first.into(),
            last_name: last.into(),
            email: userid.into(),
            api_only: true,
        }
    }

    #[test]
    fn one_plain_name_is_preselected() {
        let others = [
            api("dw-export@x.example", "Data Warehouse", "Export"),
            api("zapier@x.example", "Zapier", "Connector"),
        ];
        for plain in [
            api("sia@x.example", "Sales Insight Actions", "API"),
            api("svc1@x.example", "MSI ACTIONS", ""),
            api("sales-connect@x.example", "Integration", "User"),
            api("svc2@x.example", "SalesConnect", "Sync"),
            api("api@toutapp.com", "API", "User"),
            api("svc3@x.example", "Marketo", "Sales_Insight.actions"),
        ] {
            let mut list = others.to_vec();
            list.insert(1, plain.clone());
            assert_eq!(
                suggest_actions_api_user(&list),
                Some(plain.userid.clone()),
                "{plain:?}"
            );
        }
    }

    #[test]
    fn none_or_several_named_means_the_admin_picks() {
        let none = [
            api("dw-export@x.example", "Data Warehouse", "Export"),
            // Near misses: not the product's name as whole words.
            api("sia@x.example", "SIA", "Integration"),
            api("insights@x.example", "Sales Insights", "Report"),
            api("actions@x.example", "Actions", "Runner"),
            api("msi@x.example", "MSI", "Dashboard"),
            api("salesconnector@x.example", "Sales", "Connector"),
        ];
        assert_eq!(suggest_actions_api_user(&none), None);
        assert_eq!(suggest_actions_api_user(&[]), None);
        let two = [
            api("a@x.example", "Sales Insight Actions", "EU"),
            api("b@x.example", "ToutApp", "Legacy"),
        ];
        assert_eq!(suggest_actions_api_user(&two), None);
        // A user that is not API-only is never suggested.
        let mut human = api(
            "sales.insight.actions@x.example",
            "Sales Insight",
            "Actions",
        );
        human.api_only = false;
        assert_eq!(suggest_actions_api_user(&[human]), None);
    }

    #[test]
    fn api_only_users_come_from_the_user_list() {
        let u = |userid: &str, email: &str, api_only: bool| MarketoUser {
            userid: userid.into(),
            first_name: "F".into(),
            last_name: "L".into(),
            email_address: email.into(),
            id: 1,
            api_only,
            is_locked: false,
        };
        let list = api_only_users(&[
            u("admin@x.example", "admin@x.example", false),
            u("svc@x.example", "", true),
        ]);
        assert_eq!(list.len(), 1);
        assert_eq!(
            list[0].email, "svc@x.example",
            "userid stands in for an empty email"
        );
        assert!(list[0].api_only);
    }

    #[test]
    fn usage_parses_sorts_and_sums() {
        let body: Value = serde_json::from_str(
            r#"{"requestId":"5f7f#17d7d8f2b6f","success":true,"result":[
                {"date":"2015-10-16","total":5,"users":[{"userId":"Some.Body@x.example","count":5}]},
                {"date":"2015-10-17","total":1120,"users":[{"userId":"some.body@x.example","count":200},
                                                           {"userId":"other@x.example","count":920}]}]}"#,
        )
        .unwrap();
        let u = parse_usage(&body).unwrap();
        assert_eq!(u.days[0].date, "2015-10-17");
        assert_eq!(u.calls_by("some.body@x.example"), 205);
        assert_eq!(
            u.last_day_with_calls_by("SOME.BODY@x.example"),
            Some("2015-10-17")
        );
        assert_eq!(u.last_day_with_calls_by("nobody@x.example"), None);
        let empty: Value = serde_json::from_str(r#"{"success":true,"result":[]}"#).unwrap();
        assert_eq!(parse_usage(&empty).unwrap(), ApiUsage::default());
        let bad: Value = serde_json::from_str(r#"{"success":true,"result":[{"x":1}]}"#).unwrap();
        assert_eq!(parse_usage(&bad).unwrap_err().code(), "protocol");
    }
}
