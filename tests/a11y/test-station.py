#!/usr/bin/python3
# test-station.py: the enrollment station (`myaltamed --station`) of the real app against the
# real demo portal, driven through accessibility (AT-SPI): the whole flow from the staff
# search to the patient signed in (the staff member finds Elena Cruz, records how her
# identity was checked, issues a code; the patient signs up with it while the tree is read
# for her password), then the station locked and unlocked, back at the search with no trace
# of her anywhere in the tree; a patient account refused at the station; the window refusing
# Ctrl+Q, Ctrl+W, Alt+F4 and the window manager's close request; the station file starting
# the station; a password reset and a refused proxy grant in Spanish. Prints TAP.
#
#   test-station.py MYALTAMED MYALTAMED_PORTALD
#
# With STATION_SHOTS=FOLDER it also takes a screenshot of every screen it passes
# (tools/screenshots-station runs it so, at each screen size).
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import ctypes
import ctypes.util
import json
import os
import subprocess
import sys
import tempfile
import time

# altaatspi first: it keeps the test environment's G_DEBUG for the app, away from this
# driver
from altaatspi import APP_G_DEBUG, finish, log, start_accessibility_bus, test  # noqa: E402,I100
from altaatspi import tr as tr_mnemonic  # noqa: E402

import gi  # noqa: E402

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

from altaatspi import Portal as DemoPortal  # noqa: E402
from altaatspi import all_text, find, find_app, text_of, type_into, wait_for, walk  # noqa: E402
from altaatspi import press as press_containing  # noqa: E402
from altaatspi import spoken_problems  # noqa: E402

APP, PORTALD = sys.argv[1], sys.argv[2]
SHOTS = os.environ.get('STATION_SHOTS')
STAFF, STAFF_PASSWORD = 'frontdesk', 'Clinic-Desk-Station-1'


def tr(language, text):
    """@text as the app says it in @language, without its mnemonic underscore."""
    return tr_mnemonic(language, text).replace('_', '')


class App:
    """The app as the station: by --station, or by a station file (@station_file)."""

    def __init__(self, portal, language='en', station_file=None):
        env = dict(os.environ)
        if APP_G_DEBUG:
            env['G_DEBUG'] = APP_G_DEBUG
        env['LANGUAGE'] = language
        env['GSK_RENDERER'] = 'cairo'
        argv = [APP, '--server', portal.url, '--ca-file', portal.ca]
        if station_file:
            env['MYALTAMED_STATION_FILE'] = station_file
        else:
            env['MYALTAMED_STATION_FILE'] = os.path.join(portal.dir, 'no-station.conf')
            argv.append('--station')
        self.language = language
        self.log = tempfile.NamedTemporaryFile(prefix='alta-station-log-', mode='w+')
        self.process = subprocess.Popen(argv, env=env, stdout=self.log, stderr=self.log)
        self.root = wait_for(lambda: find_app(self.process.pid), 'the app on the bus')

    def _(self, text):
        return tr(self.language, text)

    def said(self, text):
        self.log.flush()
        with open(self.log.name) as f:
            return text in f.read()

    def label(self, text, timeout=60):
        return wait_for(lambda: find(self.root, Atspi.Role.LABEL, contains=self._(text)),
                        'the label “%s”' % text, timeout)

    def shown(self, text, timeout=60):
        """Waits for a label saying @text on the visible page (GTK 4.8 keeps every page of a
        stack in the tree: finding it is not seeing it)."""
        return wait_for(lambda: on_screen(self, text), 'the label “%s” on screen' % text,
                        timeout)

    def shoot(self, screen):
        if not SHOTS:
            return
        time.sleep(1.0)
        size = subprocess.run(['xdpyinfo'], capture_output=True, text=True).stdout
        size = [line.split()[1] for line in size.splitlines() if 'dimensions:' in line][0]
        path = os.path.join(SHOTS, 'station-%s-%s-%s.png' % (screen, self.language, size))
        subprocess.run(['import', '-window', 'root', path], check=True)
        log('wrote ' + path)

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        self.process.terminate()
        self.process.wait()
        if os.environ.get('STATION_DEBUG'):
            self.log.seek(0)
            for line in self.log.read().splitlines():
                log('app: ' + line)
        self.log.close()


def press(app, name, timeout=60):
    """Presses the button named exactly @name (as the app says it)."""
    try:
        button = wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON, app._(name), shown=True),
                          'the %s button' % name, timeout)
    except AssertionError:
        log('buttons: %r' % [n.get_name() for n in walk(app.root)
                             if n.get_role() == Atspi.Role.PUSH_BUTTON])
        raise
    assert button.do_action(0)
    return button


