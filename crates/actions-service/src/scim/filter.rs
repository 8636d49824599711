//! The one filter form the service supports: `attribute eq "value"` (RFC 7644 §3.4.2.2).
//! Anything else is refused with `invalidFilter` rather than silently ignored.

use crate::error::{ActionsError, Result};

/// A parsed `attr eq "value"`; the attribute name is lower-cased (SCIM names ignore case).
#[derive(Debug, PartialEq, Eq)]
pub struct Eq {
    pub attribute: String,
    pub value: String,
}

pub fn parse(filter: &str, allowed: &[&str]) -> Result<Eq> {
    let bad = |why: &str| ActionsError::InvalidFilter(why.to_owned());
    // Spaces only (no tabs or other whitespace), as the contract's pattern says.
    let f = filter.trim_matches(' ');
    let shape = || bad("expected: attribute eq \"value\"");
    let (attribute, rest) = f.split_once(' ').ok_or_else(shape)?;
    let (op, literal) = rest
        .trim_start_matches(' ')
        .split_once(' ')
        .ok_or_else(shape)?;
    if !op.eq_ignore_ascii_case("eq") {
        return Err(bad("only the eq operator is supported"));
    }
    let attribute = attribute.to_ascii_lowercase();
    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(&attribute)) {
        return Err(bad(&format!(
            "filtering is supported on: {}",
            allowed.join(", ")
        )));
    }
    let literal = literal.trim_start_matches(' ');
    if !literal.starts_with('"') || !literal.ends_with('"') || literal.len() < 2 {
        return Err(bad("the value must be a quoted string"));
    }
    let value: String =
        serde_json::from_str(literal).map_err(|_| bad("the value must be one quoted string"))?;
    Ok(Eq { attribute, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_eq_on_allowed_attributes() {
        let e = parse(r#"userName eq "Ann@Example.com""#, &["userName"]).ok();
        assert_eq!(
            e,
            Some(Eq {
                attribute: "username".into(),
                value: "Ann@Example.com".into()
            })
        );
        let e = parse(r#"USERNAME  EQ  "a \"q\"""#, &["userName"]).ok();
        assert_eq!(e.map(|e| e.value), Some("a \"q\"".into()));
    }

    #[test]
    fn refuses_the_rest() {
        for f in [
            "",
            "userName",
            r#"userName co "a""#,
            r#"title eq "a""#,
            "userName eq a",
            r#"userName eq "a" and title eq "b""#,
            "userName\teq \"a\"",
        ] {
            assert!(
                matches!(parse(f, &["userName"]), Err(ActionsError::InvalidFilter(_))),
                "{f}"
            );
        }
    }
}
