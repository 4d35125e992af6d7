"""``flask --app locator import {csv,geojson,osm} FILE`` and ``export``: a thin translation.

The work is in the readers (``locator.importers.readers``), ``locator.importers.validator`` and
``locator.importers.pipeline``; this module parses options, shows progress, and turns
problems into messages and exit codes.
"""

from __future__ import annotations

import csv
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from locator.domain.vocabulary import KINDS
from locator.importers.fee_table import read_fee_table
from locator.importers.options import Rules
from locator.importers.pipeline import ImportRejected, gc_paused, run_import, sha256_of
from locator.importers.records import FileProblem, parse_mapping
from locator.importers.rows import RowRejected, SourceInfo
from locator.models import Source

from .database import app_engine

import_group = AppGroup("import", help="Import places from CSV, GeoJSON or OpenStreetMap files.")
export_group = AppGroup("export", help="Export places as CSV or GeoJSON that import back unchanged.")

EXAMPLES = {
    "csv": """
\b
Examples:
  flask --app locator import csv atms.csv --source swedbank-atms --kind atm \\
      --licence "by permission" --attribution "Swedbank" \\
      --map name=nosaukums --map address=adrese --map lat=platums --map lon=garums --map source_ref=id
  flask --app locator import csv banka.csv --source banka --encoding cp1257 --dry-run
""",
    "geojson": """
\b
Examples:
  flask --app locator import geojson dealers.geojson --source dealers --kind dealer \\
      --licence "CC BY 4.0" --attribution "Partner list 2026" --map name=NOSAUKUMS
""",
    "osm": """
\b
Examples (Overpass JSON with `out center`, OSM XML, or an OSM PBF extract):
  flask --app locator import osm riga.osm --source osm --licence "ODbL 1.0" \\
      --attribution "© OpenStreetMap contributors" --fees data/demo/fees.csv --clip
  flask --app locator import osm latvia-latest.osm.pbf --source osm --licence "ODbL 1.0" \\
      --attribution "© OpenStreetMap contributors" --fees data/demo/fees.csv --clip --skip-invalid
""",
}


def _source_info(session, name: str, title, licence, attribution, url, illustrative) -> SourceInfo:
    """The source as given, completed from the database for a source imported before."""
    known = session.scalars(select(Source).where(Source.name == name)).first()
    if known is None and not (licence and attribution):
        raise click.UsageError(
            f"source {name!r} is new: give its --licence and --attribution "
            "(e.g. --licence 'ODbL 1.0' --attribution '© OpenStreetMap contributors')"
        )
    return SourceInfo(
        name=name,
        title=title or (known.title if known else name),
        licence=licence or known.licence,
        attribution=attribution or known.attribution,
        url=url or (known.url if known else None),
        illustrative=illustrative or bool(known and known.illustrative),
        description=known.description if known else None,
    )


