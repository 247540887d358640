#!/usr/bin/env bash
# Creates .venv in the checkout and installs the bot with its dependencies, the test tools and
# the benchmarks' extras (CPU PyTorch first, so that nothing pulls the multi-GB CUDA build).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q torch==2.13.0
.venv/bin/python -m pip install -q -e ".[test,bench]"
