#!/usr/bin/env bash
# Benchmarks (not tests) of the FHIR half, each beside a reference measured in the same run:
#  1. import rate: a Synthea-shaped corpus of PATIENTS patients (made from tests/data/fhir by
#     make-synthea-corpus.py) through `myaltamed-portald import`, beside a naive importer
#     (Python: parse each resource, insert its JSON into SQLite, one transaction a file);
#  2. database size per 1,000 imported patients, beside the size of the files imported;
#  3. GET /fhir/R4/Observation?patient=..&category=laboratory&_count=50 under wrk (50
#     connections, loopback, HTTPS) beside nginx serving the same Bundle as a static file,
#     and GET /api/v1/me in the same rounds.
#  4. the first and a middle page of a 10,000-report record's lab results (make-lab-record.py),
#     beside nginx serving that page's bytes.
# With BEFORE=DIR (a build folder of an earlier commit), the import and the searches are also
# measured with that build, in the same run. With IMPORT_ONLY=1 only 1 and 2 run. READ_THREADS and BEFORE_READ_THREADS set
# `[server] read_threads` of the portal and of the BEFORE one: BEFORE=$BUILD with
# BEFORE_READ_THREADS=0 measures the read pool beside the main loop alone, in the same run.
#   BUILD=build-release PATIENTS=1000 ROUNDS=3 DURATION=10 tests/bench/bench-fhir.sh
#   BEFORE=build BEFORE_READ_THREADS=0 PATIENTS=20 tests/bench/bench-fhir.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
PATIENTS=${PATIENTS:-1000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
REPORTS=${REPORTS:-10000}
BEFORE=${BEFORE:-}
READ_THREADS=${READ_THREADS:-}
BEFORE_READ_THREADS=${BEFORE_READ_THREADS:-}
. tests/bench/lib.sh
# portal_config FILE THREADS: a configuration with [server] read_threads, or none
portal_config() {
  if [ -n "$2" ]; then printf '[server]\nread_threads=%s\n' "$2" > "$1"; else : > "$1"; fi
}
portal_config "$work/portald.conf" "$READ_THREADS"
portal_config "$work/portald-before.conf" "$BEFORE_READ_THREADS"
if [ -n "$BEFORE" ]; then
  before_portald=$BEFORE/src/server/myaltamed-portald
  [ -x "$before_portald" ] || { echo "bench: no portal in $BEFORE"; exit 1; }
fi

echo "FHIR benchmarks: $PATIENTS patients, wrk -t2 -c50 -d${DURATION}s, $ROUNDS rounds, $(nproc) cores, build $BUILD ($(build_type)), read_threads ${READ_THREADS:-default}${BEFORE:+, before: $BEFORE, read_threads ${BEFORE_READ_THREADS:-default}}"

# 1 and 2: import
read -r n_resources n_bytes < <(/usr/bin/python3 tests/bench/make-synthea-corpus.py "$work/corpus" "$PATIENTS")
files=("$work"/corpus/shared-* "$work"/corpus/copy-*)

/usr/bin/python3 - "$work/naive.db" "${files[@]}" > "$work/naive.txt" <<'PY'
import json, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode = WAL"); db.execute("PRAGMA synchronous = FULL")
db.execute("CREATE TABLE r (type TEXT, id TEXT, json TEXT, PRIMARY KEY (type, id))")
start, n = time.monotonic(), 0
for path in sys.argv[2:]:
    db.execute("BEGIN")
    text = open(path).read()
    if path.endswith(".ndjson"):
        resources = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        resources = [e["resource"] for e in json.loads(text)["entry"]]
    for resource in resources:
        db.execute("INSERT OR REPLACE INTO r VALUES (?, ?, ?)",
                   (resource["resourceType"], resource.get("id"), json.dumps(resource)))
        n += 1
    db.execute("COMMIT")
print(n, time.monotonic() - start)
PY
read -r naive_n naive_s < "$work/naive.txt"

start=$(date +%s.%N)
"$portald" import --data-dir "$work/imported" "${files[@]}" > "$work/import.out" 2> "$work/import.err" || {
  echo "import failed:"; tail "$work/import.err"; exit 1; }
end=$(date +%s.%N)
db_bytes=$(du -cb "$work"/imported/portal.db* | tail -1 | cut -f1)
if [ -n "$BEFORE" ]; then
  before_start=$(date +%s.%N)
  "$before_portald" import --data-dir "$work/imported-before" "${files[@]}" > /dev/null 2> "$work/import-before.err" || {
    echo "import (before) failed:"; tail "$work/import-before.err"; exit 1; }
  before_end=$(date +%s.%N)
  /usr/bin/python3 -c "import sys; n, a, b = map(float, sys.argv[1:]); print(f'import with the earlier build: {n / (b - a):.0f} resources/s')" \
    "$n_resources" "$before_start" "$before_end"
fi
/usr/bin/python3 - "$n_resources" "$n_bytes" "$naive_n" "$naive_s" "$start" "$end" "$db_bytes" "$PATIENTS" <<'PY'
import sys
n, in_bytes, naive_n, naive_s, start, end, db_bytes, patients = map(float, sys.argv[1:])
seconds = end - start
print(f"import: {n:.0f} resources ({in_bytes / 1e6:.0f} MB of Bundles and NDJSON) in {seconds:.1f} s: "
      f"{n / seconds:.0f} resources/s; naive Python+SQLite importer (reference): {naive_n / naive_s:.0f}/s; "
      f"ratio {(n / seconds) / (naive_n / naive_s):.2f}")
print(f"database: {db_bytes / 1e6:.0f} MB for {patients:.0f} patients = {db_bytes / patients * 1000 / 1e6:.0f} MB "
      f"per 1,000 patients ({db_bytes / in_bytes:.2f} x the files imported)")
PY
[ -z "${IMPORT_ONLY:-}" ] || exit 0

# 3: the trend search, beside /api/v1/me and nginx
/usr/bin/python3 tests/bench/make-lab-record.py "$work/lab-record.json" "$REPORTS" > "$work/lab-patient.txt"
lab_patient=$(cat "$work/lab-patient.txt")
if [ -n "$BEFORE" ]; then
  after_portald=$portald
  portald=$before_portald
  start_portal "$work/portal-before" --config "$work/portald-before.conf" --import "$work/lab-record.json"
  before_url=$portal_url before_ca=$ca
  before_token=$(sign_in grace Orchard-Lantern-42)
  portald=$after_portald
fi
start_portal "$work/portal" --config "$work/portald.conf" --import "$work/lab-record.json"
token=$(sign_in grace Orchard-Lantern-42)
search="/fhir/R4/Observation?patient=demo-adult&category=laboratory&_count=50"
curl -s --cacert "$ca" -H "Authorization: Bearer $token" -o "$work/search.json" "$portal_url$search"
size=$(stat -c %s "$work/search.json")
start_nginx nginx1 1 /fhir/R4/Observation "$work/search.json"; nginx1_url=$nginx_url
echo "search: $search ($size bytes)"
# 4: the 10,000-report record as staff see it (the patient is an adult without an account):
# its first page and the page after the first 5,000 results, as the client pages
staff_token=$(sign_in frontdesk Clinic-Desk-Station-1)
lab_search="/fhir/R4/Observation?patient=$lab_patient&category=laboratory&_sort=-date&_count=50"
curl -s --cacert "$ca" -H "Authorization: Bearer $staff_token" -o "$work/lab1.json" "$portal_url$lab_search"
lab_middle=$lab_search
for _ in $(seq 100); do
  lab_middle=$(curl -s --cacert "$ca" -H "Authorization: Bearer $staff_token" "$portal_url$lab_middle" |
    /usr/bin/python3 -c 'import json,sys; print([l["url"] for l in json.load(sys.stdin)["link"] if l["relation"]=="next"][0].split("://",1)[1].split("/",1)[1])' |
    sed 's|^|/|')
done
curl -s --cacert "$ca" -H "Authorization: Bearer $staff_token" -o "$work/lab-middle.json" "$portal_url$lab_middle"
start_nginx nginx_lab 1 /fhir/R4/Observation "$work/lab1.json"; nginx_lab_url=$nginx_url
echo "10,000-report record: $lab_search ($(stat -c %s "$work/lab1.json") bytes; the 101st page $(stat -c %s "$work/lab-middle.json") bytes)"
if [ -n "$BEFORE" ]; then
  ca_after=$ca; ca=$before_ca
  before_staff=$(curl -s --cacert "$ca" -d '{"username":"frontdesk","password":"Clinic-Desk-Station-1"}' "$before_url/api/v1/sessions" |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  ca=$ca_after
fi

for round in $(seq "$ROUNDS"); do
  run_wrk nginx1 "$nginx1_url$search"
  run_wrk search "$portal_url$search" "Authorization: Bearer $token"
  run_wrk search_bg "$portal_url$search" "Authorization: Bearer $token" "X-Portal-Activity: background"
  run_wrk me "$portal_url/api/v1/me" "Authorization: Bearer $token"
  run_wrk nginx_lab "$nginx_lab_url$lab_search"
  run_wrk lab1 "$portal_url$lab_search" "Authorization: Bearer $staff_token"
  run_wrk lab_middle "$portal_url$lab_middle" "Authorization: Bearer $staff_token"
  if [ -n "$BEFORE" ]; then
    run_wrk search_before "$before_url$search" "Authorization: Bearer $before_token"
    run_wrk lab1_before "$before_url$lab_search" "Authorization: Bearer $before_staff"
    run_wrk lab_middle_before "$before_url$lab_middle" "Authorization: Bearer $before_staff"
  fi
  echo "  round $round done"
done
rows=("portald: Observation search=search" "portald: Observation search, background=search_bg"
      "portald: GET /api/v1/me=me")
[ -n "$BEFORE" ] && rows+=("portald before: Observation search=search_before")
wrk_table nginx1 "nginx, 1 worker, same Bundle (reference)=nginx1" "${rows[@]}"
rows=("portald: 10,000-report record, page 1=lab1" "portald: 10,000-report record, page 101=lab_middle")
[ -n "$BEFORE" ] && rows+=("portald before: page 1=lab1_before" "portald before: page 101=lab_middle_before")
wrk_table nginx_lab "nginx, 1 worker, page 1's bytes (reference)=nginx_lab" "${rows[@]}"
