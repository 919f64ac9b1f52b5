#!/usr/bin/env bash
# One command to set up and run every check: lint, types, the whole offline test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
.venv/bin/ruff check .
.venv/bin/mypy core bots adapters
.venv/bin/mypy --strict --follow-imports=silent bench  # the benchmarks; tests/ is not type-checked
.venv/bin/python -m pytest -q "$@"
