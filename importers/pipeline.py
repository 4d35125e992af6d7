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
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from sqlalchemy import insert
from sqlalchemy.orm import Session

from locator.models import ImportRun

from .duplicates import Duplicate, find_duplicates
from .load import load
from .records import Record
from .batch import CLIPPED, one, validate_table
from .rows import PlaceRow, SourceInfo
from .table import Table
from .validate import Rules

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
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    duplicates: list[Duplicate] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.file} -> {self.source}: {self.read} read, {self.inserted} inserted, "
            f"{self.updated} updated, {self.unchanged} unchanged, {len(self.rejected)} rejected, "
            f"{self.clipped} clipped, {self.merged} merged, {self.removed} removed"
        )

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
    collector still walks them over and over as they accumulate: measured, that was a third of
    the time of reading and validating (bench/README.md).  Reference counting frees
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


def validate_all(records: Iterable[Record], rules: Rules, report: ImportReport) -> list[PlaceRow]:
    """Every record validated; rejections and clipped points counted on ``report``.

    A :class:`Table` (what the CSV and GeoJSON readers return) is validated column by
    column (``importers.batch``), any other iterable record by record; the outcome is the same.
    """
    if isinstance(records, Table):
        outcomes, where = validate_table(records, rules), records.where
    else:
        listed = list(records)
        outcomes, where = [one(record, rules) for record in listed], (lambda i: listed[i].where())
    rows: list[PlaceRow] = []
    first_seen: dict[str, int] = {}
    report.read += len(outcomes)
    for i, outcome in enumerate(outcomes):
        if type(outcome) is PlaceRow:
            ref = outcome.source_ref
            if ref in first_seen:
                report.rejected.append(
                    (where(i), f"duplicate id {ref!r} in the file (first at {where(first_seen[ref])})")
                )
                continue
            first_seen[ref] = i
            rows.append(outcome)
        elif outcome is CLIPPED:
            report.clipped += 1
        else:
            report.rejected.append((where(i), outcome))
    return rows


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
) -> ImportReport:
    """Validate, then write the rows of one file as ``source``; raises ImportRejected."""
    report = ImportReport(file=file, source=source.name, file_format=file_format, sha256=sha256)
    rows = validate_all(records, rules, report)
    if report.rejected and not skip_invalid:
        raise ImportRejected(report)
    report.duplicates = find_duplicates(session, rows, source.name)
    if merge_duplicates and report.duplicates:
        merged = {d.source_ref for d in report.duplicates}
        rows = [r for r in rows if r.source_ref not in merged]
        report.merged = len(merged)
    summary = load(session, rows, source, replace_source=replace_source)
    report.inserted, report.updated = summary.inserted, summary.updated
    report.unchanged, report.removed = summary.unchanged, summary.removed
    session.execute(
        insert(ImportRun.__table__).values(
            source_id=summary.source_id, file_name=file[-500:], file_sha256=sha256, file_format=file_format,
            rows_read=report.read, inserted=report.inserted, updated=report.updated,
            unchanged=report.unchanged, rejected=len(report.rejected), clipped=report.clipped,
            merged=report.merged, removed=report.removed,
        )
    )
    return report
