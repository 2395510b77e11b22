#!/usr/bin/python3
# test-appointments-faults.py: the Appointments page of the real app when things go wrong,
# against the real demo portal behind a proxy of ours, driven through accessibility
# (AT-SPI): a dental request answered with a 500 (said so, what was typed kept, nothing
# asked), then held by a slow portal (a spinner and Stop Sending, the window answers, Stop
# Sending keeps the text, sending again makes no second request); and a dental request from a computer
# far from the clinic (TZ=Asia/Tokyo) asks for the clinic's mornings, in Los Angeles time.
# Prints TAP.
#
#   test-appointments-faults.py MYALTAMED MYALTAMED_PORTALD
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import sys
import time
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

# altaatspi first: it keeps the test environment's G_DEBUG for the app, away from this
# driver
from altaatspi import APP_G_DEBUG, finish, log, start_accessibility_bus, test, tr  # noqa: E402,I100

import gi  # noqa: E402

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

from altaatspi import Portal as DemoPortal  # noqa: E402
from altaatspi import PortalProxy  # noqa: E402
from altaatspi import find, find_app, press, text_of, type_into  # noqa: E402
from altaatspi import wait_for, walk  # noqa: E402

APP, PORTALD = sys.argv[1], sys.argv[2]
CLINIC_ZONE = ZoneInfo('America/Los_Angeles')


class App:
    def __init__(self, url, ca, zone=None):
        env = dict(os.environ)
        if APP_G_DEBUG:
            env['G_DEBUG'] = APP_G_DEBUG
        if zone:
            env['TZ'] = zone
        env['GSK_RENDERER'] = 'cairo'
        self.process = subprocess.Popen([APP, '--server', url, '--ca-file', ca], env=env,
                                        stdout=subprocess.DEVNULL,
                                        stderr=open(os.environ['APP_LOG'], 'a')
                                        if os.environ.get('APP_LOG') else subprocess.DEVNULL)
        self.root = wait_for(lambda: find_app(self.process.pid), 'the app on the bus')

    def sign_in(self):
        type_into(self.root, 'Username', 'grace')
        type_into(self.root, 'Password', 'Orchard-Lantern-42', role=Atspi.Role.PASSWORD_TEXT)
        press(self.root, 'Sign In')
        wait_for(lambda: find(self.root, Atspi.Role.LABEL, contains='Hello, Grace'), 'the greeting')

    def open_tab(self, title):
        tab = wait_for(lambda: find(self.root, Atspi.Role.PAGE_TAB, title), 'the %s tab' % title)
        assert tab.do_action(0)

    def open_appointments(self):
        self.open_tab('Appointments')
        wait_for(lambda: find(self.root, Atspi.Role.LIST, 'Upcoming appointments'),
                 'the upcoming list')
        wait_for(lambda: not find(self.root, Atspi.Role.LABEL, contains='Checking appointments…'),
                 'the appointments to load')

    def stop(self):
        self.process.terminate()
        self.process.wait()


def button(root, name):
    return find(root, Atspi.Role.PUSH_BUTTON, name)


def showing(node):
    return node is not None and node.get_state_set().contains(Atspi.StateType.VISIBLE)


def token_of(portal):
    return portal.request('/api/v1/sessions', {'username': 'grace',
                                               'password': 'Orchard-Lantern-42'})['access_token']


def requests_saying(portal, token, reason):
    bundle = portal.request('/fhir/R4/Appointment?patient=demo-adult&status=proposed&_count=200',
                            token=token)
    return [entry['resource'] for entry in bundle.get('entry', [])
            if entry['resource'].get('comment') == reason]


start_accessibility_bus()
portal = DemoPortal(PORTALD, prefix='alta-appointments-faults-')