def _write_rejects(path: Path, rejected: list[tuple[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(("where", "reason"))
        writer.writerows(rejected)


def common_options(fn):
    options = [
        click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option("--source", "source_name", help="Source name (default: the file name without extension)."),
        click.option("--title", help="A readable title for a new source."),
        click.option("--licence", help="Licence of the data, e.g. 'ODbL 1.0' (required for a new source)."),
        click.option("--attribution", help="Attribution the licence asks for (required for a new source)."),
        click.option("--url", help="Where the data came from."),
        click.option("--illustrative", is_flag=True, help="Mark the source as invented demo data."),
        click.option(
            "--kind",
            type=click.Choice(KINDS),
            help="Kind of every row without its own kind column (wins over a column guessed from the header, e.g. veids).",
        ),
        click.option(
            "--fees",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="A fee table (kind,brand,service,fee_eur,condition,note) applied to rows without fees.",
        ),
        click.option("--dry-run", is_flag=True, help="Check and count everything, write nothing."),
        click.option(
            "--skip-invalid",
            is_flag=True,
            help="Write the valid rows and a file of the rejected ones with their reasons.",
        ),
        click.option(
            "--rejects",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Where --skip-invalid writes rejected rows (default: FILE.rejected.csv here).",
        ),
        click.option(
            "--clip", is_flag=True, help="Skip points outside Latvia silently (counted) instead of rejecting."
        ),
        click.option(
            "--replace-source", is_flag=True, help="Also remove the source's places that are not in the file."
        ),
        click.option(
            "--merge-duplicates",
            is_flag=True,
            help="Do not add rows that duplicate another source's place (same kind, 25 m, similar name).",
        ),
        click.option("--quiet", "-q", is_flag=True, help="Print only the summary."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def ready_engine():
    """The app's engine, or a ClickException that says what is wrong with its database and how
    to fix it (no tables yet, behind on migrations, PostGIS missing, unreachable)."""
    from locator import migrate

    engine = app_engine()
    problems = migrate.problems(engine)
    if problems:
        raise click.ClickException("the database is not ready:\n" + "\n".join(problems))
    return engine


@contextmanager
def one_transaction(session, *, dry_run: bool, problems: tuple[type[Exception], ...] = (FileProblem,)):
    """What the block writes is committed, or rolled back for a dry run and on any error; a
    problem of the file (``problems``) becomes the command's one-line error. Closes ``session``."""
    try:
        yield
        if dry_run:
            session.rollback()
        else:
            session.commit()
    except problems as exc:
        session.rollback()
        raise click.ClickException(str(exc)) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def refuse_rows(reasons, *, rejected: int, read: int, advice: str) -> NoReturn:
    """Print each rejected row's ``FILE:LINE: reason`` and stop: nothing was written."""
    for line in reasons:
        click.echo(line, err=True)
    raise click.ClickException(f"{rejected} of {read} rows rejected; nothing was written ({advice})") from None


def progress_bar(length: int, label: str, shown: bool):
    """A progress bar on standard error, drawn only on a terminal (``shown``)."""
    return click.progressbar(
        length=length, label=label, file=sys.stderr, show_pos=False, show_percent=True, width=30, hidden=not shown
    )


def run(
    fmt: str,
    records_for,
    *,
    file: Path,
    source_name,
    title,
    licence,
    attribution,
    url,
    illustrative,
    kind,
    fees,
    dry_run,
    skip_invalid,
    rejects,
    clip,
    replace_source,
    merge_duplicates,
    quiet,
) -> None:
    from locator.db import session_for
    from locator.geocode import geocoder_from_config

    engine = ready_engine()
    session = session_for(engine)
    show_progress = not quiet and sys.stderr.isatty()
    try:
        with one_transaction(session, dry_run=dry_run, problems=(FileProblem, RowRejected, ValueError)):
            source = _source_info(session, source_name or file.stem, title, licence, attribution, url, illustrative)
            rules = Rules(
                default_kind=kind,
                fee_rules=read_fee_table(fees) if fees else [],
                clip=clip,
                geocode=geocoder_from_config(current_app.config),
            )
            size = file.stat().st_size
            with gc_paused():
                with progress_bar(size, f"Reading {file.name}", show_progress) as bar:  # by bytes
                    records = records_for(bar.update)
                if not quiet:
                    for note in getattr(records, "notes", ()):  # what the reader guessed from the header
                        click.echo(f"{file}: {note}", err=True)
                rows = getattr(records, "most", None)  # at most this many rows (readers that know)
                with progress_bar(rows or 1, f"Importing {file.name}", show_progress and bool(rows)) as bar:
                    report = run_import(
                        session,
                        records,
                        source,
                        file=str(file),
                        file_format=fmt,
                        sha256=sha256_of(file),
                        rules=rules,
                        skip_invalid=skip_invalid,
                        replace_source=replace_source,
                        merge_duplicates=merge_duplicates,
                        on_rows=bar.update,
                    )
                    bar.update(bar.length - bar.pos)  # "most" may count lines that were not rows
    except ImportRejected as exc:
        refuse_rows(
            exc.report.reasons(),
            rejected=len(exc.report.rejected),
            read=exc.report.read,
            advice="fix them, or use --skip-invalid to write the valid rows",
        )
    if report.rejected:
        path = rejects or Path(f"{file.name}.rejected.csv")
        _write_rejects(path, report.rejected)
        if not quiet:
            click.echo(f"{len(report.rejected)} rejected rows written to {path}", err=True)
    if report.duplicates and not quiet:
        verb = "not added (merged)" if merge_duplicates else "possible duplicates"
        click.echo(f"{len(report.duplicates)} rows {verb} of places in other sources:", err=True)
        for d in report.duplicates[:10]:
            click.echo(
                f"  {d.source_ref} {d.name!r} ~ place {d.existing_id} {d.existing_name!r} "
                f"({d.existing_source}), {d.distance_m:g} m",
                err=True,
            )
    click.echo(report.summary() + (" (dry run: nothing written)" if dry_run else ""))


@import_group.command("csv", epilog=EXAMPLES["csv"])
@common_options
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Take FIELD (name, address, lat, lon, source_ref, kind, brand, fee_bill_payment, ...) from COLUMN.",
)
@click.option("--encoding", help="The file's encoding (utf-8, cp1257, iso-8859-13); detected when not given.")
@click.option("--delimiter", help="Field delimiter; sniffed among , ; and tab when not given.")
@with_appcontext
def import_csv(maps, encoding, delimiter, **kw) -> None:
    """Import places from a CSV file (any of , ; tab; UTF-8, Windows-1257 or ISO-8859-13)."""
    from locator.importers.readers.csv_reader import read_csv

    try:
        mapping = parse_mapping(maps)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--map") from None
    run(
        "csv",
        lambda on_bytes: read_csv(
            kw["file"],
            mapping=mapping,
            encoding=encoding,
            delimiter=delimiter,
            on_bytes=on_bytes,
            flags=frozenset({"kind"} if kw["kind"] else ()),
        ),
        **kw,
    )


@import_group.command("geojson", epilog=EXAMPLES["geojson"])
@common_options
@click.option("--map", "maps", multiple=True, metavar="FIELD=PROPERTY", help="Take FIELD from PROPERTY.")
@with_appcontext
def import_geojson(maps, **kw) -> None:
    """Import places from a GeoJSON FeatureCollection (points, or areas as a point inside)."""
    from locator.importers.readers.geojson_reader import read_geojson

    try:
        mapping = parse_mapping(maps)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--map") from None
    run("geojson", lambda on_bytes: read_geojson(kw["file"], mapping=mapping, on_bytes=on_bytes), **kw)


@import_group.command("osm", epilog=EXAMPLES["osm"])
@common_options
@with_appcontext
def import_osm(**kw) -> None:
    """Import banks, ATMs, post offices and telecom shops from OpenStreetMap (Overpass JSON, OSM XML or PBF)."""
    from locator.importers.readers.osm_reader import read_osm

    run("osm", lambda on_bytes: read_osm(kw["file"], on_bytes=on_bytes), **kw)


def _export(fmt: str, output, source, kinds) -> None:
    from locator.db import session_for
    from locator.importers.export import export_csv, export_geojson

    session = session_for(ready_engine())
    try:
        write = export_csv if fmt == "csv" else export_geojson
        with click.open_file(output, "w", encoding="utf-8") as out:
            n = write(session, out, source=source, kinds=tuple(kinds))
    finally:
        session.close()
    if output != "-":
        click.echo(f"{n} places written to {output}", err=True)


def export_options(fn):
    fn = click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS), help="Only these kinds.")(fn)
    fn = click.option("--source", help="Only this source's places.")(fn)
    fn = click.option("--output", "-o", default="-", help="File to write (default: standard output).")(fn)
    return fn


@export_group.command("csv")
@export_options
@with_appcontext
def export_csv_command(output, source, kinds) -> None:
    """Export places as CSV (imports back unchanged with `import csv`)."""
    _export("csv", output, source, kinds)


@export_group.command("geojson")
@export_options
@with_appcontext
def export_geojson_command(output, source, kinds) -> None:
    """Export places as a GeoJSON FeatureCollection (imports back unchanged with `import geojson`)."""
    _export("geojson", output, source, kinds)
