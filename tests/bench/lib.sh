# Shared by the benchmarks: a work folder, a demo portal, nginx beside it, wrk runs.
# Source it after `set -euo pipefail` and BUILD=...; it sets $work and cleans up on exit.

for tool in ${BENCH_TOOLS:-wrk nginx curl}; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (tools/install-deps)"; exit 1; }
done
portald=$BUILD/src/server/myaltamed-portald
[ -x "$portald" ] || { echo "bench: build first (meson compile -C $BUILD)"; exit 1; }

work=$(mktemp -d)
chmod 755 "$work"   # nginx workers run as nobody and must read the static files
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

build_type() {
  meson introspect --buildoptions "$BUILD" 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="buildtype"][0])' 2>/dev/null ||
    echo '?'
}

# start_portal DIR [demo options...]: a demo clinic; sets portal_url and ca
start_portal() {
  local dir=$1; shift
  MYALTAMED_LOCALEDIR=$BUILD/po "$portald" demo --data-dir "$dir" --port 0 "$@" \
    > "$dir.out" 2> "$dir.err" &
  pids+=($!)
  for _ in $(seq 600); do grep -q "^Listening on" "$dir.out" 2>/dev/null && break; sleep 0.1; done
  portal_url=$(sed -n 's/^Listening on //p' "$dir.out")
  ca=$dir/tls/ca.pem
  [ -n "$portal_url" ] || { echo "bench: the portal did not start"; cat "$dir.err"; exit 1; }
}

# sign_in USER PASSWORD: prints a bearer token
sign_in() {
  curl -s --cacert "$ca" -d "{\"username\":\"$1\",\"password\":\"$2\"}" "$portal_url/api/v1/sessions" |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# start_nginx NAME WORKERS LOCATION FILE: nginx over HTTPS with the portal's certificate,
# answering LOCATION with FILE; sets nginx_url (no subshell: the EXIT trap must stay ours)
start_nginx() {
  local name=$1 workers=$2 location=$3 file=$4 port
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
    location = $location { default_type "application/json; charset=utf-8"; alias $file; }
  }
}
CONF
  nginx -p "$work/$name" -c "$work/$name/nginx.conf" -g 'daemon off;' 2>>"$work/$name/logs/error.log" &
  pids+=($!)
  for _ in $(seq 50); do curl -s -k -o /dev/null "https://127.0.0.1:$port$location" && break; sleep 0.1; done
  nginx_url="https://127.0.0.1:$port"
}

# run_wrk NAME URL [HEADER...]: appends "rps p50_ms p99_ms non2xx" to $work/NAME.txt
run_wrk() {
  local name=$1 url=$2; shift 2
  local args=()
  for header in "$@"; do args+=(-H "$header"); done
  wrk -t2 -c50 -d"${DURATION}s" --latency "${args[@]}" "$url" > "$work/$name.wrk"
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

# wrk_table REFERENCE "LABEL=NAME"...: the medians of each row, and its ratio to REFERENCE
wrk_table() {
  /usr/bin/python3 - "$work" "$@" <<'PY'
import statistics, sys
work, reference, rows = sys.argv[1], sys.argv[2], sys.argv[3:]
def load(name):
    rows = [list(map(float, line.split())) for line in open(f"{work}/{name}.txt")]
    return [statistics.median(col) for col in zip(*rows)]
ref = load(reference)
print(f"{'server':44} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'vs ref':>7}")
for row in rows:
    label, name = row.split("=", 1)
    rps, p50, p99, bad = load(name)
    print(f"{label:44} {rps:9.0f} {p50:8.2f} {p99:8.2f} {bad:8.0f} {rps / ref[0]:7.2f}")
PY
}
