#!/usr/bin/python3
# test-appointments.py: the Appointments page of the real app against the real demo portal,
# driven through accessibility (AT-SPI): book a visit from the page and see it listed, cancel
# it (after the confirmation) and see it gone; send a dental request, have the clinic confirm
# it with `myaltamed-portald admin confirm-dental`, and see it confirmed; a proxy record's
# appointments. Run by meson under Xvfb and a private session bus (tools/test); prints TAP.
#
#   test-appointments.py MYALTAMED MYALTAMED_PORTALD
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import subprocess
import sys
import time
import urllib.parse
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

# altaatspi first: it keeps the test environment's G_DEBUG for the app, away from this
# driver
from altaatspi import APP_G_DEBUG, finish, log, start_accessibility_bus, test, tr  # noqa: E402
from altaatspi import Portal as DemoPortal  # noqa: E402
from altaatspi import all_text, find, find_app, press, spoken_problems, text_of, type_into  # noqa: E402
from altaatspi import wait_for, walk  # noqa: E402
import gi  # noqa: E402,I100

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, GLib  # noqa: E402

APP, PORTALD = sys.argv[1], sys.argv[2]


class App:
    def __init__(self, portal, language='en'):
        env = dict(os.environ)
        if APP_G_DEBUG:
            env['G_DEBUG'] = APP_G_DEBUG
        env['LANGUAGE'] = language
        self.language = language
        self.process = subprocess.Popen([APP, '--server', portal.url, '--ca-file', portal.ca],
                                        env=env, stdout=subprocess.DEVNULL,
                                        stderr=open(os.environ['APP_LOG'], 'a')
                                        if os.environ.get('APP_LOG') else subprocess.DEVNULL)
        self.root = wait_for(lambda: find_app(self.process.pid), 'the app on the bus', timeout=90)

    def _(self, text):
        return tr(self.language, text)

    def sign_in(self, username, password):
        type_into(self.root, self._('Username'), username)
        type_into(self.root, self._('Password'), password, role=Atspi.Role.PASSWORD_TEXT)
        press(self.root, self._('_Sign In').replace('_', ''))
        wait_for(lambda: find(self.root, Atspi.Role.LABEL,
                              contains=self._('Hello, %s').split('%s')[0]), 'the greeting')

    def open_appointments(self):
        tab = wait_for(lambda: find(self.root, Atspi.Role.PAGE_TAB, self._('Appointments')),
                       'the Appointments tab')
        assert tab.do_action(0)
        # Loaded: the status line ("Checking appointments…") is gone
        wait_for(lambda: find(self.root, Atspi.Role.LIST, self._('Upcoming appointments')),
                 'the upcoming list')
        wait_for(lambda: not find(self.root, Atspi.Role.LABEL,
                                  contains=self._('Checking appointments…')),
                 'the appointments to load')

    def rows(self, list_name):
        """The rows of a list, each as the text a screen reader can read in it."""
        listing = find(self.root, Atspi.Role.LIST, self._(list_name))
        if listing is None:
            return []
        found = []
        for i in range(listing.get_child_count()):
            try:
                row = listing.get_child_at_index(i)
                if row is not None and row.get_role() == Atspi.Role.LIST_ITEM:
                    found.append((row, all_text(row)))
            except GLib.Error:
                continue
        return found

    def window_with(self, text):
        """The app's window (a dialog) with a label holding @text."""
        for i in range(self.root.get_child_count()):
            window = self.root.get_child_at_index(i)
            if window is not None and find(window, Atspi.Role.LABEL, contains=text):
                return window
        return None

    def stop(self):
        self.process.terminate()
        self.process.wait()


def token_of(username, password):
    return portal.request('/api/v1/sessions', {'username': username,
                                               'password': password})['access_token']


def appointments(token, patient, status):
    bundle = portal.request('/fhir/R4/Appointment?patient=%s&status=%s&_count=200' %
                            (patient, status), token=token)
    return [entry['resource'] for entry in bundle.get('entry', [])]


start_accessibility_bus()
portal = DemoPortal(PORTALD, prefix='alta-appointments-')
TIME_BUTTON = re.compile(r'^\d{1,2}:\d\d\s?(AM|PM|a\. m\.|p\. m\.)')


@test
def home_says_the_next_visit_in_the_clinics_time_zone():
    """Home's row tells the time as the clinic's clock says it, as the page does, whatever
    the computer's zone (UTC here)."""
    token = token_of('grace', 'Orchard-Lantern-42')
    now = datetime.now(timezone.utc)
    starts = sorted(datetime.fromisoformat(a['start'].replace('Z', '+00:00'))
                    for a in appointments(token, 'demo-adult', 'booked') if 'start' in a)
    soonest = next(start for start in starts if start > now)
    there = soonest.astimezone(ZoneInfo('America/Los_Angeles'))
    expected = '%s (%s)' % (there.strftime('%-I:%M %p'), there.tzname())
    app = App(portal)
    try:
        app.sign_in('grace', 'Orchard-Lantern-42')
        row = wait_for(lambda: find(app.root, Atspi.Role.LIST_ITEM, 'Next appointment'),
                       'Home\'s next appointment')
        wait_for(lambda: expected in all_text(row) or None,
                 'the time %s in the row (it says %r)' % (expected, all_text(row)))
    finally:
        app.stop()


