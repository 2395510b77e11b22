#!/usr/bin/env bash
# Benchmark (not a test): GET /api/v1/me under wrk (50 connections, loopback, HTTPS) while 16
# sign-ins run at once (a second wrk, 16 connections, each POSTing grace's right password as
# soon as its last sign-in was answered), beside the same /me run without sign-ins, in the
# same invocation. Rounds alternate and the medians are reported, because these machines are
# noisy. Prints requests/s, p50 and p99 of each, the sign-ins' own figures, and the aim: the
# p99 of /me during sign-ins within 3x of the p99 without.
#   BUILD=build-release ROUNDS=3 DURATION=10 [PASSWORD_THREADS=0] tests/bench/bench-signin.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
SIGN_INS=${SIGN_INS:-16}
PASSWORD_THREADS=${PASSWORD_THREADS:-0}   # [server] password_threads; 0: one per core
BENCH_TOOLS="wrk curl"
. tests/bench/lib.sh

# Right passwords only (five wrong ones would lock grace out), and no rate limit: the
# limiter would refuse most of these sign-ins from one address and one account.
cat > "$work/portald.conf" <<CONF
[server]
password_threads=$PASSWORD_THREADS
[rate-limit]
per_address_per_minute=1000000
per_account_per_minute=1000000
CONF
start_portal "$work/portal" --config "$work/portald.conf"
token=$(sign_in grace Orchard-Lantern-42)

cat > "$work/sign-in.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"username":"grace","password":"Orchard-Lantern-42"}'
wrk.headers["Content-Type"] = "application/json"
LUA

echo "GET /api/v1/me: wrk -t2 -c50 -d${DURATION}s; sign-ins: wrk -t1 -c$SIGN_INS;" \
  "password_threads=$PASSWORD_THREADS;" \
  "$ROUNDS rounds, $(nproc) cores, build $BUILD ($(build_type))"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
  run_wrk alone "$portal_url/api/v1/me" "Authorization: Bearer $token"

  # The sign-ins start first and end last, so that every /me of the run meets them.
  # A sign-in waits behind up to 15 others: longer than wrk's usual 2 s timeout on a busy box.
  wrk -t1 -c"$SIGN_INS" -d"$((DURATION + 2))s" --timeout 30s --latency -s "$work/sign-in.lua" \
    "$portal_url/api/v1/sessions" > "$work/sign-ins.wrk" &
  signins_pid=$!
  pids+=("$signins_pid")
  sleep 1
  run_wrk during "$portal_url/api/v1/me" "Authorization: Bearer $token"
  wait "$signins_pid"
  # Sign-ins still queued when wrk stopped would run into the next round: one more sign-in
  # comes after them all.
  sign_in grace Orchard-Lantern-42 > /dev/null
  /usr/bin/python3 - "$work/sign-ins.wrk" >> "$work/sign-ins.txt" <<'PY'
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
  echo "  round $round done"
done

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
wrk_table alone "GET /api/v1/me alone (reference)=alone" \
  "GET /api/v1/me during $SIGN_INS sign-ins=during"
/usr/bin/python3 - "$work" "$SIGN_INS" <<'PY'
import statistics, sys
def load(name):
    rows = [list(map(float, line.split())) for line in open(f"{sys.argv[1]}/{name}.txt")]
    return [statistics.median(col) for col in zip(*rows)]
alone, during, sign_ins = load("alone"), load("during"), load("sign-ins")
print(f"POST /api/v1/sessions, {sys.argv[2]} at once: {sign_ins[0]:.1f}/s, p50 {sign_ins[1]:.0f} ms, "
      f"p99 {sign_ins[2]:.0f} ms, non-2xx {sign_ins[3]:.0f}")
if during[0] == 0:
    # wrk counts an answer slower than its 2 s timeout as no answer at all
    print("aim: p99 of /me during sign-ins within 3x of the p99 without: MISSED "
          "(no /me was answered within 2 s during the sign-ins)")
else:
    ratio = during[2] / alone[2]
    print(f"aim: p99 of /me during sign-ins within 3x of the p99 without: "
          f"{'met' if ratio <= 3 else 'MISSED'} ({during[2]:.2f} ms vs {alone[2]:.2f} ms, {ratio:.2f}x)")
PY
