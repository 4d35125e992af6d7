"""The import readers: each turns one file format into :class:`locator.importers.records.Record`\\s.

``csv_reader.read_csv``, ``geojson_reader.read_geojson`` and ``osm_reader.read_osm`` are the
entry points; the other modules hold one concern of a reader each (its encoding, dialect,
header, rows; OSM's tags and its three formats), and ``common`` what several readers share.
"""
