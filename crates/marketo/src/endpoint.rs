//! Where a Marketo instance lives: from a Munchkin ID, a REST or identity URL, or a loopback stand-in.
//! Secrets are only ever sent to `*.mktorest.com` / `*.mktorest.cn` over HTTPS, or to loopback.

use url::{Host, Url};

use crate::error::MarketoError;

/// A Marketo instance's base URL (no trailing slash); REST sits under `/rest`, the token under `/identity`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    base: String,
    munchkin_id: Option<String>,
}

/// `123-ABC-456`: three digits, three letters or digits, three digits.
pub fn is_munchkin_id(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 3
        && parts[0].bytes().all(|b| b.is_ascii_digit())
        && parts[1].len() == 3
        && parts[1].bytes().all(|b| b.is_ascii_alphanumeric())
        && parts[2].len() == 3
        && parts[2].bytes().all(|b| b.is_ascii_digit())
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

impl Endpoint {
    /// Accepts `123-ABC-456`, `https://123-ABC-456.mktorest.com[/rest|/identity][/]`, the same
    /// without a scheme, or `http://127.0.0.1:PORT[/rest|/identity]` for the local stand-in.
    pub fn parse(input: &str) -> Result<Endpoint, MarketoError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let s = s.trim_end_matches('/');
        if s.is_empty() {
            return Err(MarketoError::MissingCredential("Munchkin ID"));
        }
        if is_munchkin_id(s) {
            let id = s.to_ascii_uppercase();
            return Ok(Endpoint {
                base: format!("https://{id}.mktorest.com"),
                munchkin_id: Some(id),
            });
        }
        let with_scheme = if s.contains("://") {
            s.to_owned()
        } else {
            format!("https://{s}")
        };
        let url = Url::parse(&with_scheme)
            .map_err(|_| MarketoError::InvalidEndpoint("not a URL or Munchkin ID".into()))?;
        if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
            return Err(MarketoError::InvalidEndpoint(
                "the address has extra parts (query, fragment or user)".into(),
            ));
        }
        let host = url
            .host()
            .ok_or_else(|| MarketoError::InvalidEndpoint("the address has no host".into()))?;
        let path = url.path().trim_end_matches('/');
        let path = ["/rest", "/identity", "/identity/oauth/token"]
            .iter()
            .find_map(|p| path.strip_suffix(p))
            .unwrap_or(path);
        let loopback = is_loopback(&host);
        let (scheme_ok, munchkin_id) = match (&host, url.scheme()) {
            (_, "http" | "https") if loopback => (true, None),
            (Host::Domain(d), "https") => {
                let lower = d.to_ascii_lowercase();
                let id = lower
                    .strip_suffix(".mktorest.com")
                    .or_else(|| lower.strip_suffix(".mktorest.cn"))
                    .filter(|id| is_munchkin_id(id))
                    .map(str::to_ascii_uppercase);
                (id.is_some(), id)
            }
            _ => (false, None),
        };
        if !scheme_ok {
            return Err(MarketoError::InvalidEndpoint(
                "expected a Munchkin ID like 123-ABC-456 or https://123-ABC-456.mktorest.com/rest"
                    .into(),
            ));
        }
        if !loopback && !path.is_empty() {
            return Err(MarketoError::InvalidEndpoint(
                "the address should end in /rest or /identity".into(),
            ));
        }
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        let host_str = match &host {
            Host::Domain(d) => d.to_ascii_lowercase(),
            Host::Ipv4(ip) => ip.to_string(),
            Host::Ipv6(ip) => format!("[{ip}]"),
        };
        let host_str = match &munchkin_id {
            Some(id) if !loopback => {
                let domain = host_str
                    .split_once('.')
                    .map(|(_, d)| d)
                    .unwrap_or("mktorest.com");
                format!("{id}.{domain}")
            }
            _ => host_str,
        };
        Ok(Endpoint {
            base: format!("{}://{host_str}{port}{path}", url.scheme()),
            munchkin_id,
        })
    }

    /// `https://123-ABC-456.mktorest.com` (no trailing slash).
    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn rest_url(&self) -> String {
        format!("{}/rest", self.base)
    }

    pub fn identity_url(&self) -> String {
        format!("{}/identity", self.base)
    }

    /// The Munchkin ID when the address names one (never for a loopback stand-in).
    pub fn munchkin_id(&self) -> Option<&str> {
        self.munchkin_id.as_deref()
    }

    pub fn is_loopback(&self) -> bool {
        self.munchkin_id.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn munchkin_and_urls_agree() {
        let want = "https://123-ABC-456.mktorest.com";
        for input in [
            "123-ABC-456",
            " 123-abc-456\n",
            "https://123-ABC-456.mktorest.com/rest",
            "https://123-abc-456.mktorest.com/rest/",
            "https://123-ABC-456.mktorest.com/identity",
            "123-ABC-456.mktorest.com/rest",
            "https://123-ABC-456.mktorest.com/identity/oauth/token",
            "https://123-ABC-456.mktorest.com",
            "\thttps://123-ABC-456.mktorest.com/rest\r\n",
        ] {
            let e = Endpoint::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(e.base(), want, "{input:?}");
            assert_eq!(e.munchkin_id(), Some("123-ABC-456"));
        }
        let e = Endpoint::parse("123-ABC-456").unwrap();
        assert_eq!(e.rest_url(), "https://123-ABC-456.mktorest.com/rest");
        assert_eq!(
            e.identity_url(),
            "https://123-ABC-456.mktorest.com/identity"
        );
    }

    #[test]
    fn loopback_stand_in() {
        for input in [
            "http://127.0.0.1:47802",
            "http://127.0.0.1:47802/",
            "http://127.0.0.1:47802/rest",
        ] {
            let e = Endpoint::parse(input).unwrap();
            assert_eq!(e.base(), "http://127.0.0.1:47802");
            assert!(e.is_loopback());
        }
        assert_eq!(
            Endpoint::parse("http://localhost:9/x/rest").unwrap().base(),
            "http://localhost:9/x"
        );
    }

    #[test]
    fn refuses_other_hosts_and_plain_http() {
        for input in [
            "http://123-ABC-456.mktorest.com/rest",
            "https://evil.example.com/rest",
            "https://123-ABC-456.mktorest.com.evil.example/rest",
            "https://123-ABC-456.mktorest.com/rest?x=1",
            "https://123-ABC-456.mktorest.com/other",
            "12-ABC-456",
            "not a url",
            "ftp://127.0.0.1/",
        ] {
            let e = Endpoint::parse(input).unwrap_err();
            assert_eq!(e.code(), "invalid_endpoint", "{input:?}");
        }
        assert_eq!(
            Endpoint::parse("  \n").unwrap_err().code(),
            "missing_credential"
        );
    }
}
