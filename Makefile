# 阳光政务 — the two commands a newcomer types are `make run` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL used by `make test` when DATABASE_URL is not set (and it answers).
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/yangguang
# Test databases on a shared PostgreSQL are named per checkout (and per xdist worker), so two
# clones testing at the same time do not drop each other's databases.
YG_TEST_DB_SUFFIX ?= $(shell printf %s "$(CURDIR)" | cksum | cut -d' ' -f1)
# Two workers (work stealing: one long test does not hold up the rest); `make test PYTEST_ARGS=-q`
# runs everything in one process.
PYTEST_ARGS ?= -q -n 2 --dist worksteal --durations=5
export YG_TEST_DB_SUFFIX

.PHONY: install run test lint test-sqlite test-postgres bench system-deps clean

$(BIN)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --quiet --upgrade pip || echo "pip 升级失败，继续 (could not upgrade pip)"
	$(PY) -m pip install --quiet --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/.installed

run: install
	@if $(PY) -c "import socket, sys; sys.exit(socket.socket().connect_ex(('$(HOST)', $(PORT))) != 0)"; then \
		echo "端口 $(PORT) 已被占用 (port in use)：请换一个端口，例如 make run PORT=8001" >&2; exit 1; fi
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py rebuild_search_index
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py demo_logins
	@echo "门户地址 / Portal: http://$(HOST):$(PORT)/    工作台 / Console: http://$(HOST):$(PORT)/console/"
	exec $(BIN)/gunicorn -c gunicorn.conf.py yangguang.config.wsgi:application --bind $(HOST):$(PORT) --workers 2 --access-logfile -

system-deps:
	@bash scripts/system-deps.sh

lint: install
	@echo "== 代码检查：ruff / mypy =="
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# pytest exits 5 when nothing was collected (e.g. a -k filter): not a failure here.
test: install system-deps lint
	@start=$$(date +%s); $(MAKE) --no-print-directory test-sqlite; \
	echo "SQLite 用时 $$(( $$(date +%s) - start )) s"
	@if [[ "$${DATABASE_URL:-}" == postgres* ]] || $(PY) scripts/pg_reachable.py "$(PG_TEST_URL)"; then \
		start=$$(date +%s); $(MAKE) --no-print-directory test-postgres; \
		echo "PostgreSQL 用时 $$(( $$(date +%s) - start )) s"; \
	else echo "PostgreSQL 不可达，跳过 PostgreSQL 测试 (PostgreSQL not reachable: skipped)"; fi

test-sqlite: install
	@echo "== 测试：SQLite =="
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]

test-postgres: install
	@echo "== 测试：PostgreSQL =="
	DATABASE_URL=$${DATABASE_URL:-$(PG_TEST_URL)} $(BIN)/pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]

bench: install
	@bash scripts/system-deps.sh bench
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var build *.egg-info
