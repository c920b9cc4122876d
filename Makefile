# poscare — every target creates and uses the virtual environment in .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The PostgreSQL run of the suite; the test database is "test_" + the name here.
PG_URL ?= postgres://postgres@127.0.0.1:5432/poscare

.PHONY: install demo serve test test-sqlite test-pg lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo --if-empty
	$(MANAGE) assistant_train --if-missing
	@echo ""
	@echo "poscare is starting on http://$(HOST):$(PORT)/  (demo logins: see README.md)"
	$(MANAGE) run_demo --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

test-sqlite: $(STAMP)
	DATABASE_URL=sqlite:///var/test.sqlite3 $(PY) -m pytest

test-pg: $(STAMP)
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -m "not e2e"

test: lint test-sqlite test-pg

bench: $(STAMP)
	mkdir -p bench/results
	DATABASE_URL=$(PG_URL) $(PY) bench/run.py

clean:
	rm -rf $(VENV) var/test.sqlite3
