//! The bytes kept in one keychain entry: every secret of a connection together, so a Marketo
//! client id and secret are saved and forgotten as one unit, and the size limit checked here.

use zeroize::Zeroizing;

use crate::error::VaultError;
use crate::model::{
    ActionsCredentials, Credentials, MarketoCredentials, SalesforceCredentials, Service,
};
use crate::secret::Secret;

/// Windows Credential Manager's cap on a credential blob (CRED_MAX_CREDENTIAL_BLOB_SIZE).
/// Enforced on every platform so a secret that saves on Linux also saves on Windows.
pub const MAX_SECRET_BYTES: usize = 2560;

const HEADER: &str = "sia-vault/1";

/// `sia-vault/1 <service>\n<field>=<value>\n…`. Values were cleaned of whitespace, so lines
/// and the first `=` are unambiguous.
pub(crate) fn encode(credentials: &Credentials) -> Result<Zeroizing<Vec<u8>>, VaultError> {
    let fields: Vec<(&str, &Secret)> = match credentials {
        Credentials::Marketo(m) => vec![
            ("client_id", &m.client_id),
            ("client_secret", &m.client_secret),
        ],
        Credentials::Salesforce(s) => vec![("refresh_token", &s.refresh_token)],
        Credentials::Actions(a) => vec![("api_token", &a.api_token)],
    };
    let size = HEADER.len()
        + 1
        + credentials.service().as_str().len()
        + 1
        + fields
            .iter()
            .map(|(name, value)| name.len() + 1 + value.len() + 1)
            .sum::<usize>();
    if size > MAX_SECRET_BYTES {
        return Err(VaultError::SecretTooLarge {
            size: Some(size),
            limit: MAX_SECRET_BYTES,
        });
    }
    // Reserved up front so the buffer never reallocates and leaves unzeroed copies behind.
    let mut out = Zeroizing::new(Vec::with_capacity(size));
    out.extend_from_slice(HEADER.as_bytes());
    out.push(b' ');
    out.extend_from_slice(credentials.service().as_str().as_bytes());
    out.push(b'\n');
    for (name, value) in fields {
        out.extend_from_slice(name.as_bytes());
        out.push(b'=');
        out.extend_from_slice(value.expose().as_bytes());
        out.push(b'\n');
    }
    Ok(out)
}

/// Reads an entry back. Anything unexpected is "damaged", never a panic.
pub(crate) fn decode(service: Service, bytes: &[u8]) -> Result<Credentials, VaultError> {
    let text = std::str::from_utf8(bytes).map_err(|_| VaultError::StoredSecretDamaged)?;
    let mut lines = text.split('\n');
    let header = lines.next().unwrap_or_default();
    if header != format!("{HEADER} {}", service.as_str()) {
        return Err(VaultError::StoredSecretDamaged);
    }
    let mut take = |wanted: &str| -> Result<Secret, VaultError> {
        let line = lines.next().ok_or(VaultError::StoredSecretDamaged)?;
        match line.split_once('=') {
            Some((name, value)) if name == wanted && !value.is_empty() => {
                Ok(Secret::new(value.to_owned()))
            }
            _ => Err(VaultError::StoredSecretDamaged),
        }
    };
    let credentials = match service {
        Service::Marketo => Credentials::Marketo(MarketoCredentials {
            client_id: take("client_id")?,
            client_secret: take("client_secret")?,
        }),
        Service::Salesforce => Credentials::Salesforce(SalesforceCredentials {
            refresh_token: take("refresh_token")?,
        }),
        Service::Actions => Credentials::Actions(ActionsCredentials {
            api_token: take("api_token")?,
        }),
    };
    match (lines.next(), lines.next()) {
        (Some(""), None) => Ok(credentials),
        _ => Err(VaultError::StoredSecretDamaged),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marketo(id: &str, secret: &str) -> Credentials {
        Credentials::Marketo(MarketoCredentials {
            client_id: Secret::new(id),
            client_secret: Secret::new(secret),
        })
    }

    #[test]
    fn round_trips_each_kind() {
        let m = encode(&marketo("id-1", "se=cr=et")).expect("fits");
        match decode(Service::Marketo, &m) {
            Ok(Credentials::Marketo(c)) => {
                assert_eq!(c.client_id.expose(), "id-1");
                assert_eq!(c.client_secret.expose(), "se=cr=et");
            }
            other => panic!("unexpected {other:?}"),
        }
        let s = encode(&Credentials::Salesforce(SalesforceCredentials {
            refresh_token: Secret::new("5Aep861!x.y"),
        }))
        .expect("fits");
        assert!(matches!(
            decode(Service::Salesforce, &s),
            Ok(Credentials::Salesforce(c)) if c.refresh_token.expose() == "5Aep861!x.y"
        ));
        let a = encode(&Credentials::Actions(ActionsCredentials {
            api_token: Secret::new("tok"),
        }))
        .expect("fits");
        assert!(matches!(
            decode(Service::Actions, &a),
            Ok(Credentials::Actions(c)) if c.api_token.expose() == "tok"
        ));
    }

    #[test]
    fn size_limit_counts_the_whole_entry() {
        let overhead = "sia-vault/1 actions\napi_token=\n".len();
        let fits = "x".repeat(MAX_SECRET_BYTES - overhead);
        let entry = encode(&Credentials::Actions(ActionsCredentials {
            api_token: Secret::new(fits.clone()),
        }))
        .expect("exactly at the limit");
        assert_eq!(entry.len(), MAX_SECRET_BYTES);
        let too_big = format!("{fits}x");
        let err = encode(&Credentials::Actions(ActionsCredentials {
            api_token: Secret::new(too_big),
        }))
        .expect_err("over the limit");
        assert_eq!(err.code(), "secret_too_large");
        assert!(matches!(
            err,
            VaultError::SecretTooLarge {
                size: Some(2561),
                limit: 2560
            }
        ));
        assert!(!err.to_string().contains("xxxx"));
    }

    #[test]
    fn damaged_entries_are_reported_not_panicked() {
        for bad in [
            &b""[..],
            b"\xff\xfe",
            b"sia-vault/1 salesforce\nrefresh_token=a\n",
            b"sia-vault/1 marketo\nclient_id=a\n",
            b"sia-vault/1 marketo\nclient_id=a\nclient_secret=\n",
            b"sia-vault/1 marketo\nclient_id=a\nclient_secret=b\nextra=c\n",
            b"sia-vault/2 marketo\nclient_id=a\nclient_secret=b\n",
            b"plain-old-password",
        ] {
            let err = decode(Service::Marketo, bad).expect_err("damaged");
            assert_eq!(err.code(), "stored_secret_damaged");
        }
    }
}
