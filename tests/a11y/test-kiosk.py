#!/usr/bin/python3
# test-kiosk.py: the lobby kiosk (`myaltamed --kiosk`, or the kiosk file) of the real app
# against the real demo portal, driven through accessibility (AT-SPI) under a window
# manager: the welcome page and its two ways on; the window fullscreen, refusing Ctrl+Q,
# Ctrl+W, Alt+F4 and the window manager's close request; no "Remember my username"; a
# "Learn more" link shown as a QR code; the idle logout at the site's 1-minute limit with the
# record hidden during the warning, back at the welcome page with nothing of the patient in
# the tree and nothing written under HOME, the XDG folders or TMPDIR; the portal stopped and
# started again, the kiosk back by itself; the welcome page in Spanish. Prints TAP.
#
#   test-kiosk.py MYALTAMED MYALTAMED_PORTALD
#
# With KIOSK_SHOTS=FOLDER it also takes a screenshot of every screen it passes; with
# KIOSK_LANGUAGE=es every case runs in Spanish (the screenshots of both languages).
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import ctypes
import ctypes.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from altaatspi import APP_G_DEBUG, finish, log, showing, start_accessibility_bus  # noqa: E402
from altaatspi import test, tr  # noqa: E402
from altaatspi import Portal as DemoPortal  # noqa: E402
from altaatspi import all_text, find, find_app, text_of, type_into, wait_for, walk  # noqa: E402
import gi  # noqa: E402,I100

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

APP, PORTALD = sys.argv[1], sys.argv[2]
SHOTS = os.environ.get('KIOSK_SHOTS')
LANGUAGE = os.environ.get('KIOSK_LANGUAGE', 'en')


class App:
    """The app as a kiosk, in its own HOME, XDG folders and TMPDIR (@home), with the kiosk
    file @config (else --kiosk)."""

    def __init__(self, portal, language=LANGUAGE, config=None, home=None):
        env = dict(os.environ)
        if APP_G_DEBUG:
            env['G_DEBUG'] = APP_G_DEBUG
        env['LANGUAGE'] = language
        env.pop('GSK_RENDERER', None)
        argv = [APP, '--server', portal.url, '--ca-file', portal.ca]
        if config:
            env['MYALTAMED_KIOSK_FILE'] = config
        else:
            env['MYALTAMED_KIOSK_FILE'] = os.path.join(portal.dir, 'no-kiosk.conf')
            argv.append('--kiosk')
        env['MYALTAMED_STATION_FILE'] = os.path.join(portal.dir, 'no-station.conf')
        self.home = home or tempfile.mkdtemp(prefix='alta-kiosk-home-')
        for name, sub in (('HOME', ''), ('XDG_CONFIG_HOME', '.config'),
                          ('XDG_DATA_HOME', '.local/share'), ('XDG_CACHE_HOME', '.cache'),
                          ('XDG_STATE_HOME', '.local/state'), ('TMPDIR', 'tmp')):
            env[name] = os.path.join(self.home, sub)
            os.makedirs(env[name], exist_ok=True)
        self.language = language
        self.log = tempfile.NamedTemporaryFile(prefix='alta-kiosk-log-', mode='w+')
        self.process = subprocess.Popen(argv, env=env, stdout=self.log, stderr=self.log)
        self.root = wait_for(lambda: find_app(self.process.pid), 'the app on the bus')

    def _(self, text):
        return tr(self.language, text).replace('_', '')

    def said(self, text):
        self.log.flush()
        with open(self.log.name) as f:
            return text in f.read()

    def shown(self, text, *args, timeout=60):
        return wait_for(lambda: on_screen(self, text, *args),
                        'the label “%s” on screen' % (text % args if args else text), timeout)

    def shoot(self, screen):
        if not SHOTS:
            return
        time.sleep(1.0)
        size = subprocess.run(['xdpyinfo'], capture_output=True, text=True).stdout
        size = [line.split()[1] for line in size.splitlines() if 'dimensions:' in line][0]
        path = os.path.join(SHOTS, 'kiosk-%s-%s-%s.png' % (screen, self.language, size))
        subprocess.run(['import', '-window', 'root', path], check=True)
        log('wrote ' + path)

    def windows(self):
        return subprocess.run(['xdotool', 'search', '--pid', str(self.process.pid)],
                              capture_output=True, text=True).stdout.split()

    def warnings(self):
        """The app's warnings and criticals (fatal under the tests' G_DEBUG, so a case that
        ends with the app alive has none; this says so in the case's own words)."""
        self.log.flush()
        with open(self.log.name) as f:
            return [line for line in f.read().splitlines()
                    if '-WARNING **' in line or '-CRITICAL **' in line]

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        self.process.terminate()
        self.process.wait()
        if os.environ.get('KIOSK_DEBUG'):
            self.log.seek(0)
            for line in self.log.read().splitlines():
                log('app: ' + line)
        self.log.close()
        shutil.rmtree(self.home, ignore_errors=True)


