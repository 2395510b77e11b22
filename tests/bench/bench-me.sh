#!/usr/bin/env bash
# Benchmark (not a test): GET /api/v1/me with a valid token under wrk (50 connections,
# loopback, HTTPS), beside nginx serving a static file of the same bytes over HTTPS, in the
# same run. Prints requests/s, p50, p99 and the ratios to nginx. Rounds alternate between
# the servers and the medians are reported, because these machines are noisy.
#   BUILD=build-release ROUNDS=3 DURATION=10 tests/bench/bench-me.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
. tests/bench/lib.sh

start_portal "$work/portal"
token=$(sign_in grace Orchard-Lantern-42)
curl -s --cacert "$ca" -H "Authorization: Bearer $token" -o "$work/me.json" "$portal_url/api/v1/me"
size=$(stat -c %s "$work/me.json")

start_nginx nginx1 1 /api/v1/me "$work/me.json"; nginx1_url=$nginx_url
start_nginx nginx2 auto /api/v1/me "$work/me.json"; nginx2_url=$nginx_url

echo "GET /api/v1/me: $size bytes, wrk -t2 -c50 -d${DURATION}s, $ROUNDS rounds, $(nproc) cores, build $BUILD ($(build_type))"
for round in $(seq "$ROUNDS"); do
  run_wrk nginx1 "$nginx1_url/api/v1/me"
  run_wrk portald "$portal_url/api/v1/me" "Authorization: Bearer $token"
  run_wrk portald_bg "$portal_url/api/v1/me" "Authorization: Bearer $token" "X-Portal-Activity: background"
  run_wrk nginx2 "$nginx2_url/api/v1/me"
  echo "  round $round done"
done

wrk_table nginx1 "nginx, 1 worker (reference)=nginx1" "myaltamed-portald (1 thread)=portald" \
  "myaltamed-portald, background=portald_bg" "nginx, 2 workers=nginx2"
/usr/bin/python3 - "$work" <<'PY'
import statistics, sys
def load(name):
    rows = [list(map(float, line.split())) for line in open(f"{sys.argv[1]}/{name}.txt")]
    return [statistics.median(col) for col in zip(*rows)]
ref, (rps, _, p99, _) = load("nginx1"), load("portald")
print(f"aims: req/s >= 1/3 of nginx (1 worker): {'met' if rps >= ref[0] / 3 else 'MISSED'} ({rps / ref[0]:.2f}); "
      f"p99 < 10 ms: {'met' if p99 < 10 else 'MISSED'} ({p99:.2f} ms)")
PY
