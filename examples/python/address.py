"""Cleaning a customer's shipping address before the carrier sees it.

Only what is safe to fix mechanically: control and invisible format characters, runs of
whitespace, the case of a US/CA state code. The carrier's verification does the rest (and may refuse).
"""

import unicodedata


SEPARATORS = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85"
# zero-width joiners are part of what they join (a family emoji, Indic conjuncts)
JOINERS = "\u200c\u200d"


def clean(text) -> str:
    """Separators become spaces; other control and invisible format characters (a bell,
    a left-to-right mark) are dropped: replacing them with a space would split a name."""
    if text is None:
        return ""
    kept = "".join(
        " " if c in SEPARATORS else "" if unicodedata.category(c) in ("Cc", "Cf") and c not in JOINERS else c
        for c in str(text)
    )
    return " ".join(kept.split())


def for_carrier(shipping: dict, email: str | None) -> dict:
    """An EasyPost address from a Shopify `shipping_address`."""
    name = clean(shipping.get("name")) or clean(f"{shipping.get('first_name') or ''} {shipping.get('last_name') or ''}")
    country = clean(shipping.get("country_code") or shipping.get("country")).upper()
    state = clean(shipping.get("province_code") or shipping.get("province"))
    if country in ("US", "CA") and len(state) == 2:
        state = state.upper()
    address = {
        "name": name,
        "company": clean(shipping.get("company")),
        "street1": clean(shipping.get("address1")),
        "street2": clean(shipping.get("address2")),
        "city": clean(shipping.get("city")),
        "state": state,
        "zip": clean(shipping.get("zip")).upper() if country != "US" else clean(shipping.get("zip")),
        "country": country,
        "phone": clean(shipping.get("phone")),
        "email": clean(email),
    }
    return {k: v for k, v in address.items() if v}
