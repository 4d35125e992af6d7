"""Building data/gazetteer/addresses-riga.tsv from the address points of PyPI's ``latviastreetify``.

``latviastreetify`` 0.2.0 (MIT, © William Droz, Idiap) ships ``latviastreetify/data/adreses.shp|dbf``:
48,121 address points of Rīga in LKS-92 (EPSG:3059, metres), with the fields ``adrese`` (the full
address, 'Brīvības iela 90'), ``iela`` (the street) and ``numurs`` (the house number as the
register writes it: '90', '90A', '15 k-42', '29/31'), the .dbf in ISO-8859-13. Only the data files
are used (its Python code needs geopandas): the wheel is a zip, read with pyshp, and every point
is transformed to WGS84 with pyproj. ``python -m locator.gazetteer build-addresses`` runs
:func:`build_riga_addresses`; the output is deterministic (sorted rows, 5 decimals, about 1 m).
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from ..domain.text import fold
from .address_index import RIGA_COLUMNS, RIGA_FILE
from .addresses import number_key, number_value
from .files import DATA_DIR

PACKAGE = "latviastreetify==0.2.0"
MEMBER = "latviastreetify/data/adreses"
ENCODING = "iso-8859-13"
ATTRIBUTION = "Rīga address points: latviastreetify 0.2.0 (MIT, © William Droz, Idiap)"


def download_wheel(dest: Path) -> Path:
    """``pip download --no-deps latviastreetify==0.2.0`` into ``dest``; raises RuntimeError with
    pip's message when PyPI cannot be reached."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", PACKAGE, "-d", str(dest)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    wheels = sorted(dest.glob("latviastreetify-*.whl"))
    if done.returncode != 0 or not wheels:
        raise RuntimeError(f"could not download {PACKAGE}: {done.stderr.strip()[-500:]}")
    return wheels[0]


def read_wheel(wheel: Path) -> list[tuple[str, str, float, float]]:
    """(street, house number, lat, lon) of every point in the wheel's adreses.shp, WGS84 degrees."""
    import shapefile
    from pyproj import Transformer

    with zipfile.ZipFile(wheel) as zf:
        files = {ext: io.BytesIO(zf.read(f"{MEMBER}.{ext}")) for ext in ("shp", "shx", "dbf")}
    to_wgs84 = Transformer.from_crs("EPSG:3059", "EPSG:4326", always_xy=True)
    out = []
    with shapefile.Reader(shp=files["shp"], shx=files["shx"], dbf=files["dbf"], encoding=ENCODING) as reader:
        names = [f[0] for f in reader.fields[1:]]
        for shape_rec in reader.iterShapeRecords():
            rec = dict(zip(names, shape_rec.record))
            street, number = str(rec["iela"] or "").strip(), str(rec["numurs"] or "").strip()
            if not street or not number or not shape_rec.shape.points:
                continue
            x, y = shape_rec.shape.points[0]
            lon, lat = to_wgs84.transform(x, y)
            out.append((street, number, lat, lon))
    return out


def build_riga_addresses(wheel: Path | str | None = None, out_dir: Path | str = DATA_DIR) -> dict[str, int]:
    """Write ``addresses-riga.tsv`` into ``out_dir`` from ``wheel`` (downloaded from PyPI when
    None). Rows are sorted by folded street and house number; the same point given twice is
    written once. Returns counts."""
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory() as tmp:
        points = read_wheel(Path(wheel) if wheel else download_wheel(Path(tmp)))
    rows = sorted(
        {(street, number, round(lat, 5), round(lon, 5)) for street, number, lat, lon in points},
        key=lambda r: (fold(r[0]), r[0], number_value(r[1]) or 0, number_key(r[1]), r[1], r[2], r[3]),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / RIGA_FILE).open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("\t".join(RIGA_COLUMNS) + "\n")
        for street, number, lat, lon in rows:
            fh.write(f"{street}\t{number}\t{lat:.5f}\t{lon:.5f}\n")
    return {"points": len(points), "addresses": len(rows), "streets": len({r[0] for r in rows})}
