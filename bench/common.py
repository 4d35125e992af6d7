"""What the benchmark scripts in bench/ share: set-up, machine facts, databases, gunicorn, results.

The scripts run as ``python bench/<name>.py`` from the repo root, so bench/ is on ``sys.path``
and they ``from common import ...``.  Importing this module also puts the repo root on
``sys.path`` (for ``locator`` and ``importers``) and sets ``SPATIALITE_LIBRARY_PATH``, so it
must be imported before those packages.  Nothing here is timed: these are the untimed
preparations and the reporting around each measurement.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import http.client
import io
import json
import os
import platform
import pstats
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# GeoAlchemy2's load_spatialite needs it (TECH-NOTES pitfall 2); the Makefile exports it too.
os.environ.setdefault("SPATIALITE_LIBRARY_PATH", "mod_spatialite")

RESULTS_DIR = ROOT / "bench" / "results"


def log(msg: str = "") -> None:
    """Print and flush at once: progress lines must show while a long run is still going."""
    print(msg, flush=True)


# --- machine and versions ---------------------------------------------------------


def machine_info(**extra) -> dict:
    """CPU, load and Python of this run, then ``extra`` (the versions that script depends on).

    Every results file starts its "machine" entry with the same keys, so that runs of the
    different benchmarks (and runs on different machines) can be compared side by side.
    """
    model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": model,
        "loadavg_start": os.getloadavg(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        **extra,
    }


def database_library_versions() -> dict:
    """SQLAlchemy, GeoAlchemy2 and psycopg versions: the layers between locator and the engines."""
    import geoalchemy2
    import psycopg
    import sqlalchemy

    return {
        "sqlalchemy": sqlalchemy.__version__,
        "geoalchemy2": geoalchemy2.__version__,
        "psycopg": psycopg.__version__,
    }


def command_version(*cmd: str) -> str | None:
    """First output of an external program's ``--version`` (ogr2ogr, chromium), None if it won't run.

    The external program is half of what some benchmarks measure, so its version belongs in
    the results; a missing one must not stop the run before the script's own check says so.
    """
    try:
        return subprocess.run([*cmd, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


ENGINE_VERSION_SQL = {
    "spatialite": {
        "sqlite": "SELECT sqlite_version()",
        "spatialite": "SELECT spatialite_version()",
        "geos": "SELECT geos_version()",
        "proj": "SELECT proj_version()",
    },
    "postgis": {
        "postgresql": "SHOW server_version",
        "postgis": "SELECT postgis_lib_version()",
        "postgis_full": "SELECT postgis_full_version()",
    },
}


def engine_versions(engine_name: str, engine, keys=None) -> dict:
    """Versions the engine itself reports (``ENGINE_VERSION_SQL``; only ``keys`` if given).

    Figures from SpatiaLite or PostGIS mean little without the library versions behind them.
    """
    from sqlalchemy import text

    q = ENGINE_VERSION_SQL[engine_name]
    with engine.connect() as conn:
        return {k: conn.execute(text(sql)).scalar() for k, sql in q.items() if keys is None or k in keys}


# --- databases ----------------------------------------------------------------------


def remove_sqlite_files(path: Path) -> None:
    """Delete a SpatiaLite file and its -wal/-shm/-journal companions, so each run starts empty."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def create_postgis_database(pg_url: str, name: str):
    """``CREATE DATABASE name`` (dropped first if a killed run left it) with PostGIS in it.

    Returns (SQLAlchemy URL of the new database, drop()).  Each measurement gets a database
    of its own, and drop() (WITH (FORCE): a pool may still hold connections) removes it
    from the throwaway cluster afterwards.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_url).set(database=name)
    with create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


# --- profiles -------------------------------------------------------------------------


def profile_text(prof: cProfile.Profile, top: int, order=("tottime", "cumulative")) -> str:
    """The ``top`` functions of a profile, listed once per sort key in ``order`` (file names short)."""
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf).strip_dirs()
    for key in order:
        stats.sort_stats(key).print_stats(top)
    return buf.getvalue()


# --- gunicorn ---------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now: servers bind only to loopback, never a fixed port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_server(proc: subprocess.Popen, log) -> None:
    """Stop a server subprocess (terminate, then kill after 20 s) and close its log file."""
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    log.close()


class GunicornServer:
    """gunicorn (one gthread worker) serving ``locator:create_app(overrides)`` on a free loopback port.

    A real WSGI server in a subprocess, so the HTTP figures include what production pays
    (werkzeug's dev server closes every connection).  The constructor returns once
    /healthz answers 200; ``close()`` (or leaving the ``with`` block) stops it.  Its log
    goes to ``logdir`` and is shown if it fails to start.
    """

    def __init__(self, overrides: dict, logdir: Path, threads: int, extra_args=(), timeout_s: float = 60):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = logdir / f"gunicorn-{self.port}.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115 (open while the server runs; closed in stop())
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "--worker-class",
            "gthread",
            "--workers",
            "1",
            "--threads",
            str(threads),
            *extra_args,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            f"locator:create_app({overrides!r})",
        ]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready(timeout_s)
        except BaseException:
            self.close()
            raise

    def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}: {self.log_path.read_text()}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                c.request("GET", "/healthz")
                r = c.getresponse()
                body = r.read()
                c.close()
                if r.status == 200:
                    return
                raise RuntimeError(f"/healthz answered {r.status}: {body[:500]!r}")
            except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not come up: {self.log_path.read_text()}") from None
                time.sleep(0.1)

    def close(self) -> None:
        stop_server(self.proc, self.log)

    def __enter__(self) -> GunicornServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- results ------------------------------------------------------------------------------


def finish_run(name: str, args, info: dict, versions: dict, elapsed: float, results: list) -> Path:
    """The last lines of a run (database versions, time, load) and its results file."""
    for engine, v in versions.items():
        log(f"{engine}: " + ", ".join(f"{k} {val}" for k, val in v.items()))
    log(f"total {elapsed:.0f} s, load average at the end {info['loadavg_end']}")
    return save_results(name, args, machine=info, versions=versions, elapsed_s=elapsed, results=results)


def save_results(name: str, args, **fields) -> Path:
    """Write bench/results/<name>-<time>.json (or ``args.output``) and say where.

    Every results file starts with "created" (UTC) and "args" (the command line, paths as
    text), so a file can be traced back to the run that made it; ``fields`` follow in order.
    """
    out = args.output or RESULTS_DIR / f"{name}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        **fields,
    }
    out.write_text(json.dumps(doc, indent=2, default=str))
    log(f"results: {out}")
    return out
