"""Which warehouse ships an order: the closest one that can ship it complete.

Closest means the same country as the customer, then the same region group (the EU
counts as one), then the order the world declares its warehouses in. A warehouse that
is down is no candidate; if only a warehouse that is down could ship the order complete,
the order waits for it. If none can ship it complete, the closest reachable one gets it
whole and says what it lacks (the order is held as out of stock). Pure: no I/O.
"""

EU = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)

WAIT = None


def distance(customer: str, warehouse: str) -> int:
    customer, warehouse = customer.strip().upper(), warehouse.strip().upper()
    if customer == warehouse:
        return 0
    if customer in EU and warehouse in EU:
        return 1
    return 2


def ships_complete(units: dict, sellable: dict) -> bool:
    return all(sellable.get(sku, 0) >= quantity for sku, quantity in units.items())


def choose(units: dict, country: str, warehouses: list) -> int | None:
    """`warehouses`: [(ship-from country, sellable per SKU, reachable)] in declaration
    order. Returns the index of the warehouse to use, or WAIT."""
    ranked = sorted(range(len(warehouses)), key=lambda i: (distance(country, warehouses[i][0]), i))
    reachable = [i for i in ranked if warehouses[i][2]]
    for i in reachable:
        if ships_complete(units, warehouses[i][1]):
            return i
    if not reachable:
        return WAIT
    if any(not warehouses[i][2] and ships_complete(units, warehouses[i][1]) for i in ranked):
        return WAIT
    return reachable[0]


if __name__ == "__main__":
    # table tests: python3 routing.py
    US, NL = "US", "NL"
    plenty, two = {"MUG": 9, "TEE": 9}, {"MUG": 2}
    cases = [
        ("US customer", {"MUG": 1}, US, [(US, plenty, True), (NL, plenty, True)], 0),
        ("NL customer", {"MUG": 1}, NL, [(US, plenty, True), (NL, plenty, True)], 1),
        ("DE: same region", {"MUG": 1}, "DE", [(US, plenty, True), (NL, plenty, True)], 1),
        ("EU short", {"MUG": 3}, NL, [(US, plenty, True), (NL, two, True)], 0),
        ("closest down", {"MUG": 1}, NL, [(US, plenty, True), (NL, plenty, False)], 0),
        ("only a down one has it", {"TEE": 1}, US, [(US, plenty, False), (NL, two, True)], WAIT),
        ("too little anywhere", {"MUG": 30}, NL, [(US, plenty, True), (NL, two, True)], 1),
    ]
    for name, units, country, warehouses, expected in cases:
        got = choose(units, country, warehouses)
        assert got == expected, f"{name}: {got} != {expected}"
    print(f"{len(cases)} routing cases pass")
