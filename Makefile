# Debatemap: `make run` serves the demo, `make test` runs the whole suite. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install install-dev browser migrate demo clean help bench backup-check \
	deploy-tools deploy-check

help:
	@echo "make run    install, migrate, load the demo debate, start Celery and serve on http://$(HOST):$(PORT)/"
	@echo "make test   install test tools and Chromium, lint, run the JS and Python suites"
	@echo "make lint   ruff check and format check, and the import direction (lint-imports)"
	@echo "make bench  serve it as production does and measure it (needs PostgreSQL and Redis);"
	@echo "            writes docs/BENCHMARKS.md. Quicker: make bench BENCH_SCALE=small"
	@echo "make backup-check  back up the configured database, restore it into a fresh one,"
	@echo "            compare every table and sequence, drop the copy (docs/DEPLOY.md)"
	@echo "make deploy-check  build the container images from Debian packages, start the stack"
	@echo "            (proxy, web, workers, beat, PostgreSQL, Redis), smoke-test it, stop it"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null || { echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

backup-check: install
	$(PY) manage.py backup_check

run: demo
	@HOST=$(HOST) PORT=$(PORT) bin/serve-dev

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# One pytest process per core (pytest-xdist), each test file on one of them; PYTEST_WORKERS=0
# runs the suite in this process. Tests marked one_process run after, in pytest's own process.
# Exit status 5 is pytest's "no test selected" (PYTEST_ARGS naming only tests of one kind).
PYTEST_WORKERS ?= auto
test: install-dev browser lint
	$(PY) manage.py makemigrations --check --dry-run >/dev/null || { echo "Model changes without a migration: run makemigrations"; exit 1; }
	node --test frontend/tests/js/
	$(PY) -m pytest --numprocesses=$(PYTEST_WORKERS) --dist=loadfile -m "not one_process" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(PY) -m pytest --numprocesses=0 -m one_process $(PYTEST_ARGS) || [ $$? -eq 5 ]

clean:
	rm -rf var staticfiles .pytest_cache test-artifacts

# --- Benchmarks ------------------------------------------------------------------------------
# gunicorn + a Celery worker + PostgreSQL + Redis on this machine, a dedicated database
# (debatemap_bench), data from generate_bench_scenarios; results into docs/BENCHMARKS.md.
# BENCH_SCALE=small (about 2 min), full (the issue's sizes, about 5 min) or large (twice them).
BENCH_SCALE ?= full
bench: install-dev browser
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk (the HTTP load generator)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/run_bench.py --scale $(BENCH_SCALE)

# --- Containers ------------------------------------------------------------------------------
# The stack of deploy/compose.yaml, every image built from Debian's packages (docs/DEPLOY.md,
# "Containers"). deploy-check builds it (cached), starts it, runs deploy/smoke_test.py through
# the proxy on https://localhost:$(DEPLOY_PORT)/ and stops it, also when something fails.
DEPLOY_PORT ?= 8088
$(VENV)/.installed-deploy: deploy/requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -r deploy/requirements.txt
	@touch $@

deploy-tools: $(VENV)/.installed-deploy
	@missing=""; for tool in podman buildah debootstrap runc openssl; do \
	  command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then echo "Installing Debian's$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    podman buildah debootstrap runc openssl >/dev/null; fi

deploy-check: deploy-tools
	PROXY_PORT=$(DEPLOY_PORT) deploy/stack check
