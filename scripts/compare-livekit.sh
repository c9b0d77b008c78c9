#!/usr/bin/env bash
# Compares our media plane with LiveKit server v1.13.3 on the same loads
# (cmd/zadankai-load: LiveKit Go SDK clients), one server at a time, the
# server pinned to core 0 and the load tool to core 1, interleaved (the
# order flips every round), and prints the table of issue 13: server CPU
# per 1000 forwarded packets, worst receiver, bitrate per receiver, join →
# first audio / first video, and the kernel's receive-buffer drops
# (RcvbufErrors) during each run. Needs root (a network namespace of its
# own: WebRTC skips loopback-only hosts), taskset and jq.
#
#   scripts/compare-livekit.sh [ROUNDS]     (default 2)
#   scripts/compare-livekit.sh --table DIR  (the table of an earlier run's results)
#
# Environment: LOADS (default "1x30 8x8 1x30audio"), DURATION (measured
# window, default 20s), WARMUP (3s), LIVEKIT (the LiveKit binary; default
# $ZADANKAI_LIVEKIT_SERVER, else `go env GOPATH`/bin/server), OUT (where
# the JSON reports go; default test-output/compare-livekit/DATE).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# The table: values of both rounds side by side, ratios of like rounds.
print_table() {
	jq -s -r -f /dev/stdin "$1"/[0-9]*-*.json <<'EOF'
def vals(f): map(f | if . == null then "–" else (. * 10 | round / 10 | tostring) end) | join(", ");
def ratio(ours; lk; f): [range(0; [ours | length, lk | length] | min) as $i | (ours[$i] | f) as $a | (lk[$i] | f) as $b
  | if $a == null or $b == null or $b == 0 then "–" else $a / $b | . * 100 | round / 100 | tostring end] | join(", ");
def row(name; l; f; unit):
  (map(select(.load == l)) | sort_by(.round)) as $all
  | ($all | map(select(.server == "ours"))) as $o | ($all | map(select(.server == "livekit"))) as $k
  | if ($o | length) == 0 and ($k | length) == 0 then empty else
    "| \(name) | \($o | vals(f)) \(unit) | \($k | vals(f)) \(unit) | \(ratio($o; $k; f)) |" end;
"| load (one sitting, pinned) | ours | LiveKit v1.13.3 | ratio |",
"|---|---|---|---|",
row("1 × 30: server CPU per 1000 forwarded packets"; "1x30"; .server_cpu_ms_per_1000_packets; "ms"),
row("8 × 8: server CPU per 1000 forwarded packets"; "8x8"; .server_cpu_ms_per_1000_packets; "ms"),
row("1 × 30 audio only: server CPU per 1000 forwarded packets"; "1x30audio"; .server_cpu_ms_per_1000_packets; "ms"),
row("1 × 30: worst receiver"; "1x30"; .min_delivery_pct; "%"),
row("8 × 8: worst receiver"; "8x8"; .min_delivery_pct; "%"),
row("1 × 30 audio only: worst receiver"; "1x30audio"; .min_delivery_pct; "%"),
row("1 × 30: per receiver"; "1x30"; .mbps_per_receiver * 1000; "kb/s"),
row("8 × 8: per receiver"; "8x8"; .mbps_per_receiver * 1000; "kb/s"),
row("1 × 30 audio only: per receiver"; "1x30audio"; .mbps_per_receiver * 1000; "kb/s"),
row("join → first audio, 1 × 30 (median)"; "1x30"; .first_audio_ms.median; "ms"),
row("join → first video packet, 1 × 30 (median)"; "1x30"; .first_video_ms.median; "ms"),
row("join → first video keyframe, 1 × 30 (median)"; "1x30"; .first_video_frame_ms.median; "ms"),
row("8 × 8: RcvbufErrors during the run"; "8x8"; .rcvbuf_errors; ""),
row("8 × 8: of which on the server's socket"; "8x8"; .server_udp_drops; ""),
row("machine load average (1 min) at the start, 1 × 30"; "1x30"; .loadavg; ""),
row("machine load average (1 min) at the start, 8 × 8"; "8x8"; .loadavg; "")
EOF
}

if [ "${1:-}" = --table ]; then
	print_table "${2:?--table needs the directory of the results}"
	exit 0
fi
rounds=${1:-2}
loads=${LOADS:-1x30 8x8 1x30audio}
duration=${DURATION:-20s}
warmup=${WARMUP:-3s}
lk=${LIVEKIT:-${ZADANKAI_LIVEKIT_SERVER:-$(go env GOPATH)/bin/server}}
out=${OUT:-$root/test-output/compare-livekit/$(date +%Y%m%d-%H%M%S)}

if [ "$(id -u)" != 0 ]; then
	echo "compare-livekit: needs root (network namespace)" >&2
	exit 1
fi
for tool in taskset jq ip; do
	command -v "$tool" >/dev/null || { echo "compare-livekit: $tool is missing" >&2; exit 1; }
done
if ! "$lk" --version 2>/dev/null | grep -q 'version 1.13.3'; then
	echo "compare-livekit: $lk is not LiveKit server 1.13.3:" >&2
	echo "  (cd / && go install github.com/livekit/livekit-server/cmd/server@v1.13.3)" >&2
	exit 1
fi
mkdir -p bin "$out"
if [ ! -d web/static/dist ]; then # the binary embeds the built pages
	(cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent)
fi
go build -o bin/zadankai ./cmd/zadankai
go build -o bin/zadankai-load ./cmd/zadankai-load

