//! Shrinking: smaller variants of a failing address, field by field. The run keeps the
//! smallest variant that still fails the same way and repeats until none does. Pure.

use drydock_core::address::Address;

use crate::case::{FIELDS, field, size, with_field};

/// Variants of `value` with parts removed: empty, each half, each quarter and eighth cut
/// out, the first or last character, and (for short values) each single character.
fn smaller(value: &str) -> Vec<String> {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    let mut out = Vec::new();
    if n == 0 {
        return out;
    }
    out.push(String::new());
    let cut = |from: usize, to: usize| -> String {
        chars[..from].iter().chain(&chars[to..]).collect::<String>()
    };
    if n >= 2 {
        out.push(cut(n / 2, n));
        out.push(cut(0, n / 2));
    }
    if n >= 4 {
        let q = n / 4;
        for i in 0..4 {
            let to = if i == 3 { n } else { (i + 1) * q };
            out.push(cut(i * q, to));
        }
    }
    if n >= 8 {
        let e = n / 8;
        for i in 0..8 {
            let to = if i == 7 { n } else { (i + 1) * e };
            out.push(cut(i * e, to));
        }
    }
    if n <= 16 {
        for i in 0..n {
            out.push(cut(i, i + 1));
        }
    } else {
        out.push(cut(n - 1, n));
        out.push(cut(0, 1));
    }
    let trimmed = value.trim();
    if trimmed.len() != value.len() {
        out.push(trimmed.to_owned());
    }
    out.sort_by_key(|s| s.chars().count());
    out.dedup();
    out
}

/// Every one-step smaller variant of `address`, smallest first, at most `limit`.
pub fn candidates(address: &Address, limit: usize) -> Vec<Address> {
    let mut out: Vec<Address> = FIELDS
        .iter()
        .flat_map(|name| {
            smaller(field(address, name))
                .into_iter()
                .map(|value| with_field(address, name, value))
        })
        .collect();
    out.sort_by_key(size);
    out.dedup();
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_are_strictly_smaller_and_reach_single_characters() {
        let a = Address {
            name: "Ada".into(),
            street1: "12 Main St\u{7}".into(),
            country: "US".into(),
            ..Address::default()
        };
        let all = candidates(&a, usize::MAX);
        assert!(all.iter().all(|c| size(c) < size(&a)));
        assert!(all.iter().any(|c| c.street1 == "12 Main St"));
        assert!(all.iter().any(|c| c.name.is_empty()));
        assert!(
            all.iter().all(|c| c.country == "US"),
            "the country never shrinks"
        );
        assert_eq!(candidates(&a, 3).len(), 3);
        assert!(smaller("").is_empty());
    }
}
