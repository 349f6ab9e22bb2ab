#!/usr/bin/env python3
"""Drive drydock's EasyPost simulator with the unchanged official EasyPost Python SDK.

Environment:
  DRYDOCK_EASYPOST_URL      base URL including the version path, e.g. http://127.0.0.1:40002/v2
  DRYDOCK_EASYPOST_API_KEY  an API key the simulator accepts

Prints "ok <name>" per passed check and "N passed, 0 failed" at the end.
Exits 1 with a FAIL line on the first failed check.
"""

import os
import sys
import traceback

try:
    import easypost
    from easypost.errors import ApiError, InvalidRequestError, NotFoundError, UnauthorizedError
except ImportError as exc:  # pragma: no cover - environment problem
    print(f"FAIL import: the easypost SDK is not installed ({exc})", flush=True)
    sys.exit(1)

PASSED = 0

VALID_TO = {
    "name": "Dr. Steve Brule",
    "street1": "179 N Harbor Dr",
    "city": "Redondo Beach",
    "state": "CA",
    "zip": "90277",
    "country": "US",
    "phone": "3331114444",
}

WAREHOUSE = {
    "company": "Drydock Warehouse",
    "street1": "417 Montgomery Street",
    "street2": "Floor 5",
    "city": "San Francisco",
    "state": "CA",
    "zip": "94104",
    "country": "US",
    "phone": "4155559999",
}

BAD_ADDRESS = {
    "street1": "000 Nowhere Missing",
    "city": "Nowhere",
    "state": "CA",
    "zip": "00000",
    "country": "US",
}

PARCEL = {"length": 10, "width": 8, "height": 4, "weight": 16}


class CheckFailed(Exception):
    pass


def fail(name, message):
    print(f"FAIL {name}: {message}", flush=True)
    print(f"{PASSED} passed, 1 failed", flush=True)
    sys.exit(1)


def require(condition, message):
    if not condition:
        raise CheckFailed(message)


def check(name, fn):
    """Run one check; fn returns a value for later checks or raises."""
    global PASSED
    try:
        result = fn()
    except CheckFailed as exc:
        fail(name, str(exc))
    except ApiError as exc:
        fail(
            name,
            f"unexpected {type(exc).__name__} http_status={exc.http_status} "
            f"code={exc.code!r} message={exc.message!r} body={exc.http_body!r}",
        )
    except Exception as exc:  # SDK raised something non-API (KeyError, AttributeError, ...)
        detail = traceback.format_exc(limit=4)
        fail(name, f"unexpected {type(exc).__name__}: {exc}\n{detail}")
    PASSED += 1
    print(f"ok {name}", flush=True)
    return result


def field(obj, key, default=None):
    """Read a key from an EasyPostObject or plain value without raising."""
    if obj is None:
        return default
    try:
        return obj[key]
    except (KeyError, TypeError):
        return default


def expect_api_error(name, fn, expected_cls, expected_status):
    def run():
        try:
            value = fn()
        except ApiError as exc:
            require(
                isinstance(exc, expected_cls),
                f"expected {expected_cls.__name__}, got {type(exc).__name__} "
                f"(http_status={exc.http_status}, body={exc.http_body!r})",
            )
            require(
                exc.http_status == expected_status,
                f"expected http_status {expected_status}, got {exc.http_status}",
            )
            require(
                isinstance(exc.code, str) and exc.code,
                f"error body lacks error.code (body={exc.http_body!r})",
            )
            require(
                isinstance(exc.message, str) and exc.message,
                f"error body lacks error.message (body={exc.http_body!r})",
            )
            return exc
        raise CheckFailed(f"expected {expected_cls.__name__} ({expected_status}), call succeeded: {value!r}")

    return check(name, run)


