# Kampung's few verbs. A newcomer needs only `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
BENCH ?= all
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test test-postgres lint bench serve clean

$(BIN)/kampung: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	@touch $@

$(VENV)/.dev: $(BIN)/kampung
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

## Run the site with the demo neighbourhood on SQLite at http://127.0.0.1:$(PORT)
## (HOST=0.0.0.0 serves phones on the same Wi-Fi). Writes a development .env if none.
demo: $(BIN)/kampung
	DEBUG=$${DEBUG:-true} $(BIN)/kampung demo --host $(HOST) --port $(PORT)

## Run every test (SQLite unless DATABASE_URL names PostgreSQL), after the checks
test: lint
	# The migration check needs no database: run it on the default SQLite.
	env -u DATABASE_URL DEBUG=true KAMPUNG_VAR_DIR=var/test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Style, formatting, the architecture's import rules and types (pyproject.toml says which)
lint: $(VENV)/.dev
	$(BIN)/ruff check kampung tests bench
	$(BIN)/ruff format --check kampung tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

## Benchmarks: results as JSON under var/bench/ (BENCH=seed runs one)
bench: $(VENV)/.dev
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf var/test var/bench .pytest_cache