@test
def book_from_the_page_then_cancel_it():
    token = token_of('grace', 'Orchard-Lantern-42')
    booked_before = {a['id'] for a in appointments(token, 'demo-adult', 'booked')}
    app = App(portal)
    try:
        app.sign_in('grace', 'Orchard-Lantern-42')
        app.open_appointments()
        before = [text for _, text in app.rows('Upcoming appointments')]
        assert len(before) == len(booked_before), (before, booked_before)

        press(app.root, 'Book a Visit')
        press(app.root, 'Find Free Times')
        first_time = wait_for(lambda: next((n for n in walk(app.root)
                                            if n.get_role() == Atspi.Role.PUSH_BUTTON and
                                            TIME_BUTTON.match(n.get_name() or '')), None),
                              'the free times')
        assert first_time.do_action(0)
        press(app.root, 'Book Appointment')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Your Appointment Is Booked')
                 or find(app.root, Atspi.Role.PANEL, contains='Your Appointment Is Booked')
                 or 'Your Appointment Is Booked' in all_text(app.root), 'the booked visit')
        press(app.root, 'Done')

        # The page shows it, as the portal has it
        booked = [a for a in appointments(token, 'demo-adult', 'booked')
                  if a['id'] not in booked_before]
        assert len(booked) == 1, booked
        wait_for(lambda: len(app.rows('Upcoming appointments')) == len(before) + 1,
                 'the new visit in the list')
        new = [(row, text) for row, text in app.rows('Upcoming appointments')
               if text not in before]
        assert len(new) == 1, new
        row, text = new[0]
        assert 'With ' in text and ', CA ' in text, text
    finally:
        app.stop()

    # A fresh start for the cancellation, as after signing in again another day
    app = App(portal)
    try:
        app.sign_in('grace', 'Orchard-Lantern-42')
        app.open_appointments()
        wait_for(lambda: len(app.rows('Upcoming appointments')) == len(before) + 1,
                 'the new visit in the list')
        row = next(row for row, text_now in app.rows('Upcoming appointments')
                   if text_now == text)

        # Cancelling asks first; keeping it changes nothing
        cancel = find(row, Atspi.Role.PUSH_BUTTON, 'Cancel Appointment')
        assert cancel.do_action(0)
        confirm = wait_for(lambda: app.window_with('Cancel this appointment?'),
                           'the confirmation')
        log('booked and listed; keeping it once')
        press(confirm, 'Keep Appointment')
        # Counted, not walked: asking GTK 4.8 for a window as it goes makes it warn
        wait_for(lambda: app.root.get_child_count() == 1, 'the confirmation to close')
        assert booked[0]['id'] in {a['id'] for a in appointments(token, 'demo-adult', 'booked')}

        assert cancel.do_action(0)
        confirm = wait_for(lambda: app.window_with('Cancel this appointment?'),
                           'the confirmation')
        press(confirm, 'Cancel Appointment')
        wait_for(lambda: len(app.rows('Upcoming appointments')) == len(before),
                 'the cancelled visit to leave the list')
        assert sorted(text for _, text in app.rows('Upcoming appointments')) == sorted(before)
        cancelled = [a for a in appointments(token, 'demo-adult', 'cancelled')
                     if a['id'] == booked[0]['id']]
        assert len(cancelled) == 1, 'the portal does not have the visit cancelled'
    finally:
        app.stop()


def free_dental_slot(token):
    schedules = portal.request('/fhir/R4/Schedule?service-category=dental', token=token)
    for entry in schedules.get('entry', []):
        slots = portal.request('/fhir/R4/Slot?schedule=Schedule/%s&status=free&_count=1' %
                               urllib.parse.quote(entry['resource']['id']), token=token)
        if slots.get('entry'):
            return slots['entry'][0]['resource']['id']
    raise AssertionError('the demo clinic has no free dental slot')


def admin(*arguments):
    subprocess.run([PORTALD, 'admin', '--data-dir', os.path.join(portal.dir, 'data'),
                    '--config', portal.config] + list(arguments), check=True,
                   stdout=subprocess.DEVNULL)


