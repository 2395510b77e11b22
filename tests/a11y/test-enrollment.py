#!/usr/bin/python3
# test-enrollment.py: the other ways in of the real app's sign-in page against the real demo
# portal, driven through accessibility (AT-SPI): a code requested (the same answer for
# anyone), found in the outbox and used to enroll, typed in lower case with spaces (signed in,
# Home shown); the same code again (used); a wrong date of birth, a username taken, the
# portal down during a send (what was typed stays); a code 15 days old on the portal's test
# clock (expired); a patient turned 12 (no portal access); a forgotten password reset through
# the outbox, then signed in, then signed in again with the new password; a patient enrolling
# in Spanish. Prints TAP.
#
#   test-enrollment.py MYALTAMED MYALTAMED_PORTALD
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import datetime
import email
import email.policy
import gettext
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

# The app runs with the test environment's G_DEBUG (fatal-criticals); this driver does not
# (see test-client.py).
APP_G_DEBUG = os.environ.pop('G_DEBUG', None)

import gi  # noqa: E402

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, GLib  # noqa: E402

from altaatspi import Portal as DemoPortal  # noqa: E402
from altaatspi import find, find_app, text_of, wait_for, walk  # noqa: E402
from altaatspi import spoken_problems  # noqa: E402

APP, PORTALD = sys.argv[1], sys.argv[2]
results = []

SPANISH = gettext.translation('myaltamed', localedir=os.environ['MYALTAMED_LOCALEDIR'],
                              languages=['es'])
# The Patient Support Line as the app writes it: a no-break space and a no-break hyphen
SUPPORT = '(844)\u00a0498\u20113446'
PASSWORD = 'Sunny-Meadow-1984'
CODE = re.compile(r'^[ACDEFGHJKMNPQRTWXY34679]{5}-[ACDEFGHJKMNPQRTWXY34679]{5}$')
TOKEN = re.compile(r'^[A-Za-z0-9_-]{43}$')


def tr(language, text):
    """@text as the app says it in @language ('en' or 'es'), without its mnemonic."""
    return (SPANISH.gettext(text) if language == 'es' else text).replace('_', '')


def said(language, text):
    """A message of the app as shown: translated, the support line filled in."""
    return tr(language, text).replace('%s', SUPPORT)


def log(message):
    print('# ' + message, flush=True)


def test(function):
    name = function.__name__
    if os.environ.get('A11Y_ONLY', name) != name:
        return function
    try:
        function()
        results.append((True, name))
        print('ok %d %s' % (len(results), name), flush=True)
    except Exception as error:  # noqa: BLE001 (a failed test reports any error)
        import traceback
        for line in traceback.format_exc().splitlines():
            log(line)
        results.append((False, name))
        print('not ok %d %s: %s' % (len(results), name, error), flush=True)
        # The end of the app's own log (which holds no patient data), last: CI shows only
        # the end of a failed test's output
        for line in App.last_log()[-6:]:
            log('app: ' + line)
    finally:
        App.forget_logs()
    return function


