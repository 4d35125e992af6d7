"""``flask --app locator addresses import aw_eka.csv``: the national address register, a thin translation.

The work is in :mod:`locator.importers.address_register`; this module parses options, shows a
progress bar by bytes (on a terminal), and turns problems into messages and exit codes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from .imports import one_transaction, progress_bar, ready_engine, refuse_rows

addresses_group = AppGroup("addresses", help="Street addresses: the State Land Service's register (aw_eka.csv).")

EXAMPLES = """
\b
Examples:
  flask --app locator addresses import aw_eka.csv
  flask --app locator addresses import aw_eka.csv --replace
  flask --app locator addresses import riga.csv --encoding cp1257 --dry-run
"""


@addresses_group.command("import", epilog=EXAMPLES)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--encoding", help="The file's encoding (utf-8, cp1257, iso-8859-13); detected when not given.")
@click.option("--replace", is_flag=True, help="Also remove the addresses of earlier imports that the file lacks.")
@click.option("--dry-run", is_flag=True, help="Check and count everything, write nothing.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary.")
@with_appcontext
def import_addresses(file: Path, encoding, replace, dry_run, quiet) -> None:
    """Import the existing (EKS) addresses of an address register file (VZD aw_eka.csv: ; and #
    quoting, or , and "), one transaction: any rejected row and nothing is written."""
    from locator.db import session_for
    from locator.importers.address_register import RegisterRejected, import_register
    from locator.importers.records import FileProblem

    session = session_for(ready_engine())
    try:
        shown = not quiet and sys.stderr.isatty()
        with (
            one_transaction(session, dry_run=dry_run, problems=(FileProblem,)),
            progress_bar(file.stat().st_size, f"Importing {file.name}", shown) as bar,
        ):
            counts = import_register(session, file, encoding=encoding, replace=replace, on_bytes=bar.update)
    except RegisterRejected as exc:
        refuse_rows(exc.reasons, rejected=len(exc.reasons), read=exc.read, advice="fix them and import again")
    click.echo(counts.summary() + (" (dry run: nothing written)" if dry_run else ""))


@addresses_group.command("count")
@with_appcontext
def count_addresses() -> None:
    """Print how many register addresses the database holds, and how many have a street."""
    from sqlalchemy import func, select

    from locator.db import session_for
    from locator.models import AddressPoint

    session = session_for(ready_engine())
    try:
        total, streets = session.execute(select(func.count(), func.count(AddressPoint.street))).one()
    finally:
        session.close()
    click.echo(f"{total} addresses, {streets} of them on a street")
