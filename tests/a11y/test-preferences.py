#!/usr/bin/python3
# test-preferences.py: Preferences, in the real app against the real demo portal, driven
# through accessibility (AT-SPI): a new address reaches the FHIR Patient, once the portal is
# back from a stop that kept what was typed; a new email is
# refused with a wrong password (what was typed stays) and saved with the right one; a new
# language turns the window Spanish at once, keeps its size and what was typed, and is saved
# to the account; a new password, with its rules marked as it is typed, signs in. Run by meson
# under Xvfb and a private session bus (tools/test); prints TAP.
#
#   test-preferences.py MYALTAMED MYALTAMED_PORTALD
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import sys
import time
import urllib.error

# altaatspi first: it keeps the test environment's G_DEBUG for the app, away from this
# driver
from altaatspi import APP_G_DEBUG, finish, log, start_accessibility_bus, test  # noqa: E402
from altaatspi import Portal as DemoPortal  # noqa: E402
from altaatspi import find, find_app, press, spoken_problems, text_of, type_into  # noqa: E402
from altaatspi import wait_for, walk  # noqa: E402
import gi  # noqa: E402,I100

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, GLib  # noqa: E402

APP, PORTALD = sys.argv[1], sys.argv[2]
KEYCODE_CONTROL_L = 37  # X11's keycode of the left Control key


class App:
    def __init__(self, portal):
        self.env = dict(os.environ)
        if APP_G_DEBUG:
            self.env['G_DEBUG'] = APP_G_DEBUG
        self.process = subprocess.Popen([APP, '--server', portal.url, '--ca-file', portal.ca],
                                        env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=open(os.environ["A11Y_APP_LOG"], "a") if os.environ.get("A11Y_APP_LOG") else subprocess.DEVNULL)
        self.root = wait_for(lambda: find_app(self.process.pid),
                             'the app on the accessibility bus', timeout=60)

    def stop(self):
        self.process.terminate()
        self.process.wait()


def sign_in(app, password, username='grace', greeting='Hello, Grace'):
    type_into(app.root, 'Username', username)
    type_into(app.root, 'Password', password, role=Atspi.Role.PASSWORD_TEXT)
    press(app.root, 'Sign In')
    wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains=greeting), 'the greeting')


def open_preferences(app):
    """Ctrl+comma, as the main menu says; the page shows the account's email."""
    Atspi.generate_keyboard_event(KEYCODE_CONTROL_L, None, Atspi.KeySynthType.PRESS)
    Atspi.generate_keyboard_event(ord(','), None, Atspi.KeySynthType.SYM)
    Atspi.generate_keyboard_event(KEYCODE_CONTROL_L, None, Atspi.KeySynthType.RELEASE)
    email = wait_for(lambda: find(app.root, Atspi.Role.TEXT, 'Email Address'), 'Preferences')
    wait_for(lambda: '@' in text_of(email), 'her email address')
    # Shown: the view switcher's tabs are not, and the header has a way back
    wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON, 'Back'), 'the Back button')


def entry_text(root, name, role=Atspi.Role.TEXT):
    entry = wait_for(lambda: find(root, role, name), 'the %s entry' % name)
    return text_of(entry)


def shallow_label(root, text, max_depth=10):
    """The label @text nearest to @root, looked for breadth first: a toast sits near the top
    of the window, and a walk through the record's long lists first could outlast it."""
    level = [root]
    for _ in range(max_depth):
        below = []
        for node in level:
            try:
                if node.get_role() == Atspi.Role.LABEL and node.get_name() == text:
                    return node
                below += [node.get_child_at_index(i) for i in range(node.get_child_count())]
            except GLib.Error:
                continue
        level = [node for node in below if node is not None]
    return None


def toast(root, text, timeout=60):
    """Waits for the toast that says @text."""
    return wait_for(lambda: shallow_label(root, text), 'the toast: ' + text, timeout,
                    interval=0.05)


def toast_close_button(root, text, name, timeout=60):
    """The close button of the toast that says @text, which must be named @name (and the
    toast itself @text)."""
    label = toast(root, text, timeout)
    node = label.get_parent()
    while node is not None and node.get_name() != text:
        node = node.get_parent()
    assert node is not None, 'the toast is not named ' + text
    # The toast, named, holds a part named so too (asked once a step: a going toast's
    # nodes vanish between two questions)
    parent = node.get_parent()
    while parent is not None and parent.get_name() == text:
        node = parent
        parent = node.get_parent()
    buttons = [n for n in walk(node) if n.get_role() == Atspi.Role.PUSH_BUTTON]
    assert [b.get_name() for b in buttons] == [name], [b.get_name() for b in buttons]
    return buttons[0]


