#!/usr/bin/env bash
# One command to set up and run every check: lint, types, the whole offline test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/ruff check .
.venv/bin/mypy core bots adapters
.venv/bin/python -m pytest -q "$@"