class App:
    logs = []

    @classmethod
    def last_log(cls):
        if not cls.logs:
            return []
        with open(cls.logs[-1], errors='replace') as f:
            return f.read().splitlines()

    @classmethod
    def forget_logs(cls):
        for path in cls.logs:
            os.unlink(path)
        cls.logs = []

    def __init__(self, portal, language=None):
        env = dict(os.environ)
        if APP_G_DEBUG:
            env['G_DEBUG'] = APP_G_DEBUG
        if language:
            env['LANGUAGE'] = language
        # cairo redraws only the spinner (see test-messages.py)
        env['GSK_RENDERER'] = 'cairo'
        self.language = language or 'en'
        log_fd, log_path = tempfile.mkstemp(prefix='alta-enroll-app-', suffix='.log')
        App.logs.append(log_path)
        self.process = subprocess.Popen([APP, '--server', portal.url, '--ca-file', portal.ca],
                                        env=env, stdout=subprocess.DEVNULL, stderr=log_fd)
        os.close(log_fd)
        self.root = wait_for(lambda: find_app(self.process.pid), 'the app on the bus')
        wait_for(lambda: find(self.root, Atspi.Role.TEXT, tr(self.language, 'Username')),
                 'the sign-in page')

    def tr(self, text):
        return tr(self.language, text)

    def said(self, text):
        return said(self.language, text)

    def press(self, name, root=None, timeout=60):
        """Presses the button named exactly @name (translated)."""
        name = self.tr(name)
        button = wait_for(lambda: find(root or self.root, Atspi.Role.PUSH_BUTTON, name, shown=True),
                          'the %s button' % name, timeout)
        assert button.do_action(0)

    def way(self, button, heading, root=None):
        """Opens one of the sign-in page's other ways in by its button (under @root); the
        part of the tree under its heading. GTK 4.8 keeps the hidden ways in the tree, with
        the same names (two have a "Date of Birth"), so each way's fields are looked for
        under its heading only."""
        self.press(button, root=root)
        return wait_for(lambda: heading_of(self.root, self.tr(heading)), heading).get_parent()

    def field(self, root, name, role=Atspi.Role.TEXT):
        return wait_for(lambda: find(root, role, self.tr(name)), 'the %s field' % name)

    def type(self, root, name, text, role=Atspi.Role.TEXT):
        self.field(root, name, role).set_text_contents(text)

    def wait_said(self, root, text, what):
        """The label that says @text (translated, with the support line) under @root."""
        words = self.said(text)
        return wait_for(lambda: find(root, Atspi.Role.LABEL, contains=words), what)

    def signed_in(self, given):
        wait_for(lambda: find(self.root, Atspi.Role.LABEL,
                              contains=self.tr('Hello, %s') % given), 'Home, signed in')

    def sign_out(self):
        self.press('Sign Out')
        wait_for(lambda: find(self.root, Atspi.Role.PUSH_BUTTON, self.tr('_Sign In')),
                 'the sign-in page')
        wait_for(lambda: find(self.root, Atspi.Role.LABEL, contains=self.tr('You have signed out.')),
                 'the signed-out notice')

    def stop(self):
        self.process.terminate()
        self.process.wait()


def heading_of(root, name):
    """The label named @name that is not a button's."""
    for node in walk(root):
        try:
            if node.get_role() == Atspi.Role.LABEL and node.get_name() == name and \
                    node.get_parent().get_role() != Atspi.Role.PUSH_BUTTON:
                return node
        except GLib.Error:
            continue
    return None


def admin(*args):
    done = subprocess.run([PORTALD, 'admin', '--data-dir', os.path.join(portal.dir, 'data')] +
                          list(args), check=True, capture_output=True, text=True)
    return done.stdout.strip()


def add_patient(given, family, birth_date, language='en'):
    """A new patient of the clinic, without an account; its id and e-mail address."""
    address = '%s.%s@example.org' % (given.lower(), uuid_tag())
    patient = admin('add-patient', '--given', given, '--family', family, '--birth-date',
                    birth_date, '--email', address, '--language', language)
    return patient.split()[-1], address


def issue_code(patient_id):
    return admin('issue-code', '--patient-id', patient_id).split('\t')[0]


TAGS = iter(range(1, 1000))


def uuid_tag():
    return 'p%d' % next(TAGS)


def move_clock(days):
    """The portal's test clock, @days ahead of the real one (it reads the file at each
    change)."""
    new = CLOCK + '.new'
    with open(new, 'w') as f:
        f.write('%d\n' % (days * 86400))
    os.rename(new, CLOCK)


def mails_to(address):
    """The messages of the outbox (a Maildir) for @address, oldest first."""
    found = []
    for path in sorted(glob.glob(os.path.join(portal.dir, 'data', 'outbox', 'new', '*')),
                       key=os.path.getmtime):
        with open(path, 'rb') as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        if address.lower() in str(message['To']).lower():
            found.append(message.get_body(('plain',)).get_content())
    return found


