#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing:
# chromium (end-to-end tests through Playwright; `playwright install` is never used),
# fonts-noto-cjk (Chinese in the browser and its screenshots), and the RUM index for a local
# PostgreSQL server (ranked full-text search); with the argument `bench`, also wrk (the HTTP
# load generator `make bench` uses). Nothing else is fetched at run time.
# Runs apt-get as root, or through `sudo -n` when that works without a password; otherwise it
# only says what is missing (the end-to-end tests then skip locally and fail in CI).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; }; then
  need+=(fonts-noto-cjk)
fi
if [ -d /usr/share/postgresql ]; then
  for dir in /usr/share/postgresql/*/; do
    v=$(basename "$dir")
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    [ -f "/usr/share/postgresql/$v/extension/rum.control" ] || need+=("postgresql-$v-rum")
  done
fi
if [ "${1:-}" = "bench" ]; then
  command -v wrk >/dev/null 2>&1 || need+=(wrk)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "缺少系统软件包 (missing Debian packages): ${need[*]} — 请以 root 运行: apt-get install ${need[*]}" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "缺少系统软件包 (missing packages, no apt-get here): ${need[*]}" >&2
  exit 0
fi
echo "安装系统软件包 (installing): ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq || echo "apt-get update 失败 (failed); 尝试使用现有索引" >&2
# One package at a time: a package missing from the mirror (e.g. rum for an unusual PostgreSQL
# version) must not stop the others.
for pkg in "${need[@]}"; do
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null \
    || echo "无法安装 (could not install) $pkg" >&2
done
