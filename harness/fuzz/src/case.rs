//! One fuzz case: an address for a country, made by one mutation family.

use drydock_core::address::Address;

/// The kind of trouble a case's address was made with (a row of the summary table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// A clean address straight from the country's format.
    Valid,
    /// Unit designators: APT, STE, UNIT, Flat, `#`, 号室.
    Unit,
    /// PO Box, PMB, APO/FPO military addresses.
    PostBox,
    /// Missing or malformed postcode.
    Postcode,
    /// No postcode at all (HK, AE, IE without an Eircode, ...).
    NoPostcode,
    /// A valid postcode written without its space, in lower case, or spaced out.
    PostcodeForm,
    /// A line far longer than a label prints.
    LongLine,
    /// Names and streets in the country's own script (JP, CN, RU, AR, ...).
    NonLatin,
    /// Accented text as combining characters (NFD) or mixed NFC/NFD.
    Combining,
    /// Right-to-left text (Arabic, Hebrew), sometimes with direction marks.
    Rtl,
    Emoji,
    /// Leading, trailing and internal whitespace, tabs, newlines, no-break spaces.
    Whitespace,
    /// Control characters and invisible formatting inside a line.
    Control,
    /// SQL, markup, template, shell and formula text in a line.
    Injection,
    /// House numbers such as `1A`, `12-14`, `99-40 63rd Rd`, `1-2-3` (chōme).
    HouseNumber,
}

impl Family {
    pub const ALL: [Family; 15] = [
        Family::Valid,
        Family::Unit,
        Family::PostBox,
        Family::Postcode,
        Family::NoPostcode,
        Family::PostcodeForm,
        Family::LongLine,
        Family::NonLatin,
        Family::Combining,
        Family::Rtl,
        Family::Emoji,
        Family::Whitespace,
        Family::Control,
        Family::Injection,
        Family::HouseNumber,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Family::Valid => "valid",
            Family::Unit => "unit",
            Family::PostBox => "po-box",
            Family::Postcode => "postcode",
            Family::NoPostcode => "no-postcode",
            Family::PostcodeForm => "postcode-form",
            Family::LongLine => "long-line",
            Family::NonLatin => "non-latin",
            Family::Combining => "combining",
            Family::Rtl => "rtl",
            Family::Emoji => "emoji",
            Family::Whitespace => "whitespace",
            Family::Control => "control",
            Family::Injection => "injection",
            Family::HouseNumber => "house-number",
        }
    }
}

/// A generated address and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuzzCase {
    /// Position in the seed's sequence (`--case` picks it again).
    pub index: usize,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    pub family: Family,
    pub address: Address,
}

/// The address fields a case varies, by name, for shrinking and printing.
pub const FIELDS: [&str; 7] = [
    "name", "company", "street1", "street2", "city", "state", "zip",
];

/// One field of an address by its name in [`FIELDS`].
pub fn field<'a>(address: &'a Address, name: &str) -> &'a str {
    match name {
        "name" => &address.name,
        "company" => &address.company,
        "street1" => &address.street1,
        "street2" => &address.street2,
        "city" => &address.city,
        "state" => &address.state,
        "zip" => &address.zip,
        "country" => &address.country,
        _ => "",
    }
}

/// The address with one field replaced.
pub fn with_field(address: &Address, name: &str, value: String) -> Address {
    let mut a = address.clone();
    match name {
        "name" => a.name = value,
        "company" => a.company = value,
        "street1" => a.street1 = value,
        "street2" => a.street2 = value,
        "city" => a.city = value,
        "state" => a.state = value,
        "zip" => a.zip = value,
        _ => {}
    }
    a
}

/// Characters in the fields a case varies: what shrinking makes smaller.
pub fn size(address: &Address) -> usize {
    FIELDS
        .iter()
        .map(|f| field(address, f).chars().count())
        .sum()
}
