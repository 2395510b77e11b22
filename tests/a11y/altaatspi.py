# altaatspi.py: a demo portal to point the app at, and finding and driving the app through
# accessibility (AT-SPI), as a screen reader does; and the harness of the tests/a11y/test-*.py
# drivers (TAP cases, the app's words in Spanish). Shared by them, tools/screenshots.py and
# tests/bench/bench-client.py.
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import gettext
import http.client
import http.server
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request

# The app runs with the test environment's G_DEBUG (fatal-warnings). A driver does not:
# GLib reads G_DEBUG when gi is first imported, and AT-SPI's client library warns harmlessly
# ("AT-SPI: Error in GetItems") while the app registers. So a driver imports this module
# before gi, and gives APP_G_DEBUG back to the app it starts.
APP_G_DEBUG = os.environ.pop('G_DEBUG', None)

import gi  # noqa: E402

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, GLib  # noqa: E402

# libatspi gives up on an app's answer after 0.8 s: an app under AddressSanitizer on a busy
# machine, asked for a large tree, takes longer ("Did not receive a reply"). A test fails on
# what it finds, not on how fast the app answers.
Atspi.set_timeout(10000, 60000)


# A driver's harness: tr(), log(), the @test runner, and the TAP plan at the end

_spanish = None


def tr(language, text):
    """@text as the app says it in @language ('en' or 'es'), from the app's own catalog (the
    build's, $MYALTAMED_LOCALEDIR)."""
    global _spanish
    if language != 'es':
        return text
    if _spanish is None:
        _spanish = gettext.translation('myaltamed', localedir=os.environ['MYALTAMED_LOCALEDIR'],
                                       languages=['es'])
    return _spanish.gettext(text)


def log(message):
    print('# ' + message, flush=True)


results = []


def test(function):
    """Runs @function as one TAP case, now. A11Y_ONLY=name[,name...] runs those cases only,
    for working on them."""
    name = function.__name__
    if name not in os.environ.get('A11Y_ONLY', name).split(','):
        return function
    try:
        function()
        results.append((True, name))
        print('ok %d %s' % (len(results), name), flush=True)
    except Exception as error:  # noqa: BLE001 (a failed test reports any error)
        for line in traceback.format_exc().splitlines():
            log(line)
        results.append((False, name))
        print('not ok %d %s: %s' % (len(results), name, error), flush=True)
    return function


def start_accessibility_bus():
    """Starts the accessibility bus and registry before the first app, so that it finds them
    up."""
    Atspi.get_desktop(0).get_child_count()
    time.sleep(1)


def finish():
    """The TAP plan, and the exit status: 0 when every case passed."""
    print('1..%d' % len(results))
    sys.exit(0 if all(ok for ok, _ in results) else 1)


class Portal:
    """A fresh demo clinic of myaltamed-portald @portald on a free loopback port, with the
    FHIR files @imports imported (each adult patient of them gets an account)."""

    def __init__(self, portald, extra_config='', prefix='alta-portal-', imports=()):
        self.portald = portald
        self.imports = list(imports)
        self.dir = tempfile.mkdtemp(prefix=prefix)
        self.config = os.path.join(self.dir, 'portald.conf')
        with open(self.config, 'w') as f:
            f.write('[rate-limit]\nper_address_per_minute=100000\nper_account_per_minute=1000\n')
            f.write(extra_config)
        self.start()
        self.ca = os.path.join(self.dir, 'data', 'tls', 'ca.pem')
        self.context = ssl.create_default_context(cafile=self.ca)

    def start(self, port=0):
        """Serves the clinic of this folder (the same accounts and certificate authority
        when started again) on @port, or on a free one."""
        self.process = subprocess.Popen(
            [self.portald, 'demo', '--data-dir', os.path.join(self.dir, 'data'), '--port',
             str(port), '--config', self.config] +
            (['--import'] + self.imports if self.imports else []),
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in self.process.stdout:
            if line.startswith('Listening on '):
                self.url = line.split(' ', 2)[2].strip()
                break
        else:
            raise RuntimeError('the portal did not start')

    def halt(self):
        """Stops serving, keeping the clinic for start()."""
        self.process.terminate()
        self.process.wait()

    def request(self, path, body=None, token=None):
        """The JSON answer to a request of the API."""
        headers = {'Content-Type': 'application/json'}
        if token:
            headers['Authorization'] = 'Bearer ' + token
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, headers=headers)
        with urllib.request.urlopen(request, context=self.context) as answer:
            return json.load(answer)

    def stop(self):
        self.halt()
        shutil.rmtree(self.dir, ignore_errors=True)


