//! The client's one error type: the service's own refusals keep its codes; transport troubles get ours.
//! Messages never carry the token, a secret or a full URL, so they are safe to show and to log.

use std::time::Duration;

/// Longest service `detail` kept, so a misbehaving server cannot flood the UI.
const MAX_DETAIL: usize = 300;

#[derive(Debug, thiserror::Error)]
pub enum ActionsError {
    /// The address is not an absolute http(s) URL.
    #[error("the address of the Actions admin API is not a valid http or https URL")]
    InvalidUrl,
    /// 401: the token is missing, wrong or revoked.
    #[error("the Actions admin API refused the token; check the token in Settings")]
    Unauthorized,
    /// Nothing listens there, DNS failed, or the connection broke before an answer.
    #[error("the Actions admin API cannot be reached at its address")]
    Unreachable,
    /// No answer within the client's timeout.
    #[error("the Actions admin API did not answer within {} s", .0.as_secs())]
    Timeout(Duration),
    /// 429: wait `retry_after` seconds (from `Retry-After`, 1 when the header is missing).
    #[error("the Actions admin API asks to wait {retry_after} s before the next request")]
    RateLimited { retry_after: u64 },
    /// An answer this client cannot read (wrong shape, a redirect, an unexpected status).
    #[error("the Actions admin API gave an answer this app cannot read: {0}")]
    BadResponse(String),
    /// A user named by email is not in the instance.
    #[error("no user with this email is in the Actions instance")]
    UserNotFound,
    /// The service refused the request with its own error (RFC 9457 problem or SCIM error).
    #[error("{detail}")]
    Service {
        status: u16,
        /// The service's own stable `code` (e.g. `user_protected`), when it sent one.
        code: Option<String>,
        /// The SCIM `scimType` (e.g. `uniqueness`), when the error came from SCIM.
        scim_type: Option<String>,
        detail: String,
    },
}

impl ActionsError {
    /// A stable snake_case code. For service refusals: the SCIM `scimType` when there is one
    /// (`uniqueness`, `invalid_value`, …, converted to snake_case), else the service's `code`.
    pub fn code(&self) -> String {
        match self {
            Self::InvalidUrl => "invalid_url".into(),
            Self::Unauthorized => "unauthorized".into(),
            Self::Unreachable => "unreachable".into(),
            Self::Timeout(_) => "timeout".into(),
            Self::RateLimited { .. } => "rate_limited".into(),
            Self::BadResponse(_) => "bad_response".into(),
            Self::UserNotFound => "user_not_found".into(),
            Self::Service {
                status,
                code,
                scim_type,
                ..
            } => match (scim_type, code) {
                (Some(t), _) => snake(t),
                (None, Some(c)) => snake(c),
                (None, None) => format!("http_{status}"),
            },
        }
    }

    /// The service's own `code` (problem details, or the `code` member of a SCIM error).
    pub fn service_code(&self) -> Option<&str> {
        match self {
            Self::Service { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// Seconds to wait before trying again, for a rate-limited call.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after } => Some(*retry_after),
            _ => None,
        }
    }

    /// The HTTP status of a service refusal.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Service { status, .. } => Some(*status),
            Self::Unauthorized => Some(401),
            Self::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    pub(crate) fn from_transport(e: &reqwest::Error, timeout: Duration) -> Self {
        if e.is_timeout() {
            Self::Timeout(timeout)
        } else if e.is_decode() {
            Self::BadResponse("the body is not the expected JSON".into())
        } else {
            // Connect, request and body errors: no usable answer came back.
            Self::Unreachable
        }
    }

    /// Reads a non-success answer: a problem document or a SCIM error, else the bare status.
    pub(crate) fn from_answer(status: u16, retry_after: Option<u64>, body: &[u8]) -> Self {
        match status {
            401 => return Self::Unauthorized,
            429 => {
                return Self::RateLimited {
                    retry_after: retry_after.unwrap_or(1),
                };
            }
            300..=399 => return Self::BadResponse(format!("a redirect (HTTP {status})")),
            _ => {}
        }
        let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
        let detail = text("detail")
            .or_else(|| text("title"))
            .unwrap_or_else(|| format!("the request was refused (HTTP {status})"));
        Self::Service {
            status,
            code: text("code"),
            scim_type: text("scimType"),
            detail: clip(detail),
        }
    }
}

fn clip(mut s: String) -> String {
    if s.len() > MAX_DETAIL {
        let mut cut = MAX_DETAIL;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// `invalidValue` → `invalid_value`; snake_case stays as it is.
fn snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scim_types_become_snake_case_and_problem_codes_stay() {
        assert_eq!(snake("uniqueness"), "uniqueness");
        assert_eq!(snake("invalidValue"), "invalid_value");
        assert_eq!(snake("user_protected"), "user_protected");
        let e = ActionsError::from_answer(
            409,
            None,
            br#"{"scimType":"uniqueness","code":"user_already_exists","detail":"already there"}"#,
        );
        assert_eq!(e.code(), "uniqueness");
        assert_eq!(e.service_code(), Some("user_already_exists"));
        assert_eq!(e.to_string(), "already there");
        let e = ActionsError::from_answer(503, None, b"<html>");
        assert_eq!(e.code(), "http_503");
        assert_eq!(
            ActionsError::from_answer(429, Some(9), b"").retry_after(),
            Some(9)
        );
        assert_eq!(
            ActionsError::from_answer(302, None, b"").code(),
            "bad_response"
        );
    }

    #[test]
    fn long_details_are_clipped_on_a_char_boundary() {
        let long = "é".repeat(400);
        let e =
            ActionsError::from_answer(400, None, format!(r#"{{"detail":"{long}"}}"#).as_bytes());
        assert!(e.to_string().len() <= MAX_DETAIL + 3);
    }
}
