#!/usr/bin/env bash
# Runs every test: formatting, vet, the whole Go suite with the race
# detector (store conformance on SQLite and on FerretDB started in-process,
# API, config, process-level and media tests), then the browser tests in
# Debian's Chromium (scripts/e2e.sh; needs root, installs Chromium). Set
# ZADANKAI_TEST_MONGO_URI to also run the store suite against a real MongoDB.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f web/package.json ]; then
	(cd web && npm ci --no-audit --no-fund && npm run build)
fi
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './web/node_modules/*'))
if [ -n "$unformatted" ]; then
	echo "gofmt needed on:"; echo "$unformatted"; exit 1
fi
go vet ./...
go test -race -count=1 -timeout 30m ./... "$@"
# the hot path's allocation test, which the race detector would blind
go test -count=1 -run 'Allocs' ./sfu/...
# Eight people all publishing and subscribing with every core kept busy
# (without the race detector, which would slow Pion several times over):
# no video paused on a local link, every receiver gets 98 % or more.
go test -count=1 -run 'TestEightByEight' ./signaling/
./scripts/e2e.sh
# The roundtables again with every core kept busy, as on a shared machine:
# media must still flow, and a local link must never pause a video.
ZADANKAI_E2E_HOG=1 ./scripts/e2e.sh roundtable.test.mjs
