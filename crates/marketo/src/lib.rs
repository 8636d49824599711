//! A polite Marketo REST client: token cache, rate limit below the shared ceilings, backoff, clear quota stops.
//! Also step 3's credential cleaning and Integration Information parser, and step 4's sync preview.

mod block;
mod calls;
mod clean;
mod client;
mod config;
mod endpoint;
mod error;
mod ledger;
mod pacer;
mod preview;
mod quota;
mod secret;
mod source;
mod token;
mod usage;

pub use block::{ParsedBlock, credentials_from_block, parse_integration_block};
pub use calls::{
    LeadQuery, LeadsPage, MAX_BATCH, MarketoAdminUser, MarketoLeadField, MarketoUser,
    MarketoUserRole, is_admin_role,
};
pub use clean::{
    Cleaned, CleanedCredentials, MarketoCleanFix, MarketoCleaningReport, MarketoCredentialField,
    MarketoFieldCleaning, MarketoPastedCredentials, clean_credentials, clean_value,
};
pub use client::{MarketoClient, MarketoConnectionTest};
pub use config::{Backoff, ClientConfig, RateLimit};
pub use endpoint::{Endpoint, is_munchkin_id};
pub use error::MarketoError;
pub use ledger::{marketo_day, own_rest_calls};
pub use preview::{
    ALL_PEOPLE_FILTER, DEFAULT_PREVIEW_PAGES, MarketoFieldCheck, MarketoFieldStatus,
    MarketoSyncPreview, PeopleCount, check_fields,
};
pub use quota::{central_offset, next_quota_reset};
pub use secret::{ClientSecret, Credentials};
pub use source::MarketoPeopleSource;
pub use usage::{
    ApiUsage, ApiUsageDay, ApiUserCalls, MarketoApiUser, api_only_users, names_actions,
    suggest_actions_api_user,
};

/// Checks pasted credentials live: cleans nothing (call [`clean_credentials`] first), parses the
/// address, and asks the identity endpoint for a token.
pub async fn test_credentials(
    munchkin_or_endpoint: &str,
    credentials: Credentials,
    config: ClientConfig,
) -> Result<MarketoConnectionTest, MarketoError> {
    let endpoint = Endpoint::parse(munchkin_or_endpoint)?;
    MarketoClient::new(endpoint, credentials, config)?
        .test_credentials()
        .await
}
