"""One PROJ and one GEOS per process: SpatiaLite's, shared with pyproj and shapely.

SQLite loads mod_spatialite with RTLD_GLOBAL; had pyproj or shapely brought
their own bundled copies (the PyPI wheels do), calls would bind across the two
and the process would die of heap corruption.  See requirements.txt.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from sqlalchemy import text

from locator.db import get_engine


def test_pyproj_and_shapely_use_the_proj_and_geos_that_spatialite_links(tmp_path):
    import pyproj
    import shapely

    engine = get_engine(f"sqlite+pysqlite:///{tmp_path}/v.sqlite")
    with engine.connect() as conn:
        proj = conn.execute(text("SELECT proj_version()")).scalar_one()
        geos = conn.execute(text("SELECT geos_version()")).scalar_one()
    assert f"Rel. {pyproj.proj_version_str}," in proj, (proj, pyproj.proj_version_str)
    assert geos.startswith(".".join(map(str, shapely.geos_version))), (geos, shapely.geos_version)


def test_importing_pyproj_after_spatialite_is_loaded_does_not_crash(tmp_path):
    script = textwrap.dedent(f"""
        from locator.db import get_engine
        from sqlalchemy import text
        for name in ("a", "b"):
            with get_engine("sqlite+pysqlite:///{tmp_path}/" + name + ".sqlite").connect() as c:
                c.execute(text("SELECT spatialite_version()"))
        import pyproj, shapely
        t = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3059", always_xy=True)
        x, y = t.transform(24.1085, 56.9477)
        assert 500_000 < x < 510_000, x
        print(shapely.make_valid(shapely.Point(x, y).buffer(10)).area)
        import osmium  # the OSM PBF reader, with its own bz2 and lz4
        with osmium.SimpleWriter("{tmp_path}/p.osm.pbf") as w:
            w.add_node(osmium.osm.mutable.Node(id=1, location=(24.1085, 56.9477), tags={{"amenity": "atm"}}))
        assert [n.location.lat for n in osmium.FileProcessor("{tmp_path}/p.osm.pbf")] == [56.9477]
        from rapidfuzz.distance import OSA  # the gazetteer's spelling distance, a compiled extension
        assert OSA.distance("valmeira", "valmiera") == 1
        import brotli, gzip  # Flask-Compress's native wheels (brotli, zstd), loaded by the app
        from backports import zstd
        import flask_compress
        data = "Audēju iela 16, Rīga ".encode() * 100
        assert brotli.decompress(brotli.compress(data)) == data == zstd.decompress(zstd.compress(data))
        assert gzip.decompress(gzip.compress(data)) == data
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