def sensitive(root, name):
    button = wait_for(lambda: find(root, Atspi.Role.PUSH_BUTTON, name), 'the %s button' % name)
    return button.get_state_set().contains(Atspi.StateType.SENSITIVE)


def me(token):
    return portal.request('/api/v1/me', token=token)


def sign_in_api(password):
    return portal.request('/api/v1/sessions', {'username': 'grace',
                                               'password': password})['access_token']


start_accessibility_bus()

portal = DemoPortal(PORTALD, prefix='alta-preferences-')
password = 'Orchard-Lantern-42'


def email_needs_the_right_password(app):
    """A new email, refused with a wrong password and saved with the right one: in the same
    window as the address (a start of the app costs seconds)."""
    token = sign_in_api(password)
    old_email = me(token)['email']
    type_into(app.root, 'Email Address', 'grace.new@example.net')
    # A new address asks for the password, and is not saved without one
    wait_for(lambda: find(app.root, Atspi.Role.PASSWORD_TEXT, 'Current Password, to Confirm'),
             'the password to confirm')
    assert not sensitive(app.root, 'Save Email'), 'a new email without a password'

    type_into(app.root, 'Current Password, to Confirm', 'Not-Her-Password-9',
              role=Atspi.Role.PASSWORD_TEXT)
    wait_for(lambda: sensitive(app.root, 'Save Email'), 'the save button')
    press(app.root, 'Save Email')
    toast(app.root, 'The current password is not correct. Your email address was not changed.')
    assert entry_text(app.root, 'Email Address') == 'grace.new@example.net', 'typed text lost'
    assert me(token)['email'] == old_email

    type_into(app.root, 'Current Password, to Confirm', password,
              role=Atspi.Role.PASSWORD_TEXT)
    wait_for(lambda: sensitive(app.root, 'Save Email'), 'the save button')
    press(app.root, 'Save Email')
    toast(app.root, 'Email address saved. A notice went to your previous address.')
    assert me(token)['email'] == 'grace.new@example.net'
    # The password is asked for again only for another new address
    def confirm_hidden():
        entry = find(app.root, Atspi.Role.PASSWORD_TEXT, 'Current Password, to Confirm')
        return entry is None or not entry.get_state_set().contains(Atspi.StateType.SHOWING)

    wait_for(confirm_hidden, 'the password to confirm to go')


@test
def address_then_email():
    app = App(portal)
    try:
        sign_in(app, password)
        open_preferences(app)
        problems = spoken_problems(app.root)
        assert not problems, 'a screen reader would say: ' + '; '.join(problems)
        assert not sensitive(app.root, 'Save Phone and Address'), 'nothing changed yet'
        for name, text in (('Street Address', '4100 Sunset Blvd'),
                           ('Apartment or Suite (Optional)', 'Apt 3'),
                           ('City', 'Los Angeles'), ('State', 'CA'), ('ZIP Code', '90029')):
            type_into(app.root, name, text)
        wait_for(lambda: sensitive(app.root, 'Save Phone and Address'), 'the save button')

        # The portal stopped: a failure in words, and what was typed stays for the retry
        port = int(portal.url.rsplit(':', 1)[1].split('/')[0])
        portal.halt()
        try:
            unreachable = 'MyAltaMed could not reach the portal. Check this computer’s ' \
                'internet connection, then try again.'
            press(app.root, 'Save Phone and Address')
            first = toast_close_button(app.root, unreachable, 'Dismiss')
            # Again: the second toast waits behind the first. Closed by its button, the first
            # gives its place to the second, named as the first was
            press(app.root, 'Save Phone and Address')
            assert first.do_action(0)

            def another_toast():
                try:
                    button = toast_close_button(app.root, unreachable, 'Dismiss', timeout=0.5)
                except (AssertionError, AttributeError, GLib.Error):
                    return None  # none yet, or the first one going (its nodes vanish)
                return button if button.path != first.path else None
            second = wait_for(another_toast, 'the queued toast, with its close button named')
            log('the queued toast shown: %s' % second.path)
            assert entry_text(app.root, 'Street Address') == '4100 Sunset Blvd', 'typed text lost'
        finally:
            portal.start(port)
        wait_for(lambda: sensitive(app.root, 'Save Phone and Address'), 'the save button again')
        press(app.root, 'Save Phone and Address')
        toast(app.root, 'Phone and address saved.')

        patient = portal.request('/fhir/R4/Patient/demo-adult', token=sign_in_api(password))
        address = patient['address'][0]
        assert address['line'] == ['4100 Sunset Blvd', 'Apt 3'], address
        assert (address['city'], address['state'], address['postalCode']) == \
            ('Los Angeles', 'CA', '90029'), address
        assert entry_text(app.root, 'City') == 'Los Angeles'

        email_needs_the_right_password(app)
    finally:
        app.stop()


