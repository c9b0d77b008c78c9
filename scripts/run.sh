#!/usr/bin/env bash
# Builds the web client (when it has npm dependencies) and the server, then
# runs the server in the foreground with its embedded defaults (SQLite in
# ./data), demo data and development keys on http://127.0.0.1:7880, and
# prints the address and the demo accounts once it is up. Only warnings
# are logged (add --log-level info for more). Extra arguments go to
# `zadankai serve`, e.g. ./scripts/run.sh --port 8080.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Building Zadankai (the first time takes a few minutes: npm packages, then the Go build)…"
if [ -f web/package.json ]; then
	echo "  1/2 web client (npm ci, esbuild)"
	(cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent >/dev/null)
fi
echo "  2/2 server (go build)"
mkdir -p bin
go build -o bin/zadankai ./cmd/zadankai
echo "Starting the server with demo data…"
exec ./bin/zadankai serve --dev --demo --log-level warn "$@"
