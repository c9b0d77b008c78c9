#!/usr/bin/env bash
# Builds the web client (when it has npm dependencies) and the server, then
# runs the server with its embedded defaults (SQLite in ./data), demo data
# and development keys on http://127.0.0.1:7880. Extra arguments go to
# `zadankai serve`, e.g. ./scripts/run.sh --port 8080.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f web/package.json ]; then
	(cd web && npm ci --no-audit --no-fund && npm run build)
fi
mkdir -p bin
go build -o bin/zadankai ./cmd/zadankai
exec ./bin/zadankai serve --dev --demo "$@"
