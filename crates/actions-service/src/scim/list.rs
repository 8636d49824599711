//! Paging of SCIM list responses: 1-based `startIndex`, `count` capped at `MAX_RESULTS`.
//! Out-of-range values are clamped as RFC 7644 §3.4.2.4 asks; non-numbers are refused.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::{LIST_URN, MAX_RESULTS};
use crate::error::{ActionsError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub start_index: usize,
    pub count: usize,
}

fn int(params: &HashMap<String, String>, name: &str) -> Result<Option<i64>> {
    match params.get(name) {
        None => Ok(None),
        Some(v) => {
            let digits = v.strip_prefix(['-', '+']).unwrap_or(v);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ActionsError::InvalidValue(format!(
                    "{name} must be an integer"
                )));
            }
            // Out-of-range integers saturate: they are clamped to the valid range anyway.
            Ok(Some(v.parse::<i64>().unwrap_or(if v.starts_with('-') {
                i64::MIN
            } else {
                i64::MAX
            })))
        }
    }
}

pub fn page(params: &HashMap<String, String>) -> Result<Page> {
    let start_index = int(params, "startIndex")?.unwrap_or(1).max(1);
    let count = int(params, "count")?
        .unwrap_or(MAX_RESULTS as i64)
        .clamp(0, MAX_RESULTS as i64);
    Ok(Page {
        start_index: usize::try_from(start_index).unwrap_or(1),
        count: usize::try_from(count).unwrap_or(0),
    })
}

pub fn respond(all: Vec<Value>, page: Page) -> Value {
    let total = all.len();
    let items: Vec<Value> = all
        .into_iter()
        .skip(page.start_index - 1)
        .take(page.count)
        .collect();
    json!({
        "schemas": [LIST_URN],
        "totalResults": total,
        "startIndex": page.start_index,
        "itemsPerPage": items.len(),
        "Resources": items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Result<Page> {
        page(
            &pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn clamps_and_refuses() {
        assert_eq!(
            p(&[]).ok(),
            Some(Page {
                start_index: 1,
                count: MAX_RESULTS
            })
        );
        assert_eq!(
            p(&[("startIndex", "-4"), ("count", "-1")]).ok(),
            Some(Page {
                start_index: 1,
                count: 0
            })
        );
        assert!(p(&[("count", "ten")]).is_err());
        assert!(p(&[("count", " 1")]).is_err());
        assert_eq!(
            p(&[("startIndex", "99999999999999999999999")])
                .map(|p| p.start_index)
                .ok(),
            Some(i64::MAX as usize)
        );
        let v = respond(
            (0..5).map(Value::from).collect(),
            Page {
                start_index: 4,
                count: 10,
            },
        );
        assert_eq!(v["totalResults"], 5);
        assert_eq!(v["itemsPerPage"], 2);
    }
}