def rules(root):
    """The password rules under @root, each with what a screen reader says of it."""
    box = wait_for(lambda: find(root, Atspi.Role.PANEL, 'Password rules'), 'the password rules')
    return {node.get_name(): node.get_description() for node in walk(box)
            if node.get_role() == Atspi.Role.LABEL}


def preferences_page(root):
    """The part of the window that holds Preferences' fields. The sign-in page's enrollment
    and reset forms have a New Password and password rules of their own, and hidden pages stay
    in the tree: so start from Preferences' own Email Address and go up to the New Password."""
    node = wait_for(lambda: find(root, Atspi.Role.TEXT, 'Email Address'), 'Preferences')
    while node is not None and find(node, Atspi.Role.PASSWORD_TEXT, 'New Password') is None:
        node = node.get_parent()
    assert node is not None, 'no New Password field in Preferences'
    return node


@test
def new_password_signs_in():
    global password
    new_password = 'Harbor-Lantern-2027'
    app = App(portal)
    try:
        sign_in(app, password)
        open_preferences(app)
        page = preferences_page(app.root)
        type_into(page, 'New Password', 'Grace1', role=Atspi.Role.PASSWORD_TEXT)
        wait_for(lambda: rules(page) == {'At least 8 characters': 'Not met yet',
                                         'Does not contain your username': 'Not met yet',
                                         'Not a commonly used password': 'Met'},
                 'the rules a short password with her name breaks')
        type_into(page, 'New Password', new_password, role=Atspi.Role.PASSWORD_TEXT)
        wait_for(lambda: set(rules(page).values()) == {'Met'}, 'every rule met')
        assert not sensitive(page, 'Change Password'), 'no current password yet'
        type_into(page, 'Current Password', password, role=Atspi.Role.PASSWORD_TEXT)
        wait_for(lambda: sensitive(page, 'Change Password'), 'the change button')
        press(page, 'Change Password')
        toast(app.root, 'Password changed. You stay signed in here.')
        assert entry_text(page, 'New Password', Atspi.Role.PASSWORD_TEXT) == ''
    finally:
        app.stop()

    try:
        sign_in_api(password)
        raise AssertionError('the old password still signs in')
    except urllib.error.HTTPError as error:
        assert error.code == 401, error.code
    password = new_password

    app = App(portal)
    try:
        sign_in(app, password)
    finally:
        app.stop()


def windows(root):
    """The app's windows on screen."""
    children = [root.get_child_at_index(i) for i in range(root.get_child_count())]
    return [w for w in children
            if w is not None and w.get_state_set().contains(Atspi.StateType.VISIBLE)]


def frame(root):
    return wait_for(lambda: (windows(root) or [None])[0], 'the window')


def frame_size(root):
    # Window coordinates: for screen ones GTK 4.8 warns (it cannot know them), and the app
    # runs with warnings fatal
    extents = frame(root).get_extents(Atspi.CoordType.WINDOW)
    return (extents.width, extents.height)


