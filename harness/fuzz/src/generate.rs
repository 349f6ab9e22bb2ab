//! Proptest strategies: a valid address per country from its format data, and the
//! mutation families on top. A seed gives the same cases every time.

use drydock_core::address::Address;
use drydock_core::address::formats::{self, CountryFormat};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use unicode_normalization::UnicodeNormalization;

use crate::case::{Family, FuzzCase, field, with_field};
use crate::words::*;

fn pick<'a>(pool: &[&'a str], draw: u32) -> &'a str {
    pool.get(draw as usize % pool.len().max(1))
        .copied()
        .unwrap_or_default()
}

/// A deliverable address for `country`, in Latin script, built from its format: the
/// required fields present, a state from its list, a postcode from its examples.
pub fn valid_address(country: &str) -> impl Strategy<Value = Address> + use<> {
    let code = country.trim().to_ascii_uppercase();
    let format = formats::country(&code);
    (
        (
            0..FIRST_NAMES.len(),
            0..LAST_NAMES.len(),
            0..COMPANIES.len(),
        ),
        (1u32..2500, 0..STREET_NAMES.len(), 0..STREET_KINDS.len()),
        (0..CITIES.len(), any::<u32>(), any::<u32>(), any::<bool>()),
    )
        .prop_map(
            move |((first, last, company), (number, street, kind), (city, state, zip, named))| {
                let (state, zip) = match format {
                    Some(f) => region_and_postcode(f, state, zip, named),
                    None => (String::new(), String::new()),
                };
                Address {
                    name: format!("{} {}", FIRST_NAMES[first], LAST_NAMES[last]),
                    company: COMPANIES[company].to_owned(),
                    street1: format!("{number} {} {}", STREET_NAMES[street], STREET_KINDS[kind]),
                    street2: String::new(),
                    city: CITIES[city].to_owned(),
                    state,
                    zip,
                    country: code.clone(),
                    phone: String::new(),
                    email: String::new(),
                }
            },
        )
}

fn region_and_postcode(f: &CountryFormat, state: u32, zip: u32, named: bool) -> (String, String) {
    let region = if f.states.is_empty() || !(f.requires('S') || named) {
        String::new()
    } else {
        f.states
            .get(state as usize % f.states.len())
            .map(|r| r.code().to_owned())
            .unwrap_or_default()
    };
    let postcode = if f.has_postcode() {
        f.zipex
            .get(zip as usize % f.zipex.len().max(1))
            .cloned()
            .unwrap_or_default()
    } else {
        String::new()
    };
    (region, postcode)
}

/// The strategy for one case: a valid address of `country`, then `family`'s mutation.
pub fn case_strategy(country: &str, family: Family) -> impl Strategy<Value = Address> + use<> {
    let code = country.trim().to_ascii_uppercase();
    (valid_address(&code), prop::array::uniform6(any::<u32>()))
        .prop_map(move |(base, draws)| mutate(family, &code, base, draws))
}

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

/// Inserts `piece` at a char position chosen by `draw`.
fn insert_at(value: &str, piece: &str, draw: u32) -> String {
    let chars: Vec<char> = value.chars().collect();
    let at = draw as usize % (chars.len() + 1);
    let mut out: String = chars[..at].iter().collect();
    out.push_str(piece);
    out.extend(&chars[at..]);
    out
}

fn script_for(country: &str) -> Option<&'static Script> {
    SCRIPTS.iter().find(|s| s.countries.contains(&country))
}

