//! The closing tables: cases, passes and failures per country and per mutation family.

use std::collections::BTreeMap;

use crate::judge::{Outcome, Verdict};
use crate::run::CaseResult;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    pub cases: usize,
    pub shipped: usize,
    pub held: usize,
    /// Failures other than false holds: bad labels, lost names or units, silence.
    pub failed: usize,
    /// Holds (or alerts) for addresses the carrier accepts as typed.
    pub false_holds: usize,
}

impl Row {
    fn add(&mut self, v: &Verdict) {
        self.cases += 1;
        match v {
            Verdict::Pass {
                outcome: Outcome::Shipped,
                ..
            } => self.shipped += 1,
            Verdict::Pass {
                outcome: Outcome::Held,
                ..
            } => self.held += 1,
            Verdict::Fail(f) if f.kind == "false-hold" => self.false_holds += 1,
            Verdict::Fail(_) => self.failed += 1,
        }
    }
}

/// Rows keyed by country and by family name.
pub fn tables(results: &[CaseResult]) -> (BTreeMap<String, Row>, BTreeMap<&'static str, Row>) {
    let mut countries: BTreeMap<String, Row> = BTreeMap::new();
    let mut families: BTreeMap<&'static str, Row> = BTreeMap::new();
    for r in results {
        countries
            .entry(r.case.country.clone())
            .or_default()
            .add(&r.verdict);
        families
            .entry(r.case.family.name())
            .or_default()
            .add(&r.verdict);
    }
    (countries, families)
}

/// One table as text: a header, a line per key, aligned.
pub fn render<K: std::fmt::Display>(title: &str, rows: &BTreeMap<K, Row>) -> String {
    let mut out = format!(
        "{title:<14} {:>6} {:>8} {:>6} {:>7} {:>10}\n",
        "cases", "shipped", "held", "failed", "false hold"
    );
    for (key, row) in rows {
        out.push_str(&format!(
            "{:<14} {:>6} {:>8} {:>6} {:>7} {:>10}\n",
            key.to_string(),
            row.cases,
            row.shipped,
            row.held,
            row.failed,
            row.false_holds
        ));
    }
    out
}
