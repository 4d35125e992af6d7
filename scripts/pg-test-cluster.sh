#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + PostGIS cluster for the test suite and benchmarks.
#
#   scripts/pg-test-cluster.sh start     start (or reuse) the cluster; print its SQLAlchemy URL
#   scripts/pg-test-cluster.sh url       print the URL of the running cluster (exit 1 if none)
#   scripts/pg-test-cluster.sh status    say whether it runs (exit 0 if it does, 3 if not)
#   scripts/pg-test-cluster.sh stop      stop it and delete its data directory
#   scripts/pg-test-cluster.sh run -- CMD [ARG...]
#                                        start, run CMD with LOCATOR_TEST_POSTGRES_URL
#                                        exported, stop again whatever CMD's outcome, and
#                                        exit with CMD's exit code (used by `make test/bench`)
#
# Only the URL goes to stdout, so  URL=$(scripts/pg-test-cluster.sh start)  works;
# progress and errors go to stderr.
#
# The cluster: initdb (as the `postgres` OS user when we are root: initdb refuses
# root) into a fresh ${TMPDIR:-/tmp}/locator-pg.XXXXXX, trust auth, UTF8 / C.UTF-8,
# listening only on 127.0.0.1 on a free port, unix socket inside that directory,
# fsync / synchronous_commit / full_page_writes off (durability is worthless for
# tests).  Database $PG_TEST_DB (default locator_test) with the postgis extension.
# State (temp dir, port, owner) lives in .pg-test/state in the repo (gitignored).
#
# Reuse policy: `start` REUSES a cluster of this repo that is still up (state file
# present and the postmaster answers), so a second start takes well under a second,
# but it DROPS AND RECREATES the test database so every start hands out an empty
# database with PostGIS.  A state file whose cluster is dead is cleaned up and a new
# cluster is made.  `stop` on nothing is a no-op (exit 0).
#
# `run` stops the cluster at the end only if that run started it, or adopted one left
# behind by an earlier `run` that was killed; a cluster you started by hand with
# `start` is reused and left running.  While a `run` is in progress, another
# `start`/`run` in the same repo refuses (it would drop the database under it).
#
# Environment: PG_BINDIR (default /usr/lib/postgresql/15/bin), PG_TEST_DB
# (locator_test), PG_TEST_STATE_DIR (<repo>/.pg-test), PG_TEST_SHOW_LOG=1 (or CI=true)
# prints the server log's tail when `run`'s command fails.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/15/bin}
PG_TEST_DB=${PG_TEST_DB:-locator_test}
STATE_DIR=${PG_TEST_STATE_DIR:-$REPO/.pg-test}
STATE_FILE=$STATE_DIR/state
LOCK_FILE=$STATE_DIR/lock
PG_OS_USER=postgres
TMP_PREFIX=locator-pg.

say() { echo "pg-test-cluster: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# Run a command as the postgres OS user when we are root, as ourselves otherwise.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$PG_OS_USER" -- "$@"
    else
        "$@"
    fi
}

url_for() { echo "postgresql+psycopg://postgres@127.0.0.1:$1/$PG_TEST_DB"; }

psql_admin() {  # psql_admin PORT DB SQL
    PGOPTIONS="-c client_min_messages=warning" "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d "$2" -c "$3" >/dev/null
}

check_prereqs() {
    [ -x "$PG_BINDIR/initdb" ] && [ -x "$PG_BINDIR/pg_ctl" ] && [ -x "$PG_BINDIR/psql" ] ||
        die "PostgreSQL 15 binaries not found in $PG_BINDIR (apt-get install postgresql-15, or set PG_BINDIR)"
    local sharedir
    sharedir=$("$PG_BINDIR/pg_config" --sharedir 2>/dev/null || echo /usr/share/postgresql/15)
    [ -f "$sharedir/extension/postgis.control" ] ||
        die "PostGIS is not installed for PostgreSQL 15 ($sharedir/extension/postgis.control missing).
    Install it with:  scripts/install-system-deps.sh postgresql-15-postgis-3   (or: make setup)"
    if [ "$(id -u)" -eq 0 ]; then
        id "$PG_OS_USER" >/dev/null 2>&1 ||
            die "running as root, but there is no '$PG_OS_USER' OS user to run initdb as"
    fi
}

# Sets TMP_DIR, PORT, OWNER from the state file; returns 1 if there is none.
load_state() {
    TMP_DIR='' PORT='' OWNER=''
    [ -f "$STATE_FILE" ] || return 1
    local key val
    while IFS='=' read -r key val; do
        case $key in
            TMP_DIR) TMP_DIR=$val ;;
            PORT) PORT=$val ;;
            OWNER) OWNER=$val ;;
        esac
    done <"$STATE_FILE"
    [ -n "$TMP_DIR" ] && [ -n "$PORT" ]
}

