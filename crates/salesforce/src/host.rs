//! Where a Salesforce sign-in starts (production, sandbox, a My Domain, or the local stand-in)
//! and how the org type is told from the login host and the instance URL.

use crate::error::SalesforceError;
use serde::{Deserialize, Serialize};
use std::fmt;
use url::{Host, Url};

pub const PRODUCTION_LOGIN: &str = "https://login.salesforce.com";
pub const SANDBOX_LOGIN: &str = "https://test.salesforce.com";

/// Production or sandbox: Salesforce keeps them apart, and so must the Actions instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SalesforceOrgType {
    Production,
    Sandbox,
}

impl SalesforceOrgType {
    pub fn as_str(self) -> &'static str {
        match self {
            SalesforceOrgType::Production => "production",
            SalesforceOrgType::Sandbox => "sandbox",
        }
    }
}

impl fmt::Display for SalesforceOrgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The login address the admin picked. Build it with [`LoginHost::parse`] or the constructors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginHost {
    /// Scheme, host and port, no trailing slash.
    base: String,
    kind: LoginHostKind,
}

/// Which kind of login address it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "SalesforceLoginHostKind")]
pub enum LoginHostKind {
    Production,
    Sandbox,
    MyDomain,
    /// A loopback address: the local Salesforce stand-in.
    Loopback,
}

impl LoginHost {
    pub fn production() -> LoginHost {
        LoginHost {
            base: PRODUCTION_LOGIN.to_string(),
            kind: LoginHostKind::Production,
        }
    }

    pub fn sandbox() -> LoginHost {
        LoginHost {
            base: SANDBOX_LOGIN.to_string(),
            kind: LoginHostKind::Sandbox,
        }
    }

    /// Accepts `https://…` (production, sandbox or any My Domain host), or `http://` only on a
    /// loopback address. Paths, queries, credentials and fragments are refused: they have no
    /// place in a login address and would end up in every endpoint URL.
    pub fn parse(input: &str) -> Result<LoginHost, SalesforceError> {
        let bad = |reason: &str| SalesforceError::InvalidLoginHost {
            reason: reason.to_string(),
        };
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(bad("it is empty"));
        }
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_string()
        } else {
            format!("https://{trimmed}")
        };
        let url = Url::parse(&with_scheme).map_err(|_| bad("it is not a web address"))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("it must not contain a user name or password"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("it must not contain ? or #"));
        }
        if !(url.path().is_empty() || url.path() == "/") {
            return Err(bad(
                "use the address without a path, e.g. https://mycompany.my.salesforce.com",
            ));
        }
        let host = url.host().ok_or_else(|| bad("it has no host name"))?;
        let loopback = match &host {
            Host::Ipv4(ip) => ip.is_loopback(),
            Host::Ipv6(ip) => ip.is_loopback(),
            Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        };
        let kind = match url.scheme() {
            "https" if loopback => LoginHostKind::Loopback,
            "https" => {
                let Host::Domain(domain) = &host else {
                    return Err(bad("use the Salesforce host name, not an IP address"));
                };
                let domain = domain.to_ascii_lowercase();
                if !domain.contains('.') {
                    return Err(bad("the host name is incomplete"));
                }
                match domain.as_str() {
                    "login.salesforce.com" => LoginHostKind::Production,
                    "test.salesforce.com" => LoginHostKind::Sandbox,
                    _ => LoginHostKind::MyDomain,
                }
            }
            "http" if loopback => LoginHostKind::Loopback,
            "http" => return Err(bad("it must start with https://")),
            _ => return Err(bad("it must start with https://")),
        };
        let base = url.origin().ascii_serialization();
        Ok(LoginHost { base, kind })
    }

    pub fn kind(&self) -> LoginHostKind {
        self.kind
    }

    /// `https://login.salesforce.com`, no trailing slash.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    pub(crate) fn endpoint(&self, path: &str) -> String {
        format!("{}{}", self.as_str(), path)
    }

    /// The org type the login address alone proves: login.salesforce.com only admits
    /// production users and test.salesforce.com only sandbox users.
    pub fn org_type_hint(&self) -> Option<SalesforceOrgType> {
        match self.kind {
            LoginHostKind::Production => Some(SalesforceOrgType::Production),
            LoginHostKind::Sandbox => Some(SalesforceOrgType::Sandbox),
            LoginHostKind::MyDomain => org_type_from_host(self.as_str()),
            LoginHostKind::Loopback => None,
        }
    }
}

impl fmt::Display for LoginHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Sandbox hosts have recognisable names: `acme--uat.sandbox.my.salesforce.com`, the older
/// `acme--uat.my.salesforce.com` and `cs42.salesforce.com`. Anything else on salesforce.com is
/// taken as production; other hosts say nothing.
pub fn org_type_from_host(url: &str) -> Option<SalesforceOrgType> {
    let parsed = Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    if !(host.ends_with(".salesforce.com") || host.ends_with(".force.com")) {
        return None;
    }
    let first = host.split('.').next().unwrap_or_default();
    let cs_pod = first.len() > 2
        && first.starts_with("cs")
        && first[2..].chars().all(|c| c.is_ascii_digit());
    if host.contains(".sandbox.") || first.contains("--") || cs_pod || host == "test.salesforce.com"
    {
        Some(SalesforceOrgType::Sandbox)
    } else {
        Some(SalesforceOrgType::Production)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_hosts_and_my_domains() {
        assert_eq!(LoginHost::production().kind(), LoginHostKind::Production);
        assert_eq!(LoginHost::sandbox().as_str(), "https://test.salesforce.com");
        let md = LoginHost::parse("  acme.my.salesforce.com/ ").expect("my domain");
        assert_eq!(md.kind(), LoginHostKind::MyDomain);
        assert_eq!(md.as_str(), "https://acme.my.salesforce.com");
        assert_eq!(md.org_type_hint(), Some(SalesforceOrgType::Production));
        let sb = LoginHost::parse("https://acme--uat.sandbox.my.salesforce.com").expect("sb");
        assert_eq!(sb.org_type_hint(), Some(SalesforceOrgType::Sandbox));
        let lo = LoginHost::parse("http://127.0.0.1:8080").expect("loopback");
        assert_eq!(lo.kind(), LoginHostKind::Loopback);
        assert_eq!(lo.endpoint("/x"), "http://127.0.0.1:8080/x");
        assert_eq!(lo.org_type_hint(), None);
    }

    #[test]
    fn refuses_plain_http_paths_and_credentials() {
        for bad in [
            "",
            "http://login.salesforce.com",
            "ftp://login.salesforce.com",
            "https://acme.my.salesforce.com/path",
            "https://u:p@acme.my.salesforce.com",
            "https://acme.my.salesforce.com/?x=1",
            "https://10.0.0.1",
            "https://intranet",
            "http://192.168.1.2:80",
        ] {
            let err = LoginHost::parse(bad).expect_err(bad);
            assert_eq!(err.code(), "invalid_login_host", "{bad}");
        }
    }

    #[test]
    fn instance_hosts_reveal_sandboxes() {
        for (url, want) in [
            (
                "https://cs42.salesforce.com",
                Some(SalesforceOrgType::Sandbox),
            ),
            (
                "https://acme--dev.my.salesforce.com",
                Some(SalesforceOrgType::Sandbox),
            ),
            (
                "https://na99.salesforce.com",
                Some(SalesforceOrgType::Production),
            ),
            (
                "https://acme.my.salesforce.com",
                Some(SalesforceOrgType::Production),
            ),
            ("http://127.0.0.1:9000", None),
        ] {
            assert_eq!(org_type_from_host(url), want, "{url}");
        }
    }
}
