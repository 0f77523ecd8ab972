# 阳光政务 — the two commands a newcomer types are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/yangguang

.PHONY: install run test lint test-sqlite test-postgres bench system-deps clean

$(BIN)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py demo_logins
	@echo "门户地址 / Portal: http://$(HOST):$(PORT)/    工作台 / Console: http://$(HOST):$(PORT)/console/"
	$(BIN)/gunicorn yangguang.config.wsgi:application --bind $(HOST):$(PORT) --workers 2 --access-logfile -

system-deps:
	@bash scripts/system-deps.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install system-deps lint
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$DATABASE_URL" ] || $(PY) scripts/pg_reachable.py; then \
		$(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL 不可达，跳过 PostgreSQL 测试 (PostgreSQL not reachable: skipped)"; fi

test-sqlite: install
	@echo "== 测试：SQLite =="
	env -u DATABASE_URL $(BIN)/pytest -q

test-postgres: install
	@echo "== 测试：PostgreSQL =="
	DATABASE_URL=$${DATABASE_URL:-$(PG_TEST_URL)} $(BIN)/pytest -q

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var build *.egg-info
