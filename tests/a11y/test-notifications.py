#!/usr/bin/python3
# test-notifications.py: the app's background polls and desktop notifications, with the real
# app against the real demo portal (through a proxy of ours that records each request), driven
# through accessibility (AT-SPI), with a notification server of ours on the test's private
# session bus (fake-notifications.py). Prints TAP.
#
# - the polls carry `X-Portal-Activity: background` and do not keep the session alive: the
#   portal ends it at its idle limit after the last request the app made for the person;
# - a reply made with `admin reply-message` while the window is not focused: a notification
#   with no health information, whose default action opens the Messages page; Home's unread
#   count goes up; a result released meanwhile: another, withdrawn at sign-out;
# - in Spanish.
#
# The schedule itself (a minute focused, up to fifteen hidden, jitter) is unit-tested on a
# clock of the test's (test-poll-schedule.c); here MYALTAMED_POLL_UNIT_MS makes a minute
# 300 ms.
#
#   test-notifications.py MYALTAMED MYALTAMED_PORTALD
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import gettext
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

# altaatspi first: it keeps the test environment's G_DEBUG for the app, away from this
# driver
from altaatspi import APP_G_DEBUG, finish, log, start_accessibility_bus, test, tr  # noqa: E402,I100

import gi  # noqa: E402

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

from altaatspi import Portal as DemoPortal  # noqa: E402
from altaatspi import PortalProxy  # noqa: E402
from altaatspi import all_text, find, find_app, type_into, wait_for, walk  # noqa: E402
from altaatspi import press as press_containing  # noqa: E402

APP, PORTALD = sys.argv[1], sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))

SPANISH = gettext.translation('myaltamed', localedir=os.environ['MYALTAMED_LOCALEDIR'],
                              languages=['es'])


def trn(language, singular, plural, n):
    if language == 'es':
        return SPANISH.ngettext(singular, plural, n)
    return singular if n == 1 else plural