def staff_sign_in(app, username=STAFF, password=STAFF_PASSWORD):
    app.shown('Enrollment Station')
    type_into(app.root, app._('Staff username'), username)
    type_into(app.root, app._('Password'), password, role=Atspi.Role.PASSWORD_TEXT)
    press(app, '_Sign In')


def search(app, given='', family='', birth_date=''):
    # The staff page is in the tree from the start (GTK 4.8 keeps hidden pages there)
    wait_for(lambda: on_screen(app, 'Find the Patient'), 'the search on screen')
    type_into(app.root, app._('Given name'), given)
    type_into(app.root, app._('Surname'), family)
    type_into(app.root, app._('Date of birth'), birth_date)
    press(app, '_Search')


def result_row(app, name):
    def row():
        listing = find(app.root, Atspi.Role.LIST, app._('Patients found'))
        return listing is not None and find(listing, Atspi.Role.PUSH_BUTTON, contains=name)
    try:
        return wait_for(row, 'the row of ' + name)
    except AssertionError:
        listing = find(app.root, Atspi.Role.LIST, app._('Patients found'))
        log('the list: %r' % ([(n.get_role_name(), n.get_name()) for n in walk(listing)]
                              if listing else None))
        raise


def activate(node):
    """Presses a button (its first action), or clicks a check button (GTK 4.8 gives them no
    action) where it is: the station fills the screen from its top left corner, so window
    coordinates are the screen's."""
    if node.get_role() == Atspi.Role.PUSH_BUTTON:
        assert node.do_action(0), node.get_name()
        return
    box = node.get_extents(Atspi.CoordType.WINDOW)
    assert box.width > 0, 'not on screen: ' + node.get_name()
    Atspi.generate_mouse_event(box.x + box.width // 2, box.y + box.height // 2, 'b1c')
    wait_for(lambda: node.get_state_set().contains(Atspi.StateType.CHECKED),
             node.get_name() + ' checked', timeout=10)


def demo_patient(portal, name):
    with open(os.path.join(portal.dir, 'data', 'demo-accounts.json')) as f:
        accounts = json.load(f)
    if isinstance(accounts, dict):
        accounts = next(v for v in accounts.values() if isinstance(v, list))
    return next(entry for entry in accounts if entry['name'] == name)


def on_screen(app, text):
    """Whether a label saying @text is on the visible page (GTK 4.8 keeps hidden pages in
    the tree, with no SHOWING state: a hidden page's labels have no size on screen)."""
    wanted = app._(text)
    for node in walk(app.root):
        try:
            if node.get_role() != Atspi.Role.LABEL or \
                    wanted not in (node.get_name() or '') + text_of(node):
                continue
            extents = node.get_extents(Atspi.CoordType.WINDOW)
            if extents.width > 0 and extents.height > 0 and \
                    node.get_state_set().contains(Atspi.StateType.VISIBLE):
                return True
        except Exception:  # noqa: BLE001 (a node that went away)
            continue
    return False


# The accessibility bus and registry up before the first app, so that it finds them
start_accessibility_bus()
portal = DemoPortal(PORTALD, prefix='alta-station-')


@test
def the_whole_station_flow():
    elena = demo_patient(portal, 'Elena Cruz')
    username = 'elena.station%d' % os.getpid()
    password = 'Lantern-Harbor-Quince-%d' % os.getpid()
    # In English; tools/screenshots-station runs it in Spanish too
    app = App(portal, language=os.environ.get('STATION_LANGUAGE', 'en'))
    try:
        app.shoot('sign-in')
        staff_sign_in(app)
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains=app._('Find the Patient')),
                 'the staff search')
        # Typed as the front desk hears it: no accent, lower case, one surname
        search(app, given='elena', family='cruz')
        row = result_row(app, 'Elena Cruz')
        assert app._('No account yet') in row.get_name(), row.get_name()
        app.shoot('search')
        activate(row)

        # The code needs to know how identity was checked
        app.shown('Activation Code')
        issue = find(app.root, Atspi.Role.PUSH_BUTTON, app._('_Issue Activation Code'))
        assert not issue.get_state_set().contains(Atspi.StateType.SENSITIVE) or \
            not issue.get_state_set().contains(Atspi.StateType.ENABLED)
        check = wait_for(lambda: find(app.root, Atspi.Role.RADIO_BUTTON, app._('Photo ID checked')) or
                         find(app.root, Atspi.Role.CHECK_BOX, app._('Photo ID checked')),
                         'the photo ID check')
        activate(check)
        email = find(app.root, Atspi.Role.TEXT, app._('Email the code to'))
        assert text_of(email) == 'elena.cruz@example.org', text_of(email)
        app.shoot('patient')
        press(app, '_Issue Activation Code')
        app.shown(app._('Activation Code for %s').replace('%s', 'Elena Cruz'))
        code_label = wait_for(lambda: next((n for n in walk(app.root)
                                            if n.get_role() == Atspi.Role.LABEL and
                                            len(text_of(n)) == 11 and text_of(n)[5] == '-'),
                                           None), 'the code')
        code = text_of(code_label)
        # Read out one character at a time
        assert code_label.get_name() == ' '.join(code[:5]) + ', ' + ' '.join(code[6:]), \
            code_label.get_name()
        outbox = os.path.join(portal.dir, 'data', 'outbox', 'new')
        wait_for(lambda: any(code in open(os.path.join(outbox, name), errors='replace').read()
                             for name in os.listdir(outbox)), 'the code in the outbox')
        app.shoot('code')
        # The code is read one character at a time: "E E" in it is the code, not a repeat
        problems = [p for p in spoken_problems(app.root) if code_label.get_name() not in p]
        assert not problems, problems

        press(app, '_Hand the Screen to the Patient')
        app.shown('Create Your MyAltaMed Account')
        # The staff member's part is hidden: no search, no name, no code left in the tree
        words = all_text(app.root)
        for trace in ('Elena', 'Cruz', 'elena.cruz@example.org'):
            assert trace not in words, trace
        app.shoot('hand-off')

        # In the form's own group: in Spanish the staff search's date field has its name too
        group = wait_for(lambda: next((n for n in walk(app.root) if n.get_name() ==
                                       app._('Activation code and date of birth')), None),
                         'the form\'s code and date of birth')
        type_into(group, app._('Date of Birth'), elena['birth_date'])
        type_into(app.root, app._('Choose a Username'), username)
        # Typed one piece at a time; the tree is read as she types. GTK 4.8 gives the
        # password field's own text to AT-SPI as typed (its text interface ignores the
        # field's visibility; later GTK gives the bullets), so that one node is left out:
        # no other node (a label, a name, the staff side) may hold any piece of it.
        for end in range(4, len(password) + 1, 4):
            type_into(app.root, app._('Choose a Password'), password[:end],
                      role=Atspi.Role.PASSWORD_TEXT)
            showing = [(n.get_role_name(), n.get_name()) for n in walk(app.root)
                       if n.get_role() != Atspi.Role.PASSWORD_TEXT and
                       password[:end] in (n.get_name() or '') + text_of(n)]
            assert not showing, 'the password shows in the tree: %r' % showing
        type_into(app.root, app._('Choose a Password'), password, role=Atspi.Role.PASSWORD_TEXT)
        # What the screen shows: a password field (bullets), its eye not pressed
        field = find(app.root, Atspi.Role.PASSWORD_TEXT, app._('Choose a Password'))
        assert field is not None
        assert field.get_character_count() == len(password), field.get_character_count()
        app.shoot('sign-up')
        press(app, '_Create Account')

        app.shown('You’re All Set')
        app.shoot('done')
        # The account works, on the portal
        import urllib.error
        try:
            token = portal.request('/api/v1/sessions', {'username': username,
                                                        'password': password})['access_token']
        except urllib.error.HTTPError as error:
            raise AssertionError(error.read().decode())
        assert token
        press(app, '_Finish')

        # Locked: only the staff member's password opens it again
        app.shown('Station Locked')
        app.shoot('locked')
        words = all_text(app.root)
        for trace in ('Elena', 'Cruz', 'elena.cruz@example.org', username, code, password,
                      elena['birth_date']):
            assert trace not in words, trace
        type_into(app.root, app._('Staff password'), 'Not-The-Password-1',
                  role=Atspi.Role.PASSWORD_TEXT)
        press(app, '_Unlock')
        app.label('The password is not correct. Try again.')
        app.shoot('unlock-error')
        type_into(app.root, app._('Staff password'), STAFF_PASSWORD, role=Atspi.Role.PASSWORD_TEXT)
        press(app, '_Unlock')
        # The title says who is signed in only once the staff search is back
        wait_for(lambda: find(app.root, Atspi.Role.LABEL,
                              app._('Signed in: %s').replace('%s', STAFF)),
                 'the staff search again')
        given = find(app.root, Atspi.Role.TEXT, app._('Given name'))
        assert text_of(given) == '', text_of(given)
        words = all_text(app.root)
        for trace in ('Elena', 'Cruz', 'elena.cruz@example.org', username, code, password,
                      elena['birth_date'], STAFF_PASSWORD):
            assert trace not in words, trace
        # She has an account now
        search(app, given='Elena', family='Cruz')
        row = result_row(app, 'Elena Cruz')
        assert app._('Has an account') in row.get_name(), row.get_name()
        assert app.alive()
        assert not app.said(password) and not app.said(code) and not app.said('Elena'), \
            'the log holds patient data'
    finally:
        app.stop()