/// Applies a mutation family to a valid address. `r` are the family's random draws.
pub fn mutate(family: Family, country: &str, base: Address, r: [u32; 6]) -> Address {
    let format = formats::country(country);
    let mut a = base;
    match family {
        Family::Valid => {}
        Family::Unit => {
            let unit = pick(UNITS, r[0]);
            if r[1].is_multiple_of(3) {
                a.street1 = format!("{} {unit}", a.street1);
            } else {
                a.street2 = unit.to_owned();
            }
        }
        Family::PostBox => match r[0] % 4 {
            0 if country == "US" => {
                a.street1 = format!("PSC {}, Box {}", 1000 + r[1] % 8999, 100 + r[2] % 899);
                a.city = "APO".into();
                a.state = "AE".into();
                a.zip = "09012".into();
            }
            1 => a.street2 = format!("PMB {}", 1 + r[1] % 999),
            2 if country == "DE" || country == "AT" || country == "CH" => {
                a.street1 = format!("Postfach {}", 1 + r[1] % 9999);
            }
            _ => {
                let form = pick(&["PO Box", "P.O. Box", "Po Box", "P O Box"], r[2]);
                a.street1 = format!("{form} {}", 1 + r[1] % 9999);
            }
        },
        Family::Postcode => {
            a.zip = if format.is_some_and(CountryFormat::has_postcode) {
                match r[0] % 6 {
                    0 => String::new(),
                    1 => {
                        let mut z = a.zip.clone();
                        z.pop();
                        z
                    }
                    2 => format!("{}9", a.zip),
                    3 => "ABCDE".into(),
                    4 => "N/A".into(),
                    _ => a.zip.chars().rev().collect(),
                }
            } else {
                pick(&["N/A", "000000", "-"], r[0]).to_owned()
            };
        }
        Family::NoPostcode => a.zip = String::new(),
        Family::PostcodeForm => {
            a.zip = match r[0] % 3 {
                0 => a.zip.replace(' ', "").to_lowercase(),
                1 => a.zip.to_lowercase(),
                _ => format!(" {} ", a.zip.replace(' ', "  ")),
            };
        }
        Family::LongLine => {
            let target = 60 + (r[1] % 200) as usize;
            let which = pick(&["street1", "street2", "name", "city", "company"], r[0]);
            let mut value = field(&a, which).to_owned();
            let mut i = r[2];
            while value.chars().count() < target {
                if !value.is_empty() {
                    value.push(' ');
                }
                value.push_str(pick(LONG_WORDS, i));
                i = i.wrapping_add(7);
            }
            a = with_field(&a, which, value);
        }
        Family::NonLatin => {
            let (script, native) = match script_for(country) {
                Some(s) => (s, true),
                None => (&SCRIPTS[r[0] as usize % SCRIPTS.len()], false),
            };
            a.name = pick(script.names, r[1]).to_owned();
            if native {
                a.street1 = pick(script.streets, r[2]).to_owned();
                a.city = pick(script.cities, r[3]).to_owned();
            }
        }
        Family::Combining => {
            let (name, street, city) = (
                pick(ACCENTED_NAMES, r[0]),
                pick(ACCENTED_STREETS, r[1]),
                pick(ACCENTED_CITIES, r[2]),
            );
            let all_nfd = r[3].is_multiple_of(2);
            a.name = nfd(name);
            a.street1 = if all_nfd {
                nfd(street)
            } else {
                street.to_owned()
            };
            a.city = if all_nfd { nfd(city) } else { city.to_owned() };
        }
        Family::Rtl => {
            let rtl: Vec<&Script> = SCRIPTS.iter().filter(|s| s.rtl).collect();
            let script = script_for(country)
                .filter(|s| s.rtl)
                .unwrap_or(rtl[r[0] as usize % rtl.len()]);
            let name = pick(script.names, r[1]);
            a.name = if r[2].is_multiple_of(2) {
                format!("\u{200F}{name}\u{200F}")
            } else {
                name.to_owned()
            };
            a.street2 = pick(RTL_UNITS, r[3]).to_owned();
            if script.countries.contains(&country) {
                a.street1 = pick(script.streets, r[4]).to_owned();
                a.city = pick(script.cities, r[5]).to_owned();
            }
        }
        Family::Emoji => {
            let emoji = pick(EMOJI, r[0]);
            match r[1] % 3 {
                0 => a.name = format!("{} {emoji}", a.name),
                1 => a.street2 = format!("{emoji} {}", pick(UNITS, r[2])),
                _ => a.company = format!("{emoji} Café"),
            }
        }
        Family::Whitespace => {
            for (i, which) in ["name", "street1", "street2", "city", "zip"]
                .into_iter()
                .enumerate()
            {
                if (r[0] >> i) & 1 == 0 {
                    continue;
                }
                let inner = pick(WHITESPACE, r[1].wrapping_add(i as u32));
                let edge = pick(WHITESPACE, r[2].wrapping_add(i as u32));
                let value = field(&a, which).replace(' ', inner);
                a = with_field(&a, which, format!("{edge}{value}{edge}"));
            }
            if r[3].is_multiple_of(4) {
                a.street2 = "  \t ".into();
            }
        }
        Family::Control => {
            let which = pick(&["name", "street1", "street2", "city", "zip"], r[0]);
            let value = insert_at(field(&a, which), pick(CONTROL, r[1]), r[2]);
            a = with_field(&a, which, value);
        }
        Family::Injection => {
            let which = pick(&["name", "company", "street1", "street2", "city"], r[0]);
            let text = pick(INJECTION, r[1]);
            let value = match which {
                "name" | "street1" => format!("{} {text}", field(&a, which)),
                _ => text.to_owned(),
            };
            a = with_field(&a, which, value);
        }
        Family::HouseNumber => {
            let street = format!("{} {}", pick(STREET_NAMES, r[1]), pick(STREET_KINDS, r[2]));
            a.street1 = pick(HOUSE_NUMBERS, r[0]).replace("{street}", &street);
        }
    }
    a
}

