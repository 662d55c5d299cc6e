#!/usr/bin/env bash
# Debian packages a make target needs, installed only when missing.
# Usage: system-deps.sh [--optional] PACKAGE...
#   --optional: when the packages cannot be installed (no root or sudo, no apt-get, no network),
#   say so in one line and exit 0; the caller copes without them (make demo). Without it, fail.
set -uo pipefail
optional=0
if [ "${1:-}" = "--optional" ]; then optional=1; shift; fi
need=()
for pkg in "$@"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
give_up() {
  if [ $optional -eq 1 ]; then
    echo "提示：未能安装系统软件包 ${need[*]}（$1），将在缺少它们的情况下继续。" >&2
    exit 0
  fi
  echo "system-deps: cannot install ${need[*]}: $1" >&2
  exit 1
}
command -v apt-get >/dev/null 2>&1 || give_up "没有 apt-get"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && { [ $optional -eq 0 ] || sudo -n true 2>/dev/null; }; then
  SUDO=(sudo)
else
  give_up "需要 root 或 sudo 权限"
fi
"${SUDO[@]}" apt-get update -qq || give_up "apt-get update 失败"
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "${need[@]}" >/dev/null \
  || give_up "apt-get install 失败"
