# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make run   - create .venv, install, migrate, load the seed data into an empty database
#                (never over existing data; `make seed SEED_ARGS=--force` reloads it), serve on
#                127.0.0.1:$(PORT)
#   make test  - create .venv if needed, install, run the whole test suite
#   make bench - benchmark the hot endpoints on PostgreSQL (writes bench/RESULTS.md)
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEED_FIXTURES := korea_us_2025

.PHONY: install run test lint format migrate seed clean bench

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput

seed: migrate
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed $(SEED_ARGS) $(SEED_FIXTURES)

run: seed
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Benchmark (bench/README.md): its own PostgreSQL unless DATABASE_URL is set; writes
# bench/RESULTS.md. BENCH_ARGS=--quick for a ~2-minute run.
bench: install
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	bash bench/run.sh $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
