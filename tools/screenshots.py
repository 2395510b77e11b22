#!/usr/bin/python3
# screenshots.py: drives the real app against a demo portal through accessibility (AT-SPI),
# screen by screen, and takes a screenshot of each in English and in Spanish. tools/screenshots
# runs it once per screen size, each time under an Xvfb of that size and a private session bus:
#
#   screenshots.py BUILD_DIR OUT_DIR WIDTHxHEIGHT
#
# Files are named <screen>-<lang>-<width>x<height>.png. The helpers (finding the app, typing
# into an entry by its accessible name, pressing buttons) are those of tests/a11y/test-client.py.
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import gettext
import os
import subprocess
import sys
import time

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'a11y'))
from altaatspi import Portal as DemoPortal  # noqa: E402
from altaatspi import find, find_app, press, type_into, wait_for, walk  # noqa: E402

BUILD, OUT, SIZE = sys.argv[1], sys.argv[2], sys.argv[3]
WIDTH, HEIGHT = (int(n) for n in SIZE.split('x'))
APP = os.path.join(BUILD, 'src', 'client', 'myaltamed')
PORTALD = os.path.join(BUILD, 'src', 'server', 'myaltamed-portald')
LANGUAGES = os.environ.get('LANGUAGES', 'en es').split()
LOCALES = {'en': 'en_US.UTF-8', 'es': 'es_MX.UTF-8'}
# Groups of screens (methods of Screens below): SCREENS=idle takes only the idle warning
GROUPS = os.environ.get('SCREENS', 'connection grace proxy idle keys staff preferences appointments refills help messages enrollment').split()

# A screen's content arrives in steps (the greeting, then the lists); this is how long we
# let the window settle once what we wait for is there, before the picture is taken.
SETTLE_S = 1.0
ATTEMPTS = 3


def log(message):
    print('screenshots: ' + message, file=sys.stderr, flush=True)


class Nowhere:
    """A portal address where nothing listens, for the connection-problem screen."""
    url = 'https://127.0.0.1:9'
    ca = None


class App:
    """The app in one language, its window filling the screen."""

    def __init__(self, portal, language):
        env = dict(os.environ, LANGUAGE=language)
        if os.environ.get('LOCPATH'):
            # The C library's locale of that language, as on a desktop in it (tools/screenshots
            # builds the locales); the app spells month names itself, whatever the locale.
            env['LC_ALL'] = LOCALES[language]
        argv = [APP, '--server', portal.url]
        if portal.ca:
            argv += ['--ca-file', portal.ca]
        self.process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        try:
            self.root = wait_for(self.find_app, 'the app on the accessibility bus')
            self.window = wait_for(lambda: self.windows()[:1], 'the app\'s window')[0]
            fill_screen(self.window)
        except AssertionError:
            # Another start of the app would only activate this one: stop it first
            self.stop()
            raise

    def find_app(self):
        return find_app(self.process.pid)

    def windows(self):
        """The app's visible X windows, oldest first."""
        found = subprocess.run(['xdotool', 'search', '--onlyvisible', '--pid',
                                str(self.process.pid)], capture_output=True, text=True)
        return sorted(found.stdout.split(), key=int)

    def stop(self):
        self.process.terminate()
        self.process.wait()


def fill_screen(window):
    """Maximize @window, as a person (or a kiosk) would: it then fills the screen, with
    square corners and a header bar that knows it is maximized. A request that reaches the
    window manager before it manages the window is lost, so it is repeated until it works."""
    def maximized():
        subprocess.run(['wmctrl', '-i', '-r', window, '-b',
                        'add,maximized_vert,maximized_horz'], check=True)
        time.sleep(0.2)
        state = subprocess.run(['xprop', '-id', window, '_NET_WM_STATE'],
                               capture_output=True, text=True).stdout
        return '_NET_WM_STATE_MAXIMIZED_HORZ' in state

    wait_for(maximized, 'the window to be maximized', timeout=10)


def list_rows(root, name):
    """A list's rows, once it has some (its placeholder is a child too, but not a row)."""
    listing = wait_for(lambda: find(root, Atspi.Role.LIST, name), 'the %s list' % name)
    rows = [listing.get_child_at_index(i) for i in range(listing.get_child_count())]
    return [row for row in rows if row is not None and row.get_role() == Atspi.Role.LIST_ITEM]


def shoot(screen, language):
    """A picture of the whole screen, once the window has settled."""
    time.sleep(SETTLE_S)
    path = os.path.join(OUT, '%s-%s-%s.png' % (screen, language, SIZE))
    subprocess.run(['import', '-window', 'root', path], check=True)
    log('wrote ' + path)


