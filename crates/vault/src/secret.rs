//! The vault's secret type is the workspace's one `Secret` (crate sia-secret): redacted in
//! `Debug`, `Display` and serde, wiped on drop. Cleaning here names the field in a `VaultError`.

pub use sia_secret::{REDACTED, Secret};

use crate::error::VaultError;

/// Cleans a pasted value (see [`Secret::cleaned`]); a refusal names `field`, never the value.
pub(crate) fn cleaned(secret: Secret, field: &'static str) -> Result<Secret, VaultError> {
    secret
        .cleaned()
        .map_err(|problem| VaultError::SecretInvalid { field, problem })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SecretProblem;

    const VALUE: &str = "sk_live_CANARY_51f2e9";

    #[test]
    fn cleaning_names_the_field_and_never_the_value() {
        let s = Secret::new(format!("\u{FEFF} \t{VALUE}\u{00A0}\r\n\u{200B}"));
        let clean = cleaned(s, "client secret").expect("clean value");
        assert_eq!(clean.expose(), VALUE);
        let empty = cleaned(Secret::new(" \n "), "client secret");
        assert!(matches!(
            empty,
            Err(VaultError::SecretInvalid {
                problem: SecretProblem::Empty,
                ..
            })
        ));
        let err = cleaned(Secret::new("abc\ndef"), "client secret").expect_err("an error");
        assert_eq!(err.code(), "secret_invalid");
        assert!(!err.to_string().contains("abc"));
    }
}
