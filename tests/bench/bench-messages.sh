#!/usr/bin/env bash
# Benchmark (not a test): message sends per second (POST /fhir/R4/Communication, each with
# its own client identifier and If-None-Exist, as the app sends them) under wrk, beside
# GET /api/v1/me in the same rounds as the reference. Every send is a committed write
# (BEGIN IMMEDIATE, the resource, its index rows, the audit row). Prints requests/s, p50,
# p99; rounds alternate and the medians are reported.
#   BUILD=build-release ROUNDS=3 DURATION=10 CONNECTIONS=16 tests/bench/bench-messages.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
BENCH_TOOLS="wrk curl"
. tests/bench/lib.sh

start_portal "$work/portal"
token=$(sign_in grace Orchard-Lantern-42)
team=$(curl -s --cacert "$ca" -H "Authorization: Bearer $token" \
         "$portal_url/fhir/R4/CareTeam?patient=demo-adult" |
       /usr/bin/python3 -c 'import json,sys; print("CareTeam/" + json.load(sys.stdin)["entry"][0]["resource"]["id"])')

# Each request a new identifier: thread number, a random run prefix and a counter
cat > "$work/send.lua" <<LUA
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  math.randomseed(os.time() + tid)
  prefix = string.format("%08x-%04x", math.random(0, 0x7fffffff), tid)
  counter = 0
end
function request()
  counter = counter + 1
  local id = string.format("%s-4000-8000-%012x", prefix, counter)
  local body = '{"resourceType":"Communication","status":"completed",' ..
    '"subject":{"reference":"Patient/demo-adult"},"recipient":[{"reference":"$team"}],' ..
    '"topic":{"text":"Benchmark"},' ..
    '"payload":[{"contentString":"Is it fine to take my metformin with the new vitamins? I have about a week of tablets left."}],' ..
    '"identifier":[{"system":"https://myaltamed.net/fhir/sid/client-request","value":"' .. id .. '"}]}'
  return wrk.format("POST", "/fhir/R4/Communication", {
    ["Authorization"] = "Bearer $token",
    ["Content-Type"] = "application/fhir+json",
    ["If-None-Exist"] = "identifier=https://myaltamed.net/fhir/sid/client-request|" .. id,
  }, body)
end
LUA

run_wrk_script() {
  local name=$1 url=$2 script=$3
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$script" "$url" > "$work/$name.wrk"
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

before=$(curl -s --cacert "$ca" -H "Authorization: Bearer $token" \
           "$portal_url/fhir/R4/Communication?patient=demo-adult&_count=0" |
         /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')

echo "POST /fhir/R4/Communication (distinct identifiers) beside GET /api/v1/me:" \
     "wrk -t2 -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds, $(nproc) cores, build $BUILD ($(build_type))"
for round in $(seq "$ROUNDS"); do
  run_wrk me "$portal_url/api/v1/me" "Authorization: Bearer $token"
  run_wrk_script send "$portal_url/fhir/R4/Communication" "$work/send.lua"
  echo "  round $round done"
done

after=$(curl -s --cacert "$ca" -H "Authorization: Bearer $token" \
          "$portal_url/fhir/R4/Communication?patient=demo-adult&_count=0" |
        /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')

wrk_table me "GET /api/v1/me (reference)=me" "POST Communication, new identifier=send"
echo "messages stored: $((after - before)) (every 201 is one)"