def on_screen(app, text, *args):
    """Whether a label saying @text (translated, then formatted with @args) is on the
    visible page (GTK 4.8 keeps hidden pages in the tree: their labels, or a hidden parent's,
    have no size or no VISIBLE state)."""
    wanted = app._(text) % args if args else app._(text)
    for node in walk(app.root):
        try:
            if node.get_role() != Atspi.Role.LABEL or \
                    wanted not in (node.get_name() or '') + text_of(node):
                continue
            if showing(node):
                return True
        except Exception:  # noqa: BLE001 (a node that went away)
            continue
    return False


def press(app, name, timeout=60, role=Atspi.Role.PUSH_BUTTON, translate=True):
    """Presses the shown button named exactly @name (as the app says it)."""
    wanted = app._(name) if translate else name

    def button():
        for node in walk(app.root):
            try:
                if (role is None or node.get_role() == role) and node.get_name() == wanted and \
                        showing(node):
                    return node
            except Exception:  # noqa: BLE001
                continue
        return None
    found = wait_for(button, 'the %s button' % name, timeout)
    assert found.do_action(0)
    return found


def tree_listing(home):
    """Every file and folder under @home, with its size and time of change."""
    found = {}
    for folder, folders, files in os.walk(home):
        for name in folders + files:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            found[os.path.relpath(path, home)] = (info.st_size, info.st_mtime_ns)
    return found


def send_close_request(window_id):
    """A WM_DELETE_WINDOW message to @window_id, as a window manager sends for its close
    button or Alt+F4."""
    x11 = ctypes.CDLL(ctypes.util.find_library('X11'))
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                               ctypes.c_void_p]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]

    class ClientMessage(ctypes.Structure):
        _fields_ = [('type', ctypes.c_int), ('serial', ctypes.c_ulong),
                    ('send_event', ctypes.c_int), ('display', ctypes.c_void_p),
                    ('window', ctypes.c_ulong), ('message_type', ctypes.c_ulong),
                    ('format', ctypes.c_int), ('data', ctypes.c_long * 5)]

    class Event(ctypes.Union):
        _fields_ = [('xclient', ClientMessage), ('pad', ctypes.c_long * 24)]

    display = x11.XOpenDisplay(None)
    event = Event()
    event.xclient.type = 33  # ClientMessage
    event.xclient.window = window_id
    event.xclient.message_type = x11.XInternAtom(display, b'WM_PROTOCOLS', False)
    event.xclient.format = 32
    event.xclient.data[0] = x11.XInternAtom(display, b'WM_DELETE_WINDOW', False)
    x11.XSendEvent(display, window_id, False, 0, ctypes.byref(event))
    x11.XFlush(display)
    x11.XCloseDisplay(display)


def key_with(modifier_keycode, keysym):
    Atspi.generate_keyboard_event(modifier_keycode, None, Atspi.KeySynthType.PRESS)
    Atspi.generate_keyboard_event(keysym, None, Atspi.KeySynthType.SYM)
    Atspi.generate_keyboard_event(modifier_keycode, None, Atspi.KeySynthType.RELEASE)


def fullscreen(app):
    for window in app.windows():
        state = subprocess.run(['xprop', '-id', window, '_NET_WM_STATE'],
                               capture_output=True, text=True).stdout
        if '_NET_WM_STATE_FULLSCREEN' in state:
            return True
    return False