# One namespace of our own with a veth pair inside it: server and tool
# talk over 198.18.0.2 (the benchmarking range); nothing leaves it.
ns="zdk-cmp-$$"
ip=198.18.0.2
server_pid=""
cleanup() {
	[ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add zdk0 type veth peer name zdk1
ip -n "$ns" addr add "$ip/24" dev zdk0
ip -n "$ns" link set zdk1 up
ip -n "$ns" link set zdk0 up

key=devkey
secret=compare-livekit-secret-0123456789abcdef # LiveKit wants 32 characters or more
data=$(mktemp -d)
trap 'cleanup; rm -rf "$data"' EXIT
cat >"$out/livekit.yaml" <<EOF
port: 7880
bind_addresses: ["$ip"]
rtc:
  udp_port: 7882
  tcp_port: 7881
  use_external_ip: false
  node_ip: "$ip"
  ips: {includes: ["$ip/32"]}
keys: {$key: $secret}
room: {max_participants: 1000, empty_timeout: 5, departure_timeout: 1}
logging: {level: warn}
EOF

# start_server NAME starts one server pinned to core 0 and waits for it.
start_server() {
	case $1 in
	ours)
		rm -rf "$data" && mkdir -p "$data"
		ip netns exec "$ns" env ZADANKAI_LIMITS_JOINS_PER_SECOND_IP=1000 ZADANKAI_LIMITS_JOINS_PER_SECOND_ROOM=1000 \
			ZADANKAI_LIMITS_MAX_PARTICIPANTS=1000 ZADANKAI_KEYS="$key: $secret" ZADANKAI_SERVER_PUBLIC_URL="http://$ip:7880" \
			taskset -c 0 bin/zadankai serve --bind "$ip" --node-ip "$ip" --port 7880 --udp-port 7882 --tcp-port 7881 \
			--data-dir "$data" --log-level warn >"$out/server-$1.log" 2>&1 &
		;;
	livekit)
		ip netns exec "$ns" taskset -c 0 "$lk" --config "$out/livekit.yaml" >"$out/server-$1.log" 2>&1 &
		;;
	esac
	server_pid=$!
	for _ in $(seq 300); do
		if ip netns exec "$ns" bash -c "exec 3<>/dev/tcp/$ip/7880" 2>/dev/null; then
			return 0
		fi
		kill -0 "$server_pid" 2>/dev/null || { cat "$out/server-$1.log" >&2; exit 1; }
		sleep 0.1
	done
	echo "compare-livekit: $1 did not listen on $ip:7880" >&2
	exit 1
}

stop_server() {
	kill "$server_pid" 2>/dev/null || true
	wait "$server_pid" 2>/dev/null || true
	server_pid=""
}

# rcvbuf_errors prints the namespace's UDP RcvbufErrors counter.
rcvbuf_errors() {
	ip netns exec "$ns" awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) col[$i] = i; h = 1 } else print $col["RcvbufErrors"] }' /proc/net/snmp
}

# server_drops prints the datagrams dropped so far on the server's media
# socket (UDP 7882; the drops column of /proc/net/udp): the rest of
# RcvbufErrors fell on the load tool's sockets.
server_drops() {
	ip netns exec "$ns" awk 'NR > 1 && $2 ~ /:1EBA$/ { d += $NF } END { print d + 0 }' /proc/net/udp
}

# run_load SERVER LOAD ROUND runs the load tool against the running server.
run_load() {
	local args
	case $2 in
	1x30) args="--publishers 1 --subscribers 30" ;;
	8x8) args="--publishers 8 --subscribers 0" ;;
	1x30audio) args="--publishers 1 --subscribers 30 --video=false" ;;
	*) echo "compare-livekit: unknown load $2" >&2; exit 1 ;;
	esac
	local drops0 load1 file="$out/$3-$2-$1.json"
	drops0=$(rcvbuf_errors)
	load1=$(cut -d' ' -f1 /proc/loadavg)
	# shellcheck disable=SC2086
	if ! ip netns exec "$ns" taskset -c 1 bin/zadankai-load --url "ws://$ip:7880" --api-key "$key" --api-secret "$secret" \
		$args --join-rate 20 --warmup "$warmup" --duration "$duration" --room-prefix "r$3-$2" --server-pid "$server_pid" \
		--json >"$file.tmp" 2>"$out/$3-$2-$1.log"; then
		echo "compare-livekit: the load tool failed on $1 $2 (see $out/$3-$2-$1.log)" >&2
		rm -f "$file.tmp"
		return 0
	fi
	jq --arg drops "$(($(rcvbuf_errors) - drops0))" --arg sdrops "$(server_drops)" --arg load "$load1" --arg server "$1" --arg kind "$2" --arg round "$3" \
		'. + {server: $server, load: $kind, round: ($round | tonumber), rcvbuf_errors: ($drops | tonumber), server_udp_drops: ($sdrops | tonumber), loadavg: ($load | tonumber)}' \
		"$file.tmp" >"$file"
	rm -f "$file.tmp"
	jq -r '"\(.round) \(.load) \(.server): \(.server_cpu_ms_per_1000_packets | . * 100 | round / 100) cpu-ms/1000, worst \(.min_delivery_pct | . * 100 | round / 100) %, \(.mbps_per_receiver | . * 1000 | round / 1000) Mb/s per receiver, first audio \(.first_audio_ms.median) ms, first video \(.first_video_ms.median) ms, first keyframe \(.first_video_frame_ms.median) ms, RcvbufErrors \(.rcvbuf_errors) (server socket \(.server_udp_drops)), load \(.loadavg)"' "$file"
}

echo "compare-livekit: $rounds round(s) of $loads, $duration each; $(nproc) cores; results in $out"
for round in $(seq "$rounds"); do
	order="ours livekit"
	[ $((round % 2)) = 1 ] || order="livekit ours"
	for load in $loads; do
		for server in $order; do
			start_server "$server"
			run_load "$server" "$load" "$round"
			stop_server
		done
	done
done
print_table "$out"