class PortalProxy:
    """A Portal behind a proxy of ours (with the portal's own certificate), as the app meets
    a failing or slow server: the app is pointed at its url and ca. Each request it forwards
    is noted (seen(): when, its method and path, its X-Portal-Activity header, its token and
    the status). A POST whose path starts with @faulty meets what fault says: None (it goes
    on), '500' (answered with an internal error, not forwarded), or 'slow' (held, held set,
    until release is set)."""

    def __init__(self, portal, faulty=None):
        self.portal = portal
        self.ca = portal.ca
        self.faulty = faulty
        self.fault = None
        self.release = threading.Event()
        self.held = threading.Event()
        self.requests = []
        self.lock = threading.Lock()
        upstream = portal.url.split('://', 1)[1].rstrip('/')
        context = ssl.create_default_context(cafile=portal.ca)
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def forward(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else None
                if (proxy.faulty is not None and self.command == 'POST' and
                        self.path.startswith(proxy.faulty)):
                    if proxy.fault == '500':
                        return self.answer(500, {'Content-Type': 'application/json'},
                                           b'{"error":"internal","message":"Internal error"}')
                    if proxy.fault == 'slow':
                        proxy.held.set()
                        proxy.release.wait(120)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ('host', 'connection', 'keep-alive',
                                                'transfer-encoding', 'content-length')}
                connection = http.client.HTTPSConnection(upstream, context=context, timeout=60)
                connection.request(self.command, self.path, body=body, headers=headers)
                answer = connection.getresponse()
                data = answer.read()
                kept = {k: v for k, v in answer.getheaders()
                        if k.lower() not in ('connection', 'keep-alive', 'transfer-encoding',
                                             'content-length')}
                connection.close()
                with proxy.lock:
                    proxy.requests.append({
                        'at': time.monotonic(), 'method': self.command, 'path': self.path,
                        'activity': self.headers.get('X-Portal-Activity'),
                        'token': (self.headers.get('Authorization') or '')[len('Bearer '):],
                        'status': answer.status})
                self.answer(answer.status, kept, data)

            def answer(self, status, headers, data):
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = forward

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        tls = os.path.join(portal.dir, 'data', 'tls')
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_context.load_cert_chain(os.path.join(tls, 'server.pem'),
                                       os.path.join(tls, 'server.key'))
        self.server.socket = server_context.wrap_socket(self.server.socket, server_side=True)
        self.url = 'https://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def seen(self):
        with self.lock:
            return list(self.requests)

    def stop(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def wait_for(predicate, what, timeout=60, interval=0.1):
    """The first true value of @predicate, asked every @interval seconds; AssertionError
    after @timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError('timed out waiting for ' + what)


def pump_until(predicate, what, timeout=20):
    """wait_for(), dispatching AT-SPI events meanwhile: for listeners (Atspi.EventListener),
    which hear only while the main context runs."""
    context = GLib.MainContext.default()

    def pumped():
        while context.iteration(False):
            pass
        return predicate()
    return wait_for(pumped, what, timeout, interval=0.05)


def find_app(pid):
    """The app of process @pid on the accessibility bus, or None."""
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        child = desktop.get_child_at_index(i)
        if child is not None and child.get_name() == 'myaltamed' and \
                child.get_process_id() == pid:
            return child
    return None


def walk(node, depth=0):
    """Every node under @node. Nodes that vanish while we look (the app removes the rows of
    a record as it signs out) are skipped: asking them anything raises."""
    if node is None or depth > 60:
        return
    try:
        node.get_role()
        n_children = node.get_child_count()
    except GLib.Error:
        return
    yield node
    for i in range(n_children):
        try:
            child = node.get_child_at_index(i)
        except GLib.Error:
            continue
        yield from walk(child, depth + 1)


def text_of(node):
    """A label's or an entry's text, else ''."""
    try:
        if node.get_role() in (Atspi.Role.LABEL, Atspi.Role.TEXT, Atspi.Role.PASSWORD_TEXT):
            return node.get_text(0, node.get_character_count())
    except Exception:  # noqa: BLE001 (a node that went away has no text)
        pass
    return ''


def showing(node):
    """Whether @node is on screen: of some size, and it and every parent below its window
    VISIBLE. GTK 4.8 keeps hidden pages in the tree and sets no SHOWING state; a button of a
    page not shown yet is not realized, and GTK drops the click an accessible action makes on
    it."""
    try:
        extents = node.get_extents(Atspi.CoordType.WINDOW)
        if extents.width <= 0 or extents.height <= 0:
            return False
        # Up to its window, whatever that window's role (a frame, a dialog, an alert): the
        # one whose parent is the application
        while node is not None and node.get_role() != Atspi.Role.APPLICATION:
            parent = node.get_parent()
            if parent is None or parent.get_role() == Atspi.Role.APPLICATION:
                break
            if not node.get_state_set().contains(Atspi.StateType.VISIBLE):
                return False
            node = parent
    except GLib.Error:  # a node that went away
        return False
    return True


def find(root, role, name=None, contains=None, shown=False):
    """The first node of @role under @root named @name, or whose name or text holds
    @contains; with @shown, the first of them on screen."""
    for node in walk(root):
        try:
            if node.get_role() != role:
                continue
            node_name = node.get_name() or ''
        except GLib.Error:
            continue
        if name is not None and node_name != name:
            continue
        if contains is not None and contains not in node_name and contains not in text_of(node):
            continue
        if shown and not showing(node):
            continue
        return node
    return None


def all_text(root):
    """Every name and text in the tree: what a screen reader could read out."""
    texts = []
    for node in walk(root):
        try:
            texts.append(node.get_name() or '')
        except GLib.Error:
            continue
        texts.append(text_of(node))
    return '\n'.join(texts)


def type_into(root, name, text, timeout=60, role=Atspi.Role.TEXT):
    """Sets the text of the entry named @name (of @role: PASSWORD_TEXT for a password)."""
    entry = wait_for(lambda: find(root, role, name), 'the %s entry' % name, timeout)
    entry.set_text_contents(text)


def press(root, contains, timeout=60):
    """Presses the button on screen whose name holds @contains."""
    button = wait_for(lambda: find(root, Atspi.Role.PUSH_BUTTON, contains=contains, shown=True),
                      'the %s button' % contains, timeout)
    assert button.do_action(0)
    return button


# "AltaMed", the clinic's name (the FAQ says it), is not a type name
TYPE_NAME = re.compile(r'\b(?!AltaMed\b)(?:Gtk|Adw|Alta)[A-Z][A-Za-z]+\b')
MNEMONIC = re.compile(r'(?:^|[\s(])_[^\W_]')


def repeated_words(text):
    """The words that @text says twice in a row ("Sign In Sign In"), or None."""
    words = re.findall(r'\w+', text.casefold())
    for size in range(1, len(words) // 2 + 1):
        for start in range(len(words) - 2 * size + 1):
            run = words[start:start + size]
            if run == words[start + size:start + 2 * size] and any(w.isalpha() for w in run):
                return ' '.join(run)
    return None


def labelled_by(node):
    """The nodes that name @node (its labelled-by relation): a screen reader reads them as
    its name, not again."""
    labels = []
    try:
        for relation in node.get_relation_set():
            if relation.get_relation_type() == Atspi.RelationType.LABELLED_BY:
                labels += [relation.get_target(i) for i in range(relation.get_n_targets())]
    except GLib.Error:
        pass
    return labels


# What a screen reader announces by its name when it reaches it
SPOKEN_CONTROLS = (Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON, Atspi.Role.CHECK_BOX,
                   Atspi.Role.COMBO_BOX, Atspi.Role.TEXT, Atspi.Role.PASSWORD_TEXT,
                   Atspi.Role.ENTRY, Atspi.Role.RADIO_BUTTON, Atspi.Role.PAGE_TAB,
                   Atspi.Role.SLIDER, Atspi.Role.SPIN_BUTTON, Atspi.Role.LIST,
                   Atspi.Role.LIST_ITEM, Atspi.Role.MENU_ITEM, Atspi.Role.LINK)


def spoken_problems(root):
    """What a screen reader would say wrong anywhere under @root: a name or description that
    is a type name ("GtkImage"), carries a mnemonic underscore ("_Sign In") or says the same
    words twice; a description that repeats the name; a control under a named node that
    repeats that name ("Record shown" in "Record shown") without being its label. The
    application's own node is the program's name, which is not read with its windows."""
    problems = []

    def check(node, named_above):
        try:
            role = node.get_role_name()
            name = node.get_name() or ''
            description = node.get_description() or ''
            n_children = node.get_child_count()
        except GLib.Error:
            return
        where = '%s %r' % (role, name)
        for what, text in (('name', name), ('description', description)):
            if TYPE_NAME.search(text):
                problems.append('%s: a type name in its %s' % (where, what))
            if MNEMONIC.search(text):
                problems.append('%s: a mnemonic underscore in its %s' % (where, what))
            twice = repeated_words(text)
            if twice:
                problems.append('%s: its %s says %r twice' % (where, what, twice))
        is_app = node.get_role() == Atspi.Role.APPLICATION
        if name and not is_app and description.strip().casefold() == name.strip().casefold():
            problems.append('%s: its description repeats its name' % where)
        if name and named_above and node.get_role() in SPOKEN_CONTROLS:
            parent, parent_labels = named_above
            if name.strip().casefold() == (parent.get_name() or '').strip().casefold() and \
                    not any(node == label for label in parent_labels):
                problems.append('%s: repeats the name of the %s it is in' %
                                (where, parent.get_role_name()))
        here = (node, labelled_by(node)) if name and not is_app else named_above
        for i in range(n_children):
            try:
                child = node.get_child_at_index(i)
            except GLib.Error:
                continue
            if child is not None:
                check(child, here)

    check(root, None)
    return problems