def selection_text(selection):
    """The text of the X @selection ('clipboard' or 'primary'), '' when nobody offers one."""
    found = subprocess.run(['xclip', '-o', '-selection', selection], capture_output=True,
                           text=True, timeout=10)
    return found.stdout if found.returncode == 0 else ''


def sign_in(app, username, password):
    press(app, 'Sign In')
    type_into(app.root, app._('Username'), username)
    type_into(app.root, app._('Password'), password, role=Atspi.Role.PASSWORD_TEXT)
    press(app, 'Sign In')


window_manager = subprocess.Popen(['openbox', '--sm-disable'], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
wait_for(lambda: subprocess.run(['wmctrl', '-m'], capture_output=True).returncode == 0,
         'the window manager', timeout=20)
start_accessibility_bus()
portal = DemoPortal(PORTALD, prefix='alta-kiosk-')
if LANGUAGE == 'es':
    # Her account's language applies at sign-in (the welcome page's before): Spanish, for
    # every screen of the run in Spanish
    token = portal.request('/api/v1/sessions', {'username': 'grace',
                                                'password': 'Orchard-Lantern-42'})['access_token']
    urllib.request.urlopen(urllib.request.Request(
        portal.url + '/api/v1/me', data=json.dumps({'language': 'es'}).encode(), method='PATCH',
        headers={'Content-Type': 'application/json', 'Authorization': 'Bearer ' + token}),
        context=portal.context).close()


@test
def fullscreen_and_refuses_every_way_to_close():
    app = App(portal)
    try:
        app.shown('Welcome to MyAltaMed')
        assert app.said('Mode: kiosk')
        assert app.said('Renderer: cairo')
        # No window buttons: nothing to minimize, maximize or close
        for name in ('Minimize', 'Maximize', 'Close'):
            assert find(app.root, Atspi.Role.PUSH_BUTTON, name) is None, name
        wait_for(lambda: fullscreen(app), 'the window fullscreen', timeout=20)
        app.shoot('welcome')
        for modifier, keysym, name in ((37, 0x71, '<Control>q'), (37, 0x77, '<Control>w'),
                                       (64, 0xffc1, '<Alt>F4')):
            key_with(modifier, keysym)
            # The window manager takes Alt+F4 itself and asks the window to close instead
            wait_for(lambda: app.said('Key refused: %s' % name) or
                     (name == '<Alt>F4' and app.said('Close request refused')),
                     'the app to refuse ' + name, timeout=20)
        windows = app.windows()
        assert windows
        for window in windows:
            send_close_request(int(window))
        wait_for(lambda: app.said('Close request refused'), 'the close request refused',
                 timeout=20)
        subprocess.run(['wmctrl', '-c', 'MyAltaMed'])
        time.sleep(0.5)
        assert app.alive(), 'the kiosk closed'
        assert on_screen(app, 'Welcome to MyAltaMed'), 'the kiosk left its welcome page'
        # The second way on: the sign-up form, and back
        press(app, 'Sign Up')
        wait_for(lambda: find(app.root, Atspi.Role.TEXT, app._('Activation Code')) is not None,
                 'the sign-up form')
        app.shoot('sign-up')
        # Nothing of the keyring here
        assert 'Remember my username' not in all_text(app.root)
    finally:
        app.stop()


@test
def idle_logout_hides_the_record_and_leaves_nothing():
    config = os.path.join(portal.dir, 'kiosk.conf')
    with open(config, 'w') as f:
        f.write('[kiosk]\nidle-timeout-minutes=1\n')
    app = App(portal, config=config)
    try:
        app.shown('Welcome to MyAltaMed')
        assert app.said('Mode: kiosk')
        before = tree_listing(app.home)
        # Her username copied in the app (CLIPBOARD) and selected (PRIMARY), as a patient
        # copying it would: both empty after the sign-out
        press(app, 'Sign In')
        type_into(app.root, app._('Username'), 'grace')
        username = find(app.root, Atspi.Role.TEXT, app._('Username'))
        username.copy_text(0, 5)
        wait_for(lambda: selection_text('clipboard') == 'grace',
                 'her username in the clipboard', timeout=20)
        # ... and selected in its entry, which offers it as PRIMARY
        assert username.add_selection(0, 5)
        wait_for(lambda: selection_text('primary') == 'grace',
                 'her username in PRIMARY', timeout=20)
        type_into(app.root, app._('Password'), 'Orchard-Lantern-42',
                  role=Atspi.Role.PASSWORD_TEXT)
        press(app, 'Sign In')
        app.shown('Hello, %s', 'Grace')
        app.shoot('home')
        # No "Add to Calendar" and no file chooser anywhere
        assert find(app.root, Atspi.Role.PUSH_BUTTON, app._('Add to Calendar')) is None
        # A "Learn more" link shows a QR code, not a browser
        tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, app._('Health Summary')),
                       'the Health Summary tab')
        assert tab.do_action(0)
        name = app._('Learn more about %s') % 'Type 2 diabetes'
        link = wait_for(lambda: find(app.root, Atspi.Role.LINK, name) or
                        find(app.root, Atspi.Role.PUSH_BUTTON, name), 'the link %r' % name)
        wait_for(lambda: showing(link), 'the link on screen')
        # Its tooltip, read as its description, says what a kiosk does: no web browser
        assert link.get_description() == \
            app._('Read about it on MedlinePlus, on your phone, from a QR code'), \
            link.get_description()
        assert link.do_action(0)
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, app._('Read It on Your Phone')),
                 'the QR code dialog')
        assert app.said('A link shown as a QR code')
        assert find(app.root, Atspi.Role.IMAGE, app._('QR code of the page')) is not None
        app.shoot('qr-code')
        Atspi.generate_keyboard_event(0xff1b, None, Atspi.KeySynthType.SYM)  # Escape
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, app._('Read It on Your Phone')) is None,
                 'the QR code dialog closed')
        # The warning at half of the site's minute: the record hidden behind it
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains=app._('Are You Still There?'))
                 is not None, 'the idle warning', timeout=50)
        wait_for(lambda: not on_screen(app, 'Hello, %s', 'Grace'), 'the record hidden',
                 timeout=5)
        app.shoot('idle-warning')
        # Signed out at the minute, back at the welcome page. The sign-out is waited for in
        # the app's log, not by reading the tree: GTK 4.8, asked for the tree by a screen
        # reader in the moment of the sign-out, answered a D-Bus call with an accessible it
        # had dropped (a critical, g_variant_is_object_path, fatal here). The log says the
        # limit actually used: the site's minute, not the account's 15.
        wait_for(lambda: app.said('Signing out after'), 'the sign-out', timeout=50)
        assert app.said('Signing out after 60 s without activity')
        app.shown('Welcome to MyAltaMed', timeout=50)
        everything = all_text(app.root)
        for secret in ('Grace', 'Miller', 'Penicillin', 'Lisinopril', 'Metformin', 'demo-adult',
                       'Orchard-Lantern-42', 'grace'):
            assert secret not in everything, '%s is still in the window after logout' % secret
        assert selection_text('clipboard') == '', 'her username left in the clipboard'
        assert selection_text('primary') == '', 'her username left in PRIMARY'
        after = tree_listing(app.home)
        changed = sorted(set(before.items()) ^ set(after.items()))
        assert not changed, 'written during the session: %r' % changed
        assert app.alive()
        assert not app.warnings(), app.warnings()
    finally:
        app.stop()