def word_of(address, pattern, what):
    """The word matching @pattern on a line of its own in the newest mail to @address."""
    def newest():
        for body in reversed(mails_to(address)):
            for line in body.splitlines():
                if pattern.match(line.strip()):
                    return line.strip()
        return None
    return wait_for(newest, what)


def check_spoken(app):
    problems = spoken_problems(app.root)
    assert not problems, problems


def fill_sign_up(app, way, code, birth_date, username, password=PASSWORD):
    app.type(way, 'Activation Code', code)
    app.type(way, 'Date of Birth', birth_date)
    app.type(way, 'Choose a Username', username)
    app.type(way, 'Choose a Password', password, role=Atspi.Role.PASSWORD_TEXT)
    app.press('_Create Account', root=way)


def years_ago(years, days=0):
    today = datetime.date.today()
    try:
        then = today.replace(year=today.year - years)
    except ValueError:  # February 29
        then = today.replace(year=today.year - years, day=28)
    return (then + datetime.timedelta(days=days)).isoformat()


Atspi.get_desktop(0).get_child_count()
time.sleep(1)
CLOCK_DIR = tempfile.mkdtemp(prefix='alta-enroll-clock-')
CLOCK = os.path.join(CLOCK_DIR, 'offset')
move_clock(0)
portal = DemoPortal(PORTALD, '[testing]\nclock_offset_file=%s\n' % CLOCK,
                    prefix='alta-enroll-')


@test
def request_a_code_then_enroll_with_it():
    patient, address = add_patient('Rosa', 'Delgado Vega', '1980-05-17')
    app = App(portal)
    try:
        check_spoken(app)
        # Someone the clinic does not know gets the same answer, and no mail
        way = app.way('_Request an activation code', 'Request an activation code')
        app.type(way, 'First Name', 'Nobody')
        app.type(way, 'Last Name', 'Known')
        app.type(way, 'Date of Birth', '1970-01-01')
        app.type(way, 'Email', 'nobody.known@example.org')
        app.press('_Email Me a Code', root=way)
        app.wait_said(way, 'If we find your record, we will email you a code.', 'the answer')
        check_spoken(app)

        # Rosa, with her date of birth typed as digits only
        app.press('_Back to Sign In', root=way)
        way = app.way('_Request an activation code', 'Request an activation code')
        assert text_of(app.field(way, 'First Name')) == '', 'the form is empty again'
        # The answer is said only once a request is sent (its text, asked of the label now:
        # a name may be one the accessibility bus kept)
        answer = app.tr('If we find your record, we will email you a code.')
        # (waited for: under load the bus may answer for the form as it was a moment ago)
        wait_for(lambda: not any(answer in text_of(node) for node in walk(way)),
                 'the last answer gone before a new request', 10)
        app.type(way, 'First Name', 'rosa')
        app.type(way, 'Last Name', 'DELGADO VEGA')
        app.type(way, 'Date of Birth', '19800517')
        app.type(way, 'Email', address)
        app.press('_Email Me a Code', root=way)
        app.wait_said(way, 'If we find your record, we will email you a code.', 'the answer')
        code = word_of(address, CODE, 'the activation code in the outbox')
        assert not mails_to('nobody.known@example.org'), 'a mail for no patient'

        # On to enrolling, the code as people type it: lower case, spaced
        way = app.way('_Enroll with an activation code', 'Enroll with an activation code',
                      root=way)
        typed = code.lower().replace('-', ' ')
        typed = typed[:2] + ' ' + typed[2:]
        password = app.field(way, 'Choose a Password', Atspi.Role.PASSWORD_TEXT)
        assert password.get_role() == Atspi.Role.PASSWORD_TEXT
        fill_sign_up(app, way, typed, '1980-05-17', 'rosa.delgado')
        app.signed_in('Rosa')
        # Signed in, the form is wiped: nothing of the password stays in the tree
        assert text_of(password) == '', 'the password kept after signing in'
        assert text_of(app.field(way, 'Activation Code')) == ''
        app.sign_out()

        # The same code again: used
        way = app.way('_Enroll with an activation code', 'Enroll with an activation code')
        assert text_of(app.field(way, 'Activation Code')) == '', 'the form is empty again'
        fill_sign_up(app, way, code, '1980-05-17', 'rosa.again')
        app.wait_said(way, 'This activation code has already been used. If you made your '
                      'account with it, go back and sign in, or choose “Forgot password?”. For '
                      'a new code, call the MyAltaMed Patient Support Line at %s.', 'used')
        # What was typed is still there
        assert text_of(app.field(way, 'Choose a Username')) == 'rosa.again'
        assert text_of(app.field(way, 'Activation Code')) == code
        check_spoken(app)
    finally:
        app.stop()


