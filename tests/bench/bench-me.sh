#!/usr/bin/env bash
# Benchmark (not a test): GET /api/v1/me with a valid token under wrk (50 connections,
# loopback, HTTPS), beside nginx serving a static file of the same bytes over HTTPS, in the
# same run. Prints requests/s, p50, p99 and the ratios to nginx. Rounds alternate between
# the servers and the medians are reported, because these machines are noisy.
#   tests/bench/bench-me.sh            BUILD=build ROUNDS=3 DURATION=10 tests/bench/bench-me.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
portald=$BUILD/src/server/myaltamed-portald
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "bench-me: $tool is missing (tools/install-deps)"; exit 1; }
done
[ -x "$portald" ] || { echo "bench-me: build first (meson compile -C $BUILD)"; exit 1; }

work=$(mktemp -d)
chmod 755 "$work"   # nginx workers run as nobody and must read me.json
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The portal server: a fresh demo clinic, the build's own Spanish catalog.
MYALTAMED_LOCALEDIR=$BUILD/po "$portald" demo --data-dir "$work/portal" --port 0 \
  > "$work/portald.out" 2> "$work/portald.err" &
pids+=($!)
for _ in $(seq 100); do grep -q "^Listening on" "$work/portald.out" && break; sleep 0.1; done
portal_url=$(sed -n 's/^Listening on //p' "$work/portald.out")
ca=$work/portal/tls/ca.pem

token=$(curl -s --cacert "$ca" -d '{"username":"grace","password":"Orchard-Lantern-42"}' \
          "$portal_url/api/v1/sessions" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
curl -s --cacert "$ca" -H "Authorization: Bearer $token" -o "$work/me.json" "$portal_url/api/v1/me"
size=$(stat -c %s "$work/me.json")

start_nginx() {  # start_nginx NAME WORKERS -> sets nginx_url (no subshell: the EXIT trap must stay ours)
  local name=$1 workers=$2 port
  port=$(free_port)
  mkdir -p "$work/$name/logs"
  cat > "$work/$name/nginx.conf" <<CONF
worker_processes $workers;
pid $work/$name/nginx.pid;
error_log $work/$name/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$port ssl;
    ssl_certificate $work/portal/tls/server.pem;
    ssl_certificate_key $work/portal/tls/server.key;
    location = /api/v1/me { default_type "application/json; charset=utf-8"; alias $work/me.json; }
  }
}
CONF
  nginx -p "$work/$name" -c "$work/$name/nginx.conf" -g 'daemon off;' 2>>"$work/$name/logs/error.log" &
  pids+=($!)
  for _ in $(seq 50); do curl -s -k -o /dev/null "https://127.0.0.1:$port/api/v1/me" && break; sleep 0.1; done
  nginx_url="https://127.0.0.1:$port"
}
start_nginx nginx1 1; nginx1_url=$nginx_url
start_nginx nginx2 auto; nginx2_url=$nginx_url

run_wrk() {  # run_wrk NAME URL [HEADER...] -> appends "rps p50_ms p99_ms" to $work/NAME.txt
  local name=$1 url=$2; shift 2
  local args=()
  for header in "$@"; do args+=(-H "$header"); done
  wrk -t2 -c50 -d"${DURATION}s" --latency "${args[@]}" "$url/api/v1/me" > "$work/$name.wrk"
  /usr/bin/python3 - "$work/$name.wrk" >> "$work/$name.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(rps, p50, p99, non2xx.group(1) if non2xx else 0)
PY
}

echo "GET /api/v1/me: $size bytes, wrk -t2 -c50 -d${DURATION}s, $ROUNDS rounds, $(nproc) cores, build $BUILD ($(meson introspect --buildoptions "$BUILD" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="buildtype"][0])' 2>/dev/null || echo '?'))"
for round in $(seq "$ROUNDS"); do
  run_wrk nginx1 "$nginx1_url"
  run_wrk portald "$portal_url" "Authorization: Bearer $token"
  run_wrk portald_bg "$portal_url" "Authorization: Bearer $token" "X-Portal-Activity: background"
  run_wrk nginx2 "$nginx2_url"
  echo "  round $round done"
done

/usr/bin/python3 - "$work" <<'PY'
import statistics, sys
work = sys.argv[1]
def load(name):
    rows = [list(map(float, line.split())) for line in open(f"{work}/{name}.txt")]
    return [statistics.median(col) for col in zip(*rows)]
ref = load("nginx1")
rows = [("nginx, 1 worker (reference)", "nginx1"), ("myaltamed-portald (1 thread)", "portald"),
        ("myaltamed-portald, background", "portald_bg"), ("nginx, 2 workers", "nginx2")]
print(f"{'server':34} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'req/s vs ref':>13}")
for label, name in rows:
    rps, p50, p99, bad = load(name)
    print(f"{label:34} {rps:9.0f} {p50:8.2f} {p99:8.2f} {bad:8.0f} {rps / ref[0]:13.2f}")
rps, _, p99, _ = load("portald")
print(f"aims: req/s >= 1/3 of nginx (1 worker): {'met' if rps >= ref[0] / 3 else 'MISSED'} ({rps / ref[0]:.2f}); "
      f"p99 < 10 ms: {'met' if p99 < 10 else 'MISSED'} ({p99:.2f} ms)")
PY
