"""Every reason an import rejects a row, with its exact text (the validator's specification)."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from locator.importers.fee_table import FeeRule
from locator.importers.options import Rules
from locator.importers.records import Record
from locator.importers.rows import RowRejected
from locator.importers.rules import GEOMETRY_PROBLEM, ROW_RULES, Clipped, derived_ref
from locator.importers.validator import columns_of, decide, validate_record

RIGA = {"lat": "56.9496", "lon": "24.1052"}
GOOD = {"source_ref": "1", "kind": "atm", "name": "Swedbank bankomāts", **RIGA}


def record(**fields) -> Record:
    return Record(file="banka.csv", line=7, fields={**GOOD, **fields})


REJECTIONS = [
    ({"lat": None, "lon": None}, "coordinates missing: no lat and lon, and no address to geocode"),
    (
        {"lat": None, "lon": None, "address": "Audēju iela 16, Rīga"},
        "coordinates missing and no geocoder is configured to find 'Audēju iela 16, Rīga' "
        "(set LOCATOR_GEOCODER, or add lat and lon)",
    ),
    ({"lat": None}, "lat is missing"),
    ({"lon": ""}, "lon is missing"),
    ({"lat": "56.9x"}, "lat '56.9x' is not a number"),
    ({"lon": "nan"}, "lon 'nan' is not a number"),
    ({"lat": "91"}, "lat 91 is out of range (-90..90)"),
    ({"lon": "-181.5"}, "lon -181.5 is out of range (-180..180)"),
    (
        {"lat": "24.1052", "lon": "56.9496"},
        "lat 24.1052 and lon 56.9496 look swapped: the point is in Latvia the other way round "
        "(check the lat and lon columns)",
    ),
    (
        {"lat": "54.6872", "lon": "25.2797"},
        "the point lat 54.6872, lon 25.2797 is outside Latvia (use --clip to skip such points)",
    ),
    ({"name": "  "}, "name is empty"),
    ({"address": "Audēju\x00iela"}, "address contains a NUL character (0x00); is the file UTF-16? (give --encoding)"),
    ({"name": "Swedbank \ud83d"}, "name contains a lone surrogate (U+D83D), which is not text; fix the file's escapes"),
    ({"kind": None}, "kind is empty (add a kind column, or give --kind)"),
    ({"kind": "casino"}, "unknown kind 'casino'; expected one of: bank_branch, atm, post_office, dealer, telecom_shop"),
    ({"fee_bill_payment": "-0,50"}, "fee_bill_payment '-0,50' is negative"),
    ({"fee_bill_payment": "free"}, "fee_bill_payment 'free' is not a number"),
    ({"condition_bill_payment": "salary_card=SEB"}, "condition_bill_payment is given without fee_bill_payment"),
    (
        {"fee_bill_payment": "0", "condition_bill_payment": "vip"},
        "condition_bill_payment 'vip' is not a condition; expected salary_card=<bank>",
    ),
    (
        {"offers": "teleport=0"},
        "unknown service 'teleport' in offers; expected one of: bill_payment, cash_deposit, buy_services, buy_phones",
    ),
    (
        {GEOMETRY_PROBLEM: "a LineString is not a place; expected a Point or an area"},
        "a LineString is not a place; expected a Point or an area",
    ),
]


NUL = "contains a NUL character (0x00); is the file UTF-16? (give --encoding)"
REJECTIONS += [({name: "x\x00y"}, f"{name} {NUL}") for name in ("kind", "brand", "source_ref", "municipality")]
REJECTIONS += [
    ({"brand": None, "operator": "SEB\x00"}, f"operator {NUL}"),  # the brand, when there is none
    ({"opening_hours": "Mo-Fr\x00"}, f"opening_hours {NUL}"),
    ({"lat": None, "lon": None, "address": "Audēju\x00iela"}, f"address {NUL}"),
]
# With a geocoder that knows one address.
GEOCODER = Rules(geocode=lambda address: (56.9477, 24.1085) if address == "Audēju iela 16, Rīga" else None)
GEOCODED_REJECTIONS = [
    (
        {"lat": None, "lon": None, "address": "Nekurienes iela 1"},
        "coordinates missing and the geocoder found no place for 'Nekurienes iela 1'",
    ),
]


@pytest.mark.parametrize(("fields", "reason"), REJECTIONS)
def test_each_rejection_says_what_is_wrong(fields, reason):
    with pytest.raises(RowRejected) as exc:
        validate_record(record(**fields), Rules())
    assert str(exc.value) == reason


@pytest.mark.parametrize(("fields", "reason"), GEOCODED_REJECTIONS)
def test_each_rejection_with_a_geocoder_says_what_is_wrong(fields, reason):
    with pytest.raises(RowRejected) as exc:
        validate_record(record(**fields), GEOCODER)
    assert str(exc.value) == reason


def test_every_rule_of_the_rule_table_has_its_rejection_specified_here():
    """A rule added, split or copied without its exact text in this file fails here."""
    decided = set()
    for rules, cases in ((Rules(), REJECTIONS), (GEOCODER, GEOCODED_REJECTIONS)):
        for fields, reason in cases:
            (outcome,), (rule,) = decide(columns_of([record(**fields)]), rules)
            assert outcome == reason
            decided.add(rule.name)
    assert decided == {rule.name for rule in ROW_RULES}


def message_templates(path: Path) -> set[str]:
    """The strings of ``path`` with a space and 16 characters or more, docstrings aside; an
    f-string as its template ("lat {} is out of range (-90..90)")."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    templates, inside = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            inside.update(id(part) for part in node.values)
            templates.add("".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings | inside:
            templates.add(node.value)
    return {t for t in templates if len(t) >= 16 and " " in t.strip()}


def test_no_rejection_text_is_written_twice():
    """Each reason is worded once, by a rule (``locator.importers.rules``) or by the value parser it
    shares with the fee table (``locator.importers.rows``): no other module of the importers (or of
    the CLI that runs them) holds a copy to drift.  (The web API words its own, for query
    parameters.)"""
    root = Path(__file__).resolve().parent.parent
    homes = [root / "locator" / "importers" / "rules.py", root / "locator" / "importers" / "rows.py"]
    worded = {home: message_templates(home) for home in homes}
    assert (
        "lat {} and lon {} look swapped: the point is in Latvia the other way round (check the lat and lon columns)"
        in worded[homes[0]]
    )
    for path in sorted([*root.glob("locator/importers/**/*.py"), *root.glob("locator/cli/*.py")]):
        for home, texts in worded.items():
            if path != home:
                copied = texts & message_templates(path)
                assert not copied, f"{path.relative_to(root)} repeats the rejection text {sorted(copied)}"


def test_the_place_of_a_rejection_is_file_and_line_or_feature():
    assert Record(file="banka.csv", line=7, fields={}).where() == "banka.csv:7"
    assert Record(file="x.geojson", feature=3, fields={}).where() == "x.geojson: feature 3"


def test_clip_skips_points_outside_latvia_instead_of_rejecting():
    with pytest.raises(Clipped):
        validate_record(record(lat="54.6872", lon="25.2797"), Rules(clip=True))


def test_decimal_commas_and_a_default_kind():
    row = validate_record(
        record(kind=None, lat="56,9496", lon="24,1052", fee_bill_payment="0,50"), Rules(default_kind="atm")
    )
    assert (row.kind, row.lat, row.lon) == ("atm", 56.9496, 24.1052)
    assert [(o.service, o.fee_eur) for o in row.offers] == [("bill_payment", Decimal("0.50"))]


def test_the_row_fees_win_and_the_fee_table_fills_in_with_the_salary_card_condition():
    rules = Rules(
        fee_rules=[
            FeeRule("atm", None, "bill_payment", "0.00", "salary_card={brand}", None),
            FeeRule("atm", None, "bill_payment", "1.20", None, None),
            FeeRule("atm", None, "cash_deposit", "0.00", "salary_card={brand}", None),
        ]
    )
    row = validate_record(record(brand="Swedbank", fee_cash_deposit="0.30"), rules)
    assert sorted((o.service, o.fee_eur, o.condition) for o in row.offers) == [
        ("bill_payment", Decimal("0.00"), "salary_card=swedbank"),
        ("bill_payment", Decimal("1.20"), None),
        ("cash_deposit", Decimal("0.30"), None),
    ]


def test_the_offers_field_carries_several_offers_per_service():
    row = validate_record(record(offers="bill_payment=0.00 if salary_card=swedbank; bill_payment=1,20"), Rules())
    assert [(o.fee_eur, o.condition) for o in row.offers] == [
        (Decimal("0.00"), "salary_card=swedbank"),
        (Decimal("1.20"), None),
    ]


def test_a_row_without_an_id_gets_a_stable_one_and_a_municipality():
    a = validate_record(record(source_ref=None), Rules())
    b = validate_record(record(source_ref=None), Rules())
    assert a.source_ref == b.source_ref == derived_ref("atm", "Swedbank bankomāts", 56.9496, 24.1052)
    assert a.municipality == "Rīga"


def test_an_address_is_geocoded_when_a_geocoder_is_given():
    asked = []

    def geocode(address):
        asked.append(address)
        return (56.9477, 24.1085)

    row = validate_record(record(lat=None, lon=None, address="Audēju iela 16, Rīga"), Rules(geocode=geocode))
    assert asked == ["Audēju iela 16, Rīga"] and (row.lat, row.lon) == (56.9477, 24.1085)


def test_a_failing_geocoder_rejects_the_row_with_its_reason():
    from locator.geocode import GeocodeFailed

    def geocode(address):
        raise GeocodeFailed(f"the geocoder failed for {address!r}: GeocoderTimedOut: timed out")

    with pytest.raises(RowRejected) as exc:
        validate_record(record(lat=None, lon=None, address="Audēju iela 16, Rīga"), Rules(geocode=geocode))
    assert str(exc.value) == "the geocoder failed for 'Audēju iela 16, Rīga': GeocoderTimedOut: timed out"