@test
def staying_signed_in_shows_the_record_again():
    config = os.path.join(portal.dir, 'kiosk.conf')
    with open(config, 'w') as f:
        f.write('[kiosk]\nidle-timeout-minutes=1\n')
    app = App(portal, config=config)
    try:
        app.shown('Welcome to MyAltaMed')
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        app.shown('Hello, %s', 'Grace')
        wait_for(lambda: on_screen(app, 'Hello, %s', 'Grace'), 'her home page on screen')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains=app._('Are You Still There?'))
                 is not None, 'the idle warning', timeout=50)
        wait_for(lambda: not on_screen(app, 'Hello, %s', 'Grace'), 'the record hidden',
                 timeout=5)
        # Escape answers the warning with its close response, "Stay Signed In"
        Atspi.generate_keyboard_event(0xff1b, None, Atspi.KeySynthType.SYM)
        # The patient who stays sees her record again, still signed in
        wait_for(lambda: on_screen(app, 'Hello, %s', 'Grace'), 'her record on screen again',
                 timeout=10)
        assert not app.said('Signing out after')
        assert not app.warnings(), app.warnings()
    finally:
        app.stop()


@test
def the_portal_down_and_back():
    portal.halt()
    port = int(portal.url.rsplit(':', 1)[1].split('/')[0])
    app = App(portal)
    try:
        app.shown('MyAltaMed Will Be Back Shortly')
        everything = all_text(app.root)
        assert app._('We are sorry: MyAltaMed cannot be reached right now. This screen will be '
                     'ready again by itself in a few moments. If you need help now, please ask '
                     'at the front desk.') in everything, 'the front desk, kindly'
        for technical in ('Try Again', 'error', 'Error', 'HTTP', 'refused', 'certificate'):
            assert technical not in everything, technical
        app.shoot('portal-down')
        portal.start(port)
        app.shown('Welcome to MyAltaMed', timeout=90)
    finally:
        app.stop()
        # The cases after this one need the portal, whatever happened here
        if portal.process is None or portal.process.poll() is not None:
            portal.start(port)


