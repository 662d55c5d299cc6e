# Quick start (see README):  make demo  |  make serve  |  make test
PY ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
SYSTEM_PACKAGES ?= postgresql fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium openjdk-17-jre-headless
# What `make demo` needs from Debian: the CJK font of the report charts. Installed when missing and
# possible (root or sudo); otherwise the demo still runs and says in one line why there is no report.
DEMO_PACKAGES ?= fonts-noto-cjk
DEMO_DIR ?= demo-case
PORT ?= 8000

.PHONY: setup system-deps demo-deps demo serve test lint bench

# The compiled kernel of the text scorer is built by the (editable) install: rebuild when it changes.
KERNEL_SOURCES = $(wildcard src/hongxian/detect/text/learned/*.c)

$(BIN)/hongxian: pyproject.toml setup.py $(KERNEL_SOURCES)
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/hongxian

setup: $(BIN)/hongxian

system-deps:
	bash scripts/system-deps.sh $(SYSTEM_PACKAGES)

demo-deps:
	bash scripts/system-deps.sh --optional $(DEMO_PACKAGES)

demo: setup demo-deps
	$(BIN)/hongxian demo --out $(DEMO_DIR)

serve: setup
	@test -f $(DEMO_DIR)/case.toml || $(MAKE) --no-print-directory demo
	$(BIN)/hongxian serve $(DEMO_DIR) --port $(PORT)

test: setup system-deps
	bash scripts/run-tests.sh

lint: setup
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
