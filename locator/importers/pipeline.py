"""One import: read, validate every record, and only then write, in the caller's transaction.

By default a single rejected record means nothing is written: the caller gets
:class:`ImportRejected` with every reason.  With ``skip_invalid`` the valid rows
are written and the rejected ones are reported.  The caller commits (or, for a
dry run, rolls back), so a failure or a killed process leaves the database as
it was.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from locator.models import ImportRun

from .duplicates import Duplicate, find_duplicates
from .load import Loader
from .options import Rules
from .records import Record
from .rows import PlaceRow, SourceInfo
from .rules import CLIPPED, DuplicateIds
from .table import Table
from .validator import validate_records, validate_table

SHOWN_REASONS = 50


@dataclass
class ImportReport:
    file: str
    source: str
    file_format: str
    sha256: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    clipped: int = 0
    merged: int = 0
    removed: int = 0
    fee_unknown: int = 0  # rows written whose every offer has an unknown fee
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    duplicates: list[Duplicate] = field(default_factory=list)

    def summary(self) -> str:
        """The one-line summary; it says how many places have no known fee, when some have none."""
        line = (
            f"{self.file} -> {self.source}: {self.read} read, {self.inserted} inserted, "
            f"{self.updated} updated, {self.unchanged} unchanged, {len(self.rejected)} rejected, "
            f"{self.clipped} clipped, {self.merged} merged, {self.removed} removed"
        )
        if self.fee_unknown:
            line += f"; {self.fee_unknown} with no known fee (listed as 'fee unknown')"
        return line

    def reasons(self, limit: int = SHOWN_REASONS) -> list[str]:
        """``FILE:LINE: reason`` lines, the first ``limit`` and then a count of the rest."""
        lines = [f"{where}: {reason}" for where, reason in self.rejected[:limit]]
        if len(self.rejected) > limit:
            lines.append(f"... and {len(self.rejected) - limit} more rejected rows")
        return lines


class ImportRejected(Exception):
    """Rows were rejected and the import was not asked to skip them: nothing was written."""

    def __init__(self, report: ImportReport):
        super().__init__(f"{len(report.rejected)} rows rejected in {report.file}")
        self.report = report


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with Python's cyclic garbage collector off.

    Why: reading and validating a 100k-row file allocates about a million objects that all
    live until the import ends (cells, columns, rows), and none of them form cycles.  The
    collector still walks them over and over as they accumulate, a large share of the time of
    reading and validating (measured in bench/README.md).  Reference counting frees
    everything as usual; the collector is switched back on afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


_ref = attrgetter("source_ref")
CHUNK_ROWS = 10_000  # rows validated, and handed to the writer, at a time
FIRST_CHUNK_ROWS = 1_000  # smaller, so that the writer starts early


class _Accepted:
    """The outcomes of consecutive rows folded into the report: the rows kept, clipped points
    counted, rejections (and ids seen before, anywhere earlier in the file) listed."""

    def __init__(self, report: ImportReport, guessed: dict[str, str] | None = None):
        self.report = report
        self.ids = DuplicateIds()
        column = (guessed or {}).get("source_ref")  # a duplicate id names the column it was guessed from
        self.id_column = f" (source_ref from column {column!r})" if column else ""

    def add(self, outcomes: list, where: Callable[[int], str]) -> list[PlaceRow]:
        report = self.report
        report.read += len(outcomes)
        if set(map(type, outcomes)) == {PlaceRow} and self.ids.all_new(list(map(_ref, outcomes)), where):
            return outcomes  # the usual case, checked in C: every row valid, every id new
        rows: list[PlaceRow] = []
        for i, outcome in enumerate(outcomes):
            if type(outcome) is PlaceRow:
                reason = self.ids.reason(outcome.source_ref, where, i)
                if reason is None:
                    rows.append(outcome)
                else:
                    report.rejected.append((where(i), reason + self.id_column))
            elif outcome is CLIPPED:
                report.clipped += 1
            else:
                report.rejected.append((where(i), outcome))
        return rows


def validate_all(records: Iterable[Record], rules: Rules, report: ImportReport) -> list[PlaceRow]:
    """Every record validated (``locator.importers.validator``); rejections and clipped points counted
    on ``report``."""
    if isinstance(records, Table):
        return _Accepted(report, records.guessed).add(validate_table(records, rules), records.where)
    listed = list(records)
    return _Accepted(report).add(validate_records(listed, rules), lambda i: listed[i].where())


def run_import(
    session: Session,
    records: Iterable[Record],
    source: SourceInfo,
    *,
    file: str,
    file_format: str,
    sha256: str,
    rules: Rules,
    skip_invalid: bool = False,
    replace_source: bool = False,
    merge_duplicates: bool = False,
    on_rows: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate the rows of one file and write them as ``source``, in the caller's transaction.

    ``on_rows(n)`` is called as rows are done (validated, and handed to the database), for a
    progress bar.

    Raises :class:`ImportRejected` when rows were rejected and ``skip_invalid`` is off.  The
    caller must then roll back (the CLI and ``session_scope`` do): a :class:`Table` (what the
    CSV and GeoJSON readers return) is validated and written in chunks of ``CHUNK_ROWS`` rows,
    so the rows before the first rejected one may have been written.  After a rejection nothing
    more is written, and the rest of the file is still validated so that every reason is
    reported.  The database stores each chunk while the next one is validated (a writer thread
    on SpatiaLite, one open COPY on PostGIS: ``locator.importers.writers``).  With ``merge_duplicates``,
    or records that are not a Table, everything is validated first and written afterwards, by
    the same writer.
    """
    report = ImportReport(file=file, source=source.name, file_format=file_format, sha256=sha256)
    streamed = isinstance(records, Table) and not merge_duplicates
    if streamed:
        loader, rows = _validate_and_stream(
            session, records, source, rules, report, on_rows, skip_invalid=skip_invalid, replace_source=replace_source
        )
    else:
        rows = validate_all(records, rules, report)
        if on_rows is not None:
            on_rows(report.read)
        if report.rejected and not skip_invalid:
            raise ImportRejected(report)
        report.duplicates = find_duplicates(session, rows, source.name)
        if merge_duplicates and report.duplicates:
            merged = {d.source_ref for d in report.duplicates}
            rows = [r for r in rows if r.source_ref not in merged]
            report.merged = len(merged)
        loader = Loader(session, source, replace_source=replace_source)
        loader.add(rows)
    try:
        summary = loader.finish()
    finally:
        loader.close()
    if streamed:  # after the writes: the writer may hold the connection until finish()
        report.duplicates = find_duplicates(session, rows, source.name)
    report.fee_unknown = sum(1 for r in rows if not any(o.fee_eur is not None for o in r.offers))
    report.inserted, report.updated = summary.inserted, summary.updated
    report.unchanged, report.removed = summary.unchanged, summary.removed
    session.execute(
        insert(ImportRun.__table__).values(
            source_id=summary.source_id,
            file_name=file[-500:],
            file_sha256=sha256,
            file_format=file_format,
            rows_read=report.read,
            inserted=report.inserted,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=len(report.rejected),
            clipped=report.clipped,
            merged=report.merged,
            removed=report.removed,
        )
    )
    return report