@test
def username_taken_then_the_portal_down():
    patient, address = add_patient('Tomas', 'Ibarra', '1975-11-02')
    code = issue_code(patient)
    app = App(portal)
    try:
        way = app.way('_Enroll with an activation code', 'Enroll with an activation code')
        # A date of birth that is not the one on file
        fill_sign_up(app, way, code, '1975-02-11', 'GRACE')
        app.wait_said(way, 'This activation code and date of birth do not match our records. '
                      'Check both and try again. If it still does not work, call the MyAltaMed '
                      'Patient Support Line at %s for a new code.', 'the mismatch')
        app.type(way, 'Date of Birth', '1975-11-02')
        app.press('_Create Account', root=way)
        app.wait_said(way, 'This username is already taken. Choose another one and try again. '
                      'If you need help, call the MyAltaMed Patient Support Line at %s.',
                      'the username taken')

        # The portal stops while the form is sent: the patient is told, the form stays
        port = urllib.parse.urlsplit(portal.url).port
        portal.halt()
        try:
            app.type(way, 'Choose a Username', 'tomas.ibarra')
            app.press('_Create Account', root=way)
            app.wait_said(way, 'MyAltaMed cannot be reached. Check your internet connection '
                          'and try again: what you typed is kept. If you need help, call the '
                          'MyAltaMed Patient Support Line at %s.', 'the portal down')
            assert text_of(app.field(way, 'Activation Code')) == code
            assert text_of(app.field(way, 'Date of Birth')) == '1975-11-02'
            assert text_of(app.field(way, 'Choose a Username')) == 'tomas.ibarra'
        finally:
            portal.start(port)
        app.press('_Create Account', root=way)
        app.signed_in('Tomas')
    finally:
        app.stop()


@test
def an_expired_code_and_a_patient_turned_12():
    expired_patient, _ = add_patient('Irene', 'Campos', '1990-08-09')
    expired = issue_code(expired_patient)
    # Eleven today, twelve in three days: the code is issued, then the clock moves on
    teen_birth = years_ago(12, days=3)
    teen_patient, _ = add_patient('Nico', 'Paredes', teen_birth)
    teen = issue_code(teen_patient)
    app = App(portal)
    try:
        way = app.way('_Enroll with an activation code', 'Enroll with an activation code')
        move_clock(15)
        fill_sign_up(app, way, expired, '1990-08-09', 'irene.campos')
        app.wait_said(way, 'This activation code has expired: a code works for 14 days. Go back '
                      'and choose “Request an activation code” for a new one, or call the '
                      'MyAltaMed Patient Support Line at %s.', 'expired')

        move_clock(6)
        fill_sign_up(app, way, teen, teen_birth, 'nico.paredes')
        app.wait_said(way, 'MyAltaMed is not available for patients aged 12 to 17, on their own '
                      'or through a parent’s account. Your care team is glad to help by phone: '
                      'call the MyAltaMed Patient Support Line at %s.', 'no portal access')
        check_spoken(app)
    finally:
        move_clock(0)
        app.stop()


