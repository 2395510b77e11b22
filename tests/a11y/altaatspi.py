# altaatspi.py: a demo portal to point the app at, and finding and driving the app through
# accessibility (AT-SPI), as a screen reader does. Shared by tests/a11y/test-client.py,
# tools/screenshots.py and tests/bench/bench-client.py.
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import shutil
import ssl
import subprocess
import tempfile
import time
import urllib.request

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, GLib  # noqa: E402


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
        if node.get_role() in (Atspi.Role.LABEL, Atspi.Role.TEXT):
            return node.get_text(0, node.get_character_count())
    except Exception:  # noqa: BLE001 (a node that went away has no text)
        pass
    return ''


def find(root, role, name=None, contains=None):
    """The first node of @role under @root named @name, or whose name or text holds
    @contains."""
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


def type_into(root, name, text, timeout=60):
    """Sets the text of the entry named @name."""
    entry = wait_for(lambda: find(root, Atspi.Role.TEXT, name), 'the %s entry' % name, timeout)
    entry.set_text_contents(text)


def press(root, contains, timeout=60):
    """Presses the button whose name holds @contains."""
    button = wait_for(lambda: find(root, Atspi.Role.PUSH_BUTTON, contains=contains),
                      'the %s button' % contains, timeout)
    assert button.do_action(0)
    return button
