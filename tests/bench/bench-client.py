#!/usr/bin/python3
"""The client's benchmarks, run by bench-client.sh under Xvfb and a private session bus.
Not a test: it prints figures, each beside an empty libadwaita window (empty-window)
measured in the same rounds. Both programs run with MYALTAMED_BENCH=1 and print
`bench EVENT TIME_US ...` lines (src/client/alta-bench.c); times are CLOCK_MONOTONIC,
the clock of time.monotonic() here.

    bench-client.py SETTINGS.json

SETTINGS: app, empty_window, portal_url, ca, rounds, scroll_s, users (each: label,
username, password, scroll). Prints the tables and writes nothing else.
"""

import http.client
import json
import os
import queue
import signal
import ssl
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, GLib  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'a11y'))
from altaatspi import find, find_app, wait_for  # noqa: E402

settings = json.load(open(sys.argv[1]))
SETTLE_S = 2.0


def now_us():
    return time.monotonic_ns() // 1000


def log(message):
    print(message, file=sys.stderr, flush=True)


class Program:
    """A started program and the bench lines it prints."""

    def __init__(self, argv):
        env = dict(os.environ, MYALTAMED_BENCH='1', MYALTAMED_BENCH_SCROLL_S=str(settings['scroll_s']))
        self.start = now_us()
        self.process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        self.events = {}
        self.queue = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.process.stdout:
            words = line.split()
            if len(words) >= 3 and words[0] == 'bench':
                self.queue.put((words[1], [int(w) for w in words[2:]]))
        self.queue.put(None)

    def wait(self, name, timeout=60):
        """The numbers of the first `bench NAME` line."""
        deadline = time.monotonic() + timeout
        while name not in self.events:
            try:
                item = self.queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError('no "bench %s" line in %d s' % (name, timeout))
            if item is None:
                raise RuntimeError('the program ended before "bench %s"' % name)
            self.events.setdefault(item[0], item[1])
        return self.events[name]

    def drain(self):
        """Takes in the lines printed so far without waiting for more"""
        while True:
            try:
                item = self.queue.get_nowait()
            except queue.Empty:
                return
            if item is None:
                return
            self.events.setdefault(item[0], item[1])

    def memory(self):
        """(VmRSS, PSS) in KiB"""
        rss = pss = 0
        with open('/proc/%d/status' % self.process.pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    rss = int(line.split()[1])
        with open('/proc/%d/smaps_rollup' % self.process.pid) as f:
            for line in f:
                if line.startswith('Pss:'):
                    pss = int(line.split()[1])
        return rss, pss

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_app():
    return Program([settings['app'], '--server', settings['portal_url'], '--ca-file', settings['ca']])


def start_empty():
    return Program([settings['empty_window']])


# AT-SPI, as tests/a11y/test-client.py drives the app


def sign_in(app, username, password):
    """Types the username and password and presses Sign In; returns when the app's
    sign-in action ran (its `bench sign-in-submit` line is the start of the timing)."""
    root = wait_for(lambda: find_app(app.process.pid), 'the app on the accessibility bus', 15)
    wait_for(lambda: find(root, Atspi.Role.TEXT, contains='Username'), 'the Username entry',
             15).set_text_contents(username)
    wait_for(lambda: find(root, Atspi.Role.PASSWORD_TEXT, contains='Password'), 'the Password entry',
             15).set_text_contents(password)
    button = wait_for(lambda: find(root, Atspi.Role.PUSH_BUTTON, contains='Sign In'), 'the Sign In button', 15)
    assert button.do_action(0)
    return app.wait('sign-in-submit', 15)


def start_perf(app, output):
    """perf recording the app (call graphs through DWARF) until stop_perf()"""
    perf = subprocess.Popen(['perf', 'record', '-F', '499', '--call-graph', 'dwarf,32768',
                             '-o', output, '-p', str(app.process.pid)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # perf says nothing when it is attached; give it the time to attach
    time.sleep(0.5)
    return perf


def stop_perf(perf):
    perf.send_signal(signal.SIGINT)
    try:
        perf.wait(timeout=120)
    except subprocess.TimeoutExpired:
        perf.kill()
        perf.wait()
    log('perf (exit status %d): %s' % (perf.returncode, perf.stderr.read().strip()))


def log_timeline(app, submitted):
    """The app's events since its sign-in action (the record's parts arriving and filled,
    src/client/alta-session.c), each with its wall and CPU time from that action in ms and
    the frames drawn since"""
    app.drain()
    for name, numbers in sorted(app.events.items(), key=lambda item: item[1][0]):
        if numbers[0] >= submitted[0] and len(numbers) >= 3:
            log('  %-28s %7.0f ms  cpu %7.0f ms  %4d frames' % (
                name, (numbers[0] - submitted[0]) / 1000, (numbers[1] - submitted[1]) / 1000,
                numbers[2] - submitted[2]))


def start_and_sign_in(user, perf_output=None):
    """A started app, its `bench sign-in-submit` numbers (when its sign-in action ran, and
    its CPU time then) and perf recording it if asked. Now and then a fresh app never shows
    on the accessibility bus, or shows without its widgets (tests/a11y/test-client.py saw
    it too): then it is started again, up to five times."""
    for attempt in range(5):
        app = start_app()
        perf = None
        try:
            app.wait('sign-in-page')
            if perf_output:
                perf = start_perf(app, perf_output)
            return app, sign_in(app, user['username'], user['password']), perf
        except (AssertionError, TimeoutError, GLib.Error) as error:
            log('signing in through AT-SPI, attempt %d: %s; starting the app again' % (attempt + 1, error))
            if perf is not None:
                stop_perf(perf)
            app.stop()
    raise TimeoutError('could not sign in through AT-SPI')


# The floor: the same requests as the app's, over HTTPS on loopback, from Python
def fetch_floor(username, password):
    """Signs in and runs the app's record searches (alta-session.c) and the home page's two
    requests (alta-home-page.c) at once, each following its `next` links, one connection
    each. Returns the time in µs from the sign-in request until the last answer is read, and
    the CPU time this process spent meanwhile (µs)."""
    url = urllib.parse.urlsplit(settings['portal_url'])
    context = ssl.create_default_context(cafile=settings['ca'])

    def connect():
        return http.client.HTTPSConnection(url.hostname, url.port, context=context)

    start, start_cpu = now_us(), time.process_time_ns() // 1000
    connection = connect()
    connection.request('POST', '/api/v1/sessions', json.dumps({'username': username, 'password': password}),
                       {'Content-Type': 'application/json'})
    answer = json.loads(connection.getresponse().read())
    connection.close()
    token, patient = answer['access_token'], urllib.parse.quote(answer['account']['patient_id'], safe='')
    today = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
    paths = ['/fhir/R4/' + search % patient for search in (
        'AllergyIntolerance?patient=%s',
        'Immunization?patient=%s&_sort=-date',
        'MedicationRequest?patient=%s&_sort=-authoredon',
        'Condition?patient=%s&_sort=-onset-date',
        'DiagnosticReport?patient=%s&_sort=-date&_count=500',
        'Observation?patient=%s&category=laboratory&_sort=-date&_count=500',
        'Communication?patient=%s&_sort=-sent&_count=200')]
    paths.append('/fhir/R4/Appointment?patient=%s&status=booked&date=ge%s&_sort=date&_count=1' % (patient, today))
    failures = []

    def run(path):
        connection = connect()
        while path is not None:
            connection.request('GET', path, headers={'Authorization': 'Bearer ' + token})
            response = connection.getresponse()
            bundle = json.loads(response.read())
            if response.status != 200:
                failures.append(response.status)
                break
            path = None
            for link in bundle.get('link', []):
                if link['relation'] == 'next':
                    path = link['url'][len(settings['portal_url']):]
        connection.close()

    threads = [threading.Thread(target=run, args=(path,)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    end, end_cpu = now_us(), time.process_time_ns() // 1000
    if failures:
        raise RuntimeError('the floor requests failed: %s' % failures)
    return end - start, end_cpu - start_cpu


def median(values):
    return statistics.median(values) if values else float('nan')


rounds = settings['rounds']
figures = {}


def add(name, value):
    figures.setdefault(name, []).append(value)


# A start of each first, not counted: the first program on the bus starts the accessibility
# bus and registry, and the first GL program fills Mesa's shader cache
for program in (start_empty(), start_app()):
    try:
        program.wait('first-frame')
        time.sleep(SETTLE_S)
    finally:
        program.stop()

# 1. Cold start to the first frame, alternating which program starts first
log('cold start: %d rounds' % rounds)
for round_ in range(rounds):
    for which in (('empty', 'app') if round_ % 2 == 0 else ('app', 'empty')):
        program = start_empty() if which == 'empty' else start_app()
        try:
            add(which + '.first-frame', (program.wait('first-frame')[0] - program.start) / 1000)
            if which == 'app':
                add('app.sign-in-page', (program.wait('sign-in-page')[0] - program.start) / 1000)
            time.sleep(SETTLE_S)
            rss, pss = program.memory()
            add(which + '.rss-started', rss)
            add(which + '.pss-started', pss)
        finally:
            program.stop()

# 2, 3 and 4: sign-in to a filled home page, memory with the record open, frame rate
for user in settings['users']:
    label = user['label']
    n_rounds = user.get('rounds', rounds)
    log('%s: %d rounds' % (label, n_rounds))
    for round_ in range(n_rounds):
        # BENCH_PERF=FILE: perf records the first round of the patient with many reports
        perf_output = settings.get('perf') if user.get('scroll') and round_ == 0 else None
        app, submitted, perf = start_and_sign_in(user, perf_output)
        try:
            timeout = 300
            last = max((app.wait(event, timeout) for event in ('record-loaded', 'home-messages',
                                                               'home-appointment')),
                       key=lambda numbers: numbers[0])
            if perf is not None:
                stop_perf(perf)
            log_timeline(app, submitted)
            add(label + '.home-filled', (last[0] - submitted[0]) / 1000)
            add(label + '.home-filled-cpu', (last[1] - submitted[1]) / 1000)
            time.sleep(SETTLE_S)
            rss, pss = app.memory()
            add(label + '.rss', rss)
            add(label + '.pss', pss)
            if user.get('scroll'):
                app.process.send_signal(signal.SIGUSR1)
                app.wait('scroll-done', 4 * settings['scroll_s'] + 60)
                for phase in ('steady', 'sweep'):
                    frames, elapsed, worst, rows = app.events['scroll-' + phase]
                    add('%s.fps-%s' % (label, phase), frames / (elapsed / 1e6))
                    add('%s.worst-%s' % (label, phase), worst / 1000)
                    add('%s.rows' % label, rows)
                rss, pss = app.memory()
                add(label + '.rss-scrolled', rss)
        finally:
            app.stop()

        floor, floor_cpu = fetch_floor(user['username'], user['password'])
        add(label + '.floor', floor / 1000)
        add(label + '.floor-cpu', floor_cpu / 1000)

        if user.get('scroll'):
            empty = start_empty()
            try:
                empty.wait('first-frame')
                time.sleep(SETTLE_S)
                empty.process.send_signal(signal.SIGUSR1)
                empty.wait('scroll-done', 4 * settings['scroll_s'] + 60)
                for phase in ('steady', 'sweep'):
                    frames, elapsed, worst, rows = empty.events['scroll-' + phase]
                    add('empty.fps-' + phase, frames / (elapsed / 1e6))
                    add('empty.worst-' + phase, worst / 1000)
            finally:
                empty.stop()

if settings.get('raw'):
    with open(settings['raw'], 'w') as f:
        json.dump(figures, f, indent=1)


def row(label, name, reference, unit_scale=1.0, fmt='%.0f'):
    value, ref = median(figures.get(name, [])) * unit_scale, median(figures.get(reference, [])) * unit_scale
    print('| %s | %s | %s | %.2f |' % (label, fmt % value, fmt % ref, value / ref))


mib = 1 / 1024
print()
print('Medians of %d rounds (%s).' % (rounds, ', '.join('%s: %d' % (u['label'], u.get('rounds', rounds))
                                                       for u in settings['users'])))
print()
print('| measure | myaltamed | empty window, same rounds | ratio |')
print('| --- | ---: | ---: | ---: |')
row('cold start to first frame, ms', 'app.first-frame', 'empty.first-frame')
row('cold start to the sign-in page drawn, ms', 'app.sign-in-page', 'empty.first-frame')
row('VmRSS at the sign-in page, MiB', 'app.rss-started', 'empty.rss-started', mib)
row('PSS at the sign-in page, MiB', 'app.pss-started', 'empty.pss-started', mib)
for user in settings['users']:
    label = user['label']
    row('%s: sign-in to a filled home page, ms (reference: the same requests from Python)' % label,
        label + '.home-filled', label + '.floor')
    row('%s: CPU time over that sign-in, ms (reference: Python\'s CPU time for its requests)' % label,
        label + '.home-filled-cpu', label + '.floor-cpu')
    row('%s: VmRSS with the record open, MiB' % label, label + '.rss', 'empty.rss-started', mib)
    row('%s: PSS with the record open, MiB' % label, label + '.pss', 'empty.pss-started', mib)
    if user.get('scroll'):
        rows = int(median(figures.get(label + '.rows', [0])))
        row('%s: frames/s scrolling %d rows at %d px/s' % (label, rows, 2000),
            label + '.fps-steady', 'empty.fps-steady', fmt='%.1f')
        row('%s: frames/s sweeping all %d rows in %g s' % (label, rows, settings['scroll_s']),
            label + '.fps-sweep', 'empty.fps-sweep', fmt='%.1f')
        row('%s: longest frame scrolling, ms' % label, label + '.worst-steady', 'empty.worst-steady')
        row('%s: longest frame sweeping, ms' % label, label + '.worst-sweep', 'empty.worst-sweep')
        row('%s: VmRSS after scrolling, MiB' % label, label + '.rss-scrolled', 'empty.rss-started', mib)
