#!/usr/bin/env bash
# Runs the whole test suite; pytest's exit 5 ("no tests collected") is a failure here.
# A throwaway PostgreSQL server is started for the tests marked `postgres` (scripts/start-postgres.sh)
# unless HONGXIAN_TEST_PG_URL is already set; it is stopped again on exit.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
# Lint before the tests: formatting, lint rules (incl. line length and complexity), types.
"$BIN"/ruff format --check src tests bench || exit 1
"$BIN"/ruff check src tests bench || exit 1
"$BIN"/mypy || exit 1
if [ -z "${HONGXIAN_TEST_PG_URL:-}" ]; then
  if pg_env=$(bash scripts/start-postgres.sh); then
    eval "$pg_env"
    trap 'bash scripts/start-postgres.sh --stop "$HONGXIAN_PG_DIR"' EXIT
  else
    echo "run-tests: PostgreSQL could not be started; tests marked postgres will fail under CI" >&2
  fi
fi
"$BIN"/python -m pytest -q "$@"
rc=$?
if [ $rc -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit $rc
