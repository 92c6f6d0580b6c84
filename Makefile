# The two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# pyenv picks 3.12 from .python-version; override with `make PYTHON=python3.12 ...`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: help python-version venv dev-deps system-deps letter-tools env run test lint format messages clean bench bench-small bench-db

help:
	@echo "make run    - set up everything and serve the admin on http://127.0.0.1:8000/admin/"
	@echo "make test   - run the test suite (SQLite; set DATABASE_URL for PostgreSQL)"
	@echo "make lint   - ruff check and format check, and the import contracts (.importlinter)"
	@echo "make bench  - the scale benchmark on PostgreSQL (1M contacts; see docs/benchmarks.md)"
	@echo "make bench-small - the same at 1/100 scale, in under a minute"

python-version:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null || { \
	  echo "Python 3.12 or newer is needed (Django 6 requires it); '$(PYTHON)' is $$($(PYTHON) --version 2>&1)."; \
	  echo "Install it with 'pyenv install 3.12.1' (the repo's .python-version selects it) or run 'make PYTHON=/path/to/python3.12 ...'."; \
	  exit 1; }

# WeasyPrint renders the letters with Debian's Pango; DejaVu carries ä, ö and å. Installed only when missing.
LETTER_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
system-deps:
	@missing=$$(for p in $(LETTER_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  else echo "Letters as PDF need these Debian packages: sudo apt-get install $$missing"; fi; \
	fi

# pdftoppm turns the letter PDFs into the PNGs under e2e-screenshots/letters/.
letter-tools: system-deps
	@command -v pdftoppm >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq poppler-utils; } || echo "Install poppler-utils for pdftoppm."

$(VENV)/.installed: requirements.txt | python-version system-deps
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed | letter-tools
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed
dev-deps: $(VENV)/.installed-dev

# A local .env for development only: a generated key, DEBUG on, demo passwords.
.env: | python-version
	@$(PYTHON) -c 'import secrets; t = secrets.token_urlsafe; print("# Local development settings written by make run. Never use in production.\nSECRET_KEY=dev-" + t(48) + "\nDEBUG=true\nDEMO_STAFF_PASSWORD=" + t(12) + "\nDEMO_PRIVACY_OFFICER_PASSWORD=" + t(12) + "\n# The demo signs in without a second factor; production never does.\nREQUIRE_2FA=false\n# Letters are printed to the console instead of sent; set EMAIL_BACKEND=smtp and EMAIL_HOST to send.\nEMAIL_BACKEND=console")' > .env
	@echo "Wrote .env with a generated SECRET_KEY and DEBUG=true (development only)."

run: venv .env
	$(PY) manage.py migrate --no-input
	$(PY) manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || true
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py create_demo_users
	$(PY) manage.py runserver 127.0.0.1:8000

# Tests never read the developer's .env: they get their own throwaway key.
# The HTTPS redirect is off because the test client speaks plain HTTP.
test: dev-deps
	DJANGO_READ_ENV_FILE=false SECRET_KEY=test-only-not-secret DEBUG=false SECURE_SSL_REDIRECT=false $(VENV)/bin/pytest $(PYTEST_ARGS)

lint: dev-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: dev-deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: venv
	$(PY) manage.py makemessages -l fi --ignore=.venv --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

# The benchmark seeds (and truncates) its own database; BENCH_DATABASE_URL's name must contain "bench".
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/caracom_bench

$(VENV)/.installed-bench: requirements-bench.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-bench.txt
	@touch $@

bench-db:
	@url='$(BENCH_DATABASE_URL)'; db=$${url##*/}; base=$${url%/*}; \
	  psql "$$base/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$$db'" | grep -q 1 \
	  || psql "$$base/postgres" -c "CREATE DATABASE $$db"

bench: $(VENV)/.installed-bench bench-db
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.run --scale 1 $(BENCH_ARGS)

bench-small: $(VENV)/.installed-bench bench-db
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.run --scale 0.01 $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