@test
def a_server_error_then_a_slow_server():
    token = token_of(portal)
    reason = 'A loose filling ' + uuid.uuid4().hex[:8]
    faulty = PortalProxy(portal, faulty='/fhir/R4/Appointment')
    app = App(faulty.url, faulty.ca)
    try:
        app.sign_in()
        app.open_appointments()
        type_into(app.root, 'Reason for the visit', reason)

        # A 500: said so, the text kept, nothing asked
        faulty.fault = '500'
        press(app.root, 'Send Request')
        wait_for(lambda: find(app.root, Atspi.Role.ALERT, contains='The portal has a problem') or
                 find(app.root, Atspi.Role.LABEL, contains='The portal has a problem'),
                 'the 500, said so')
        assert text_of(find(app.root, Atspi.Role.TEXT, 'Reason for the visit')) == reason
        assert button(app.root, 'Send Request').get_state_set().contains(Atspi.StateType.SENSITIVE)
        assert requests_saying(portal, token, reason) == []

        # A slow portal: a spinner and Stop Sending, and the window answers meanwhile
        faulty.fault = 'slow'
        press(app.root, 'Send Request')
        wait_for(faulty.held.is_set, 'the request to reach the portal')
        wait_for(lambda: showing(button(app.root, 'Stop Sending')), 'Stop Sending')
        wait_for(lambda: any((n.get_name() or '') == 'Sending' and showing(n)
                             for n in walk(app.root)), 'the spinner')
        assert not button(app.root, 'Send Request').get_state_set().contains(
            Atspi.StateType.SENSITIVE)
        started = time.monotonic()
        app.open_tab('Home')
        wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, 'Home').get_state_set().contains(
            Atspi.StateType.SELECTED), 'Home, while the request waits', timeout=10)
        app.open_tab('Appointments')
        assert time.monotonic() - started < 10, 'the window answers slowly while it waits'

        # Stop Sending (a cancel): the form is back as typed
        press(app.root, 'Stop Sending')
        wait_for(lambda: button(app.root, 'Send Request').get_state_set().contains(
            Atspi.StateType.SENSITIVE) and not showing(button(app.root, 'Stop Sending')),
            'Send Request again')
        assert not any((n.get_name() or '') == 'Sending' and showing(n) for n in walk(app.root))
        assert text_of(find(app.root, Atspi.Role.TEXT, 'Reason for the visit')) == reason

        # The held request reaches the portal after all; sending again asks nothing twice
        faulty.fault = None
        faulty.release.set()
        wait_for(lambda: len(requests_saying(portal, token, reason)) == 1,
                 'the held request to arrive')
        press(app.root, 'Send Request')
        wait_for(lambda: text_of(find(app.root, Atspi.Role.TEXT, 'Reason for the visit')) == '',
                 'the request sent')
        assert len(requests_saying(portal, token, reason)) == 1
    finally:
        app.stop()
        faulty.stop()


@test
def dental_times_in_the_clinics_zone():
    token = token_of(portal)
    reason = 'A cleaning, please ' + uuid.uuid4().hex[:8]
    app = App(portal.url, portal.ca, zone='Asia/Tokyo')
    try:
        app.sign_in()
        app.open_appointments()
        type_into(app.root, 'Reason for the visit', reason)
        press(app.root, 'Send Request')
        wait_for(lambda: text_of(find(app.root, Atspi.Role.TEXT, 'Reason for the visit')) == '',
                 'the request sent')
    finally:
        app.stop()

    sent = requests_saying(portal, token, reason)
    assert len(sent) == 1, sent
    periods = sent[0]['requestedPeriod']
    assert periods, sent[0]
    for period in periods:
        start = datetime.fromisoformat(period['start'])
        end = datetime.fromisoformat(period['end'])
        # Any time of day: from the clinic's 8 in the morning to its 5 in the afternoon
        in_clinic = start.astimezone(CLINIC_ZONE), end.astimezone(CLINIC_ZONE)
        assert (in_clinic[0].hour, in_clinic[0].minute) == (8, 0), period
        assert (in_clinic[1].hour, in_clinic[1].minute) == (17, 0), period
        assert in_clinic[0].date() == in_clinic[1].date(), period
        # Written with the clinic's own offset, not Tokyo's
        assert start.utcoffset() == in_clinic[0].utcoffset(), period
        # A weekday at the clinic
        assert in_clinic[0].weekday() < 5, period


portal.stop()
finish()
