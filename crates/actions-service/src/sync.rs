//! The data sync's domain (step 4): which people are kept. The fields and the `PeopleSource` seam
//! are the contract's (`sia_actions_contract::sync`), re-exported here.
//! The runner (in `api::sync`) pulls pages from a source — the Marketo REST client.

use std::collections::BTreeMap;

pub use sia_actions_contract::sync::*;

/// The most people one instance syncs (the vendor's documented limit).
pub const MAX_PEOPLE: u64 = 1_500_000;

/// Splits a page into people to keep (Marketo id, JSON of the 13 fields) and a count of those without owner.
pub fn keep_owned(people: &[Person]) -> (Vec<(String, String)>, u64) {
    let mut kept = Vec::new();
    let mut skipped = 0;
    for p in people {
        let owned = p.get(OWNER_FIELD).is_some_and(|o| !o.trim().is_empty());
        let id = p.get("id").filter(|i| !i.trim().is_empty());
        match (owned, id) {
            (true, Some(id)) => {
                let row: BTreeMap<&str, &str> = SYNC_FIELDS
                    .iter()
                    .filter_map(|f| p.get(f.marketo_field).map(|v| (f.key, v.as_str())))
                    .collect();
                kept.push((
                    id.clone(),
                    serde_json::to_string(&row).unwrap_or_else(|_| "{}".into()),
                ));
            }
            _ => skipped += 1,
        }
    }
    (kept, skipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirteen_distinct_fields() {
        let keys: std::collections::BTreeSet<_> = SYNC_FIELDS.iter().map(|f| f.key).collect();
        assert_eq!(keys.len(), 13);
    }

    #[test]
    fn only_people_with_an_owner_are_kept() {
        let mut a = Person::new();
        a.insert("id".into(), "1".into());
        a.insert("email".into(), "a@example.com".into());
        a.insert(OWNER_FIELD.into(), "005xx".into());
        let mut b = a.clone();
        b.insert("id".into(), "2".into());
        b.remove(OWNER_FIELD);
        let (kept, skipped) = keep_owned(&[a, b]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].0, "1");
        assert!(kept[0].1.contains("\"email\":\"a@example.com\""));
        assert_eq!(skipped, 1);
    }
}
