#!/usr/bin/env bash
# Installs everything (see setup.sh), Debian's Chromium for the widget's browser test, runs the
# checks (scripts/check: format, lint, types) and the whole test suite, slow tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "The widget test needs Debian's chromium: sudo apt-get install chromium chromium-driver" >&2
    exit 1
  fi
fi
# Debian's PostgreSQL for the shared-database tests (they start their own servers on 127.0.0.1).
if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    echo "note: the PostgreSQL tests are skipped without Debian's postgresql: sudo apt-get install postgresql" >&2
  fi
fi
# Debian's nginx and openssl: tests/integration/test_deploy.py runs deploy/nginx-htxbot.conf with a
# self-signed certificate in front of `htxbot serve` (its own nginx, on free ports of 127.0.0.1).
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ] || ! command -v openssl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null
  else
    echo "note: the nginx test is skipped without Debian's nginx: sudo apt-get install nginx openssl" >&2
  fi
fi
# axe-core from npm (package-lock.json) for the widget's accessibility tests; reinstalled when the lock changes.
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "The widget's accessibility test needs node and npm: sudo apt-get install nodejs npm" >&2
    exit 1
  fi
fi
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
bash scripts/setup.sh
bash scripts/check
exec .venv/bin/python -m pytest -q "$@"
