# Taskboard: `make run` serves the app, `make test` runs the whole suite.
# Both start with `make setup`, which is idempotent and only redoes what changed.

SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/tsconfig*.json -type f 2>/dev/null)

.PHONY: uv-installed setup run test test-python test-frontend lint format browser-deps bench clean

setup: $(VENV)/.synced frontend/dist/.vite/manifest.json

uv-installed:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv

$(VENV)/.synced: uv.lock pyproject.toml | uv-installed
	$(UV) sync --frozen
	@touch $@

frontend/node_modules/.installed: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

frontend/dist/.vite/manifest.json: frontend/node_modules/.installed $(FRONTEND_SOURCES)
	cd frontend && npm run build

# Migrate, seed and serve in one process (scripts/run.py), which prints the URL and
# the demo accounts once Daphne answers.
run: setup
	$(BIN)/python scripts/run.py --host $(HOST) --port $(PORT)

# Chromium drives the browser tests; install it from Debian when it is missing.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Chromium is missing: install it (apt-get install chromium) to run the browser tests." >&2; exit 1; fi; }

test: setup browser-deps test-python test-frontend

test-python:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

test-frontend:
	cd frontend && npm run lint && npm run typecheck && npm test

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd frontend && npm run lint && npm run typecheck

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist staticfiles .pytest-db.sqlite3
