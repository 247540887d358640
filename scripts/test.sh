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
bash scripts/setup.sh
bash scripts/check
exec .venv/bin/python -m pytest -q "$@"
