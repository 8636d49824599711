//! Salesforce-shaped record ids (15 characters plus the 3-character case checksum) and random tokens.
//! Seed ids encode their record number, so a stand-in can find a record from its id without an index.

use rand::Rng as _;

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const CHECKSUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
/// Pod/instance characters that follow the key prefix in real ids.
const POD: &str = "8d";

/// The 18-character id for record `n` of the object with key prefix `prefix` ("005", "00Q", …).
pub fn sf_id(prefix: &str, n: u64) -> String {
    let mut digits = [b'0'; 6];
    let mut v = n;
    for d in digits.iter_mut().rev() {
        *d = BASE62[(v % 62) as usize];
        v /= 62;
    }
    let mut id15 = String::with_capacity(18);
    id15.push_str(prefix);
    id15.push_str(POD);
    id15.push_str("0000");
    id15.push_str(std::str::from_utf8(&digits).unwrap_or("000000"));
    let id15: String = id15.chars().take(15).collect();
    let suffix = checksum(&id15);
    id15 + &suffix
}

/// The record number encoded by [`sf_id`], if `id` is one of ours with this prefix (15 or 18 chars).
pub fn sf_id_number(id: &str, prefix: &str) -> Option<u64> {
    if !(id.len() == 15 || id.len() == 18) || !id.is_ascii() || !id.starts_with(prefix) {
        return None;
    }
    let id15 = &id[..15];
    if id.len() == 18 && checksum(id15) != id[15..] {
        return None;
    }
    let body = &id15[prefix.len()..];
    let body = body.strip_prefix(POD)?.strip_prefix("0000")?;
    let mut n: u64 = 0;
    for c in body.bytes() {
        let d = BASE62.iter().position(|b| *b == c)? as u64;
        n = n.checked_mul(62)?.checked_add(d)?;
    }
    Some(n)
}

/// Salesforce's case-safe suffix: one character per 5-character chunk, a bit per upper-case letter.
pub fn checksum(id15: &str) -> String {
    let bytes = id15.as_bytes();
    let mut out = String::with_capacity(3);
    for chunk in 0..3 {
        let mut bits = 0usize;
        for i in 0..5 {
            if let Some(c) = bytes.get(chunk * 5 + i)
                && c.is_ascii_uppercase()
            {
                bits |= 1 << i;
            }
        }
        out.push(CHECKSUM[bits] as char);
    }
    out
}

/// A random string over `alphabet`, from the thread's CSPRNG.
pub fn random_string(len: usize, alphabet: &[u8]) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect()
}

/// Letters and digits, as in Salesforce tokens.
pub fn random_alnum(len: usize) -> String {
    random_string(len, BASE62)
}

/// A random lower-case hex string.
pub fn random_hex(len: usize) -> String {
    random_string(len, b"0123456789abcdef")
}

/// A random UUID-shaped string (version 4 layout), as Marketo access tokens use.
pub fn random_uuid() -> String {
    let h = random_hex(32);
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_carry_a_checksum() {
        for n in [0u64, 1, 61, 62, 4711, 99_999, 56_800_235_583] {
            let id = sf_id("005", n);
            assert_eq!(id.len(), 18, "{id}");
            assert_eq!(sf_id_number(&id, "005"), Some(n));
            assert_eq!(sf_id_number(&id[..15], "005"), Some(n));
            assert_eq!(sf_id_number(&id, "00Q"), None);
        }
    }

    #[test]
    fn checksum_matches_a_known_salesforce_id() {
        // A documented example pair: 001A0000006Vm9r -> 001A0000006Vm9rIAC.
        assert_eq!(checksum("001A0000006Vm9r"), "IAC");
    }

    #[test]
    fn bad_ids_are_rejected_not_panicking() {
        for bad in [
            "",
            "005",
            "005💥💥💥💥💥💥💥💥💥💥💥💥",
            "0058d0000zzzzzzXXX",
            "abcdefghijklmnopqr",
        ] {
            let _ = sf_id_number(bad, "005");
        }
        let mut id = sf_id("005", 5);
        id.replace_range(15..18, "ZZZ");
        assert_eq!(sf_id_number(&id, "005"), None);
    }

    #[test]
    fn uuid_has_the_right_shape() {
        let u = random_uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(u.matches('-').count(), 4);
    }
}
