#!/usr/bin/env bash
# One command to set up and start Minato: ./scripts/run.sh [run|chat] [options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
[ -f .env ] || { cp .env.example .env; echo "Created .env from .env.example: fill in your keys and tokens."; }
exec .venv/bin/minato "${@:-run}"