class Notifications:
    """fake-notifications.py on the session bus, and what it was asked."""

    def __init__(self):
        fd, self.log = tempfile.mkstemp(prefix='alta-notifications-', suffix='.jsonl')
        os.close(fd)
        self.process = subprocess.Popen([sys.executable, os.path.join(HERE, 'fake-notifications.py'),
                                         self.log], stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == 'ready'

    def calls(self):
        with open(self.log) as f:
            return [json.loads(line) for line in f if line.strip()]

    def shown(self):
        return [call for call in self.calls() if call['call'] == 'Notify']

    def closed(self):
        return [call['id'] for call in self.calls() if call['call'] == 'CloseNotification']

    def click(self, number):
        subprocess.run(['gdbus', 'call', '--session', '--dest', 'org.freedesktop.Notifications',
                        '--object-path', '/org/freedesktop/Notifications',
                        '--method', 'net.myaltamed.Test.Invoke', str(number), 'default'],
                       check=True, stdout=subprocess.DEVNULL)

    def stop(self):
        self.process.terminate()
        self.process.wait()
        os.unlink(self.log)


class App:
    def __init__(self, url, ca, language=None):
        env = dict(os.environ)
        if APP_G_DEBUG:
            env['G_DEBUG'] = APP_G_DEBUG
        if language:
            env['LANGUAGE'] = language
        env['GSK_RENDERER'] = 'cairo'
        env['MYALTAMED_POLL_UNIT_MS'] = '300'
        self.process = subprocess.Popen([APP, '--server', url, '--ca-file', ca],
                                        env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        self.root = wait_for(lambda: find_app(self.process.pid), 'the app on the bus')

    def frame(self):
        return find(self.root, Atspi.Role.FRAME)

    def is_active(self):
        frame = self.frame()
        return frame is not None and frame.get_state_set().contains(Atspi.StateType.ACTIVE)

    def stop(self):
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)
            self.process.terminate()
        self.process.wait()


class FocusThief:
    """Another window, focused: the app's window is shown but not focused."""

    def __init__(self):
        title = 'focus-thief-' + uuid.uuid4().hex[:6]
        self.process = subprocess.Popen(['xmessage', '-title', title, '-name', title,
                                         'Another window'],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.window = subprocess.run(['xdotool', 'search', '--sync', '--name', '^%s$' % title],
                                     check=True, capture_output=True, text=True,
                                     timeout=30).stdout.split()[0]

    def focus(self):
        subprocess.run(['xdotool', 'windowfocus', '--sync', self.window], check=True,
                       timeout=30)

    def stop(self):
        self.process.terminate()
        self.process.wait()


def focus_app(app):
    window = subprocess.run(['xdotool', 'search', '--pid', str(app.process.pid), '--onlyvisible',
                             '--name', '.'], check=True, capture_output=True,
                            text=True).stdout.split()[0]
    subprocess.run(['xdotool', 'windowfocus', '--sync', window], check=True, timeout=30)


def sign_in(app, username, password, language='en'):
    type_into(app.root, tr(language, 'Username'), username)
    type_into(app.root, tr(language, 'Password'), password, role=Atspi.Role.PASSWORD_TEXT)
    press_containing(app.root, tr(language, '_Sign In').replace('_', ''))


def token_of(portal, username, password):
    return portal.request('/api/v1/sessions', {'username': username,
                                               'password': password})['access_token']


def admin(portal, *args):
    return subprocess.run([PORTALD, 'admin', '--data-dir', os.path.join(portal.dir, 'data'),
                           '--config', portal.config] + list(args),
                          check=True, capture_output=True, text=True).stdout


def home_row(app, starts):
    """The name of Home's row that starts with one of @starts, or None."""
    for node in walk(app.root):
        try:
            name = node.get_name() or ''
            if node.get_role() == Atspi.Role.LIST_ITEM and name.startswith(starts):
                return name
        except Exception:  # noqa: BLE001 (a node that went away)
            continue
    return None


def unread_words(language, n):
    if n == 0:
        return tr(language, 'No unread messages')
    return trn(language, '%u unread message from your care team',
               '%u unread messages from your care team', n).replace('%u', str(n))


def results_words(language, n):
    if n == 0:
        return tr(language, 'No new results since your last visit')
    return trn(language, '%u new result since your last visit',
               '%u new results since your last visit', n).replace('%u', str(n))


def unread_count(portal, token, patient):
    bundle = portal.request('/fhir/R4/Communication?patient=%s&_count=200' % patient, token=token)
    count = 0
    for entry in bundle.get('entry', []):
        message = entry['resource']
        sender = message.get('sender', {}).get('reference', '')
        if not sender.startswith(('Patient/', 'RelatedPerson/')) and 'received' not in message:
            count += 1
    return count


def a_message_and_clinician(portal, token, patient):
    """A message of the record to answer, and a clinician of its care team."""
    bundle = portal.request('/fhir/R4/Communication?patient=%s&_count=200' % patient, token=token)
    message = bundle['entry'][0]['resource']
    teams = portal.request('/fhir/R4/CareTeam?patient=' + patient, token=token)
    for entry in teams['entry']:
        for participant in entry['resource'].get('participant', []):
            reference = participant.get('member', {}).get('reference', '')
            if reference.startswith('Practitioner/'):
                practitioner = portal.request('/fhir/R4/' + reference, token=token)
                return message, practitioner
    raise AssertionError('no clinician on the care team of ' + patient)


def names_of(practitioner):
    words = []
    for name in practitioner.get('name', []):
        words += name.get('given', []) + [name.get('family', '')]
    return [w for w in words if len(w) > 2]


def assert_no_health_information(notification, forbidden):
    said = json.dumps(notification, ensure_ascii=False).lower()
    for word in forbidden:
        assert word.lower() not in said, 'the notification says %r: %s' % (word, said)


def page_selected(app, title):
    tab = find(app.root, Atspi.Role.PAGE_TAB, title)
    return tab is not None and tab.get_state_set().contains(Atspi.StateType.SELECTED)


start_accessibility_bus()
notifications = Notifications()


def new_message_then_result(language):
    portal = DemoPortal(PORTALD, prefix='alta-notify-')
    proxy = PortalProxy(portal)
    thief = None
    app = None
    try:
        token = token_of(portal, 'grace', 'Orchard-Lantern-42')
        message, practitioner = a_message_and_clinician(portal, token, 'demo-adult')
        unread = unread_count(portal, token, 'demo-adult')
        tag = uuid.uuid4().hex[:8]
        answer = 'Your potassium was a little high; let us repeat it. ' + tag

        app = App(proxy.url, proxy.ca, language)
        sign_in(app, 'grace', 'Orchard-Lantern-42', language)
        wait_for(lambda: home_row(app, unread_words(language, unread)), 'Home to count the unread')
        results_before = wait_for(lambda: home_row(app, tuple(results_words(language, n)
                                                              for n in range(0, 40))),
                                  'Home to count new results')
        before = len(notifications.shown())

        thief = FocusThief()
        thief.focus()
        wait_for(lambda: not app.is_active(), 'the window to lose the focus')
        unfocused_at = time.monotonic()

        # The clinic answers: a notification, and Home counts it
        admin(portal, 'reply-message', '--to-message', message['id'], '--practitioner',
              practitioner['id'], '--text', answer)
        shown = wait_for(lambda: notifications.shown()[before:], 'a notification', timeout=30)
        assert len(shown) == 1, shown
        said = shown[0]
        assert said['summary'] == tr(language, 'New message in MyAltaMed'), said
        assert said['body'] == tr(language, 'Open MyAltaMed to read it.'), said
        assert 'default' in said['actions'], said
        assert_no_health_information(said, [answer, tag, 'potassium', 'Grace', 'demo-adult',
                                            message.get('topic', {}).get('text', '#none#')] +
                                     names_of(practitioner))
        wait_for(lambda: home_row(app, unread_words(language, unread + 1)),
                 'Home to count one more unread')
        assert not app.is_active()

        # Every request since the window lost the focus was a poll, marked background
        polls = [r for r in proxy.seen() if r['at'] > unfocused_at]
        assert polls, 'no poll'
        paths = set(r['path'].split('?')[0] for r in polls)
        assert '/fhir/R4/Communication' in paths and '/fhir/R4/DiagnosticReport' in paths, paths
        wrong = [r for r in polls if r['activity'] != 'background' or r['method'] != 'GET']
        assert not wrong, wrong

        # Clicked: the window, presented on the Messages page
        assert not page_selected(app, tr(language, 'Messages'))
        notifications.click(said['id'])
        wait_for(lambda: page_selected(app, tr(language, 'Messages')), 'the Messages page')
        wait_for(app.is_active, 'the window presented')

        # A result released while the window is not focused: another notification, with no
        # test name or value
        thief.focus()
        wait_for(lambda: not app.is_active(), 'the window to lose the focus again')
        before = len(notifications.shown())
        added = admin(portal, 'add-result', '--patient-id', 'demo-adult',
                      '--panel', '2823-3|Potassium',
                      '--observation', '2823-3|Potassium|5.9|mmol/L|3.5|5.1')
        admin(portal, 'release-result', '--report-id', added.split()[-1])
        shown = wait_for(lambda: notifications.shown()[before:], 'a notification of results',
                         timeout=30)
        assert len(shown) == 1, shown
        result = shown[0]
        assert result['summary'] == tr(language, 'New test results in MyAltaMed'), result
        assert result['body'] == tr(language, 'Open MyAltaMed to see them.'), result
        assert_no_health_information(result, ['potassium', 'potasio', '5.9', '5,9', 'mmol',
                                              '2823-3', 'Grace'])
        wait_for(lambda: home_row(app, tuple(results_words(language, n) for n in range(1, 40)))
                 != results_before, 'Home to count the new result')

        # Signed out: it is withdrawn, and the polls stop
        press_containing(app.root, tr(language, 'Sign Out'))
        wait_for(lambda: result['id'] in notifications.closed(), 'the notification withdrawn')
        wait_for(lambda: find(app.root, Atspi.Role.TEXT, tr(language, 'Username')),
                 'the sign-in page')
        time.sleep(0.5)
        after_sign_out = len(proxy.seen())
        time.sleep(5)   # ten polls' worth of the schedule's unfocused minute
        late = proxy.seen()[after_sign_out:]
        assert not late, 'requests after the sign-out: %s' % late
        assert 'Grace' not in all_text(app.root)
    finally:
        if app is not None:
            app.stop()
        if thief is not None:
            thief.stop()
        proxy.stop()
        portal.stop()


@test
def message_and_result_notified_without_health_information():
    new_message_then_result('en')


@test
def notified_in_spanish():
    new_message_then_result('es')


@test
def polls_keep_no_session_alive():
    # An idle limit of 70 s: the app warns a minute before it, at 10 s, so the test stops
    # the app before then
    portal = DemoPortal(PORTALD, prefix='alta-notify-idle-',
                        extra_config='[policy]\nidle_timeout_s=70\n')
    proxy = PortalProxy(portal)
    app = None
    try:
        app = App(proxy.url, proxy.ca)
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, Grace'), 'the greeting')

        def last_for_the_person():
            return max(r['at'] for r in proxy.seen() if r['activity'] != 'background')

        # Polls, every 300 ms to a few seconds, after the record was loaded
        wait_for(lambda: [r for r in proxy.seen() if r['activity'] == 'background' and
                          r['at'] > last_for_the_person() + 5], 'polls after the record loaded',
                 timeout=8)
        os.kill(app.process.pid, signal.SIGSTOP)
        seen = proxy.seen()
        last = last_for_the_person()
        polls = [r for r in seen if r['activity'] == 'background' and r['at'] > last]
        assert polls and all(r['status'] == 200 for r in polls), polls
        token = polls[-1]['token']
        assert token

        # Had the polls counted, the session would last until 70 s after the last of them
        time.sleep(max(0, last + 72 - time.monotonic()))
        assert polls[-1]['at'] + 70 > time.monotonic() + 2
        request = urllib.request.Request(portal.url + '/api/v1/me',
                                         headers={'Authorization': 'Bearer ' + token,
                                                  'X-Portal-Activity': 'background'})
        try:
            urllib.request.urlopen(request, context=portal.context)
            raise AssertionError('the session outlived its idle limit')
        except urllib.error.HTTPError as error:
            assert error.code == 401, error.code
            assert json.load(error)['error'] == 'session_expired'
        assert 'session.timeout' in admin(portal, 'audit')
    finally:
        if app is not None:
            app.stop()
        proxy.stop()
        portal.stop()


notifications.stop()
finish()
