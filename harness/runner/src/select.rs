//! Choosing which scenarios of a suite this run plays. Pure: no I/O.
//!
//! First `--filter`: a scenario is kept when one filter is a case-insensitive substring of
//! its `name:` or of one of its `tags:` (several filters: any may match). Then `--shard
//! K/N`: the kept scenarios, in discovery order (paths as given, each directory's files
//! sorted by name), are dealt round-robin, the i-th (from 0) going to shard `i mod N + 1`.
//! Every shard of one suite therefore gets a near-equal share and, together, the N shards
//! play each kept scenario exactly once.

use std::fmt;
use std::str::FromStr;

/// One of N equal parts of a suite, numbered from 1 (`--shard 2/3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which part, 1..=count.
    pub index: usize,
    pub count: usize,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let shape = || {
            format!(
                "`{text}` is not a shard; write K/N (this is part K of N, counted from 1), e.g. 2/3"
            )
        };
        let (k, n) = text.trim().split_once('/').ok_or_else(shape)?;
        let index: usize = k.trim().parse().map_err(|_| shape())?;
        let count: usize = n.trim().parse().map_err(|_| shape())?;
        if count == 0 {
            return Err(format!(
                "`{text}` splits the suite into 0 shards; N must be at least 1"
            ));
        }
        if index == 0 || index > count {
            return Err(format!(
                "`{text}` names shard {index} of {count}; shards are numbered 1 to {count}"
            ));
        }
        Ok(Shard { index, count })
    }
}

/// What `--filter` and `--shard` keep of a suite.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Substrings of a name or tag; empty keeps everything.
    pub filters: Vec<String>,
    pub shard: Option<Shard>,
}

impl Selection {
    /// Whether a scenario passes the filters.
    pub fn matches(&self, name: &str, tags: &[String]) -> bool {
        if self.filters.is_empty() {
            return true;
        }
        let name = name.to_lowercase();
        let tags: Vec<String> = tags.iter().map(|t| t.to_lowercase()).collect();
        self.filters.iter().any(|f| {
            let f = f.to_lowercase();
            name.contains(&f) || tags.iter().any(|t| t.contains(&f))
        })
    }

    /// The positions (into `scenarios`, given as name and tags in discovery order) this
    /// run plays, ascending.
    pub fn choose(&self, scenarios: &[(&str, &[String])]) -> Vec<usize> {
        let kept = scenarios
            .iter()
            .enumerate()
            .filter(|(_, (name, tags))| self.matches(name, tags))
            .map(|(i, _)| i);
        match self.shard {
            None => kept.collect(),
            Some(shard) => kept
                .enumerate()
                .filter(|(n, _)| n % shard.count + 1 == shard.index)
                .map(|(_, i)| i)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suite() -> Vec<(String, Vec<String>)> {
        (0..7)
            .map(|i| {
                let tags = if i % 2 == 0 {
                    vec!["smoke".to_string()]
                } else {
                    vec![]
                };
                (format!("scenario-{i}"), tags)
            })
            .collect()
    }

    fn view(s: &[(String, Vec<String>)]) -> Vec<(&str, &[String])> {
        s.iter().map(|(n, t)| (n.as_str(), t.as_slice())).collect()
    }

    #[test]
    fn shards_partition_the_suite() {
        let s = suite();
        let mut seen = Vec::new();
        for index in 1..=3 {
            let sel = Selection {
                filters: vec![],
                shard: Some(Shard { index, count: 3 }),
            };
            let part = sel.choose(&view(&s));
            assert!((2..=3).contains(&part.len()), "{part:?}");
            seen.extend(part);
        }
        seen.sort();
        assert_eq!(seen, (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn filters_match_name_or_tag_and_shard_what_is_kept() {
        let s = suite();
        let smoke = Selection {
            filters: vec!["SMOKE".into()],
            shard: None,
        };
        assert_eq!(smoke.choose(&view(&s)), vec![0, 2, 4, 6]);
        let either = Selection {
            filters: vec!["scenario-1".into(), "scenario-3".into()],
            shard: None,
        };
        assert_eq!(either.choose(&view(&s)), vec![1, 3]);
        let half = Selection {
            filters: vec!["smoke".into()],
            shard: Some(Shard { index: 2, count: 2 }),
        };
        assert_eq!(half.choose(&view(&s)), vec![2, 6]);
    }

    #[test]
    fn bad_shards_are_refused_with_a_hint() {
        assert_eq!("2/3".parse(), Ok(Shard { index: 2, count: 3 }));
        for (bad, words) in [
            ("0/3", "numbered 1 to 3"),
            ("4/3", "numbered 1 to 3"),
            ("1/0", "at least 1"),
            ("x", "write K/N"),
            ("1/x", "write K/N"),
            ("-1/3", "write K/N"),
        ] {
            match bad.parse::<Shard>() {
                Err(m) => assert!(m.contains(words), "{bad}: {m}"),
                Ok(s) => panic!("{bad} parsed as {s}"),
            }
        }
    }
}
