#!/usr/bin/env bash
# Benchmark (not a test): appointment bookings under contention. wrk (50 connections,
# loopback, HTTPS) POSTs bookings of slots picked at random from a pool, each with its own
# client-request identifier and If-None-Exist, so that some collide (409) and the rest book
# (201, the slot turning busy in the same fsynced transaction). In the same rounds: GET
# /api/v1/me on the same portal and nginx serving a small file, as references. Prints
# requests/s, p50, p99, how many bookings succeeded per second, and the ratios.
#   BUILD=build-release ROUNDS=3 DURATION=10 POOL_DAYS=7 tests/bench/bench-bookings.sh
# (a pool of about 2,000 slots a clinician a week: with ~1,000 bookings, some collide)
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
POOL_DAYS=${POOL_DAYS:-7}
. tests/bench/lib.sh

start_portal "$work/portal"
token=$(sign_in grace Orchard-Lantern-42)
staff=$(sign_in frontdesk Clinic-Desk-Station-1)
curl -s --cacert "$ca" -H "Authorization: Bearer $token" -o "$work/me.json" "$portal_url/api/v1/me"

# A pool of free slots: every 5 minutes, day and night, for POOL_DAYS days, for each medical
# clinician at their clinic (admin open-slots beside the running portal)
curl -s --cacert "$ca" -H "Authorization: Bearer $staff" \
  "$portal_url/fhir/R4/Schedule?service-category=medical" > "$work/schedules.json"
/usr/bin/python3 - "$work/schedules.json" > "$work/actors.txt" <<'PY'
import json, sys
for entry in json.load(open(sys.argv[1])).get("entry", []):
    refs = [a["reference"] for a in entry["resource"]["actor"]]
    p = [r.split("/")[1] for r in refs if r.startswith("Practitioner/")][0]
    l = [r.split("/")[1] for r in refs if r.startswith("Location/")][0]
    print(p, l)
PY
start_s=$(date +%s.%N)
while read -r practitioner location; do
  MYALTAMED_LOCALEDIR=$BUILD/po "$portald" admin --data-dir "$work/portal" open-slots \
    --practitioner "$practitioner" --location "$location" --days "$POOL_DAYS" \
    --hours 00:00-24:00 --slot-minutes 5 >> "$work/opened.txt"
done < "$work/actors.txt"
open_s=$(/usr/bin/python3 -c "import time; print(f'{time.time() - $start_s:.1f}')")

# Every free medical slot's id, for wrk to pick from
/usr/bin/python3 - "$portal_url" "$ca" "$staff" "$work/schedules.json" > "$work/slots.txt" <<'PY'
import json, ssl, sys, urllib.request
base, ca, token, schedules = sys.argv[1:5]
context = ssl.create_default_context(cafile=ca)
for entry in json.load(open(schedules)).get("entry", []):
    url = f"{base}/fhir/R4/Slot?schedule=Schedule/{entry['resource']['id']}&status=free&_count=500"
    while url:
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        bundle = json.load(urllib.request.urlopen(request, context=context))
        for e in bundle.get("entry", []):
            print(e["resource"]["id"])
        url = next((l["url"] for l in bundle["link"] if l["relation"] == "next"), None)
PY
pool=$(wc -l < "$work/slots.txt")

