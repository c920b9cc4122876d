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
# `make serve`: PostgreSQL (PG_URL), Redis, and this many task workers beside gunicorn.
REDIS_URL ?= redis://127.0.0.1:6379/0
WORKERS ?= 1
# The browser tests need Debian's chromium + chromedriver.
CHROMIUM ?= chromium
CHROMEDRIVER ?= chromedriver

.PHONY: install demo serve browser test test-sqlite test-pg lint bench clean

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

# Production-style serving on this machine: DEBUG off, gunicorn + WhiteNoise, the RQ worker and
# the scheduler, on PostgreSQL and Redis (README "Deploy"). SECRET_KEY is kept in var/.
serve: $(STAMP)
	mkdir -p var
	test -s var/secret_key || $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key
	export DATABASE_URL='$(PG_URL)' REDIS_URL='$(REDIS_URL)' TASK_BACKEND=rq DEBUG=0 HTTPS_ONLY=$${HTTPS_ONLY:-0} \
	  SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" DB_CONN_MAX_AGE=$${DB_CONN_MAX_AGE:-60} \
	  LEDGER_CREATE_KEY=$${LEDGER_CREATE_KEY:-1} \
	  ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(HOST),localhost}" && \
	$(MANAGE) migrate --noinput && \
	$(MANAGE) collectstatic --noinput -v0 && \
	echo "poscare (production mode) on http://$(HOST):$(PORT)/ — Ctrl-C stops web, worker and scheduler" && \
	exec $(MANAGE) serve --bind $(HOST):$(PORT) --workers $(WORKERS)

# Stops at the start of a test run on a machine without Chromium: installs it where apt and
# root are there (CI, containers), else says in one line what to install.
browser:
	@command -v $(CHROMIUM) >/dev/null 2>&1 && command -v $(CHROMEDRIVER) >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "make test: installing chromium and chromium-driver for the browser tests (apt)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	else \
	  echo "make test needs Chromium for the browser tests: sudo apt-get install chromium chromium-driver"; \
	  exit 1; \
	fi

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

test-sqlite: $(STAMP) browser
	DATABASE_URL=sqlite:///var/test.sqlite3 $(PY) -m pytest

test-pg: $(STAMP)
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -m "not e2e"

test: browser lint test-sqlite test-pg

bench: $(STAMP)
	mkdir -p bench/results
	DATABASE_URL=$(PG_URL) $(PY) bench/run.py

clean:
	rm -rf $(VENV) var/test.sqlite3
