#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the tests and benchmarks (never touches a system cluster).
#
#   eval "$(bash scripts/start-postgres.sh)"        # prints: export HONGXIAN_TEST_PG_URL=… HONGXIAN_PG_DIR=…
#   bash scripts/start-postgres.sh --stop "$HONGXIAN_PG_DIR"
#
# Installs Debian `postgresql` (via scripts/system-deps.sh) when no server binaries are present.
# The cluster lives in a fresh temp dir, listens on 127.0.0.1 on a free port, trusts local
# connections (user `hongxian`, database `hongxian_test`) and runs without fsync. PostgreSQL refuses
# to run as root, so as root the server runs as the Debian `postgres` user (or a dedicated
# `hongxian-pg` system user created here when that one is missing).
# Everything except the export lines goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

run_as() {  # run_as USER CMD... (USER empty: as ourselves)
  local user=$1; shift
  if [ -z "$user" ]; then "$@"; return; fi
  if command -v runuser >/dev/null 2>&1; then runuser -u "$user" -- "$@"
  else su -s /bin/sh "$user" -c "$(printf '%q ' "$@")"; fi
}

server_user() {
  if [ "$(id -u)" -ne 0 ]; then echo ""; return; fi
  if id postgres >/dev/null 2>&1; then echo postgres; return; fi
  id hongxian-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin hongxian-pg
  echo hongxian-pg
}

if [ "${1:-}" = "--stop" ]; then
  dir=${2:?usage: start-postgres.sh --stop DIR}
  bin=$(find_bin)
  owner=""
  [ "$(id -u)" -eq 0 ] && owner=$(stat -c %U "$dir")
  [ -f "$dir/data/postmaster.pid" ] && run_as "$owner" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
  rm -rf "$dir"
  exit 0
fi

bin=$(find_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "start-postgres: installing Debian postgresql" >&2
  bash scripts/system-deps.sh postgresql >&2
  bin=$(find_bin)
fi
[ -x "$bin/initdb" ] || { echo "start-postgres: initdb not found under /usr/lib/postgresql" >&2; exit 1; }

user=$(server_user)
dir=$(mktemp -d "${HONGXIAN_PG_TMP:-/tmp}/hongxian-pg.XXXXXX")  # not $TMPDIR: the server user must reach it
chmod 755 "$dir"
[ -n "$user" ] && chown "$user" "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

run_as "$user" "$bin/initdb" -D "$dir/data" -U hongxian --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
run_as "$user" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >&2 \
  || { cat "$dir/server.log" >&2; exit 1; }
"$bin/createdb" -h 127.0.0.1 -p "$port" -U hongxian hongxian_test >&2
echo "start-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)" >&2
echo "export HONGXIAN_TEST_PG_URL=postgresql://hongxian@127.0.0.1:$port/hongxian_test"
echo "export HONGXIAN_PG_DIR=$dir"