/// Why cases could not be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCountry(pub String);

impl std::fmt::Display for UnknownCountry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let known: Vec<&str> = formats::all().keys().map(String::as_str).collect();
        write!(
            f,
            "no address format for country {:?}; known: {}",
            self.0,
            known.join(" ")
        )
    }
}

/// The countries to fuzz: the given ISO codes (checked against the format data), or
/// every country with data when none are given.
pub fn countries(wanted: &[String]) -> Result<Vec<String>, UnknownCountry> {
    if wanted.is_empty() {
        return Ok(formats::all().keys().cloned().collect());
    }
    let mut out = Vec::new();
    for code in wanted {
        let code = code.trim().to_ascii_uppercase();
        if formats::country(&code).is_none() {
            return Err(UnknownCountry(code));
        }
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

fn runner(seed: u64) -> TestRunner {
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&seed.to_le_bytes());
    }
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

fn draw<S: Strategy>(strategy: S, runner: &mut TestRunner) -> Option<S::Value> {
    strategy.new_tree(runner).ok().map(|tree| tree.current())
}

/// The first `count` cases of `seed`'s sequence over `countries` (non-empty). Case `i`
/// is the same whatever `count` is.
pub fn generate(seed: u64, count: usize, countries: &[String]) -> Vec<FuzzCase> {
    let mut runner = runner(seed);
    let mut cases = Vec::with_capacity(count);
    if countries.is_empty() {
        return cases;
    }
    for index in 0..count {
        let Some(c) = draw(0..countries.len(), &mut runner) else {
            break;
        };
        let Some(f) = draw(0..Family::ALL.len(), &mut runner) else {
            break;
        };
        let country = countries[c].clone();
        let family = Family::ALL[f];
        let Some(address) = draw(case_strategy(&country, family), &mut runner) else {
            break;
        };
        cases.push(FuzzCase {
            index,
            country,
            family,
            address,
        });
    }
    cases
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_core::address::verify_delivery;

    fn all() -> Vec<String> {
        countries(&[]).expect("all countries")
    }

    #[test]
    fn the_same_seed_generates_the_same_cases() {
        let a = generate(7, 300, &all());
        let b = generate(7, 300, &all());
        assert_eq!(a.len(), 300);
        assert_eq!(a, b);
        let other = generate(8, 300, &all());
        assert_ne!(a, other, "another seed gives other cases");
        let prefix = generate(7, 40, &all());
        assert_eq!(prefix[..], a[..40], "case i does not depend on the count");
    }

    #[test]
    fn every_country_and_family_turns_up() {
        let cases = generate(1, 2000, &all());
        for code in all() {
            assert!(cases.iter().any(|c| c.country == code), "{code}");
        }
        for family in Family::ALL {
            assert!(cases.iter().any(|c| c.family == family), "{family:?}");
        }
    }

    #[test]
    fn valid_addresses_verify_for_every_country() {
        let mut runner = runner(3);
        for code in all() {
            for _ in 0..20 {
                let a = draw(valid_address(&code), &mut runner).expect("address");
                let v = verify_delivery(&a);
                assert!(v.success, "{code}: {a:?} {:?}", v.errors);
            }
        }
    }

    #[test]
    fn mutations_do_what_they_say() {
        let base = Address {
            name: "Ada Lovelace".into(),
            street1: "12 Main St".into(),
            city: "London".into(),
            zip: "SW1A 1AA".into(),
            country: "GB".into(),
            ..Address::default()
        };
        let form = mutate(Family::PostcodeForm, "GB", base.clone(), [0; 6]);
        assert_eq!(form.zip, "sw1a1aa");
        let control = mutate(Family::Control, "GB", base.clone(), [1, 1, 2, 0, 0, 0]);
        assert_eq!(control.street1, "12\u{7} Main St");
        let nfd = mutate(Family::Combining, "GB", base.clone(), [0; 6]);
        assert_ne!(nfd.name, "José Müller");
        assert_eq!(nfd.name.nfc().collect::<String>(), "José Müller");
        let long = mutate(Family::LongLine, "GB", base, [0, 0, 0, 0, 0, 0]);
        assert!(long.street1.chars().count() >= 60);
        assert!(countries(&["xx".into()]).is_err());
        assert_eq!(
            countries(&["gb".into(), "GB".into()]),
            Ok(vec!["GB".into()])
        );
    }
}
