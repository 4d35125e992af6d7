"""``python -m locator.gazetteer build`` rebuilds data/gazetteer (from ``--shared``, default
../shared/data), ``... build-addresses`` its Rīga address points; ``... search QUERY`` tries a
query; ``... suggest TEXT`` lists the suggestions."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..config import PROJECT_ROOT
from . import __doc__ as package_doc
from .build import build_gazetteer_files
from .files import DATA_DIR
from .geocoder import Gazetteer
from .results import search
from .suggestions import suggest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m locator.gazetteer", description=package_doc.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build data/gazetteer from ../shared/data")
    b.add_argument("--shared", default=str(PROJECT_ROOT.parent / "shared" / "data"))
    b.add_argument("--out", default=str(DATA_DIR))
    a = sub.add_parser("build-addresses", help="build data/gazetteer/addresses-riga.tsv from PyPI's latviastreetify")
    a.add_argument("--wheel", help="a downloaded latviastreetify-0.2.0 wheel (default: pip download it)")
    a.add_argument("--out", default=str(DATA_DIR))
    s = sub.add_parser("search", help="search the offline gazetteer")
    s.add_argument("query")
    t = sub.add_parser("suggest", help="suggestions for partly typed text")
    t.add_argument("text")
    args = parser.parse_args(argv)
    if args.command == "build":
        print(build_gazetteer_files(args.shared, args.out))
    elif args.command == "suggest":
        for x in suggest(Gazetteer(), args.text):
            print(
                f"  {x.kind:10} {x.lat:.5f} {x.lon:.5f}  {x.label}"
                + (f"  ({x.matched_name})" if x.matched_name else "")
            )
    elif args.command == "build-addresses":
        from .riga_build import build_riga_addresses

        print(build_riga_addresses(args.wheel, args.out))
    else:
        r = search(Gazetteer(), args.query)
        print(r.status, r.hint["en"] if r.hint else "")  # the hint of a found place too ("Did you mean …?")
        for c in r.choices:
            print(f"  {c.kind:10} {c.lat:.5f} {c.lon:.5f}  {c.label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