@test
def a_patient_account_is_refused():
    app = App(portal, language=os.environ.get('STATION_LANGUAGE', 'en'))
    try:
        staff_sign_in(app, 'grace', 'Orchard-Lantern-42')
        app.label('This is a patient account. The enrollment station is for clinic staff, who '
                  'help new patients create their account here. To see your health record, '
                  'use MyAltaMed on your own computer or phone.')
        app.shoot('patient-refused')
        assert not on_screen(app, 'Find the Patient')
        assert app.said('A patient account signed in at the station')
    finally:
        app.stop()


def send_close_request(window_id):
    """A WM_DELETE_WINDOW message to @window_id, as a window manager sends when the close
    button or Alt+F4 is pressed."""
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


@test
def the_window_refuses_to_close():
    app = App(portal)
    try:
        staff_sign_in(app)
        wait_for(lambda: on_screen(app, 'Find the Patient'), 'the search')
        for modifier, keysym, name in ((37, 0x71, '<Control>q'), (37, 0x77, '<Control>w'),
                                       (64, 0xffc1, '<Alt>F4')):
            key_with(modifier, keysym)
            # A window manager takes Alt+F4 itself and asks the window to close instead
            wait_for(lambda: app.said('Key refused: %s' % name) or
                     (name == '<Alt>F4' and app.said('Close request refused')),
                     'the app to refuse ' + name, timeout=20)
        windows = subprocess.run(['xdotool', 'search', '--pid', str(app.process.pid)],
                                 capture_output=True, text=True).stdout.split()
        assert windows
        for window in windows:
            send_close_request(int(window))
        wait_for(lambda: app.said('Close request refused'), 'the close request refused',
                 timeout=20)
        time.sleep(0.5)
        assert app.alive(), 'the station closed'
        assert on_screen(app, 'Find the Patient'), 'the station left its screen'
    finally:
        app.stop()


