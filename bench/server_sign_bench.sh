#!/usr/bin/env bash
# server_sign_bench.sh: signatures per second and p50/p99 latency through ensignd over HTTPS with
# keep-alive, side by side in one run with its two ceilings:
#   transport  bare_https_server: the same HTTPS stack answering a bundle-sized body, no work
#   crypto     `openssl speed ecdsap256`: raw P-256 signing on one core (the enclave is one
#              process, so one core is what it can sign with)
# ensignd signs with log-before-sign on: every answer's entry is in the enclave-signed log and
# committed (synchronous=FULL on SQLite) before it is sent. wrk is the client.
#   bench/server_sign_bench.sh [SECONDS] [CONNECTIONS]     (defaults 10 and 16)
# ENSIGN_BENCH_DB=postgresql://... runs ensignd on that database instead of SQLite.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
connections=${2:-16}

cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target ensign ensign-enclave bare_https_server >/dev/null
bin=$PWD/build/release/bin
bare=$PWD/build/release/bench/bare_https_server
command -v wrk >/dev/null || { echo "server_sign_bench: wrk is not installed (scripts/install-deps.sh)" >&2; exit 2; }

work=$(mktemp -d)
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait; rm -rf "$work"' EXIT
export ENSIGN_HOME=$work/home
[ -n "${ENSIGN_BENCH_DB:-}" ] && export ENSIGN_DB=$ENSIGN_BENCH_DB
"$bin/ensign" init >/dev/null
"$bin/ensign" key create release >/dev/null
token=$("$bin/ensign" token create --scope sign:release 2>/dev/null)
read_token=$("$bin/ensign" token create --scope read 2>/dev/null)

# wait_for_port LOG: the port a server printed "listening on https://127.0.0.1:PORT" with.
wait_for_port() {
  for _ in $(seq 200); do
    port=$(sed -n 's|.*listening on https://127.0.0.1:\([0-9]*\).*|\1|p' "$1" | tail -1)
    [ -n "$port" ] && { echo "$port"; return; }
    sleep 0.05
  done
  cat "$1" >&2
  echo "server_sign_bench: a server did not start" >&2
  exit 1
}

"$bin/ensign" serve --listen 127.0.0.1:0 --self-signed --threads "$connections" 2>"$work/ensignd.log" &
pids+=($!)
ensignd_port=$(wait_for_port "$work/ensignd.log")

digest=$(head -c 1024 /dev/urandom | openssl dgst -sha256 -binary | base64 -w0)
body="{\"digest\":\"$digest\"}"
bundle_bytes=$(curl -sS --cacert "$ENSIGN_HOME/server-cert.pem" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' --data-binary "$body" \
  "https://127.0.0.1:$ensignd_port/v1/keys/release/sign" | wc -c)
"$bare" "$work/bare-cert.pem" "$bundle_bytes" "$connections" 2>"$work/bare.log" &
pids+=($!)
bare_port=$(wait_for_port "$work/bare.log")

cat > "$work/sign.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA

# run_wrk NAME PORT: prints "NAME requests/s p50 p99" (latencies in ms) from one wrk run.
run_wrk() {
  local out=$work/wrk-$1.txt
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/sign.lua" \
    "https://127.0.0.1:$2/v1/keys/release/sign" > "$out"
  if grep -q 'Non-2xx' "$out"; then
    cat "$out" >&2
    echo "server_sign_bench: $1 answered errors" >&2
    exit 1
  fi
  to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }; printf "%.2f", v }'; }
  echo "$1 $(awk '/Requests\/sec/ {print $2}' "$out") $(awk '$1 == "50%" {print $2}' "$out" | to_ms) $(awk '$1 == "99%" {print $2}' "$out" | to_ms)"
}

bare_row=$(run_wrk bare "$bare_port")
ensignd_row=$(run_wrk ensignd "$ensignd_port")
openssl_rate=$(openssl speed -seconds "$seconds" ecdsap256 2>/dev/null | awk '/nistp256\)/ {print $(NF-1)}')
log_size=$(curl -sS --cacert "$ENSIGN_HOME/server-cert.pem" "https://127.0.0.1:$ensignd_port/v1/health" |
  sed -n 's/.*"logSize":\([0-9]*\).*/\1/p')

read -r _ bare_rate bare_p50 bare_p99 <<<"$bare_row"
read -r _ ensignd_rate ensignd_p50 ensignd_p99 <<<"$ensignd_row"
printf '\n%s, %s connections, %s s each, wrk -t2 on the same machine\n' \
  "$(nproc) cores" "$connections" "$seconds"
printf '%-34s %12s %10s %10s\n' "" "requests/s" "p50 ms" "p99 ms"
printf '%-34s %12.0f %10s %10s\n' "ensignd sign (log before sign)" "$ensignd_rate" "$ensignd_p50" "$ensignd_p99"
printf '%-34s %12.0f %10s %10s\n' "bare HTTPS endpoint (transport)" "$bare_rate" "$bare_p50" "$bare_p99"
printf '%-34s %12.0f\n' "openssl speed ecdsap256 (crypto)" "$openssl_rate"
awk -v e="$ensignd_rate" -v b="$bare_rate" -v o="$openssl_rate" 'BEGIN {
  low = (b < o) ? b : o
  printf "ensignd / transport = %.2f, ensignd / crypto = %.2f, ensignd / lower ceiling = %.2f (target >= 0.5)\n", e / b, e / o, e / low }'
metrics=$(curl -sS --cacert "$ENSIGN_HOME/server-cert.pem" -H "Authorization: Bearer $read_token" \
  "https://127.0.0.1:$ensignd_port/metrics")
batches=$(echo "$metrics" | awk '$1 == "ensign_sign_batches_total" {print $2}')
signatures=$(echo "$metrics" | awk '$1 == "ensign_signatures_total" {print $2}')
echo "the log holds $log_size entries after the run; $signatures signatures in $batches batches" \
  "($(awk -v s="$signatures" -v b="$batches" 'BEGIN { printf "%.1f", s / b }') a batch); bundle: $bundle_bytes bytes"