write_state() {  # write_state TMP_DIR PORT OWNER
    mkdir -p "$STATE_DIR"
    printf 'TMP_DIR=%s\nPORT=%s\nOWNER=%s\nURL=%s\n' "$1" "$2" "$3" "$(url_for "$2")" >"$STATE_FILE.new"
    mv -f "$STATE_FILE.new" "$STATE_FILE"
}

is_running() {  # is_running TMP_DIR PORT
    [ -f "$1/data/postmaster.pid" ] || return 1
    as_pg "$PG_BINDIR/pg_ctl" status -D "$1/data" >/dev/null 2>&1 || return 1
    "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$2" -t 5
}

# Only ever rm -rf a directory that looks like one of ours.
safe_rm_tmp() {
    local dir=$1
    case $(basename -- "$dir") in
        "$TMP_PREFIX"*) [ -d "$dir" ] && rm -rf -- "$dir" ;;
        *) say "not deleting '$dir': not a $TMP_PREFIX* directory" ;;
    esac
    return 0
}

stop_cluster() {  # stop_cluster TMP_DIR
    local dir=$1
    if [ -f "$dir/data/postmaster.pid" ] &&
        as_pg "$PG_BINDIR/pg_ctl" status -D "$dir/data" >/dev/null 2>&1; then
        if ! as_pg "$PG_BINDIR/pg_ctl" stop -D "$dir/data" -m fast -w -t 30 >/dev/null 2>&1; then
            say "fast shutdown failed; trying immediate"
            as_pg "$PG_BINDIR/pg_ctl" stop -D "$dir/data" -m immediate -w -t 30 >/dev/null 2>&1 || true
        fi
    fi
    safe_rm_tmp "$dir"
}

free_port() {
    python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
}

recreate_db() {  # recreate_db PORT
    psql_admin "$1" postgres "DROP DATABASE IF EXISTS \"$PG_TEST_DB\" WITH (FORCE)"
    psql_admin "$1" postgres "CREATE DATABASE \"$PG_TEST_DB\""
    psql_admin "$1" "$PG_TEST_DB" "CREATE EXTENSION postgis" ||
        die "CREATE EXTENSION postgis failed (is postgresql-15-postgis-3 installed?)"
}

new_cluster() {  # new_cluster OWNER -> sets TMP_DIR PORT
    local owner=$1
    TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/${TMP_PREFIX}XXXXXX")
    if [ "$(id -u)" -eq 0 ]; then
        chown "$PG_OS_USER:" "$TMP_DIR"
    fi
    chmod 700 "$TMP_DIR"
    # Record the directory at once so that `stop` can clean up a half-made cluster.
    write_state "$TMP_DIR" 0 "$owner"

    say "initdb in $TMP_DIR/data"
    if ! as_pg "$PG_BINDIR/initdb" -D "$TMP_DIR/data" -U postgres --auth=trust -E UTF8 \
        --locale=C.UTF-8 --no-sync --no-instructions >"$TMP_DIR/initdb.log" 2>&1; then
        cat "$TMP_DIR/initdb.log" >&2
        die "initdb failed"
    fi
    as_pg tee -a "$TMP_DIR/data/postgresql.conf" >/dev/null <<EOF

# --- locator throwaway test cluster (scripts/pg-test-cluster.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$TMP_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
logging_collector = off
log_min_messages = warning
log_checkpoints = off
EOF

    # A free port can be taken between choosing and binding it: try a few.
    local attempt
    for attempt in 1 2 3 4 5; do
        PORT=$(free_port)
        write_state "$TMP_DIR" "$PORT" "$owner"
        if as_pg "$PG_BINDIR/pg_ctl" start -D "$TMP_DIR/data" -w -t 60 -o "-p $PORT" \
            -l "$TMP_DIR/postgres.log" >/dev/null 2>&1 9>&-; then
            break
        fi
        if [ "$attempt" -eq 5 ] || ! grep -qi 'could not bind\|address already in use' "$TMP_DIR/postgres.log" 2>/dev/null; then
            tail -n 30 "$TMP_DIR/postgres.log" >&2 2>/dev/null || true
            die "pg_ctl start failed (log above: $TMP_DIR/postgres.log)"
        fi
        say "port $PORT taken, retrying"
    done
    say "server up on 127.0.0.1:$PORT"
}