@test
def language_turns_spanish_at_once():
    token = sign_in_api(password)
    app = App(portal)
    try:
        sign_in(app, password)
        open_preferences(app)
        # A size of her own, which the Spanish window keeps
        window = wait_for(lambda: subprocess.run(
            ['xdotool', 'search', '--onlyvisible', '--pid', str(app.process.pid)],
            capture_output=True, text=True).stdout.split(), 'the X window')[0]
        before = frame_size(app.root)
        subprocess.run(['xdotool', 'windowsize', window, '1100', '700'], check=True)
        resized = wait_for(lambda: (lambda s: s if s != before else None)(frame_size(app.root)),
                           'the window to take its new size')
        # Typed, not saved: it stays across the change
        type_into(app.root, 'Phone', '(323) 555-0199')

        switcher = wait_for(lambda: find(app.root, Atspi.Role.COMBO_BOX,
                                         'Choose the app’s language'), 'the language switcher')
        opener = wait_for(lambda: next((n for n in walk(switcher) if n is not switcher and
                                        n.get_n_actions() > 0), None), 'the switcher button')
        assert opener.do_action(0)
        time.sleep(0.5)
        for key in (0xff54, 0xff0d):  # Down, Return: the second language, Español
            Atspi.generate_keyboard_event(key, None, Atspi.KeySynthType.SYM)
            time.sleep(0.3)

        wait_for(lambda: find(app.root, Atspi.Role.LABEL, 'Correo electrónico'),
                 'Preferences in Spanish')
        toast_close_button(app.root, 'Se guardó el idioma en su cuenta.', 'Cerrar aviso')
        assert me(token)['language'] == 'es'
        assert entry_text(app.root, 'Teléfono') == '(323) 555-0199', 'the typed phone was lost'
        assert find(app.root, Atspi.Role.LABEL, 'Email') is None, 'English left in the window'
        # The English window is gone (a window's keyboard shortcuts, hidden, are frames too)
        wait_for(lambda: [w.get_name() for w in windows(app.root)] == ['MyAltaMed'],
                 'one window, the Spanish one', timeout=10)
        # A window to a screen reader, shown and active (GTK 4.8 made a "filler" of it)
        spanish = frame(app.root)
        assert spanish.get_role() == Atspi.Role.FRAME, 'the window is a ' + spanish.get_role_name()
        assert spanish.get_state_set().contains(Atspi.StateType.SHOWING) and \
            spanish.get_state_set().contains(Atspi.StateType.ACTIVE), 'the window is not active'
        assert frame_size(app.root) == resized, (frame_size(app.root), resized)
        problems = spoken_problems(app.root)
        assert not problems, 'a screen reader would say: ' + '; '.join(problems)

        # The phone typed in English is saved in Spanish
        press(app.root, 'Guardar teléfono y domicilio')
        toast(app.root, 'Se guardaron su teléfono y su domicilio.')
        assert me(token)['phone'] == '(323) 555-0199'
    finally:
        app.stop()


def visible(node):
    return node is not None and node.get_state_set().contains(Atspi.StateType.VISIBLE)


@test
def a_proxy_record_shown_keeps_the_account_own():
    """Daniel looks at his son's record: Preferences are still his own account's."""
    daniel = me(portal.request('/api/v1/sessions', {'username': 'daniel',
                                                     'password': 'Harbor-Kite-1988'})
                ['access_token'])
    app = App(portal)
    try:
        sign_in(app, 'Harbor-Kite-1988', 'daniel', 'Hello, Daniel')
        switcher = wait_for(lambda: find(app.root, Atspi.Role.COMBO_BOX, 'Record shown'),
                            'the record switcher')
        opener = wait_for(lambda: next((n for n in walk(switcher) if n is not switcher and
                                        n.get_n_actions() > 0), None), 'the switcher button')
        assert opener.do_action(0)
        time.sleep(0.5)
        for key in (0xff54, 0xff0d):  # Down, Return: the second record, Mateo's
            Atspi.generate_keyboard_event(key, None, Atspi.KeySynthType.SYM)
            time.sleep(0.3)
        wait_for(lambda: find(app.root, Atspi.Role.LABEL,
                              contains='You are viewing the record of Mateo Reyes'), 'the banner')

        # This time from the main menu: F10 opens it, its first item is Preferences
        Atspi.generate_keyboard_event(0xffc7, None, Atspi.KeySynthType.SYM)  # F10
        item = wait_for(lambda: find(app.root, Atspi.Role.MENU_ITEM, 'Preferences'),
                        'Preferences in the main menu')
        wait_for(lambda: item.get_state_set().contains(Atspi.StateType.FOCUSED),
                 'Preferences first in the menu')
        Atspi.generate_keyboard_event(0xff0d, None, Atspi.KeySynthType.SYM)  # Return
        email = wait_for(lambda: find(app.root, Atspi.Role.TEXT, 'Email Address'), 'Preferences')
        wait_for(lambda: text_of(email) == daniel['email'], 'his email address')
        wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON, 'Back'), 'the Back button')
        assert entry_text(app.root, 'Phone') == (daniel['phone'] or '')
        # Not a page of Mateo's record: no record chooser in the header, a way back instead
        wait_for(lambda: not visible(find(app.root, Atspi.Role.COMBO_BOX, 'Record shown')),
                 'the record chooser to hide')

        press(app.root, 'Back')
        wait_for(lambda: visible(find(app.root, Atspi.Role.COMBO_BOX, 'Record shown')),
                 'the record chooser again')
        assert not visible(find(app.root, Atspi.Role.PUSH_BUTTON, 'Back'))
    finally:
        app.stop()


portal.stop()
finish()
