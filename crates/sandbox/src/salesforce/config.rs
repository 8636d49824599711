//! What a Salesforce stand-in is configured with: the connected app, the org and its seed size.
//! Defaults follow the real service; tests shorten the lifetimes and page sizes.

use serde::Serialize;
use std::time::Duration;

/// Production orgs log in at login.salesforce.com, sandboxes at test.salesforce.com.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
// Exported under a sandbox-specific name: other crates may define their own OrgType.
#[ts(export, rename = "SandboxOrgType")]
pub enum OrgType {
    Production,
    Sandbox,
}

impl OrgType {
    /// The real login host for this org type (reported in docs and the login page, never called).
    pub fn login_host(self) -> &'static str {
        match self {
            OrgType::Production => "login.salesforce.com",
            OrgType::Sandbox => "test.salesforce.com",
        }
    }
}

/// Version of the installed `mkto_si` package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PackageVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

/// One Remote Site Setting (Tooling object `RemoteProxy`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteSite {
    pub name: String,
    pub url: String,
    pub active: bool,
}

impl RemoteSite {
    pub fn new(name: &str, url: &str, active: bool) -> Self {
        RemoteSite {
            name: name.to_string(),
            url: url.to_string(),
            active,
        }
    }
}

/// The Salesforce stand-in's configuration.
#[derive(Clone, Debug)]
pub struct SalesforceConfig {
    /// Consumer key of the External Client App the desktop app uses.
    pub consumer_key: String,
    /// Registered callback URLs; matched exactly, port included.
    pub redirect_uris: Vec<String>,
    /// Scopes the app may be granted; an authorize request without `scope` gets all of them.
    pub app_scopes: Vec<String>,
    pub org_type: OrgType,
    pub access_token_ttl: Duration,
    pub auth_code_ttl: Duration,
    /// Issue a new refresh token on every refresh and invalidate the old one.
    pub rotate_refresh_tokens: bool,
    /// Skip the login page: approve every valid authorize request as `login_username`.
    pub auto_approve: bool,
    /// Refuse authorize requests without an S256 `code_challenge` (External Client Apps do).
    pub require_pkce: bool,
    /// Who auto-approve logs in as; `None` means the org's first admin.
    pub login_username: Option<String>,
    /// Required password on the login page; `None` accepts any non-empty password.
    pub password: Option<String>,
    /// Records per query page (Salesforce's default is 2000; tests use less).
    pub page_size: usize,
    /// Users in the seeded org.
    pub user_count: usize,
    pub seed: u64,
    /// Installed `mkto_si` version, or `None` when the package is not installed.
    pub package_version: Option<PackageVersion>,
    pub remote_sites: Vec<RemoteSite>,
}

/// Hosts that step 7 of the setup registers as Remote Site Settings.
pub const MSI_REMOTE_SITES: [&str; 2] = [
    "https://ims-na1.adobelogin.com",
    "https://mkto-sales-connect.adobe.io",
];

/// Loopback ports the desktop app listens on for its OAuth callback.
pub const DEMO_CALLBACK_PORTS: [u16; 4] = [53682, 53683, 53684, 1717];

impl Default for SalesforceConfig {
    fn default() -> Self {
        SalesforceConfig {
            consumer_key: "3MVG9SiaSetupDemoConsumerKey.LocalSandbox0000000000000000000000000001"
                .to_string(),
            // Both loopback spellings: the app may be set to use `localhost`, which is what
            // Salesforce's callback field accepts for plain http.
            redirect_uris: ["127.0.0.1", "localhost"]
                .iter()
                .flat_map(|host| {
                    DEMO_CALLBACK_PORTS
                        .iter()
                        .map(move |p| format!("http://{host}:{p}/callback"))
                })
                .collect(),
            app_scopes: ["api", "refresh_token", "id", "openid"]
                .map(String::from)
                .to_vec(),
            org_type: OrgType::Production,
            access_token_ttl: Duration::from_secs(2 * 3600),
            auth_code_ttl: Duration::from_secs(15 * 60),
            rotate_refresh_tokens: false,
            auto_approve: false,
            require_pkce: true,
            login_username: None,
            password: None,
            page_size: 2000,
            user_count: 300,
            seed: 0x5EED_5A1E,
            // The minimum the vendor requires for the "Marketo App Access" permission-set model
            // (1.8000); tests seed an older one to see the upgrade advice.
            package_version: Some(PackageVersion {
                major: 1,
                minor: 8000,
                patch: 0,
            }),
            remote_sites: vec![
                RemoteSite::new("Adobe_IMS", MSI_REMOTE_SITES[0], true),
                RemoteSite::new("MSI_Actions", MSI_REMOTE_SITES[1], false),
                RemoteSite::new("Marketo_Munchkin", "https://munchkin.marketo.net", true),
            ],
        }
    }
}
