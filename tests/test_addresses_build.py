"""data/gazetteer/addresses-riga.tsv is what the build makes from PyPI's latviastreetify 0.2.0."""

from __future__ import annotations

import pytest

from locator.gazetteer.address_index import RIGA_FILE, read_riga
from locator.gazetteer.files import DATA_DIR
from locator.gazetteer.riga_build import build_riga_addresses, download_wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    try:
        return download_wheel(tmp_path_factory.mktemp("wheel"))
    except RuntimeError as exc:  # a machine without PyPI; make setup and CI machines reach it
        pytest.skip(str(exc))


def test_the_build_reproduces_the_shipped_file_byte_for_byte(wheel, tmp_path):
    counts = build_riga_addresses(wheel, tmp_path)
    assert counts == {"points": 48121, "addresses": 48120, "streets": 1790}
    assert (tmp_path / RIGA_FILE).read_bytes() == (DATA_DIR / RIGA_FILE).read_bytes()


def test_the_shipped_file_has_rigas_addresses_with_their_buildings():
    rows = read_riga()
    assert len(rows) == 48120
    assert all(56.85 < r.lat < 57.09 and 23.93 < r.lon < 24.33 for r in rows)  # Rīga's extent
    numbers = {(r.street, r.number) for r in rows}
    assert {("Brīvības iela", "90"), ("Brīvības iela", "90A"), ("Tvaika iela", "54 k-2")} <= numbers