@test
def back_to_the_welcome_page_from_the_forms():
    app = App(portal)

    def way_back():
        """The shown "Back to the Welcome Screen" button (the header bar's, shown on the
        sign-in page's forms only: hidden pages stay in GTK 4.8's tree, a hidden button
        has no VISIBLE state), or None."""
        for node in walk(app.root):
            try:
                if node.get_role() == Atspi.Role.PUSH_BUTTON and \
                        node.get_name() == app._('Back to the Welcome Screen') and showing(node):
                    return node
            except Exception:  # noqa: BLE001 (a node that went away)
                continue
        return None
    def welcome_button(way):
        """The welcome page's own @way button (a form the patient left keeps its size in
        the tree, and its buttons have the same names)."""
        title = find(app.root, Atspi.Role.LABEL, app._('Welcome to MyAltaMed'))
        page = title
        for _ in range(6):
            page = page.get_parent()
            for node in walk(page):
                if node.get_role() == Atspi.Role.PUSH_BUTTON and node.get_name() == app._(way):
                    return node
        raise AssertionError('no %s button on the welcome page' % way)
    try:
        app.shown('Welcome to MyAltaMed')
        assert way_back() is None, 'a way back on the welcome page itself'
        for way, back_by in (('Sign In', 'button'), ('Sign Up', 'Escape'),
                             ('Sign In', 'Escape'), ('Sign Up', 'button')):
            assert welcome_button(way).do_action(0)
            button = wait_for(way_back, 'the way back on the %s form' % way)
            app.shoot(way.lower().replace(' ', '-') + '-form')
            if back_by == 'button':
                assert button.do_action(0)
            else:
                # Escape, from the form's first field: from the sign-up form first to the
                # sign-in form (one step back, as on the desktop), then to the welcome page
                for _ in range(1 if way == 'Sign In' else 2):
                    Atspi.generate_keyboard_event(0xff1b, None, Atspi.KeySynthType.SYM)
            wait_for(lambda: way_back() is None, 'the welcome page again (%s)' % back_by)
    finally:
        app.stop()


@test
def the_welcome_page_in_spanish():
    app = App(portal, language='es')
    try:
        app.shown('Welcome to MyAltaMed')
        app.shoot('welcome')
        # The switch to English builds the window again, still a kiosk
        press(app, 'English', role=None, translate=False)
        app.language = 'en'
        app.shown('Welcome to MyAltaMed')
        wait_for(lambda: fullscreen(app), 'the new window fullscreen', timeout=20)
    finally:
        app.stop()


portal.stop()
window_manager.terminate()
window_manager.wait()
finish()
