#!/usr/bin/env bash
# Benchmarks (not tests) of the FHIR half, each beside a reference measured in the same run:
#  1. import rate: a Synthea-shaped corpus of PATIENTS patients (made from tests/data/fhir by
#     make-synthea-corpus.py) through `myaltamed-portald import`, beside a naive importer
#     (Python: parse each resource, insert its JSON into SQLite, one transaction a file);
#  2. database size per 1,000 imported patients, beside the size of the files imported;
#  3. GET /fhir/R4/Observation?patient=..&category=laboratory&_count=50 under wrk (50
#     connections, loopback, HTTPS) beside nginx serving the same Bundle as a static file,
#     and GET /api/v1/me in the same rounds.
#   BUILD=build-release PATIENTS=1000 ROUNDS=3 DURATION=10 tests/bench/bench-fhir.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
PATIENTS=${PATIENTS:-1000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
. tests/bench/lib.sh

echo "FHIR benchmarks: $PATIENTS patients, wrk -t2 -c50 -d${DURATION}s, $ROUNDS rounds, $(nproc) cores, build $BUILD ($(build_type))"

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

# 3: the trend search, beside /api/v1/me and nginx
start_portal "$work/portal"
token=$(sign_in grace Orchard-Lantern-42)
search="/fhir/R4/Observation?patient=demo-adult&category=laboratory&_count=50"
curl -s --cacert "$ca" -H "Authorization: Bearer $token" -o "$work/search.json" "$portal_url$search"
size=$(stat -c %s "$work/search.json")
start_nginx nginx1 1 /fhir/R4/Observation "$work/search.json"; nginx1_url=$nginx_url
echo "search: $search ($size bytes)"
for round in $(seq "$ROUNDS"); do
  run_wrk nginx1 "$nginx1_url$search"
  run_wrk search "$portal_url$search" "Authorization: Bearer $token"
  run_wrk search_bg "$portal_url$search" "Authorization: Bearer $token" "X-Portal-Activity: background"
  run_wrk me "$portal_url/api/v1/me" "Authorization: Bearer $token"
  echo "  round $round done"
done
wrk_table nginx1 "nginx, 1 worker, same Bundle (reference)=nginx1" "portald: Observation search=search" \
  "portald: Observation search, background=search_bg" "portald: GET /api/v1/me=me"
