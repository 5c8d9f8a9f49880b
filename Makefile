# PAKN — two commands: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_WORKERS ?= 2
PYTEST_WORKERS ?= auto

.PHONY: run test lint install install-test install-lint migrate seed bench bench-quick messages clean

$(VENV)/.created:
	@bin/find-python >/dev/null
	$$(bin/find-python) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	@touch $@

$(VENV)/.installed: $(VENV)/.created requirements/base.txt
	$(PIP) install -q -r requirements/base.txt
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements/test.txt tests/e2e/package-lock.json
	$(PIP) install -q -r requirements/test.txt
	npm ci --prefix tests/e2e --no-audit --no-fund --silent
	@touch $@

$(VENV)/.installed-lint: $(VENV)/.installed-test requirements/lint.txt
	$(PIP) install -q -r requirements/lint.txt
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-lint: $(VENV)/.installed-lint

migrate: install
	@mkdir -p var
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py createcachetable

seed: migrate
	$(PY) manage.py seed_demo --if-empty

run: seed
	$(PY) manage.py collectstatic --no-input -v0
	HOST=$(HOST) PORT=$(PORT) WEB_WORKERS=$(WEB_WORKERS) bin/run-all

test: install-test
	@bin/ensure-chromium
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install-lint
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy pakn config
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -c pyproject.toml -r pakn config --severity-level medium
	$(PY) bin/audit-deps

bench: install-test
	$(PY) bench/run.py

bench-quick: install-test
	$(PY) bench/run.py --quick

# Refresh the English catalogs after changing strings, translate the new entries, then compile.
messages: install
	$(PY) manage.py makemessages -l en --no-location --no-obsolete -i ".venv/*" -i "tests/*" -i "bench/*" -i "var/*"
	$(PY) manage.py compilemessages -l en -i .venv -i var

clean:
	rm -rf $(VENV) var/static
