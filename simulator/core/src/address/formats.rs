//! Country address formats: Google's libaddressinput metadata for 50 countries, compiled
//! in from `fixtures/address-formats/formats.json` (CC-BY 4.0, see the README there).
//! Parsed once on first use; pure (no I/O at run time).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

const FORMATS_JSON: &str = include_str!("../../../../fixtures/address-formats/formats.json");

/// A state, province or other first-level region a country's addresses name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Region {
    /// The key the country's data uses (`CA`, `東京都`, `Co. Dublin`).
    pub key: String,
    /// ISO 3166-2 subdivision code without the country prefix, when it differs from `key`.
    #[serde(default)]
    pub iso: Option<String>,
    /// Local name when it differs from `key` (`California`).
    #[serde(default)]
    pub name: Option<String>,
    /// Latin-script name for non-Latin keys (`Tokyo`).
    #[serde(default)]
    pub latin: Option<String>,
}

impl Region {
    /// The code a storefront sends as `province_code`: the ISO code, else the key.
    pub fn code(&self) -> &str {
        self.iso.as_deref().unwrap_or(&self.key)
    }

    /// Whether `value` names this region by any of its spellings (case-insensitive).
    pub fn is_named(&self, value: &str) -> bool {
        let wanted = value.trim().to_lowercase();
        [
            Some(self.key.as_str()),
            self.iso.as_deref(),
            self.name.as_deref(),
            self.latin.as_deref(),
        ]
        .into_iter()
        .flatten()
        .any(|s| s.to_lowercase() == wanted)
    }
}

/// One country's address format.
#[derive(Debug, Clone, Deserialize)]
pub struct CountryFormat {
    /// Upper-case English name (`UNITED KINGDOM`).
    pub name: String,
    /// Line order in libaddressinput notation: `%N` name, `%O` company, `%A` street lines,
    /// `%D` district, `%C` city, `%S` state, `%Z` postcode, `%n` new line.
    pub fmt: String,
    /// Latin-script line order where the local one differs.
    #[serde(default)]
    pub lfmt: Option<String>,
    /// Required fields as letters (`A` street, `C` city, `S` state, `Z` postcode).
    pub require: String,
    /// Fields the post office wants in upper case.
    #[serde(default)]
    pub upper: String,
    /// Postcode pattern; `None` where the country has no postcodes.
    #[serde(default)]
    pub zip: Option<String>,
    /// Example postcodes.
    #[serde(default)]
    pub zipex: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    /// What the country calls its first-level region (`state`, `prefecture`, `county`).
    pub state_name_type: String,
    #[serde(default)]
    pub states: Vec<Region>,
}

impl CountryFormat {
    /// Whether a field letter (`A`, `C`, `S`, `Z`) is required.
    pub fn requires(&self, field: char) -> bool {
        self.require.contains(field)
    }

    pub fn has_postcode(&self) -> bool {
        self.zip.is_some()
    }

    /// The region `value` names, if the country lists regions and one matches.
    pub fn region(&self, value: &str) -> Option<&Region> {
        self.states.iter().find(|r| r.is_named(value))
    }
}

#[derive(Deserialize)]
struct Document {
    countries: BTreeMap<String, CountryFormat>,
}

struct Table {
    formats: BTreeMap<String, CountryFormat>,
    /// Each country's postcode pattern, anchored to the whole value.
    postcodes: BTreeMap<String, regex_lite::Regex>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The fixture is compiled in and covered by tests: a parse failure is a build
        // defect, reported as an empty table rather than a panic at run time.
        let formats = serde_json::from_str::<Document>(FORMATS_JSON)
            .map(|d| d.countries)
            .unwrap_or_default();
        let postcodes = formats
            .iter()
            .filter_map(|(code, f)| {
                let pattern = f.zip.as_ref()?;
                let anchored = format!("^(?:{pattern})$");
                regex_lite::Regex::new(&anchored)
                    .ok()
                    .map(|re| (code.clone(), re))
            })
            .collect();
        Table { formats, postcodes }
    })
}

/// Every country with format data, by ISO 3166-1 alpha-2 code.
pub fn all() -> &'static BTreeMap<String, CountryFormat> {
    &table().formats
}

/// The format of one country (`GB`, case-insensitive).
pub fn country(code: &str) -> Option<&'static CountryFormat> {
    table().formats.get(&code.trim().to_ascii_uppercase())
}

/// Whether `postcode` fits the country's pattern exactly. `None` when the country has no
/// postcode pattern (or no data).
pub fn postcode_fits(country: &str, postcode: &str) -> Option<bool> {
    table()
        .postcodes
        .get(&country.trim().to_ascii_uppercase())
        .map(|re| re.is_match(postcode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_parses_with_at_least_forty_countries_and_every_pattern_compiles() {
        assert!(all().len() >= 40, "{} countries", all().len());
        for (code, f) in all() {
            if f.zip.is_some() {
                assert!(table().postcodes.contains_key(code), "{code} pattern");
            }
        }
    }

    #[test]
    fn every_example_postcode_fits_its_pattern() {
        for (code, f) in all() {
            for example in &f.zipex {
                assert_eq!(postcode_fits(code, example), Some(true), "{code} {example}");
            }
        }
    }

    #[test]
    fn facts_from_the_data() {
        let gb = country("gb").expect("GB");
        assert!(gb.requires('Z') && gb.requires('C'));
        assert_eq!(postcode_fits("GB", "SW1A 1AA"), Some(true));
        assert_eq!(postcode_fits("GB", "SW1A1AA"), Some(true));
        assert_eq!(postcode_fits("GB", "SW1A 1A"), Some(false));
        let hk = country("HK").expect("HK");
        assert!(!hk.has_postcode());
        assert_eq!(postcode_fits("HK", "000000"), None);
        let us = country("US").expect("US");
        assert_eq!(us.region("california").map(Region::code), Some("CA"));
        let jp = country("JP").expect("JP");
        assert_eq!(jp.region("Tokyo").map(Region::code), Some("13"));
    }
}