# Each request books a random slot of the pool with a fresh client-request id
cat > "$work/book.lua" <<'LUA'
local slots = {}
for line in io.lines(os.getenv("SLOTS")) do slots[#slots + 1] = line end
local counter = 0
local thread_id = 0
function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end
function init(args)
  math.randomseed(os.time() * 100 + tid)
end
request = function()
  counter = counter + 1
  local id = string.format("%08x-%04x-4%03x-8%03x-%012x", math.random(0, 0x7fffffff),
                           tid, counter % 4096, math.random(0, 4095), counter)
  local slot = slots[math.random(#slots)]
  local body = '{"resourceType":"Appointment","status":"booked",' ..
    '"identifier":[{"system":"https://myaltamed.net/fhir/sid/client-request","value":"' .. id .. '"}],' ..
    '"slot":[{"reference":"Slot/' .. slot .. '"}],' ..
    '"participant":[{"actor":{"reference":"Patient/demo-adult"},"status":"accepted"}]}'
  return wrk.format("POST", "/fhir/R4/Appointment", {
    ["Content-Type"] = "application/fhir+json",
    ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
    ["If-None-Exist"] = "identifier=https://myaltamed.net/fhir/sid/client-request|" .. id,
  }, body)
end
LUA

start_nginx nginx1 1 /api/v1/me "$work/me.json"; nginx1_url=$nginx_url

# The ceiling of a one-writer, fsync-per-commit server on this disk: 4 KiB writes, each
# fsynced, for 3 s in the data folder's file system; appends fsyncs/s to $work/fsyncs.txt
measure_fsyncs() {
  /usr/bin/python3 - "$work/portal" >> "$work/fsyncs.txt" <<'PY'
import os, sys, time
path = os.path.join(sys.argv[1], "fsync.bench")
fd = os.open(path, os.O_WRONLY | os.O_CREAT)
n, start = 0, time.time()
while time.time() - start < 3:
    os.write(fd, b"x" * 4096)
    os.fsync(fd)
    n += 1
os.close(fd)
os.unlink(path)
print(f"{n / (time.time() - start):.0f}")
PY
}

# run_wrk_script NAME URL SCRIPT: as run_wrk, with a Lua script
run_wrk_script() {
  local name=$1 url=$2 script=$3
  SLOTS=$work/slots.txt TOKEN=$token wrk -t2 -c50 -d"${DURATION}s" --latency -s "$script" "$url" \
    > "$work/$name.wrk"
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

echo "POST Appointment (booked), random slots of a pool of $pool (opened in ${open_s} s)," \
     "wrk -t2 -c50 -d${DURATION}s, $ROUNDS rounds, $(nproc) cores, build $BUILD ($(build_type))"
for round in $(seq "$ROUNDS"); do
  run_wrk nginx1 "$nginx1_url/api/v1/me"
  run_wrk_script bookings "$portal_url/fhir/R4/Appointment" "$work/book.lua"
  run_wrk me "$portal_url/api/v1/me" "Authorization: Bearer $token"
  measure_fsyncs
  echo "  round $round done"
done

wrk_table nginx1 "nginx, 1 worker (reference)=nginx1" "portald: bookings (201 or 409)=bookings" \
  "portald: GET /api/v1/me (reference)=me"

# What the pool looks like afterwards
booked=$(curl -s --cacert "$ca" -H "Authorization: Bearer $staff" \
  "$portal_url/fhir/R4/Appointment?patient=demo-adult&status=booked&_count=0" |
  /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
/usr/bin/python3 - "$work" "$DURATION" "$pool" "$booked" <<'PY'
import statistics, sys
work, duration, pool, booked = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
fsync_rounds = [float(line) for line in open(f"{work}/fsyncs.txt")]
fsyncs = statistics.median(fsync_rounds)
print(f"fsyncs/s of the disk (4 KiB writes, one writer), each round: "
      f"{', '.join(f'{f:.0f}' for f in fsync_rounds)}")
def load(name):
    return [list(map(float, line.split())) for line in open(f"{work}/{name}.txt")]
rounds = load("bookings")
made = [rps - bad / duration for rps, _, _, bad in rounds]
me = statistics.median(r[0] for r in load("me"))
print(f"bookings made (201): {statistics.median(made):.0f}/s median of rounds "
      f"({', '.join(f'{m:.0f}' for m in made)}); conflicts (409): "
      f"{statistics.median(r[3] for r in rounds):.0f} per round; "
      f"{booked} of the pool's {pool} slots booked in all; "
      f"requests/s vs GET /api/v1/me: {statistics.median(r[0] for r in rounds) / me:.2f}; "
      f"vs the disk's fsyncs/s: {statistics.median(r[0] for r in rounds) / fsyncs:.2f}")
PY
