"""One import: read, validate every record, and only then write, in the caller's transaction.

By default a single rejected record means nothing is written: the caller gets
:class:`ImportRejected` with every reason.  With ``skip_invalid`` the valid rows
are written and the rejected ones are reported.  The caller commits (or, for a
dry run, rolls back), so a failure or a killed process leaves the database as
it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from sqlalchemy import insert
from sqlalchemy.orm import Session

from locator.models import ImportRun

from .duplicates import Duplicate, find_duplicates
from .load import load
from .records import Record
from .rows import PlaceRow, RowRejected, SourceInfo
from .validate import Clipped, Rules, to_place_row

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


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def validate_all(records: Iterable[Record], rules: Rules, report: ImportReport) -> list[PlaceRow]:
    """Every record validated; rejections and clipped points counted on ``report``."""
    rows: list[PlaceRow] = []
    first_seen: dict[str, str] = {}
    for record in records:
        report.read += 1
        try:
            row = to_place_row(record, rules)
        except Clipped:
            report.clipped += 1
            continue
        except RowRejected as exc:
            report.rejected.append((record.where(), str(exc)))
            continue
        if row.source_ref in first_seen:
            report.rejected.append(
                (record.where(), f"duplicate id {row.source_ref!r} in the file (first at {first_seen[row.source_ref]})")
            )
            continue
        first_seen[row.source_ref] = record.where()
        rows.append(row)
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
