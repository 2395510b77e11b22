#!/usr/bin/env bash
# Benchmarks (not tests) of the app, each beside an empty libadwaita window
# (tests/bench/empty-window.c) measured in the same rounds, under Xvfb and a private
# session bus, against a demo portal on loopback:
#  1. cold start to the first frame, and to the sign-in page drawn (the app asks the
#     portal's /api/v1/info first);
#  2. sign-in to a filled home page: from the app's sign-in action (run through AT-SPI)
#     until the record's searches and the home page's two requests are answered and
#     drawn, beside the same requests made from Python;
#  3. resident memory (VmRSS, PSS) with a record open: grace (the demo's adult), carolyne
#     (the largest Synthea sample) and a patient with REPORTS lab reports
#     (make-lab-record.py);
#  4. frames per second while the Test Results list of that patient scrolls.
# The app and the reference print their own times (MYALTAMED_BENCH=1, src/client/alta-bench.c).
#   BUILD=build-release ROUNDS=7 SIGN_IN_ROUNDS=5 SCROLL_S=5 REPORTS=10000 tests/bench/bench-client.sh
# BENCH_PERF=/abs/path/perf.data records the first sign-in of the REPORTS patient with perf
# (from the sign-in page until the home page is filled), for `perf report -i`.
# BENCH_USERS=grace,lab-reports runs only those patients' sign-ins (all three by default).
# APP=/abs/path/myaltamed measures that binary (another build, a copy made before a change)
# against BUILD's portal and empty window.
# Each sign-in also logs the app's timeline on stderr: when the record's searches answered
# and their lists were filled, with the CPU time and the frames drawn since the sign-in.
# BUILD must be configured with -Dtests=true (the default), which builds empty-window.
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=${BUILD:-build-release}
ROUNDS=${ROUNDS:-7}
SIGN_IN_ROUNDS=${SIGN_IN_ROUNDS:-5}
SCROLL_S=${SCROLL_S:-5}
REPORTS=${REPORTS:-10000}
BENCH_TOOLS="xvfb-run dbus-run-session"
. tests/bench/lib.sh

app=${APP:-$BUILD/src/client/myaltamed}
empty=$BUILD/tests/bench/empty-window
[ -x "$app" ] && [ -x "$empty" ] || {
  echo "bench: build $BUILD with -Dtests=true first (meson compile -C $BUILD)"; exit 1; }

echo "Client benchmarks: $ROUNDS rounds of cold starts, $SIGN_IN_ROUNDS of sign-ins, ${SCROLL_S}s scroll" \
     "phases, $REPORTS lab reports; $(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1))," \
     "build $BUILD ($(build_type)), GTK $(pkg-config --modversion gtk4), libadwaita" \
     "$(pkg-config --modversion libadwaita-1), renderer ${GSK_RENDERER:-default (gl)}"

# The portal: the demo clinic, the Synthea samples and the lab-heavy patient
/usr/bin/python3 tests/bench/make-lab-record.py "$work/lab-record.json" "$REPORTS" > "$work/lab-patient.txt"
printf '[rate-limit]\nper_address_per_minute=100000\nper_account_per_minute=10000\n' > "$work/portald.conf"
start_portal "$work/portal" --config "$work/portald.conf" --import "$work/lab-record.json" \
  tests/data/fhir/bundles/*.json

/usr/bin/python3 - "$work" "$app" "$empty" "$portal_url" "$ca" "$ROUNDS" "$SIGN_IN_ROUNDS" \
  "$SCROLL_S" > "$work/settings.json" <<'PY'
import json, os, sys
work, app, empty, url, ca, rounds, sign_in_rounds, scroll_s = sys.argv[1:]
lab_patient = open(os.path.join(work, 'lab-patient.txt')).read().strip()
accounts = json.load(open(os.path.join(work, 'portal', 'demo-accounts.json')))
def account(test):
    found = [a for a in accounts if a.get('username') and test(a)]
    if not found:
        sys.exit('bench: an imported account is missing from demo-accounts.json')
    return found[0]
users = [u for u in [
    ('grace', account(lambda a: a['username'] == 'grace'), False),
    ('carolyne', account(lambda a: a['name'].startswith('Carolyne559')), False),
    ('lab-reports', account(lambda a: a.get('patient_id') == lab_patient), True),
] if not os.environ.get('BENCH_USERS') or u[0] in os.environ['BENCH_USERS'].split(',')]
print(json.dumps({
    'app': os.path.abspath(app), 'empty_window': os.path.abspath(empty), 'portal_url': url,
    'ca': ca, 'rounds': int(rounds), 'scroll_s': float(scroll_s),
    'raw': os.path.join(work, 'raw.json'), 'perf': os.environ.get('BENCH_PERF'),
    'users': [{'label': label, 'username': a['username'], 'password': a['password'],
               'scroll': scroll, 'rounds': int(sign_in_rounds)} for label, a, scroll in users],
}))
PY

# A private display, session bus and keyring (the app clears its remembered username after
# a sign-in); nothing is written under HOME. The app is driven by its English labels.
export XDG_RUNTIME_DIR=$work/runtime XDG_DATA_HOME=$work/data XDG_CACHE_HOME=$work/cache \
       XDG_CONFIG_HOME=$work/config
mkdir -p -m 700 "$XDG_RUNTIME_DIR" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_CONFIG_HOME"
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS
xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" dbus-run-session -- bash -c '
  printf %s bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || true
  exec env -u LANGUAGE GSETTINGS_SCHEMA_DIR="$1/data" GSETTINGS_BACKEND=memory MYALTAMED_LOCALEDIR="$1/po" \
    GDK_BACKEND=x11 LC_ALL=C.UTF-8 /usr/bin/python3 tests/bench/bench-client.py "$2"' \
  _ "$BUILD" "$work/settings.json" 2> "$work/driver.err" || {
  echo "bench: the driver failed:"; grep -v 'dbus-daemon\|dbind-WARNING' "$work/driver.err" | tail -20; exit 1; }
grep -v 'dbus-daemon\|dbind-WARNING\|SpiRegistry\|^$' "$work/driver.err" || true