def main():
    base = os.environ.get("DRYDOCK_EASYPOST_URL", "").strip()
    key = os.environ.get("DRYDOCK_EASYPOST_API_KEY", "").strip()
    if not base or not key:
        fail("environment", "DRYDOCK_EASYPOST_URL and DRYDOCK_EASYPOST_API_KEY must both be set")
    if base.endswith("/"):
        fail("environment", f"DRYDOCK_EASYPOST_URL must not end with '/': {base!r} (the SDK appends '/addresses' etc.)")

    print(f"# easypost SDK {easypost.__version__} against {base}", flush=True)
    client = easypost.EasyPostClient(key, api_base=base, timeout=30)

    # --- addresses -------------------------------------------------------
    def verify_valid():
        addr = client.address.create(verify=True, **VALID_TO)
        require(isinstance(addr, easypost.models.Address), f"expected Address, got {type(addr).__name__}")
        require(str(addr.id).startswith("adr_"), f"address id {addr.id!r} lacks adr_ prefix")
        delivery = field(field(addr, "verifications"), "delivery")
        require(delivery is not None, "response lacks verifications.delivery")
        require(field(delivery, "success") is True, f"verifications.delivery.success is {field(delivery, 'success')!r}, expected True")
        return addr

    check("address_create_verify_valid", verify_valid)

    def create_and_verify_valid():
        addr = client.address.create_and_verify(**VALID_TO)
        require(isinstance(addr, easypost.models.Address), f"expected Address, got {type(addr).__name__}")
        require(str(addr.id).startswith("adr_"), f"address id {addr.id!r} lacks adr_ prefix")
        delivery = field(field(addr, "verifications"), "delivery")
        require(field(delivery, "success") is True, "verifications.delivery.success is not True")
        return addr

    check("address_create_and_verify_valid", create_and_verify_valid)

    def verify_invalid():
        addr = client.address.create(verify=True, **BAD_ADDRESS)
        require(str(addr.id).startswith("adr_"), f"address id {addr.id!r} lacks adr_ prefix")
        delivery = field(field(addr, "verifications"), "delivery")
        require(delivery is not None, "response lacks verifications.delivery")
        require(field(delivery, "success") is False, f"verifications.delivery.success is {field(delivery, 'success')!r}, expected False")
        errors = field(delivery, "errors") or []
        codes = [str(field(e, "code", "")) for e in errors]
        require(any(c.startswith("E.ADDRESS") for c in codes), f"no E.ADDRESS* code in verifications.delivery.errors (codes={codes})")
        return addr

    check("address_create_verify_invalid", verify_invalid)

    warehouse = check("address_create_warehouse", lambda: client.address.create(**WAREHOUSE))

    # --- shipment + rates ------------------------------------------------
    def create_shipment():
        # to_address inline, from_address as an Address object (the SDK sends {"id": ...})
        shp = client.shipment.create(to_address=VALID_TO, from_address=warehouse, parcel=PARCEL)
        require(isinstance(shp, easypost.models.Shipment), f"expected Shipment, got {type(shp).__name__}")
        require(str(shp.id).startswith("shp_"), f"shipment id {shp.id!r} lacks shp_ prefix")
        rates = field(shp, "rates") or []
        require(len(rates) > 0, "shipment has no rates")
        for rate in rates:
            require(str(field(rate, "id", "")).startswith("rate_"), f"rate id {field(rate, 'id')!r} lacks rate_ prefix")
            require(field(rate, "carrier") and field(rate, "service"), f"rate {field(rate, 'id')} lacks carrier/service")
            float(field(rate, "rate"))  # the SDK's lowest_rate() does float(rate.rate)
        require(field(shp, "postage_label") is None, "unbought shipment already has a postage_label")
        return shp

    shipment = check("shipment_create_with_rates", create_shipment)

    lowest = check("shipment_lowest_rate", lambda: shipment.lowest_rate())

    def buy():
        bought = client.shipment.buy(shipment.id, rate=lowest)
        require(bought.id == shipment.id, f"bought shipment id {bought.id!r} != {shipment.id!r}")
        label_url = field(field(bought, "postage_label"), "label_url")
        require(label_url, "bought shipment lacks postage_label.label_url")
        require(field(bought, "tracking_code"), "bought shipment lacks tracking_code")
        selected = field(bought, "selected_rate")
        require(field(selected, "id") == lowest.id, f"selected_rate.id {field(selected, 'id')!r} != lowest rate {lowest.id!r}")
        return bought

    bought = check("shipment_buy_lowest_rate", buy)

    expect_api_error(
        "shipment_buy_twice_422",
        lambda: client.shipment.buy(shipment.id, rate=lowest),
        InvalidRequestError,
        422,
    )

    # --- trackers --------------------------------------------------------
    def retrieve_tracker():
        tracker_id = field(field(bought, "tracker"), "id") or field(bought, "tracker_id")
        require(tracker_id, "bought shipment has neither tracker.id nor tracker_id")
        require(str(tracker_id).startswith("trk_"), f"tracker id {tracker_id!r} lacks trk_ prefix")
        trk = client.tracker.retrieve(tracker_id)
        require(isinstance(trk, easypost.models.Tracker), f"expected Tracker, got {type(trk).__name__}")
        require(trk.id == tracker_id, f"retrieved tracker id {trk.id!r} != {tracker_id!r}")
        require(
            field(trk, "tracking_code") == bought.tracking_code,
            f"tracker tracking_code {field(trk, 'tracking_code')!r} != shipment's {bought.tracking_code!r}",
        )
        return trk

    check("tracker_retrieve_by_id", retrieve_tracker)

    def create_tracker():
        trk = client.tracker.create(tracking_code=bought.tracking_code)
        require(isinstance(trk, easypost.models.Tracker), f"expected Tracker, got {type(trk).__name__}")
        require(str(trk.id).startswith("trk_"), f"tracker id {trk.id!r} lacks trk_ prefix")
        require(
            field(trk, "tracking_code") == bought.tracking_code,
            f"tracker tracking_code {field(trk, 'tracking_code')!r} != {bought.tracking_code!r}",
        )
        return trk

    check("tracker_create_by_tracking_code", create_tracker)

    # --- errors ----------------------------------------------------------
    expect_api_error(
        "shipment_retrieve_missing_404",
        lambda: client.shipment.retrieve("shp_drydockdoesnotexist0000"),
        NotFoundError,
        404,
    )

    bad_client = easypost.EasyPostClient(key + "_wrong", api_base=base, timeout=30)
    expect_api_error(
        "wrong_api_key_401",
        lambda: bad_client.address.create(**WAREHOUSE),
        UnauthorizedError,
        401,
    )

    print(f"{PASSED} passed, 0 failed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
