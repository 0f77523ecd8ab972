#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing:
# chromium (end-to-end tests through Playwright), fonts-noto-cjk (Chinese in screenshots),
# and the RUM index for PostgreSQL full-text search. Nothing is fetched at run time.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || need+=(fonts-noto-cjk)
if command -v pg_config >/dev/null 2>&1 || [ -d /usr/share/postgresql ]; then
  for v in $(ls /usr/share/postgresql 2>/dev/null); do
    [ -f "/usr/share/postgresql/$v/extension/rum.control" ] || need+=("postgresql-$v-rum")
  done
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "缺少系统软件包 (missing Debian packages): ${need[*]} — 请以 root 运行 apt-get install" >&2
  exit 0
fi
echo "安装系统软件包 (installing): ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