def _validate_and_stream(
    session: Session,
    table: Table,
    source: SourceInfo,
    rules: Rules,
    report: ImportReport,
    on_rows: Callable[[int], None] | None,
    *,
    skip_invalid: bool,
    replace_source: bool,
) -> tuple[Loader, list[PlaceRow]]:
    """Validate ``table`` chunk by chunk, handing each chunk's rows to a streaming Loader;
    raises ImportRejected (see run_import).  The loader (to finish) and every row kept."""
    accepted = _Accepted(report, table.guessed)
    loader: Loader | None = None
    kept: list[PlaceRow] = []
    try:
        for chunk in table.chunks(CHUNK_ROWS, first_size=FIRST_CHUNK_ROWS):
            rows = accepted.add(validate_table(chunk, rules), chunk.where)
            if on_rows is not None:
                on_rows(chunk.n)
            if report.rejected and not skip_invalid:
                if loader is not None:  # nothing more is written; the caller rolls back
                    loader.close()
                    loader = None
                continue
            kept.extend(rows)
            if loader is None:
                loader = Loader(
                    session, source, replace_source=replace_source, stream=True, expected=table.most - chunk.start
                )
            loader.add(rows)
    except BaseException:
        if loader is not None:
            loader.close()
        raise
    if report.rejected and not skip_invalid:
        raise ImportRejected(report)
    return loader or Loader(session, source, replace_source=replace_source), kept