@test
def the_station_file_starts_the_station():
    config = os.path.join(portal.dir, 'station.conf')
    with open(config, 'w') as f:
        f.write('[station]\nname=Front Desk 2\nstaff-idle-timeout=600\n')
    app = App(portal, station_file=config)
    try:
        app.label('Enrollment Station')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Front Desk 2'),
                 'the station\'s name')
        assert app.said('Mode: station')
        # No "Remember my username" here: nothing is kept
        assert find(app.root, Atspi.Role.CHECK_BOX, 'Remember my username') is None
        assert 'Remember my username' not in all_text(app.root)
    finally:
        app.stop()


@test
def a_reset_and_a_refused_proxy_in_spanish():
    app = App(portal, language='es')
    try:
        staff_sign_in(app)
        search(app, given='sofia', family='hernandez')
        row = result_row(app, 'Sofía Hernández Ruiz')
        assert tr('es', 'Has an account') in row.get_name(), row.get_name()
        activate(row)
        app.shown('Password Reset')
        outbox = os.path.join(portal.dir, 'data', 'outbox', 'new')
        before = set(os.listdir(outbox))
        type_into(app.root, app._('Patient’s username'), 'sofia')
        press(app, 'Send _Password Reset')
        app.label('The password reset was emailed. The patient opens MyAltaMed and chooses '
                  '“Forgot password” to use its code.')
        wait_for(lambda: set(os.listdir(outbox)) - before, 'the reset mail')
        # Sofía is 68: she cannot be Daniel's "child"
        type_into(app.root, app._('Username of the parent or caregiver'), 'daniel')
        type_into(app.root, app._('Consent form number'), 'PX-2026-0042')
        activate(wait_for(lambda: find(app.root, Atspi.Role.CHECK_BOX,
                                       app._('The consent form is signed')), 'the consent'))
        press(app, '_Grant Proxy Access')
        app.label('Proxy access is not allowed: a parent can see a child’s record only while '
                  'the child is aged 0 to 11. For a patient who is 18 or older, choose “An adult '
                  'in their care”.')
        app.shoot('proxy-refused')
        assert app.said('proxy_not_allowed') or app.said('No proxy access was granted')
        problems = spoken_problems(app.root)
        assert not problems, problems
    finally:
        app.stop()


portal.stop()
finish()