# Undo a half-made cluster when `start` fails (EXIT trap while creating one).
abort_new() {
    local rc=$?
    trap - EXIT
    if [ "$rc" -ne 0 ] && [ -n "${TMP_DIR:-}" ]; then
        say "start failed: removing the half-made cluster $TMP_DIR"
        stop_cluster "$TMP_DIR"
        rm -f "$STATE_FILE"
    fi
    exit "$rc"
}

# do_start OWNER ("manual" or "run:PID"): sets PORT, TMP_DIR, OWNER and
# STARTED (1 if this call made the cluster or adopted an orphan, so it should stop it).
do_start() {
    local want_owner=$1
    STARTED=0
    check_prereqs
    if load_state; then
        if [ "$PORT" != 0 ] && is_running "$TMP_DIR" "$PORT"; then
            case $OWNER in
                run:*)
                    local pid=${OWNER#run:}
                    if kill -0 "$pid" 2>/dev/null; then
                        die "the test cluster of this repo is in use by a running test run (pid $pid); wait for it or run '$0 stop'"
                    fi
                    # Left behind by a `run` that was killed: adopt it.
                    STARTED=1
                    OWNER=$want_owner
                    write_state "$TMP_DIR" "$PORT" "$OWNER"
                    ;;
            esac
            say "reusing the running cluster on port $PORT (recreating database $PG_TEST_DB)"
            recreate_db "$PORT"
            return 0
        fi
        say "previous cluster ($TMP_DIR) is not running: cleaning it up"
        stop_cluster "$TMP_DIR"
    fi
    rm -f "$STATE_FILE"
    trap abort_new EXIT
    new_cluster "$want_owner"
    recreate_db "$PORT"
    trap - EXIT
    OWNER=$want_owner
    STARTED=1
}

do_stop() {
    if ! load_state; then
        rm -f "$STATE_FILE"
        say "no test cluster recorded for this repo: nothing to stop"
        return 0
    fi
    say "stopping cluster on port $PORT and removing $TMP_DIR"
    stop_cluster "$TMP_DIR"
    rm -f "$STATE_FILE"
}

# Serialise start/stop of this repo's cluster.  fd 9 holds the lock: it is closed for
# `pg_ctl start`, or the postmaster would inherit it and hold the lock forever.
with_lock() {
    mkdir -p "$STATE_DIR"
    exec 9>"$LOCK_FILE"
    flock -w 120 9 || die "could not lock $LOCK_FILE"
    "$@"
    exec 9>&-
}

cmd=${1:-}
[ "$#" -gt 0 ] && shift
case $cmd in
    start)
        with_lock do_start manual
        url_for "$PORT"
        ;;
    stop)
        with_lock do_stop
        ;;
    url)
        if load_state && [ "$PORT" != 0 ] && is_running "$TMP_DIR" "$PORT"; then
            url_for "$PORT"
        else
            die "no test cluster running for this repo (start one with: $0 start)"
        fi
        ;;
    status)
        if load_state && [ "$PORT" != 0 ] && is_running "$TMP_DIR" "$PORT"; then
            echo "running: $(url_for "$PORT")  dir=$TMP_DIR  owner=${OWNER:-?}"
        else
            echo "not running"
            exit 3
        fi
        ;;
    run)
        [ "${1:-}" = -- ] && shift
        [ "$#" -gt 0 ] || die "usage: $0 run -- COMMAND [ARG...]"
        with_lock do_start "run:$$"
        RUN_TMP_DIR=$TMP_DIR
        if [ "$STARTED" = 1 ]; then
            cleanup() {
                local rc=$?
                trap - EXIT INT TERM HUP
                if [ "$rc" -ne 0 ] && { [ "${PG_TEST_SHOW_LOG:-}" = 1 ] || [ "${CI:-}" = true ]; } &&
                    [ -f "$RUN_TMP_DIR/postgres.log" ]; then
                    say "command failed (exit $rc); last lines of the server log:"
                    tail -n 20 "$RUN_TMP_DIR/postgres.log" >&2 || true
                fi
                with_lock do_stop || true
                exit "$rc"
            }
        else
            cleanup() {
                local rc=$?
                trap - EXIT INT TERM HUP
                say "leaving the cluster you started by hand running ($0 stop to stop it)"
                exit "$rc"
            }
        fi
        trap cleanup EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        trap 'exit 129' HUP
        LOCATOR_TEST_POSTGRES_URL=$(url_for "$PORT")
        export LOCATOR_TEST_POSTGRES_URL
        say "LOCATOR_TEST_POSTGRES_URL=$LOCATOR_TEST_POSTGRES_URL"
        set +e
        "$@"
        rc=$?
        set -e
        exit "$rc"
        ;;
    *)
        sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
        exit 2
        ;;
esac
