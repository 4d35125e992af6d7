"""Build the locator demo data set from the real public Latvian data in ../shared/data.

Writes, deterministically (nothing random, sorted output, no timestamps: the same bytes on
every run):

  <boundaries>/latvia_outline.geojson   national outline (geoBoundaries, CC BY 4.0)
  <boundaries>/municipalities.geojson   the 43 municipalities, repaired, with official names
  <out>/sources.json                    one record per source: licence, attribution, illustrative?
  <out>/osm_2019.json                   real bank branches, ATMs, post offices and phone shops:
                                        the OSM nodes of 2019 as Overpass JSON (the OSM reader's)
  <out>/places.geojson                  post offices at postcode points where OSM has none near,
                                        and dealers (real OSM shops, partner role illustrative)
  <out>/fees.csv                        the one illustrative fee table
  <out>/closed_centres.geojson          the closed customer centres (illustrative)

Each layer is a module of data/demo_build/ (osm_places, post_offices, banks, dealers,
closed_centres, fees, sources, boundaries); the GeoNames readers are shared with the
gazetteer's build in locator.gazetteer.geonames. What is real and what is invented is
explained in data/README.md and in each file's "metadata" (or "note") member. Run from the repository
root:  python data/build_demo.py
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # `python data/build_demo.py` works without installing locator

from demo_build.boundaries import boundary_files  # noqa: E402
from demo_build.closed_centres import build_closed_centres  # noqa: E402
from demo_build.dealers import build_dealers  # noqa: E402
from demo_build.features import dump_feature_collection  # noqa: E402
from demo_build.fees import dump_fees, fee_rows  # noqa: E402
from demo_build.osm_places import build_osm_places, read_nodes  # noqa: E402
from demo_build.post_offices import build_post_offices  # noqa: E402
from demo_build.sources import SHARED_FILES, read_json, sources  # noqa: E402

from locator.gazetteer.geonames import ATTRIBUTION as GEONAMES_ATTRIBUTION  # noqa: E402
from locator.gazetteer.geonames import read_postcodes, read_settlements, read_towns  # noqa: E402
from locator.importers.demo import OSM_FILE  # noqa: E402  (the file load-demo reads)

DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "data" / "demo"


def build(shared: Path, out: Path, boundaries: Path) -> dict[str, Any]:
    """Build every file; returns the statistics that the script prints."""
    missing = [name for name in SHARED_FILES.values() if not (shared / name).exists()]
    if missing:
        raise SystemExit(f"error: {shared} lacks {', '.join(missing)} (pass --shared DIR, see data/README.md)")
    boundaries.mkdir(parents=True, exist_ok=True)
    for name, text in boundary_files(shared).items():
        (boundaries / name).write_text(text, encoding="utf-8")

    stats: Counter = Counter()
    settlements = read_settlements(shared / SHARED_FILES["places"])
    towns = read_towns(shared / SHARED_FILES["towns"])
    osm_text, osm = build_osm_places(read_nodes(shared / SHARED_FILES["osm_nodes"]), settlements, stats)
    real_offices = [(p["lon"], p["lat"]) for p in osm if p["kind"] == "post_office"]
    places = build_post_offices(read_postcodes(shared / SHARED_FILES["postcodes"]), towns, stats, real_offices)
    places += build_dealers(read_json(shared / SHARED_FILES["shops"]), settlements, stats)
    counts = Counter(f["properties"]["kind"] for f in places) + Counter(p["kind"] for p in osm)
    by_source = Counter(f["properties"]["source"] for f in places)

    out.mkdir(parents=True, exist_ok=True)
    (out / OSM_FILE).write_text(osm_text, encoding="utf-8")
    (out / "sources.json").write_text(json.dumps(sources(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "fees.csv").write_text(dump_fees(fee_rows()), encoding="utf-8")
    (out / "places.geojson").write_text(
        dump_feature_collection(
            places,
            {
                "title": "locator demo places, Latvia",
                "description": "Post offices (real postcodes at approximate GeoNames locations, where "
                "OpenStreetMap has no real post office within 2 km: the real ones are in "
                f"{OSM_FILE}) and dealers (real OpenStreetMap shops; their role as the operator's "
                "partners is ILLUSTRATIVE). Each feature's `source` names its record in sources.json, "
                "which says whether it is illustrative. Opening hours are illustrative; fees are in "
                "fees.csv (illustrative). See data/README.md.",
                "illustrative_sources": [s["name"] for s in sources() if s["illustrative"]],
                "attribution": [GEONAMES_ATTRIBUTION, "© OpenStreetMap contributors (ODbL 1.0)"],
                "generator": "data/build_demo.py",
                "counts": dict(sorted(Counter(f["properties"]["kind"] for f in places).items())),
            },
        ),
        encoding="utf-8",
    )
    (out / "closed_centres.geojson").write_text(
        dump_feature_collection(
            build_closed_centres(towns),
            {
                "title": "Closed customer centres (illustrative)",
                "description": "ILLUSTRATIVE: the operator's customer centres that closed, whose customers the demo "
                "sends to the nearest commission-free places. Points are GeoNames town points (Audēju "
                "iela 16 in Rīga); addresses other than Audēju iela and all dates are invented.",
                "source": "illustrative-closed-centres",
                "attribution": GEONAMES_ATTRIBUTION,
                "generator": "data/build_demo.py",
            },
        ),
        encoding="utf-8",
    )
    return {"counts": counts, "sources": by_source, "stats": stats}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python data/build_demo.py",
        description="Build the locator demo data (data/demo/*, data/latvia_outline.geojson, "
        "data/municipalities.geojson) from the real public Latvian data in --shared. "
        "Deterministic: the same bytes on every run. Bank branches, ATMs, post offices and "
        "phone shops are real (OpenStreetMap, 2019); the partner role, closed centres, opening "
        "hours and fees are ILLUSTRATIVE.",
    )
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help=f"folder with the source files listed in SOURCES.md (default: {DEFAULT_SHARED})",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"where to write the demo files (default: {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--boundaries",
        type=Path,
        default=None,
        help="where to write latvia_outline.geojson and municipalities.geojson "
        "(default: the parent of --out). locator.domain.geography always reads the "
        "copies in the repository's data/ folder.",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)
    result = build(args.shared, args.out, args.boundaries or args.out.parent)
    if not args.quiet:
        print(f"wrote {args.out}: " + ", ".join(f"{k} {v}" for k, v in sorted(result["counts"].items())))
        for key, value in sorted(result["stats"].items()):
            print(f"  {key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