class Screens:
    """The screens of the app in one language, in groups that each start the app afresh."""

    def __init__(self, portal, idle_portal, language):
        self.portal, self.idle_portal, self.language = portal, idle_portal, language
        # The app's own translations: the accessible names we look for are what it shows.
        self.translation = gettext.translation('myaltamed', os.path.join(BUILD, 'po'),
                                               languages=[language], fallback=True)

    def _(self, msgid):
        """A label as shown: translated, without its mnemonic underscore, and cut before
        any %s so that it matches the start of the filled-in text."""
        return self.translation.gettext(msgid).replace('_', '').split('%s')[0]

    def shoot(self, screen):
        shoot(screen, self.language)

    def sign_in(self, app, username, password):
        type_into(app.root, self._('Username'), username)
        type_into(app.root, self._('Password'), password, role=Atspi.Role.PASSWORD_TEXT)
        press(app.root, self._('_Sign In'))

    def wait_for_label(self, app, msgid, what, timeout=60):
        return wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains=self._(msgid)), what,
                        timeout=timeout)

    def connection(self):
        """The connection-problem screen: a portal address where nothing listens."""
        app = App(Nowhere, self.language)
        try:
            self.wait_for_label(app, 'Cannot Reach MyAltaMed', 'the connection-problem screen')
            self.shoot('connection-problem')
        finally:
            app.stop()

    def grace(self):
        """Sign-in, a wrong password, then grace's home, health summary and test results."""
        _ = self._
        app = App(self.portal, self.language)
        try:
            wait_for(lambda: find(app.root, Atspi.Role.TEXT, _('Username')), 'the sign-in form')
            self.shoot('sign-in')

            self.sign_in(app, 'grace', 'not-her-password')
            self.wait_for_label(app, 'The username or password is not correct. Check them and '
                                'try again. If you forgot them, call the Patient Support Line '
                                'at the number below.', 'the wrong-password message')
            self.shoot('sign-in-error')

            self.sign_in(app, 'grace', 'Orchard-Lantern-42')
            self.wait_for_label(app, 'Hello, %s', 'the greeting')
            self.shoot('home')

            tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, _('Health Summary')),
                           'the Health Summary tab')
            assert tab.do_action(0)
            wait_for(lambda: list_rows(app.root, _('Medications')), 'the medications')
            self.shoot('health-summary')

            tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, _('Test Results')),
                           'the Test Results tab')
            assert tab.do_action(0)
            first = wait_for(lambda: list_rows(app.root, _('Test results')), 'the reports')[0]
            self.shoot('test-results')

            # The newest report, and the trend of its first value
            button = wait_for(lambda: find(first, Atspi.Role.PUSH_BUTTON), 'the report\'s button')
            assert button.do_action(0)
            row = wait_for(lambda: list_rows(app.root, _('Values')), 'the values')[0]
            trend_button = wait_for(lambda: find(row, Atspi.Role.PUSH_BUTTON,
                                                 contains=_('Show the trend of %s')),
                                    'the trend button')
            assert trend_button.do_action(0)
            wait_for(lambda: find(app.root, Atspi.Role.IMAGE, _('Trend')), 'the trend plot')
            self.shoot('test-result-trend')
        finally:
            app.stop()

    def proxy(self):
        """daniel, choosing the record of his son Mateo ("your son, 6"), then viewing it."""
        app = App(self.portal, self.language)
        try:
            self.sign_in(app, 'daniel', 'Harbor-Kite-1988')
            self.wait_for_label(app, 'Hello, %s', 'the greeting')
            switcher = wait_for(lambda: find(app.root, Atspi.Role.COMBO_BOX,
                                             self._('Record shown')), 'the record switcher')
            opener = wait_for(lambda: next((n for n in walk(switcher) if n is not switcher and
                                            n.get_n_actions() > 0), None), 'the switcher button')
            assert opener.do_action(0)
            time.sleep(0.5)
            self.shoot('record-chooser')
            for key in (0xff54, 0xff0d):  # Down, Return: the second record, Mateo's
                Atspi.generate_keyboard_event(key, None, Atspi.KeySynthType.SYM)
                time.sleep(0.3)
            self.wait_for_label(app, 'You are viewing the record of %s', 'the banner')
            self.shoot('proxy-record')
        finally:
            app.stop()

    def messages(self):
        """grace's messages: her conversations, one open with its reply, and a new message
        being written (with the not-for-urgent-matters notice)."""
        _ = self._
        app = App(self.portal, self.language)
        try:
            self.sign_in(app, 'grace', 'Orchard-Lantern-42')
            self.wait_for_label(app, 'Hello, %s', 'the greeting')
            tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, _('Messages')),
                           'the Messages tab')
            assert tab.do_action(0)
            first = wait_for(lambda: list_rows(app.root, _('Conversations')), 'the threads')[0]
            self.shoot('messages')

            button = wait_for(lambda: find(first, Atspi.Role.PUSH_BUTTON), 'the thread button')
            assert button.do_action(0)
            wait_for(lambda: list_rows(app.root, _('Messages in this conversation')),
                     'the thread\'s messages')
            self.shoot('message-thread')

            press(app.root, _('All Messages'))
            # By its whole name: "Check for New Messages" holds it too
            button = wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON, _('New Message')),
                              'the New Message button')
            assert button.do_action(0)
            # What a patient of that language would write (not the app's words)
            subject, text = {
                'es': ('Pregunta sobre mi medicamento', '¿Puedo tomar las pastillas con comida?'),
            }.get(self.language, ('Question about my medication', 'Can I take my pills with food?'))
            type_into(app.root, _('Subject'), subject)
            type_into(app.root, _('Message'), text)
            self.shoot('message-compose')
        finally:
            app.stop()

    def idle(self):
        """The idle warning: with a 70-second limit it shows after 10 seconds without input."""
        app = App(self.idle_portal, self.language)
        try:
            self.sign_in(app, 'grace', 'Orchard-Lantern-42')
            self.wait_for_label(app, 'Hello, %s', 'the greeting')
            self.wait_for_label(app, 'Are You Still There?', 'the idle warning', timeout=40)
            self.shoot('idle-warning')
        finally:
            app.stop()

    def preferences(self):
        """grace's Preferences (Ctrl+comma): a new email typed, which asks for her password,
        then a new password typed halfway, with the policy's marks. Nothing is saved."""
        _ = self._
        app = App(self.portal, self.language)
        try:
            self.sign_in(app, 'grace', 'Orchard-Lantern-42')
            self.wait_for_label(app, 'Hello, %s', 'the greeting')
            subprocess.run(['xdotool', 'key', 'ctrl+comma'], check=True)
            email = wait_for(lambda: find(app.root, Atspi.Role.TEXT, _('Email Address')),
                             'the email row')
            wait_for(lambda: '@' in (email.get_text(0, email.get_character_count()) or ''),
                     'her email address')
            email.set_text_contents('grace.miller@example.net')
            wait_for(lambda: find(app.root, Atspi.Role.PASSWORD_TEXT,
                                  _('Current Password, to Confirm')), 'the password to confirm')
            self.shoot('preferences')
            new = wait_for(lambda: find(app.root, Atspi.Role.PASSWORD_TEXT, _('New Password')),
                           'the new password')
            new.set_text_contents('grace-1')
            # The wheel scrolls the page down to the password (AT-SPI cannot, in GTK 4.8)
            subprocess.run(['xdotool', 'mousemove', str(WIDTH // 2), str(HEIGHT // 2),
                            'click', '--repeat', '25', '--delay', '30', '5'], check=True)
            self.shoot('preferences-password')
        finally:
            app.stop()

    def appointments(self):
        """daniel's appointments: a visit to come, his dental request, a past visit; then
        the confirmation that cancelling asks for, and the booking dialog."""
        _ = self._
        app = App(self.portal, self.language)
        try:
            self.sign_in(app, 'daniel', 'Harbor-Kite-1988')
            self.wait_for_label(app, 'Hello, %s', 'the greeting')
            tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, _('Appointments')),
                           'the Appointments tab')
            assert tab.do_action(0)
            wait_for(lambda: list_rows(app.root, _('Upcoming appointments')), 'the visits to come')
            wait_for(lambda: list_rows(app.root, _('Your dental requests')), 'the dental requests')
            self.shoot('appointments')

            press(app.root, _('Book a Visit'))
            wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON, _('Find Free Times')),
                     'the booking dialog')
            self.shoot('appointment-booking')
            # Closed as the window manager's close button does
            subprocess.run(['wmctrl', '-i', '-c', app.windows()[-1]], check=True)
            wait_for(lambda: len(app.windows()) == 1, 'the booking dialog to close')

            press(app.root, _('Cancel Appointment'))
            wait_for(lambda: len(app.windows()) > 1, 'the cancel confirmation')
            self.wait_for_label(app, 'Cancel this appointment?', 'the cancel confirmation')
            self.shoot('appointment-cancel')
        finally:
            app.stop()

    def keys(self):
        """The main menu (F10), the keyboard shortcuts (Ctrl+?) and the About window, with
        its Details page, which has the phone numbers."""
        app = App(self.portal, self.language)
        try:
            wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON, self._('Main Menu')),
                     'the main menu button')
            subprocess.run(['xdotool', 'key', 'F10'], check=True)
            wait_for(lambda: find(app.root, Atspi.Role.MENU_ITEM, self._('_About MyAltaMed')),
                     'the main menu')
            self.shoot('main-menu')
            subprocess.run(['xdotool', 'key', 'Escape'], check=True)
            time.sleep(0.5)
            subprocess.run(['xdotool', 'key', 'ctrl+question'], check=True)
            wait_for(lambda: len(app.windows()) > 1, 'the keyboard shortcuts')
            self.shoot('keyboard-shortcuts')
            subprocess.run(['xdotool', 'key', 'Escape'], check=True)
            wait_for(lambda: len(app.windows()) == 1, 'the keyboard shortcuts to close')
            subprocess.run(['xdotool', 'key', 'F10'], check=True)
            time.sleep(0.5)
            subprocess.run(['xdotool', 'key', 'Down', 'Down', 'Return'], check=True)
            wait_for(lambda: len(app.windows()) > 1, 'the About window')
            self.shoot('about')
            # Its first row opens the Details page
            subprocess.run(['xdotool', 'key', 'Tab', 'Return'], check=True)
            self.shoot('about-details')
        finally:
            app.stop()

    def refills(self):
        """sofia's medications with their refills, and the refill dialog with a note typed
        (not sent: the demo portal is shared by both languages)."""
        _ = self._
        app = App(self.portal, self.language)
        try:
            self.sign_in(app, 'sofia', 'Girasol-Montana-7')
            self.wait_for_label(app, 'Hello, %s', 'the greeting')
            tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, _('Health Summary')),
                           'the Health Summary tab')
            assert tab.do_action(0)
            button = wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON,
                                           contains=_('Request a refill of %s')),
                              'a Request Refill button')
            self.shoot('medications-refills')
            assert button.do_action(0)
            wait_for(lambda: len(app.windows()) > 1, 'the refill dialog')
            type_into(app.root, _('Note for the pharmacy (optional)'),
                      'La recojo el viernes.' if self.language == 'es'
                      else 'I will pick it up on Friday.')
            self.shoot('refill-dialog')
        finally:
            app.stop()

    def help(self):
        """Help (F1) before signing in, and a search in it."""
        _ = self._
        app = App(self.portal, self.language)
        try:
            wait_for(lambda: find(app.root, Atspi.Role.TEXT, _('Username')), 'the sign-in form')
            subprocess.run(['xdotool', 'key', 'F1'], check=True)
            window = wait_for(lambda: next((w for w in (app.root.get_child_at_index(i) for i in
                                                        range(app.root.get_child_count()))
                                            if w is not None and
                                            w.get_name() == _('MyAltaMed Help')), None),
                              'the Help window')
            wait_for(lambda: len(app.windows()) > 1, 'the Help window on screen')
            wait_for(lambda: find(window, Atspi.Role.LABEL, contains='(888)'), 'its numbers')
            self.shoot('help')
            search = wait_for(lambda: next((n for n in walk(window)
                                            if n.get_role() == Atspi.Role.ENTRY), None),
                              'the search entry')
            search.set_text_contents('contraseña' if self.language == 'es' else 'password')
            self.shoot('help-search')
        finally:
            app.stop()

    def staff(self):
        """A staff account signing in to the patient app: told it is for the enrollment
        station, on the sign-in page."""
        app = App(self.portal, self.language)
        try:
            self.sign_in(app, 'frontdesk', 'Clinic-Desk-Station-1')
            self.wait_for_label(app, 'This is a staff account, for the enrollment station. To '
                                'help a patient enroll, sign in at the enrollment station. To '
                                'see your own health record, sign in here with your patient '
                                'account.', 'the enrollment station notice')
            self.shoot('staff-notice')
        finally:
            app.stop()

    def way(self, app, label, heading=None):
        """Opens one of the sign-in page's other ways in, by its button; the part of the
        tree under its heading (GTK 4.8 keeps the hidden ways in the tree, with the same
        names: "Date of Birth" is in two of them)."""
        press(app.root, self._(label))
        if heading is None:
            return None

        def title():
            # The heading, not the label of a button that says the same
            for node in walk(app.root):
                try:
                    if node.get_role() == Atspi.Role.LABEL and \
                            node.get_name() == self._(heading) and \
                            node.get_parent().get_role() != Atspi.Role.PUSH_BUTTON:
                        return node
                except Exception:  # noqa: BLE001 (a node that went away)
                    continue
            return None
        return wait_for(title, heading).get_parent()

    def enrollment(self):
        """The other ways in: enrolling with a code (empty, then typed with the password's
        rules marked, then refused), asking for a code and its answer, and a forgotten
        password's two steps."""
        _ = self._
        app = App(self.portal, self.language)
        try:
            wait_for(lambda: find(app.root, Atspi.Role.TEXT, _('Username')), 'the sign-in form')
            self.shoot('sign-in-ways')

            way = self.way(app, '_Enroll with an activation code',
                           'Enroll with an activation code')
            code = wait_for(lambda: find(way, Atspi.Role.TEXT, _('Activation Code')),
                            'the code field')
            self.shoot('sign-up')
            code.set_text_contents('acdef ghjkm')
            type_into(way, _('Date of Birth'), '1984-07-23')
            type_into(way, _('Choose a Username'), 'new.patient')
            type_into(way, _('Choose a Password'), 'Sunny-Meadow-1984',
                      role=Atspi.Role.PASSWORD_TEXT)
            press(way, _('_Create Account'))
            wait_for(lambda: find(way, Atspi.Role.LABEL, contains=_(
                'This activation code and date of birth do not match our records. Check both '
                'and try again. If it still does not work, call the MyAltaMed Patient Support '
                'Line at %s for a new code.')), 'the refusal')
            self.shoot('sign-up-error')

            press(way, _('_Back to Sign In'))
            way = self.way(app, '_Request an activation code', 'Request an activation code')
            wait_for(lambda: find(way, Atspi.Role.TEXT, _('First Name')), 'the form')
            self.shoot('request-code')
            type_into(way, _('First Name'), 'Elena')
            type_into(way, _('Last Name'), 'Cruz')
            type_into(way, _('Date of Birth'), '1997-03-14')
            type_into(way, _('Email'), 'elena.cruz@example.org')
            press(way, _('_Email Me a Code'))
            self.wait_for_label(app, 'If we find your record, we will email you a code.',
                                'the answer')
            self.shoot('request-code-sent')

            press(way, _('_Back to Sign In'))
            way = self.way(app, '_Forgot password?', 'Reset password')
            wait_for(lambda: find(way, Atspi.Role.TEXT, _('Username or Email')), 'the form')
            self.shoot('reset-password')
            type_into(way, _('Username or Email'), 'grace')
            press(way, _('_Email Me a Reset Code'))
            username = wait_for(lambda: find(way, Atspi.Role.TEXT, _('Username')), 'the username')
            wait_for(lambda: username.get_text(0, username.get_character_count()) == 'grace',
                     'the username filled in')
            type_into(way, _('Reset Code'), 'not-the-code')
            type_into(way, _('New Password'), 'grace', role=Atspi.Role.PASSWORD_TEXT)
            self.shoot('reset-password-code')
        finally:
            app.stop()


