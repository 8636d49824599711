//! `MarketoPeopleSource`: the Actions sync runner's `PeopleSource`, reading people through the real client.
//! One client per instance and client id is kept, so the token and the rate budget carry over between pages.

use std::collections::HashMap;
use std::sync::Mutex;

use serde_json::Value;
use sia_actions_contract::sync::{
    PeoplePage, PeopleSource, Person, SourceCredentials, SourceError, async_trait, requested_fields,
};

use crate::calls::{LeadQuery, MAX_BATCH};
use crate::client::MarketoClient;
use crate::config::ClientConfig;
use crate::endpoint::Endpoint;
use crate::error::MarketoError;
use crate::preview::ALL_PEOPLE_FILTER;
use crate::secret::Credentials;

/// Reads the people the sync stores, a page of up to 300 at a time, through [`MarketoClient`].
pub struct MarketoPeopleSource {
    config: ClientConfig,
    /// Where to send calls instead of `https://{munchkin}.mktorest.com` (the local stand-in).
    base_override: Option<Endpoint>,
    clients: Mutex<HashMap<(String, String), MarketoClient>>,
}

impl MarketoPeopleSource {
    /// Calls go to the instance the connection's Munchkin ID names.
    pub fn new(config: ClientConfig) -> Self {
        MarketoPeopleSource {
            config,
            base_override: None,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// Calls go to `base` (a Munchkin ID, Marketo URL or loopback stand-in URL) whatever the
    /// connection's Munchkin ID: the demo and tests point it at the stand-in.
    pub fn with_endpoint(config: ClientConfig, base: &str) -> Result<Self, MarketoError> {
        Ok(MarketoPeopleSource {
            config,
            base_override: Some(Endpoint::parse(base)?),
            clients: Mutex::new(HashMap::new()),
        })
    }

    /// Shares `client` (its token, rate budget and in-flight limit) with the sync, so the preview
    /// and the sync of one instance stay under one budget. Calls go to the client's endpoint.
    pub fn with_client(client: MarketoClient) -> Self {
        let endpoint = client.endpoint().clone();
        let key = (endpoint.base().to_owned(), client.client_id().to_owned());
        MarketoPeopleSource {
            config: client.config().clone(),
            base_override: Some(endpoint),
            clients: Mutex::new(HashMap::from([(key, client)])),
        }
    }

    fn client(&self, creds: &SourceCredentials) -> Result<MarketoClient, MarketoError> {
        let endpoint = match &self.base_override {
            Some(e) => e.clone(),
            None => Endpoint::parse(&creds.munchkin_id)?,
        };
        let key = (endpoint.base().to_owned(), creds.client_id.clone());
        let mut g = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = g.get(&key)
            && c.uses_secret(&creds.client_secret)
        {
            return Ok(c.clone());
        }
        let client = MarketoClient::new(
            endpoint,
            Credentials::new(creds.client_id.clone(), creds.client_secret.clone()),
            self.config.clone(),
        )?;
        // A changed secret under the same client id replaces the old client (and its token).
        g.insert(key, client.clone());
        Ok(client)
    }
}

fn to_source_error(e: MarketoError) -> SourceError {
    SourceError {
        code: e.code().to_owned(),
        message: e.to_string(),
    }
}

/// A lead as the runner wants it: requested names (Marketo may differ in case), text values, no nulls.
fn person(lead: serde_json::Map<String, Value>, wanted: &[&'static str]) -> Person {
    let mut p = Person::new();
    for (k, v) in lead {
        let key = wanted
            .iter()
            .find(|w| w.eq_ignore_ascii_case(&k))
            .map_or(k, |w| (*w).to_owned());
        let text = match v {
            Value::Null => continue,
            Value::String(s) => s,
            other => other.to_string(),
        };
        p.insert(key, text);
    }
    p
}

#[async_trait]
impl PeopleSource for MarketoPeopleSource {
    async fn page(
        &self,
        credentials: &SourceCredentials,
        cursor: Option<String>,
    ) -> Result<PeoplePage, SourceError> {
        let client = self.client(credentials).map_err(to_source_error)?;
        let fields = requested_fields();
        let values = [ALL_PEOPLE_FILTER.1.to_owned()];
        let query = LeadQuery {
            filter_type: ALL_PEOPLE_FILTER.0,
            filter_values: &values,
            fields: &fields,
            batch_size: MAX_BATCH,
        };
        let page = client
            .leads(&query, cursor.as_deref())
            .await
            .map_err(to_source_error)?;
        Ok(PeoplePage {
            people: page.leads.into_iter().map(|l| person(l, &fields)).collect(),
            next: page.next_page_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_uses_requested_names_and_skips_nulls() {
        let lead: serde_json::Map<String, Value> = serde_json::from_str(
            r#"{"id": 7, "linkedInProfileURL": "https://x", "phone": null, "email": "a@b.c"}"#,
        )
        .unwrap();
        let p = person(lead, &requested_fields());
        assert_eq!(p.get("id").map(String::as_str), Some("7"));
        assert_eq!(
            p.get("linkedInProfileUrl").map(String::as_str),
            Some("https://x")
        );
        assert!(!p.contains_key("phone"));
    }
}