@test
def dental_request_confirmed_by_the_clinic_in_spanish():
    _ = lambda text: tr('es', text)  # noqa: E731
    token = token_of('grace', 'Orchard-Lantern-42')
    app = App(portal, 'es')
    try:
        app.sign_in('grace', 'Orchard-Lantern-42')
        app.open_appointments()
        assert not app.rows('Your dental requests')

        # Without a reason nothing is sent, and the form says why
        press(app.root, _('Send Request'))
        wait_for(lambda: _('Please say what the visit is for.') in all_text(app.root),
                 'the missing reason')
        assert not appointments(token, 'demo-adult', 'proposed')

        type_into(app.root, _('Reason for the visit'), 'Me duele una muela')
        press(app.root, _('Send Request'))
        wait_for(lambda: any(_('Requested: the clinic will confirm a time') in text
                             for _row, text in app.rows('Your dental requests')),
                 'the request, as requested')
        # The form is empty again: the draft went with the send
        reason = find(app.root, Atspi.Role.TEXT, _('Reason for the visit'))
        assert text_of(reason) == '', text_of(reason)

        requests = appointments(token, 'demo-adult', 'proposed')
        assert len(requests) == 1, requests
        assert requests[0]['comment'] == 'Me duele una muela'
        admin('confirm-dental', '--appointment', requests[0]['id'], '--slot',
              free_dental_slot(token))

        press(app.root, _('Check Again'))
        confirmed = _('Confirmed for %s').split('%s')[0]
        wait_for(lambda: any(confirmed in text for _row, text in app.rows('Your dental requests')),
                 'the request, confirmed')
        # A confirmed visit is a visit to come, too
        wait_for(lambda: any('dental' in text.casefold() or 'Dental' in text
                             for _row, text in app.rows('Upcoming appointments')),
                 'the confirmed visit among those to come')
    finally:
        app.stop()


@test
def a_request_sent_while_the_portal_is_down_keeps_what_was_typed():
    token = token_of('grace', 'Orchard-Lantern-42')
    before = len(appointments(token, 'demo-adult', 'proposed'))
    app = App(portal)
    try:
        app.sign_in('grace', 'Orchard-Lantern-42')
        app.open_appointments()
        type_into(app.root, 'Reason for the visit', 'A chipped tooth')
        port = urllib.parse.urlsplit(portal.url).port
        portal.halt()
        try:
            press(app.root, 'Send Request')
            # Said in words, and the text stays for another try
            wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON, 'Send Request').get_state_set()
                     .contains(Atspi.StateType.SENSITIVE) and
                     find(app.root, Atspi.Role.ALERT) is not None, 'the failed send')
            reason = find(app.root, Atspi.Role.TEXT, 'Reason for the visit')
            assert text_of(reason) == 'A chipped tooth', text_of(reason)
        finally:
            portal.start(port)
        press(app.root, 'Send Request')
        wait_for(lambda: any('A chipped tooth' not in text and
                             'Requested: the clinic will confirm a time' in text
                             for _row, text in app.rows('Your dental requests')) and
                 text_of(find(app.root, Atspi.Role.TEXT, 'Reason for the visit')) == '',
                 'the request sent once the portal is back')
        token = token_of('grace', 'Orchard-Lantern-42')
        assert len(appointments(token, 'demo-adult', 'proposed')) == before + 1
    finally:
        app.stop()


def switch_record(app, keysym):
    """Opens the record switcher and moves to the record below (Down) or above (Up)."""
    switcher = wait_for(lambda: find(app.root, Atspi.Role.COMBO_BOX, 'Record shown'),
                        'the record switcher')
    opener = wait_for(lambda: next((n for n in walk(switcher) if n is not switcher and
                                    n.get_n_actions() > 0), None), 'the switcher button')
    assert opener.do_action(0)
    time.sleep(0.5)
    for key in (keysym, 0xff0d):
        Atspi.generate_keyboard_event(key, None, Atspi.KeySynthType.SYM)
        time.sleep(0.3)


@test
def a_proxy_record_shows_its_own_appointments():
    token = token_of('daniel', 'Harbor-Kite-1988')
    me = portal.request('/api/v1/me', token=token)
    child = next(r for r in me['records'] if r['relationship'] == 'child')
    own = appointments(token, me['patient_id'], 'booked')
    theirs = appointments(token, child['patient_id'], 'booked')
    app = App(portal)
    try:
        app.sign_in('daniel', 'Harbor-Kite-1988')
        # The child's record first, then his own again
        switch_record(app, 0xff54)
        wait_for(lambda: find(app.root, Atspi.Role.LABEL,
                              contains='You are viewing the record of'), 'the proxy banner')
        app.open_appointments()
        wait_for(lambda: len(app.rows('Upcoming appointments')) == len(theirs),
                 'the child\'s visits to come')
        assert not any('Dental cleaning' in text for _row, text in app.rows('Your dental requests'))
        # The page reads right (its lists, form and buttons: all under the lists' parent)
        page = find(app.root, Atspi.Role.LIST, 'Upcoming appointments').get_parent()
        problems = spoken_problems(page)
        assert not problems, problems

        switch_record(app, 0xff52)
        wait_for(lambda: any('Dental cleaning' in text
                             for _row, text in app.rows('Your dental requests')),
                 'his own dental request')
        wait_for(lambda: len(app.rows('Upcoming appointments')) == len(own),
                 'his own visits to come')
    finally:
        app.stop()


portal.stop()
finish()
