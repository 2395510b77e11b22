#!/usr/bin/env bash
# Benchmark (not a test): GET /api/v1/me with a valid token under wrk (50 connections,
# loopback, HTTPS), beside nginx serving a static file of the same bytes over HTTPS, in the
# same run. Prints requests/s, p50, p99 and the ratios to nginx. Rounds alternate between
# the servers and the medians are reported, because these machines are noisy.
# With HALF_OPEN=N (200 by default, 0 for none), each round also runs nginx and the portal
# while tests/bench/half-open.py holds N half-open TLS handshakes against the one measured.
# wrk's 50 connections come from one address: the portal's cap per address is lifted to 64.
# With BEFORE=DIR (a build folder of an earlier commit), each round also measures that build's
# portal, alone and beside the half-open handshakes, so before and after share the machine's
# noise.
#   BUILD=build-release ROUNDS=3 DURATION=10 HALF_OPEN=200 tests/bench/bench-me.sh
#   BEFORE=/tmp/before/build-release BUILD=build-release tests/bench/bench-me.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
HALF_OPEN=${HALF_OPEN:-200}
. tests/bench/lib.sh

printf '[server]\nmax_connections_per_address=64\n' > "$work/portald.conf"
start_portal "$work/portal" --config "$work/portald.conf"
token=$(sign_in grace Orchard-Lantern-42)
BEFORE=${BEFORE:-}
if [ -n "$BEFORE" ]; then
  after_portald=$portald after_url=$portal_url after_ca=$ca
  portald=$BEFORE/src/server/myaltamed-portald
  [ -x "$portald" ] || { echo "bench: no portal in $BEFORE"; exit 1; }
  # the earlier build has no cap per address, so it takes no configuration
  start_portal "$work/portal-before"
  before_url=$portal_url before_token=$(sign_in grace Orchard-Lantern-42)
  portald=$after_portald portal_url=$after_url ca=$after_ca
fi
curl -s --cacert "$ca" -H "Authorization: Bearer $token" -o "$work/me.json" "$portal_url/api/v1/me"
size=$(stat -c %s "$work/me.json")

start_nginx nginx1 1 /api/v1/me "$work/me.json"; nginx1_url=$nginx_url
start_nginx nginx2 auto /api/v1/me "$work/me.json"; nginx2_url=$nginx_url

# with_half_open URL NAME WRK-ARGS...: run_wrk while $HALF_OPEN half-open handshakes are held
# against URL's server
with_half_open() {
  local url=$1 port holder; shift
  port=${url##*:}; port=${port%%/*}
  /usr/bin/python3 tests/bench/half-open.py 127.0.0.1 "$port" "$HALF_OPEN" \
    > "$work/half-open.out" 2>> "$work/half-open.err" &
  holder=$!
  for _ in $(seq 100); do grep -q '^holding' "$work/half-open.out" 2>/dev/null && break; sleep 0.1; done
  if ! grep -q '^holding' "$work/half-open.out"; then
    kill "$holder"; wait "$holder" || true
    echo "  $1: could not open $HALF_OPEN half-open connections in 10 s: the server stopped accepting"
    return 1
  fi
  run_wrk "$@"
  kill "$holder"; wait "$holder" || true
  echo "  $1: $(tail -n 1 "$work/half-open.err") during the run"
}

echo "GET /api/v1/me: $size bytes, wrk -t2 -c50 -d${DURATION}s, $ROUNDS rounds, $(nproc) cores, build $BUILD ($(build_type))"
for round in $(seq "$ROUNDS"); do
  run_wrk nginx1 "$nginx1_url/api/v1/me"
  run_wrk portald "$portal_url/api/v1/me" "Authorization: Bearer $token"
  run_wrk portald_bg "$portal_url/api/v1/me" "Authorization: Bearer $token" "X-Portal-Activity: background"
  run_wrk nginx2 "$nginx2_url/api/v1/me"
  if [ "$HALF_OPEN" -gt 0 ]; then
    with_half_open "$nginx1_url" nginx1_half_open "$nginx1_url/api/v1/me"
    with_half_open "$portal_url" portald_half_open "$portal_url/api/v1/me" "Authorization: Bearer $token"
  fi
  # The earlier build only in the first round: once 200 half-open handshakes have held its
  # threads, it may accept no more connections (what issue 12 found)
  if [ -n "$BEFORE" ] && [ "$round" = 1 ]; then
    run_wrk portald_before "$before_url/api/v1/me" "Authorization: Bearer $before_token"
    if [ "$HALF_OPEN" -gt 0 ]; then
      with_half_open "$before_url" portald_before_half_open "$before_url/api/v1/me" \
        "Authorization: Bearer $before_token" || true
    fi
  fi
  echo "  round $round done"
done

rows=("myaltamed-portald (1 thread)=portald" "myaltamed-portald, background=portald_bg"
      "nginx, 2 workers=nginx2")
if [ "$HALF_OPEN" -gt 0 ]; then
  rows+=("nginx, 1 worker, $HALF_OPEN half-open=nginx1_half_open"
         "myaltamed-portald, $HALF_OPEN half-open=portald_half_open")
fi
if [ -n "$BEFORE" ]; then
  rows+=("myaltamed-portald before ($(git -C "$BEFORE/.." log -1 --format=%h 2>/dev/null || echo "$BEFORE"))=portald_before")
  [ "$HALF_OPEN" -gt 0 ] && [ -f "$work/portald_before_half_open.txt" ] &&
    rows+=("myaltamed-portald before, $HALF_OPEN half-open=portald_before_half_open")
fi
wrk_table nginx1 "nginx, 1 worker (reference)=nginx1" "${rows[@]}"
/usr/bin/python3 - "$work" <<'PY'
import statistics, sys
def load(name):
    rows = [list(map(float, line.split())) for line in open(f"{sys.argv[1]}/{name}.txt")]
    return [statistics.median(col) for col in zip(*rows)]
ref, (rps, _, p99, _) = load("nginx1"), load("portald")
print(f"aims: req/s >= 1/3 of nginx (1 worker): {'met' if rps >= ref[0] / 3 else 'MISSED'} ({rps / ref[0]:.2f}); "
      f"p99 < 10 ms: {'met' if p99 < 10 else 'MISSED'} ({p99:.2f} ms)")
try:
    _, _, p99_half_open, _ = load("portald_half_open")
    print(f"aim with half-open handshakes held: p99 < 10 ms: "
          f"{'met' if p99_half_open < 10 else 'MISSED'} ({p99_half_open:.2f} ms)")
except FileNotFoundError:
    pass
PY
