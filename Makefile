# locator: make help lists the targets.
#
# Everything a bare machine (Debian 12, root, PostgreSQL 15 installed but stopped,
# no PostGIS/SpatiaLite, no venv) needs is installed here; a second run skips apt
# (dpkg-query check) and pip (stamp .venv/.installed newer than requirements.txt).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON      ?= python3
VENV        := .venv
VENV_STAMP  := $(VENV)/.installed
FLASK       := $(VENV)/bin/flask --app locator
PG_CLUSTER  := scripts/pg-test-cluster.sh
SYSDEPS     := scripts/install-system-deps.sh

RUN_HOST    ?= 127.0.0.1
RUN_PORT    ?= 5000
GUNICORN_ARGS ?= -w 2
PYTEST_ARGS ?=
BENCH_ARGS  ?=

# Debian packages: the embedded default (SpatiaLite) needs only the first list.
# libproj-dev, proj-bin and libgeos-dev: pyproj and shapely are built against
# the same PROJ and GEOS that SpatiaLite links (see requirements.txt).
DEPS_RUN  := libsqlite3-mod-spatialite libproj-dev proj-bin libgeos-dev
DEPS_TEST := $(DEPS_RUN) postgresql-15-postgis-3 gdal-bin chromium

# GeoAlchemy2's load_spatialite needs it (TECH-NOTES pitfall 2); the environment wins.
export SPATIALITE_LIBRARY_PATH ?= mod_spatialite


.PHONY: help setup deps-run deps-test venv run test lint bench bench-import clean pg-start pg-stop pg-status

help:
	@echo "locator targets:"
	@echo "  make run     install SpatiaLite + venv if needed, init-db, load-demo,"
	@echo "               serve with gunicorn on http://$(RUN_HOST):$(RUN_PORT) (foreground)"
	@echo "  make test    deps (PostGIS, gdal) + venv, throwaway PostgreSQL cluster, pytest"
	@echo "               on both engines; extra pytest args: PYTEST_ARGS='-k foo -x'"
	@echo "  make lint    ruff check, ruff format --check and the layer contracts (make test runs it first)"
	@echo "  make bench   same cluster, runs bench/nearest.py (args: BENCH_ARGS=...)"
	@echo "  make bench-import   bench/import.py: imports against ogr2ogr"
	@echo "  make setup   all system packages + venv only"
	@echo "  make clean   stop the test cluster; remove .venv, instance/, .pg-test"
	@echo "  make pg-start / pg-stop / pg-status   the test cluster by hand"
	@echo "               (pg-start prints LOCATOR_TEST_POSTGRES_URL to export)"

setup: deps-test venv

deps-run:
	@$(SYSDEPS) $(DEPS_RUN)

deps-test:
	@$(SYSDEPS) $(DEPS_TEST)

venv: $(VENV_STAMP)

# (Re)install only when requirements.txt is newer than the stamp.  A venv whose
# python no longer runs (e.g. the interpreter moved) is recreated from scratch;
# otherwise pip installs the pins over the existing venv (`make clean` for a full rebuild).
$(VENV_STAMP): requirements.txt requirements-build.txt
	@if ! $(VENV)/bin/python -c 'import sys' >/dev/null 2>&1; then \
	    echo "creating $(VENV) with $$($(PYTHON) --version 2>&1)"; \
	    rm -rf $(VENV); \
	    $(PYTHON) -m venv $(VENV); \
	fi
	@echo "pip install -r requirements.txt into $(VENV) (pyproj and shapely compile: about a minute the first time)"
	@scripts/install-python-deps.sh $(VENV)
	@touch $@

run: deps-run venv
	@mkdir -p instance
	$(FLASK) init-db
	$(FLASK) load-demo
	@echo
	@echo "  locator: serving on http://$(RUN_HOST):$(RUN_PORT)/   (Ctrl-C stops)"
	@echo
	exec $(VENV)/bin/gunicorn -b $(RUN_HOST):$(RUN_PORT) $(GUNICORN_ARGS) 'locator:create_app()'

# pg-test-cluster.sh run: starts (or reuses) the cluster, exports
# LOCATOR_TEST_POSTGRES_URL, runs the command, stops the cluster it started whatever
# the outcome (also on Ctrl-C), and exits with the command's exit code.
# pytest's exit 5 ("no tests collected") is NOT masked.
test: deps-test venv lint
	$(PG_CLUSTER) run -- $(VENV)/bin/python -m pytest $(PYTEST_ARGS)

# ruff (lint, then format) and the layer contracts (import-linter), all configured in pyproject.toml.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

bench: deps-test venv
	$(PG_CLUSTER) run -- $(VENV)/bin/python bench/nearest.py $(BENCH_ARGS)

bench-import: deps-test venv
	$(PG_CLUSTER) run -- $(VENV)/bin/python bench/import.py $(BENCH_ARGS)

pg-start: deps-test
	@url=$$($(PG_CLUSTER) start); echo "export LOCATOR_TEST_POSTGRES_URL='$$url'"

pg-stop:
	@$(PG_CLUSTER) stop

pg-status:
	@$(PG_CLUSTER) status || true

clean:
	@if [ -f .pg-test/state ]; then $(PG_CLUSTER) stop; fi
	rm -rf $(VENV) instance .pg-test .pytest_cache