def main():
    os.makedirs(OUT, exist_ok=True)
    # A window manager, to maximize the app's window and to put its dialogs over it; bare
    # Xvfb has none, and an unmanaged window keeps its default size at +0+0.
    window_manager = subprocess.Popen(['openbox', '--sm-disable'], stdout=subprocess.DEVNULL)
    wait_for(lambda: subprocess.run(['wmctrl', '-m'], capture_output=True).returncode == 0,
             'the window manager', timeout=20)
    # Start the accessibility bus and registry before the first app, so that it finds them up
    Atspi.get_desktop(0).get_child_count()
    time.sleep(1)

    failed = []
    portal = DemoPortal(PORTALD, prefix='alta-shots-')
    idle_portal = DemoPortal(PORTALD, '[policy]\nidle_timeout_s=70\n', prefix='alta-shots-')
    try:
        for language in LANGUAGES:
            screens = Screens(portal, idle_portal, language)
            for group in GROUPS:
                # The accessibility tree changes under our feet while a page loads, so a
                # wait now and then misses what it waits for: such a group gets another go.
                for attempt in range(1, ATTEMPTS + 1):
                    try:
                        getattr(screens, group)()
                        break
                    except AssertionError as error:
                        log('%s, %s, attempt %d: %s' % (group, language, attempt, error))
                else:
                    failed.append('%s (%s)' % (group, language))
    finally:
        portal.stop()
        idle_portal.stop()
        window_manager.terminate()
        window_manager.wait()
    if failed:
        log('no screenshots of: ' + ', '.join(failed))
        sys.exit(1)


main()
