"""The State Land Service's address register (VZD, ``aw_eka.csv``) into the ``addresses`` table.

The register's building addresses come as one CSV: columns ``KODS`` (the address code),
``STATUSS`` (``EKS`` existing, ``DEL`` deleted, ``ERR`` erroneous), ``VKUR_CD`` (the street or
village it belongs to), ``NOSAUKUMS`` (the house number, '90', '90 k-2', or a farm's name),
``STD`` (the full address: 'Brīvības iela 90, Rīga, LV-1011', '"Jāņkrogs", Lizuma pag.,
Gulbenes nov., LV-4416'), ``ATRIB`` (the postcode), ``KOORD_X``, ``KOORD_Y`` (LKS-92, EPSG:3059,
metres: X northing, Y easting) and ``DD_N``, ``DD_E`` (WGS84 degrees), and more that are ignored.
The published file is ``;``-separated with ``#`` as the quote character (``#KODS#;#STATUSS#;…``),
in UTF-8 with a byte order mark; older exports and hand-made files use ``,`` or ``"``: the
delimiter and quote are read from the header line, the encoding detected as for place CSVs
(:mod:`.readers.csv_encoding`) unless given.

Only ``EKS`` rows are addresses; the others are counted and skipped. A row is rejected, as
``FILE:LINE: reason``, for a code that is not a number or comes twice, an empty ``STD`` or
``NOSAUKUMS``, no coordinates, or coordinates outside Latvia. The import is one transaction and
all-or-nothing: any rejected row and nothing is written. Re-importing the same file changes
nothing (rows are compared by code: inserted, updated, unchanged); a code the file gives as
deleted is removed from the table, and ``replace`` also removes the table's addresses the file
does not have (a new full register replacing the old one).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.geography import LATVIA_BBOX
from ..gazetteer.addresses import parse_address
from ..models import AddressPoint, utcnow
from .readers.csv_encoding import decode, detect_encoding
from .records import FileProblem, open_counted

REQUIRED = ("KODS", "STATUSS", "NOSAUKUMS", "STD")
EXISTING = "EKS"
BATCH = 5000
SAMPLE_BYTES = 1 << 22
"""The encoding is detected from the first 4 MiB (cut at a line end); a later byte that does
not decode is reported with its line."""
MARGIN_DEG = 0.05
"""Latvia's bounding box widened by this many degrees (about 3 km): a coarse check that catches
swapped or mistyped coordinates, not a border test."""
COLUMNS = ("address", "street", "house", "town", "areas", "postcode", "lat", "lon")


class RegisterRejected(Exception):
    """Rows of the file were rejected; ``reasons`` are ``FILE:LINE: reason`` lines."""

    def __init__(self, reasons: list[str], read: int) -> None:
        super().__init__(f"{len(reasons)} of {read} rows rejected")
        self.reasons, self.read = reasons, read


@dataclass
class RegisterCounts:
    file: str
    read: int = 0
    not_existing: int = 0  # STATUSS other than EKS
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    reasons: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.file}: {self.read} rows read, {self.read - self.not_existing} existing addresses "
            f"({self.not_existing} deleted or erroneous skipped): {self.inserted} inserted, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.removed} removed"
        )


def _dialect(header: str) -> tuple[str, str]:
    """(delimiter, quote character) of a header line: '#KODS#;#STATUSS#' -> (';', '#')."""
    quote = "#" if header.lstrip("\ufeff").startswith("#") else '"'
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ";")), quote


def _number(value: str | None) -> float | None:
    if value is None or not value.strip():
        return None
    try:
        x = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return x if math.isfinite(x) else None


class _Coordinates:
    """WGS84 degrees of a row: DD_N/DD_E, else KOORD_X/KOORD_Y transformed from LKS-92."""

    def __init__(self) -> None:
        self._to_wgs84 = None

    def of(self, row: dict[str, str]) -> tuple[float, float] | str:
        lat, lon = _number(row.get("DD_N")), _number(row.get("DD_E"))
        given = f"DD_N {row.get('DD_N')!r}, DD_E {row.get('DD_E')!r}"
        if lat is None or lon is None:
            x, y = _number(row.get("KOORD_X")), _number(row.get("KOORD_Y"))
            if x is None or y is None:
                return "no coordinates: DD_N and DD_E (degrees) or KOORD_X and KOORD_Y (LKS-92 metres) are empty"
            if self._to_wgs84 is None:
                from pyproj import Transformer

                self._to_wgs84 = Transformer.from_crs("EPSG:3059", "EPSG:4326", always_xy=True)
            lon, lat = self._to_wgs84.transform(y, x)  # X is the northing, Y the easting
            given = f"KOORD_X {row.get('KOORD_X')!r}, KOORD_Y {row.get('KOORD_Y')!r}"
        minx, miny, maxx, maxy = LATVIA_BBOX
        if not (miny - MARGIN_DEG <= lat <= maxy + MARGIN_DEG and minx - MARGIN_DEG <= lon <= maxx + MARGIN_DEG):
            return f"{given} is outside Latvia (about 55.7–58.1 °N, 21.0–28.2 °E): check that they are not swapped"
        return round(lat, 7), round(lon, 7)


def _parse_std(std: str) -> tuple[str | None, str | None, str | None]:
    """(street, town, areas) of a full address; street None for a farm ('"Jāņkrogs", Lizuma
    pag., Gulbenes nov.' -> town 'Lizuma pag.')."""
    parsed = parse_address(std)
    if parsed is not None:
        return parsed.street, parsed.town, ", ".join(parsed.areas) or None
    rest = [p.strip() for p in std.split(",")[1:] if p.strip() and not p.strip().upper().startswith("LV-")]
    return None, (rest[0] if rest else None), ", ".join(rest[1:]) or None


class _Parser:
    """Parses the rows' full addresses, once per street: 'Lielā iela 2, Jelgava' and 'Lielā iela 4,
    Jelgava' share the template 'Lielā iela 1, Jelgava' (the house number at the end of the first
    part replaced), so a register of a million rows is parsed in some tens of thousands of calls."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple] = {}

    def columns(self, row: dict[str, str], lat: float, lon: float) -> tuple:
        """The row as the table's columns (see :data:`COLUMNS`)."""
        std, house = " ".join(row["STD"].split()), " ".join(row["NOSAUKUMS"].split())
        postcode = (row.get("ATRIB") or "").strip() or None
        first, comma, rest = std.partition(",")
        if first.endswith(" " + house) and house[:1].isdigit():
            template = first[: -len(house)] + "1" + comma + rest
            parts = self._cache.get(template)
            if parts is None:
                parts = self._cache[template] = _parse_std(template)
        else:
            parts = _parse_std(std)
        street, town, areas = parts
        return (std, street, house.strip('"„“”'), town, areas, postcode, lat, lon)


def read_register(
    path: Path | str, *, encoding: str | None = None, on_bytes: Callable[[int], None] | None = None
) -> Iterator[tuple[int, int | None, tuple | str | None]]:
    """(line, code, columns) for each row of an ``aw_eka.csv``: ``columns`` is the row as the
    table's :data:`COLUMNS`, a rejection reason (str), or None for a row that is not ``EKS``.
    Raises FileProblem for the file as a whole (encoding, header)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise FileProblem(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    cut = sample[: sample.rfind(b"\n") + 1] if len(sample) == SAMPLE_BYTES else sample
    if encoding is None:
        encoding = detect_encoding(cut)
        if encoding is None:
            decode(path, cut, None)  # raises FileProblem naming the byte and line
    coordinates, parser = _Coordinates(), _Parser()
    with io.TextIOWrapper(open_counted(path, on_bytes), encoding=encoding, newline="") as text:
        try:
            header_line = text.readline()
        except (UnicodeDecodeError, LookupError) as exc:
            raise FileProblem(f"{path}: cannot decode the file as {encoding} ({exc}); try --encoding cp1257") from None
        delimiter, quote = _dialect(header_line)
        header = [
            h.strip().strip('#"\ufeff').upper()
            for h in next(csv.reader([header_line], delimiter=delimiter, quotechar=quote))
        ]
        missing = [c for c in REQUIRED if c not in header]
        if missing or not ({"DD_N", "DD_E"} <= set(header) or {"KOORD_X", "KOORD_Y"} <= set(header)):
            need = ", ".join(missing) or "DD_N, DD_E or KOORD_X, KOORD_Y"
            raise FileProblem(
                f"{path}:1: not an address register file (aw_eka.csv): no column {need} in the header "
                f"(expected KODS, STATUSS, VKUR_CD, NOSAUKUMS, STD, ATRIB, KOORD_X, KOORD_Y, DD_N, DD_E)"
            )
        reader = csv.reader(text, delimiter=delimiter, quotechar=quote)
        line = 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except UnicodeDecodeError as exc:
                raise FileProblem(
                    f"{path}:{line + 1}: cannot decode the file as {encoding} ({exc.reason}); try another --encoding"
                ) from None
            line, start = reader.line_num + 1, line + 1
            if not any(c.strip() for c in cells):
                continue
            row = dict(zip(header, (c.strip() for c in cells)))
            yield (start, *_check(row, coordinates, parser))


def _check(row: dict[str, str], coordinates: _Coordinates, parser: _Parser) -> tuple[int | None, tuple | str | None]:
    code_text = row.get("KODS", "")
    if not code_text.isdigit():
        return None, f"KODS {code_text!r} is not an address code (a whole number)"
    code = int(code_text)
    if (row.get("STATUSS") or "").upper() != EXISTING:
        return code, None
    if not row.get("STD"):
        return code, "STD (the full address) is empty"
    if not row.get("NOSAUKUMS"):
        return code, "NOSAUKUMS (the house number or name) is empty"
    point = coordinates.of(row)
    if isinstance(point, str):
        return code, point
    return code, parser.columns(row, *point)


def import_register(
    session,
    path: Path | str,
    *,
    encoding: str | None = None,
    replace: bool = False,
    on_bytes: Callable[[int], None] | None = None,
) -> RegisterCounts:
    """Import an ``aw_eka.csv`` into the ``addresses`` table in ``session``'s transaction (the
    caller commits). Raises RegisterRejected (nothing written: the caller rolls back) when any
    row is rejected, FileProblem for the file as a whole."""
    from sqlalchemy import delete, insert, select, update

    counts = RegisterCounts(file=Path(path).name)
    seen: set[int] = set()  # every code of the file
    kept: set[int] = set()  # the existing (EKS) ones
    dropped: list[int] = []  # deleted or erroneous: removed from the table if there
    batch: dict[int, tuple] = {}
    now = utcnow()

    def flush() -> None:
        if counts.reasons or not batch:
            batch.clear()
            return
        existing = {
            r[0]: tuple(r[1:])
            for r in session.execute(
                select(AddressPoint.code, *(getattr(AddressPoint, c) for c in COLUMNS)).where(
                    AddressPoint.code.in_(list(batch))
                )
            )
        }
        new, changed = [], []
        for code, values in batch.items():
            old = existing.get(code)
            if old is None:
                new.append({"code": code, **dict(zip(COLUMNS, values)), "imported_at": now})
            elif old != values:
                changed.append({"b_code": code, **dict(zip(COLUMNS, values)), "imported_at": now})
            else:
                counts.unchanged += 1
        if new:
            session.execute(insert(AddressPoint), new)
        if changed:
            from sqlalchemy import bindparam

            stmt = update(AddressPoint.__table__).where(AddressPoint.__table__.c.code == bindparam("b_code"))
            session.connection().execute(stmt, changed)
        counts.inserted += len(new)
        counts.updated += len(changed)
        batch.clear()

    for line, code, values in read_register(path, encoding=encoding, on_bytes=on_bytes):
        counts.read += 1
        where = f"{path}:{line}"
        if isinstance(values, str):
            counts.reasons.append(f"{where}: {values}")
            continue
        if code in seen:
            counts.reasons.append(f"{where}: KODS {code} is given twice")
            continue
        seen.add(code)
        if values is None:
            counts.not_existing += 1
            dropped.append(code)
            continue
        kept.add(code)
        batch[code] = values
        if len(batch) >= BATCH:
            flush()
    flush()
    if counts.reasons:
        raise RegisterRejected(counts.reasons, counts.read)
    gone = dropped
    if replace:
        gone = [c for (c,) in session.execute(select(AddressPoint.code)) if c not in kept]
    for i in range(0, len(gone), BATCH):
        result = session.execute(delete(AddressPoint).where(AddressPoint.code.in_(gone[i : i + BATCH])))
        counts.removed += result.rowcount
    return counts
