#!/usr/bin/env bash
# Browser tests: Debian's Chromium driven by playwright-core and Debian's
# Firefox ESR driven over WebDriver BiDi by puppeteer-core (web/e2e), with
# the server and the browsers inside a network namespace of their own
# (a veth pair in 198.18.0.0/24), because WebRTC skips loopback-only hosts
# and tests must not touch any other network. Needs root (namespaces,
# apt); installs both browsers from Debian when they are missing (no tool
# downloads a browser of its own).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ "$(id -u)" != 0 ]; then
	echo "e2e: the browser tests need root (network namespace, apt); run as root or in CI" >&2
	exit 1
fi
# Japanese fonts make screenshots readable; without them CJK text is boxes.
if ! command -v chromium >/dev/null || ! command -v firefox-esr >/dev/null || ! [ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; then
	echo "e2e: installing Debian's chromium, firefox-esr and Noto CJK fonts"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium firefox-esr fonts-noto-cjk >/dev/null
fi
if ! command -v ip >/dev/null; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >/dev/null
fi

mkdir -p bin test-output/e2e
# The pages embed the livekit-client bundles, so build them before the binary.
(cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
go build -o bin/zadankai ./cmd/zadankai
(cd web/e2e && npm ci --no-audit --no-fund --loglevel=error)

ns="zdk-e2e-$$"
host_if="zdkh$$"
ns_if="zdkn$$"
cleanup() {
	ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	ip link del "$host_if" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip link add "$host_if" type veth peer name "$ns_if"
ip link set "$ns_if" netns "$ns"
ip addr add 198.18.0.1/24 dev "$host_if"
ip link set "$host_if" up
ip -n "$ns" addr add 198.18.0.2/24 dev "$ns_if"
ip -n "$ns" link set "$ns_if" up

# ZADANKAI_E2E_HOG=1 keeps every core busy while the tests run (a machine
# shared with other work): media must still flow and nothing may pause.
hog_pids=()
stop_hog() { [ ${#hog_pids[@]} -eq 0 ] || kill "${hog_pids[@]}" 2>/dev/null || true; hog_pids=(); }
if [ "${ZADANKAI_E2E_HOG:-}" = 1 ]; then
	for _ in $(seq "$(nproc)"); do
		(while :; do :; done) &
		hog_pids+=($!)
	done
	echo "e2e: CPU hog on $(nproc) cores"
fi
trap 'stop_hog; cleanup' EXIT

echo "e2e: $(${CHROMIUM:-chromium} --version 2>/dev/null | tr -d '\n')"
echo "e2e: $(${FIREFOX:-firefox-esr} --version 2>/dev/null | tr -d '\n')"
cd web/e2e
# ZADANKAI_E2E_RUN runs another command in the same set-up instead of the
# tests, e.g. a measuring script; ZADANKAI_BIN may name another binary.
run=${ZADANKAI_E2E_RUN:-npm test --silent}
ip netns exec "$ns" env ZADANKAI_BIN="${ZADANKAI_BIN:-$root/bin/zadankai}" ZADANKAI_E2E_IP=198.18.0.2 \
	ZADANKAI_E2E_OUT="$root/test-output/e2e" $run "$@"
