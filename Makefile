# Two-command quick start (see README):  make demo  |  make test
PY ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
SYSTEM_PACKAGES ?= postgresql fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium openjdk-17-jre-headless

.PHONY: setup system-deps demo test lint bench

$(BIN)/hongxian: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/hongxian

setup: $(BIN)/hongxian

system-deps:
	bash scripts/system-deps.sh $(SYSTEM_PACKAGES)

demo: setup
	$(BIN)/hongxian demo --out demo-case

test: setup system-deps
	bash scripts/run-tests.sh

lint: setup
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
