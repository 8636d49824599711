//! Steps 6 and 7: is the MSI package (`mkto_si`) installed and recent enough, are the two
//! Remote Site Settings present and active, and is the API secret key usable.

use crate::client::SalesforceClient;
use crate::error::SalesforceError;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// Namespace of the Marketo Sales Insight managed package.
pub const MSI_NAMESPACE: &str = "mkto_si";
/// Where the package is installed or upgraded.
pub const APPEXCHANGE_LISTING_URL: &str =
    "https://appexchange.salesforce.com/appxListingDetail?listingId=a0N30000001SVZmEAO";
/// The Remote Site Settings step 7 needs.
pub const MSI_REMOTE_SITES: [&str; 2] = [
    "https://ims-na1.adobelogin.com",
    "https://mkto-sales-connect.adobe.io",
];

/// A package version, compared field by field (1.10 is newer than 1.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "SalesforcePackageVersion")]
pub struct PackageVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl PackageVersion {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        PackageVersion {
            major,
            minor,
            patch,
        }
    }

    /// Parses `1`, `1.2` or `1.2.3`.
    pub fn parse(s: &str) -> Option<PackageVersion> {
        let mut parts = s.trim().split('.');
        let major = parts.next()?.trim().parse().ok()?;
        let minor = parts
            .next()
            .map(|p| p.trim().parse())
            .transpose()
            .ok()?
            .unwrap_or(0);
        let patch = parts
            .next()
            .map(|p| p.trim().parse())
            .transpose()
            .ok()?
            .unwrap_or(0);
        if parts.next().is_some() {
            return None;
        }
        Some(PackageVersion::new(major, minor, patch))
    }
}

impl PartialOrd for PackageVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PackageVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch))
    }
}

impl fmt::Display for PackageVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The oldest `mkto_si` version step 6 accepts: 1.8000 (major 1, minor 8000), the version the
/// vendor requires for the "Marketo App Access" permission-set model (DOMAIN.md, step 6 evidence;
/// Experience League "Upgrading your MSI package"). The one place this minimum lives: below it the
/// check says Outdated and points at the AppExchange listing to upgrade.
pub const MSI_MINIMUM_VERSION: PackageVersion = PackageVersion::new(1, 8000, 0);

