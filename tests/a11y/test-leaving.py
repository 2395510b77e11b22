#!/usr/bin/python3
# test-leaving.py: ways out, in the real app against the real demo portal, driven through
# accessibility (AT-SPI): Escape leaves Preferences for the page it was opened from, in both
# languages; the Help window (F1) closes at sign-out. Prints TAP.
#
#   test-leaving.py MYALTAMED MYALTAMED_PORTALD
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import sys
import time

# altaatspi first: it keeps the test environment's G_DEBUG for the app, away from this
# driver
from altaatspi import APP_G_DEBUG, finish, log, start_accessibility_bus, test, tr  # noqa: E402,I100

import gi  # noqa: E402

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

from altaatspi import Portal as DemoPortal  # noqa: E402
from altaatspi import find, find_app, text_of, type_into, wait_for  # noqa: E402
from altaatspi import press as press_containing  # noqa: E402

APP, PORTALD = sys.argv[1], sys.argv[2]

KEYCODE_CONTROL_L = 37
KEY_ESCAPE, KEY_F1 = 0xff1b, 0xffbe


class App:
    def __init__(self, portal, language=None):
        env = dict(os.environ)
        if APP_G_DEBUG:
            env['G_DEBUG'] = APP_G_DEBUG
        if language:
            env['LANGUAGE'] = language
        env['GSK_RENDERER'] = 'cairo'
        self.process = subprocess.Popen([APP, '--server', portal.url, '--ca-file', portal.ca],
                                        env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        self.root = wait_for(lambda: find_app(self.process.pid), 'the app on the bus')

    def stop(self):
        self.process.terminate()
        self.process.wait()


def key(keysym):
    Atspi.generate_keyboard_event(keysym, None, Atspi.KeySynthType.SYM)


def sign_in(app, language):
    type_into(app.root, tr(language, 'Username'), 'grace')
    type_into(app.root, tr(language, 'Password'), 'Orchard-Lantern-42',
              role=Atspi.Role.PASSWORD_TEXT)
    press_containing(app.root, tr(language, '_Sign In').replace('_', ''))
    wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains=tr(language, 'Hello, %s') % 'Grace'),
             'the greeting')


def showing(node):
    return node is not None and node.get_state_set().contains(Atspi.StateType.VISIBLE)


def selected_tab(app):
    for name in ('Home', 'Test Results', 'Appointments', 'Messages', 'Vital Signs',
                 'Health Summary'):
        for language in ('en', 'es'):
            tab = find(app.root, Atspi.Role.PAGE_TAB, tr(language, name))
            if tab is not None and tab.get_state_set().contains(Atspi.StateType.SELECTED):
                return tab.get_name()
    return None


def in_preferences(app, language):
    back = find(app.root, Atspi.Role.PUSH_BUTTON, tr(language, 'Back'))
    return showing(back)


def window_named(app, name):
    for i in range(app.root.get_child_count()):
        window = app.root.get_child_at_index(i)
        if window is not None and window.get_name() == name:
            return window
    return None


start_accessibility_bus()
portal = DemoPortal(PORTALD, prefix='alta-leaving-')


def escape_leaves_preferences(language):
    app = App(portal, language)
    try:
        sign_in(app, language)
        messages = tr(language, 'Messages')
        tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, messages), 'the Messages tab')
        assert tab.do_action(0)
        wait_for(lambda: selected_tab(app) == messages, 'the Messages page')

        Atspi.generate_keyboard_event(KEYCODE_CONTROL_L, None, Atspi.KeySynthType.PRESS)
        Atspi.generate_keyboard_event(ord(','), None, Atspi.KeySynthType.SYM)
        Atspi.generate_keyboard_event(KEYCODE_CONTROL_L, None, Atspi.KeySynthType.RELEASE)
        wait_for(lambda: in_preferences(app, language), 'Preferences')
        # Half typed, then Escape
        phone = wait_for(lambda: find(app.root, Atspi.Role.TEXT, tr(language, 'Phone')),
                         'the phone entry')
        phone.set_text_contents('(555) 010-77')
        key(KEY_ESCAPE)
        wait_for(lambda: not in_preferences(app, language), 'Escape to leave Preferences')
        wait_for(lambda: selected_tab(app) == messages, 'the Messages page again')

        # Escape on a page of the record does not sign out or go anywhere
        key(KEY_ESCAPE)
        time.sleep(0.5)
        assert selected_tab(app) == messages
        assert find(app.root, Atspi.Role.PUSH_BUTTON, tr(language, 'Sign Out')) is not None

        # Back in Preferences, what was typed is still there
        Atspi.generate_keyboard_event(KEYCODE_CONTROL_L, None, Atspi.KeySynthType.PRESS)
        Atspi.generate_keyboard_event(ord(','), None, Atspi.KeySynthType.SYM)
        Atspi.generate_keyboard_event(KEYCODE_CONTROL_L, None, Atspi.KeySynthType.RELEASE)
        wait_for(lambda: in_preferences(app, language), 'Preferences again')
        assert text_of(find(app.root, Atspi.Role.TEXT, tr(language, 'Phone'))) == '(555) 010-77'
    finally:
        app.stop()


@test
def escape_leaves_preferences_for_the_page_before():
    escape_leaves_preferences('en')


@test
def escape_leaves_preferences_in_spanish():
    escape_leaves_preferences('es')


@test
def help_closes_at_sign_out():
    app = App(portal)
    try:
        sign_in(app, 'en')
        key(KEY_F1)
        help_window = wait_for(lambda: window_named(app, 'MyAltaMed Help'), 'the Help window')
        wait_for(lambda: showing(help_window), 'the Help window shown')
        press_containing(app.root, 'Sign Out')
        wait_for(lambda: find(app.root, Atspi.Role.TEXT, 'Username'), 'the sign-in page')
        wait_for(lambda: not showing(window_named(app, 'MyAltaMed Help')),
                 'the Help window to close')
        # Help is there before signing in too
        key(KEY_F1)
        wait_for(lambda: showing(window_named(app, 'MyAltaMed Help')), 'Help before signing in')
    finally:
        app.stop()


portal.stop()
finish()