@test
def forgot_password_through_the_outbox():
    address = 'grace.miller@example.org'
    before = len(mails_to(address))
    app = App(portal)
    try:
        way = app.way('_Forgot password?', 'Reset password')
        check_spoken(app)
        # By username: kept for the sign-in once reset
        app.type(way, 'Username or Email', 'grace')
        app.press('_Email Me a Reset Code', root=way)
        username = app.field(way, 'Username')
        wait_for(lambda: text_of(username) == 'grace', 'the username kept for the sign-in')
        wait_for(lambda: len(mails_to(address)) > before, 'the reset mail')
        first = word_of(address, TOKEN, 'the reset code in the outbox')

        # By email address, again (the mail does not say the username: the one typed stays,
        # and can be corrected). Only the newest code works.
        app.press('Email Me a _New Code', root=way)
        app.type(way, 'Username or Email', address.upper())
        app.press('_Email Me a Reset Code', root=way)
        wait_for(lambda: len(mails_to(address)) > before + 1, 'the second reset mail')
        token = word_of(address, TOKEN, 'the newest reset code')
        assert token != first

        app.type(way, 'Username', 'grace')
        app.type(way, 'New Password', 'Lantern-Orchard-2026', role=Atspi.Role.PASSWORD_TEXT)
        app.type(way, 'Reset Code', first)
        app.press('_Set Password and Sign In', root=way)
        app.wait_said(way, 'This reset code does not work. It may have been used already, or a '
                      'newer email brought another one: use the code of the newest email, or '
                      'ask for a new one. If you need help, call the MyAltaMed Patient Support '
                      'Line at %s.', 'the older code refused')
        # The newest code pasted with the mail's indent and line break, and a username typed
        # wrong: the password is changed, the sign-in asks for the right username
        app.type(way, 'Username', 'grace.m')
        app.type(way, 'Reset Code', '    %s\n' % token)
        app.press('_Set Password and Sign In', root=way)
        app.wait_said(way, 'Your password is changed, but this username does not go with it. '
                      'Correct the username, or go back and sign in. If you need help, call the '
                      'MyAltaMed Patient Support Line at %s.', 'the wrong username')
        app.type(way, 'Username', 'grace')
        app.press('_Set Password and Sign In', root=way)
        app.signed_in('Grace')
        app.sign_out()

        # The new password signs in; the old one does not
        app.type(app.root, 'Username', 'grace')
        app.type(app.root, 'Password', 'Orchard-Lantern-42', role=Atspi.Role.PASSWORD_TEXT)
        app.press('_Sign In')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='The username or password is '
                              'not correct.'), 'the old password refused')
        app.type(app.root, 'Password', 'Lantern-Orchard-2026', role=Atspi.Role.PASSWORD_TEXT)
        app.press('_Sign In')
        app.signed_in('Grace')
    finally:
        app.stop()


@test
def enrolling_in_spanish():
    with open(os.path.join(portal.dir, 'data', 'demo-accounts.json')) as f:
        accounts = json.load(f)
    entries = accounts if isinstance(accounts, list) else \
        [entry for value in accounts.values() if isinstance(value, list) for entry in value]
    elena = [entry for entry in entries if entry.get('activation_code')][0]
    app = App(portal, language='es')
    try:
        way = app.way('_Enroll with an activation code', 'Enroll with an activation code')
        hint = find(way, Atspi.Role.LABEL, contains=app.tr(
            'The activation code is the 10 letters and numbers in your email or letter. Lower '
            'case, spaces and dashes are fine.'))
        assert hint is not None and 'minúsculas' in text_of(hint), 'the code hint in Spanish'
        # A date with the year last is not read: the form says how to write it
        fill_sign_up(app, way, elena['activation_code'].lower(), '14/03/1997', 'elena.cruz')
        app.wait_said(way, 'Enter your date of birth as year, month and day, for example '
                      '1984-07-23.', 'the date format')
        app.type(way, 'Date of Birth', elena['birth_date'])
        app.press('_Create Account', root=way)
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hola, Elena'), 'Inicio')
        check_spoken(app)
    finally:
        app.stop()


portal.stop()
shutil.rmtree(CLOCK_DIR, ignore_errors=True)
print('1..%d' % len(results))
sys.exit(0 if all(ok for ok, _ in results) else 1)