/// Step 6 for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum PackageStatus {
    Installed {
        version: PackageVersion,
    },
    #[serde(rename_all = "camelCase")]
    Missing {
        listing_url: String,
    },
    #[serde(rename_all = "camelCase")]
    Outdated {
        installed: PackageVersion,
        required: PackageVersion,
        listing_url: String,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InstalledRow {
    subscriber_package: Option<PackageRef>,
    subscriber_package_version: Option<VersionRef>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PackageRef {
    namespace_prefix: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct VersionRef {
    major_version: Option<u32>,
    minor_version: Option<u32>,
    patch_version: Option<u32>,
}

/// Decides step 6 from the installed packages' (namespace, version) pairs.
pub fn package_status(
    installed: &[(Option<String>, Option<PackageVersion>)],
    required: PackageVersion,
) -> PackageStatus {
    let found = installed
        .iter()
        .filter(|(ns, _)| {
            ns.as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(MSI_NAMESPACE))
        })
        .map(|(_, v)| v.unwrap_or(PackageVersion::new(0, 0, 0)))
        .max();
    match found {
        None => PackageStatus::Missing {
            listing_url: APPEXCHANGE_LISTING_URL.into(),
        },
        Some(v) if v < required => PackageStatus::Outdated {
            installed: v,
            required,
            listing_url: APPEXCHANGE_LISTING_URL.into(),
        },
        Some(version) => PackageStatus::Installed { version },
    }
}

/// Status of one required Remote Site Setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "RemoteSiteState")]
pub enum RemoteSiteState {
    Active,
    Inactive,
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RemoteSiteCheck {
    pub url: String,
    pub state: RemoteSiteState,
    /// The Remote Site's name in Salesforce when one matches.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_name: Option<String>,
}

/// Step 7's Remote Site Settings for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RemoteSiteStatus {
    pub sites: Vec<RemoteSiteCheck>,
    pub all_active: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RemoteProxyRow {
    #[serde(default)]
    site_name: Option<String>,
    #[serde(default)]
    endpoint_url: Option<String>,
    #[serde(default)]
    is_active: Option<bool>,
}

/// Compares URLs the way an admin means them: scheme and host case-insensitive, no
/// trailing slash, default port dropped.
pub fn normalize_site_url(raw: &str) -> String {
    let trimmed = raw.trim();
    match url::Url::parse(trimmed) {
        Ok(u) if u.host().is_some() => {
            let path = u.path().trim_end_matches('/');
            format!("{}{}", u.origin().ascii_serialization(), path).to_ascii_lowercase()
        }
        _ => trimmed.trim_end_matches('/').to_ascii_lowercase(),
    }
}

/// Decides step 7's sites from Salesforce's (name, url, active) rows. An active duplicate
/// wins over an inactive one.
pub fn remote_site_status(
    required: &[&str],
    present: &[(Option<String>, String, bool)],
) -> RemoteSiteStatus {
    let sites: Vec<RemoteSiteCheck> = required
        .iter()
        .map(|want| {
            let key = normalize_site_url(want);
            let matches = present
                .iter()
                .filter(|(_, url, _)| normalize_site_url(url) == key);
            let best = matches.max_by_key(|(_, _, active)| *active);
            match best {
                Some((name, _, true)) => RemoteSiteCheck {
                    url: want.to_string(),
                    state: RemoteSiteState::Active,
                    site_name: name.clone(),
                },
                Some((name, _, false)) => RemoteSiteCheck {
                    url: want.to_string(),
                    state: RemoteSiteState::Inactive,
                    site_name: name.clone(),
                },
                None => RemoteSiteCheck {
                    url: want.to_string(),
                    state: RemoteSiteState::Missing,
                    site_name: None,
                },
            }
        })
        .collect();
    let all_active = sites.iter().all(|s| s.state == RemoteSiteState::Active);
    RemoteSiteStatus { sites, all_active }
}

/// A problem with the API secret key typed into the Marketo Sales Insight Config tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "ApiSecretKeyProblem")]
pub enum ApiSecretKeyProblem {
    Empty,
    /// The MSI config page cuts the key at `&`.
    Ampersand,
    /// Spaces or line breaks around or inside the key, usually from pasting.
    Whitespace,
}

/// Every problem the key has; empty when it is fine. The key itself is never echoed.
pub fn check_api_secret_key(key: &str) -> Vec<ApiSecretKeyProblem> {
    let mut out = Vec::new();
    if key.trim().is_empty() {
        out.push(ApiSecretKeyProblem::Empty);
        return out;
    }
    if key.contains('&') {
        out.push(ApiSecretKeyProblem::Ampersand);
    }
    if key
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '\u{200B}' | '\u{FEFF}'))
    {
        out.push(ApiSecretKeyProblem::Whitespace);
    }
    out
}

impl SalesforceClient {
    /// Step 6 against [`MSI_MINIMUM_VERSION`].
    pub async fn msi_package_status(&self) -> Result<PackageStatus, SalesforceError> {
        self.package_status(MSI_MINIMUM_VERSION).await
    }

    /// Step 6: the `mkto_si` package and its version, through the Tooling API, against
    /// `required` (normally [`MSI_MINIMUM_VERSION`]: prefer [`Self::msi_package_status`]).
    pub async fn package_status(
        &self,
        required: PackageVersion,
    ) -> Result<PackageStatus, SalesforceError> {
        let rows: Vec<InstalledRow> = self
            .tooling_query(
                "SELECT SubscriberPackage.NamespacePrefix, SubscriberPackage.Name, \
                 SubscriberPackageVersion.MajorVersion, SubscriberPackageVersion.MinorVersion, \
                 SubscriberPackageVersion.PatchVersion FROM InstalledSubscriberPackage",
            )
            .await?;
        let installed: Vec<_> = rows
            .into_iter()
            .map(|r| {
                let ns = r.subscriber_package.and_then(|p| p.namespace_prefix);
                let v = r.subscriber_package_version.map(|v| {
                    PackageVersion::new(
                        v.major_version.unwrap_or(0),
                        v.minor_version.unwrap_or(0),
                        v.patch_version.unwrap_or(0),
                    )
                });
                (ns, v)
            })
            .collect();
        Ok(package_status(&installed, required))
    }

    /// Step 7: the two Remote Site Settings, through the Tooling object `RemoteProxy`.
    pub async fn remote_site_status(&self) -> Result<RemoteSiteStatus, SalesforceError> {
        let rows: Vec<RemoteProxyRow> = self
            .tooling_query("SELECT SiteName, EndpointUrl, IsActive FROM RemoteProxy")
            .await?;
        let present: Vec<_> = rows
            .into_iter()
            .filter_map(|r| {
                r.endpoint_url
                    .map(|u| (r.site_name, u, r.is_active.unwrap_or(false)))
            })
            .collect();
        Ok(remote_site_status(&MSI_REMOTE_SITES, &present))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert!(PackageVersion::new(1, 10, 0) > PackageVersion::new(1, 9, 9));
        assert_eq!(
            PackageVersion::parse("1.0"),
            Some(PackageVersion::new(1, 0, 0))
        );
        assert_eq!(
            PackageVersion::parse(" 2.3.4 "),
            Some(PackageVersion::new(2, 3, 4))
        );
        assert_eq!(PackageVersion::parse("1.x"), None);
        assert_eq!(PackageVersion::parse("1.2.3.4"), None);
    }

    #[test]
    fn package_status_matches_the_namespace_only() {
        let req = PackageVersion::new(1, 0, 0);
        let other = (Some("LID".to_string()), Some(PackageVersion::new(9, 0, 0)));
        assert!(matches!(
            package_status(std::slice::from_ref(&other), req),
            PackageStatus::Missing { .. }
        ));
        let msi = (
            Some("MKTO_SI".to_string()),
            Some(PackageVersion::new(1, 229, 0)),
        );
        assert_eq!(
            package_status(&[other.clone(), msi.clone()], req),
            PackageStatus::Installed {
                version: PackageVersion::new(1, 229, 0)
            }
        );
        let status = package_status(&[msi], PackageVersion::new(2, 0, 0));
        let json = serde_json::to_value(&status).unwrap_or_default();
        assert_eq!(json["kind"], "outdated");
        assert_eq!(json["listingUrl"], APPEXCHANGE_LISTING_URL);
    }

    #[test]
    fn minimum_is_one_point_eight_thousand() {
        assert_eq!(MSI_MINIMUM_VERSION, PackageVersion::new(1, 8000, 0));
        // 1.8000 is minor 8000, so 1.229 and 1.999 are older and 1.8000.1 newer.
        for (v, outdated) in [
            ("1.229", true),
            ("1.999.9", true),
            ("1.8000", false),
            ("1.8000.1", false),
            ("2.0", false),
        ] {
            let installed = PackageVersion::parse(v);
            let status = package_status(
                &[(Some(MSI_NAMESPACE.into()), installed)],
                MSI_MINIMUM_VERSION,
            );
            assert_eq!(
                matches!(status, PackageStatus::Outdated { .. }),
                outdated,
                "{v}"
            );
        }
    }

    #[test]
    fn remote_sites_normalise_and_report_each_state() {
        let present = vec![
            (
                Some("IMS".into()),
                "HTTPS://IMS-NA1.adobelogin.com/".to_string(),
                true,
            ),
            (
                Some("Old".into()),
                "https://mkto-sales-connect.adobe.io".to_string(),
                false,
            ),
        ];
        let s = remote_site_status(&MSI_REMOTE_SITES, &present);
        assert_eq!(s.sites[0].state, RemoteSiteState::Active);
        assert_eq!(s.sites[1].state, RemoteSiteState::Inactive);
        assert!(!s.all_active);
        let s = remote_site_status(&MSI_REMOTE_SITES, &present[..1]);
        assert_eq!(s.sites[1].state, RemoteSiteState::Missing);
        let mut both = present.clone();
        both.push((
            None,
            "https://mkto-sales-connect.adobe.io:443/".into(),
            true,
        ));
        assert!(remote_site_status(&MSI_REMOTE_SITES, &both).all_active);
    }

    #[test]
    fn api_secret_key_warnings() {
        assert_eq!(check_api_secret_key(""), [ApiSecretKeyProblem::Empty]);
        assert_eq!(check_api_secret_key(" \n"), [ApiSecretKeyProblem::Empty]);
        assert_eq!(
            check_api_secret_key("abc&def"),
            [ApiSecretKeyProblem::Ampersand]
        );
        assert_eq!(
            check_api_secret_key(" abc&d "),
            [
                ApiSecretKeyProblem::Ampersand,
                ApiSecretKeyProblem::Whitespace
            ]
        );
        assert!(check_api_secret_key("Abc123-_.").is_empty());
    }
}
