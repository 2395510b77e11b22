#!/usr/bin/python3
# test-client.py: the real app against the real demo portal, driven through accessibility
# (AT-SPI), as a screen reader user would drive it. Run by meson under Xvfb and a private
# session bus (tools/test); prints TAP.
#
#   test-client.py MYALTAMED MYALTAMED_PORTALD
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import subprocess
import sys
import time
import urllib.error

# The app runs with the test environment's G_DEBUG (fatal-criticals). This driver does not:
# GLib reads G_DEBUG when gi is imported, and AT-SPI's client library warns harmlessly
# ("AT-SPI: Error in GetItems") while the app registers.
APP_G_DEBUG = os.environ.pop('G_DEBUG', None)

import gi  # noqa: E402

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, GLib  # noqa: E402

from altaatspi import Portal as DemoPortal  # noqa: E402
from altaatspi import all_text, find, find_app, press, text_of, type_into, wait_for, walk  # noqa: E402

APP, PORTALD = sys.argv[1], sys.argv[2]
results = []


def log(message):
    print('# ' + message, flush=True)


def titles(portal, token, search):
    """What the app should list: each resource's text, else its first display."""
    bundle = portal.request('/fhir/R4/' + search, token=token)
    found = []
    for entry in bundle.get('entry', []):
        resource = entry['resource']
        concept = resource.get('code') or resource.get('vaccineCode') or \
            resource.get('medicationCodeableConcept') or {}
        found.append(concept.get('text') or concept['coding'][0]['display'])
    return sorted(found)


class App:
    def __init__(self, portal, language=None):
        self.env = dict(os.environ)
        if APP_G_DEBUG:
            self.env['G_DEBUG'] = APP_G_DEBUG
        if language:
            self.env['LANGUAGE'] = language
        self.argv = [APP, '--server', portal.url, '--ca-file', portal.ca]
        self.process = subprocess.Popen(self.argv, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        try:
            # Under the sanitizers a start takes many seconds on these machines.
            self.root = wait_for(self.find_app, 'the app on the accessibility bus', timeout=60)
        except AssertionError:
            # An app that started while the registry was still starting may never register
            # (seen once under the sanitizers): a second start is a fair test of the app.
            log('the app did not register with the accessibility bus; starting it again')
            self.stop()
            self.process = subprocess.Popen(self.argv, env=self.env, stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL)
            self.root = wait_for(self.find_app, 'the app on the accessibility bus', timeout=60)

    def find_app(self):
        return find_app(self.process.pid)

    def stop(self):
        self.process.terminate()
        self.process.wait()


def sign_in(app, username, password, spanish=False):
    type_into(app.root, 'Nombre de usuario' if spanish else 'Username', username)
    type_into(app.root, 'Contraseña' if spanish else 'Password', password)
    press(app.root, 'Iniciar sesión' if spanish else 'Sign In')


def list_titles(root, name):
    """The titles of a list's rows (each row is a list item holding its labels)."""
    listing = wait_for(lambda: find(root, Atspi.Role.LIST, name), 'the %s list' % name)
    titles = []
    for i in range(listing.get_child_count()):
        row = listing.get_child_at_index(i)
        # The placeholder ("No known allergies on file") is a child too, but not a row
        if row is not None and row.get_role() == Atspi.Role.LIST_ITEM:
            titles.append(row.get_name())
    return sorted(titles)


def test(function):
    name = function.__name__
    # A11Y_ONLY=name runs one case, for working on it
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
    return function


# Start the accessibility bus and registry before the first app, so that it finds them up
Atspi.get_desktop(0).get_child_count()
time.sleep(1)

# Teresa's record has two years of vital signs (the demo patients have none)
VITALS_RECORD = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'vitals',
                             'Teresa_Ibarra.json')
portal = DemoPortal(PORTALD, prefix='alta-a11y-', imports=[VITALS_RECORD])


@test
def sign_in_and_summary_match_the_portal():
    token = portal.request('/api/v1/sessions', {'username': 'grace',
                                                 'password': 'Orchard-Lantern-42'})['access_token']
    app = App(portal)
    try:
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, Grace'), 'the greeting')
        for name, search in (('Allergies', 'AllergyIntolerance?patient=demo-adult'),
                             ('Medications', 'MedicationRequest?patient=demo-adult'),
                             ('Health Problems', 'Condition?patient=demo-adult'),
                             ('Immunizations', 'Immunization?patient=demo-adult')):
            expected = titles(portal, token, search)
            shown = wait_for(lambda: list_titles(app.root, name) == expected and expected,
                             '%s to match the portal' % name)
            log('%s: %s' % (name, shown))

        # Signing out leaves nothing of her record anywhere in the window
        press(app.root, 'Sign Out')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='You have signed out'),
                 'the signed-out notice')
        everything = all_text(app.root)
        for secret in ('Grace', 'Miller', 'Penicillin', 'Lisinopril', 'Metformin', 'demo-adult',
                       'Type 2 diabetes', 'Orchard-Lantern-42'):
            assert secret not in everything, '%s is still in the window after sign-out' % secret
    finally:
        app.stop()


@test
def results_newest_first_with_values_and_trend():
    token = portal.request('/api/v1/sessions', {'username': 'grace',
                                                 'password': 'Orchard-Lantern-42'})['access_token']
    newest = portal.request('/fhir/R4/DiagnosticReport?patient=demo-adult&_sort=-date&_count=1',
                            token=token)['entry'][0]['resource']
    app = App(portal)
    try:
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, 'Test Results'), 'the tab')
        assert tab.do_action(0)
        listing = wait_for(lambda: find(app.root, Atspi.Role.LIST, 'Test results'), 'the results list')
        first = wait_for(lambda: listing.get_child_count() > 0 and listing.get_child_at_index(0),
                         'the first result')
        labels = wait_for(lambda: [text_of(n) for n in walk(first) if text_of(n)], 'its labels')
        assert labels[0] == newest['code'].get('text', newest['code']['coding'][0].get('display')), \
            'the newest report is not first: %r' % labels

        # Open it as a screen reader user would: each row is a button
        button = wait_for(lambda: find(first, Atspi.Role.PUSH_BUTTON), 'the row\'s button')
        assert button.do_action(0)
        values = wait_for(lambda: find(app.root, Atspi.Role.LIST, 'Values'), 'the values list')
        wait_for(lambda: values.get_child_count() == len(newest['result']),
                 'one row per value of the report')
        row = values.get_child_at_index(0)
        text = ' '.join(text_of(n) for n in walk(row))
        assert 'Normal range' in text, 'no reference range in %r' % text
        assert any(flag in text for flag in ('High', 'Low', 'Normal')), 'no flag in words: %r' % text

        trend_button = find(row, Atspi.Role.PUSH_BUTTON, contains='Show the trend of')
        assert trend_button is not None, 'no trend button on a numeric value'
        assert trend_button.do_action(0)
        trend = wait_for(lambda: find(app.root, Atspi.Role.IMAGE, 'Trend'), 'the trend plot')
        description = trend.get_description()
        # "From 5.9 % in March 2025 to 6.1 % in November 2026.", or one value and its month
        assert re.fullmatch(r'From .+ in [A-Z][a-z]+ \d{4} to .+ in [A-Z][a-z]+ \d{4}\.|'
                            r'From .+ on .+ to .+ on .+\.|From .+ to .+ on .+\.|'
                            r'.+ in [A-Z][a-z]+ \d{4}', description), description
        log('trend: ' + description)
    finally:
        app.stop()


@test
def proxy_record_switch():
    token = portal.request('/api/v1/sessions', {'username': 'daniel',
                                                 'password': 'Harbor-Kite-1988'})['access_token']
    child_vaccines = titles(portal, token, 'Immunization?patient=demo-child&_count=500')
    app = App(portal)
    try:
        sign_in(app, 'daniel', 'Harbor-Kite-1988')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, Daniel'), 'the greeting')
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
        shown = wait_for(lambda: list_titles(app.root, 'Immunizations') == child_vaccines and
                         child_vaccines, "Mateo's immunizations")
        assert len(shown) >= 20
    finally:
        app.stop()


@test
def empty_lists_say_what_they_mean():
    app = App(portal)
    try:
        sign_in(app, 'daniel', 'Harbor-Kite-1988')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, Daniel'), 'the greeting')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='No known allergies on file'),
                 'the empty allergies list to say so')
        tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, 'Vital Signs'), 'the tab')
        assert tab.do_action(0)
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='No Vital Signs Recorded'),
                 'a record without vital signs to say so')
    finally:
        app.stop()


@test
def wrong_password_keeps_the_form():
    app = App(portal)
    try:
        sign_in(app, 'grace', 'not-her-password')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='is not correct'),
                 'the wrong-password message')
        username = find(app.root, Atspi.Role.TEXT, 'Username')
        assert text_of(username) == 'grace', 'the username was lost'
        assert find(app.root, Atspi.Role.LABEL, contains='(844) 498-3446')
    finally:
        app.stop()


@test
def teens_are_told_kindly():
    app = App(portal)
    try:
        sign_in(app, 'lucas', 'Skate-Comet-2011')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='aged 12 to 17'),
                 'the 12–17 message')
    finally:
        app.stop()


@test
def spanish_speaking_patient_current_problems_first():
    token = portal.request('/api/v1/sessions', {'username': 'sofia',
                                                 'password': 'Girasol-Montana-7'})['access_token']
    bundle = portal.request('/fhir/R4/Condition?patient=demo-spanish', token=token)
    resolved = [e['resource']['code'].get('text') or e['resource']['code']['coding'][0]['display']
                for e in bundle['entry']
                if e['resource']['clinicalStatus']['coding'][0]['code'] == 'resolved']
    assert resolved, 'the demo should give Sofía a resolved problem'
    app = App(portal, language='es')
    try:
        sign_in(app, 'sofia', 'Girasol-Montana-7', spanish=True)
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hola, Sofía'), 'the greeting')
        listing = wait_for(lambda: find(app.root, Atspi.Role.LIST, 'Problemas de salud'),
                           'the problems list')
        rows = wait_for(lambda: [listing.get_child_at_index(i).get_name()
                                 for i in range(listing.get_child_count())
                                 if listing.get_child_at_index(i).get_role() == Atspi.Role.LIST_ITEM]
                        or None, 'her problems')
        log('problems: %s' % rows)
        # Resolved problems come after the current ones
        assert set(rows[-len(resolved):]) == set(resolved), rows
        assert 'Resuelto' in all_text(listing)
    finally:
        app.stop()


@test
def locked_account_says_for_how_long():
    for _ in range(5):
        try:
            portal.request('/api/v1/sessions', {'username': 'sofia', 'password': 'wrong-password'})
        except urllib.error.HTTPError:
            pass
    app = App(portal)
    try:
        sign_in(app, 'sofia', 'Girasol-Montana-7')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='try again in 15 minutes'),
                 'the lockout message with its minutes')
    finally:
        app.stop()


@test
def spanish():
    app = App(portal, language='es')
    try:
        sign_in(app, 'daniel', 'Harbor-Kite-1988', spanish=True)
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hola, Daniel'), 'the greeting')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL,
                              contains='No hay alergias conocidas en su expediente'),
                 'the empty allergies list, in Spanish')
    finally:
        app.stop()


@test
def language_chosen_on_the_sign_in_page():
    app = App(portal)
    try:
        switcher = wait_for(lambda: find(app.root, Atspi.Role.COMBO_BOX, contains='Idioma'),
                            'the language switcher')
        opener = wait_for(lambda: next((n for n in walk(switcher) if n is not switcher and
                                        n.get_n_actions() > 0), None), 'the switcher button')
        assert opener.do_action(0)
        time.sleep(0.5)
        for key in (0xff54, 0xff0d):  # Down, Return: the second language, Español
            Atspi.generate_keyboard_event(key, None, Atspi.KeySynthType.SYM)
            time.sleep(0.3)
        # The window is built again in Spanish
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Inicie sesión'),
                 'the sign-in page in Spanish')
        sign_in(app, 'grace', 'Orchard-Lantern-42', spanish=True)
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hola, Grace'), 'the greeting')
        # Dates in Spanish too, whatever the system's locale (here C.UTF-8)
        months = ('enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto',
                  'septiembre', 'octubre', 'noviembre', 'diciembre')
        text = wait_for(lambda: (lambda t: t if any(' de %s de ' % m in t for m in months)
                                 else None)(all_text(app.root)), 'a date in Spanish')
        for english in ('January', 'February', 'March', 'April', 'June', 'July', 'August',
                        'September', 'October', 'November', 'December'):
            assert english not in text, 'an English month in the Spanish window: ' + english
    finally:
        app.stop()


MONTHS = {'en': ('January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                 'September', 'October', 'November', 'December'),
          'es': ('enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto',
                 'septiembre', 'octubre', 'noviembre', 'diciembre')}


def newest_blood_pressure(token):
    """The portal's newest blood pressure of Teresa's record: (systolic, diastolic, date)."""
    me = portal.request('/api/v1/me', token=token)
    bundle = portal.request('/fhir/R4/Observation?patient=%s&category=vital-signs&code=85354-9'
                            '&_sort=-date&_count=1' % me['patient_id'], token=token)
    resource = bundle['entry'][0]['resource']
    values = {}
    for component in resource['component']:
        values[component['code']['coding'][0]['code']] = component['valueQuantity']['value']
    day = resource['effectiveDateTime'][:10]
    return values['8480-6'], values['8462-4'], day


def spoken_date(day, language):
    year, month, day = (int(n) for n in day.split('-'))
    if language == 'es':
        return '%d de %s de %d' % (day, MONTHS['es'][month - 1], year)
    return '%s %d, %d' % (MONTHS['en'][month - 1], day, year)


def vital_signs_read_back(language):
    es = language == 'es'
    token = portal.request('/api/v1/sessions', {'username': 'teresa',
                                                 'password': 'Imported-teresa-Record-1'})['access_token']
    systolic, diastolic, day = newest_blood_pressure(token)
    app = App(portal, language=language)
    try:
        sign_in(app, 'teresa', 'Imported-teresa-Record-1', spanish=es)
        tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB,
                                    'Signos vitales' if es else 'Vital Signs'), 'the tab')
        assert tab.do_action(0)
        listing = wait_for(lambda: find(app.root, Atspi.Role.LIST,
                                        'Signos vitales' if es else 'Vital signs'),
                           'the vital signs list')

        # The latest blood pressure, as one value of two numbers, read with its date
        expected = ('Presión arterial, %d/%d mmHg, el %s' if es else
                    'Blood pressure, %d/%d mmHg, on %s') % (systolic, diastolic,
                                                             spoken_date(day, language))
        pressure = wait_for(lambda: find(listing, Atspi.Role.PUSH_BUTTON, expected),
                            'the latest blood pressure: %r' % expected)
        buttons = [n.get_name() for n in walk(listing) if n.get_role() == Atspi.Role.PUSH_BUTTON]
        log('vital signs: %s' % buttons)
        assert buttons[0] == expected, 'blood pressure is not listed first: %r' % buttons
        weight = next(n for n in buttons if n.startswith('Peso, ' if es else 'Weight, '))

        # Its trend, summed up in one sentence from the oldest measurement to the newest
        assert pressure.do_action(0)
        trend = wait_for(lambda: find(app.root, Atspi.Role.IMAGE, 'Evolución' if es else 'Trend'),
                         'the trend plot')
        summary = wait_for(lambda: trend.get_description() or None, 'the trend summary')
        expected = ('De 148/94 mmHg en febrero de 2025 a %d/%d mmHg en noviembre de 2026.' if es
                    else 'From 148/94 mmHg in February 2025 to %d/%d mmHg in November 2026.') % (
                        systolic, diastolic)
        assert summary == expected, summary
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains=expected), 'the summary shown')
        history = wait_for(lambda: find(app.root, Atspi.Role.LIST,
                                        'Historial: Presión arterial' if es
                                        else 'Blood pressure history'), 'the history list')
        wait_for(lambda: history.get_child_count() == 8, 'eight blood pressures in the history')

        # Another kind: the weight, whose one missing measurement is left off the plot
        press(listing, weight)
        wait_for(lambda: (trend.get_description() or '').startswith('De 82.4 kg' if es
                                                                      else 'From 82.4 kg'),
                 'the weight trend summary')
        log('weight: ' + trend.get_description())
    finally:
        app.stop()


@test
def vital_signs_latest_and_trend():
    vital_signs_read_back('en')


@test
def vital_signs_in_spanish():
    vital_signs_read_back('es')


CONTROLS = (Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON, Atspi.Role.CHECK_BOX,
            Atspi.Role.COMBO_BOX, Atspi.Role.TEXT, Atspi.Role.PASSWORD_TEXT,
            Atspi.Role.RADIO_BUTTON, Atspi.Role.PAGE_TAB, Atspi.Role.SLIDER,
            Atspi.Role.SPIN_BUTTON, Atspi.Role.LIST)


def unnamed_controls(root):
    """Controls a screen reader would announce without a name (GTK falls back to the
    widget's type name, "GtkImage", which says nothing)."""
    unnamed = []
    checked = 0
    for node in walk(root):
        try:
            if node.get_role() not in CONTROLS:
                continue
            # GTK 4.8 sets no SHOWING state; VISIBLE leaves out what is hidden
            if not node.get_state_set().contains(Atspi.StateType.VISIBLE):
                continue
            name = (node.get_name() or '').strip()
        except GLib.Error:
            continue
        checked += 1
        if not name or name.startswith(('Gtk', 'Adw')):
            parent = node.get_parent()
            unnamed.append('%s %r in %s %r' % (node.get_role_name(), name,
                                                parent.get_role_name() if parent else '-',
                                                parent.get_name() if parent else ''))
    log('%d controls on screen, %d without a name' % (checked, len(unnamed)))
    assert checked > 0
    return unnamed


@test
def every_control_has_a_name():
    app = App(portal)
    try:
        wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON, contains='Sign In'), 'sign-in')
        unnamed = unnamed_controls(app.root)
        sign_in(app, 'daniel', 'Harbor-Kite-1988')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, Daniel'), 'home')
        unnamed += unnamed_controls(app.root)
        for tab in ('Health Summary', 'Vital Signs', 'Test Results'):
            page = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, tab), tab)
            assert page.do_action(0)
            time.sleep(1)
            unnamed += unnamed_controls(app.root)
        listing = wait_for(lambda: find(app.root, Atspi.Role.LIST, 'Test results'), 'results')
        first = wait_for(lambda: listing.get_child_count() > 0 and listing.get_child_at_index(0),
                         'a report')
        assert wait_for(lambda: find(first, Atspi.Role.PUSH_BUTTON), 'its button').do_action(0)
        time.sleep(1)
        unnamed += unnamed_controls(app.root)
        assert not unnamed, 'controls without a name: %s' % sorted(set(unnamed))
    finally:
        app.stop()


@test
def unreachable_portal_offers_a_retry():
    class Nowhere:
        url = 'https://127.0.0.1:9'
        ca = portal.ca
    app = App(Nowhere)
    try:
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Cannot Reach MyAltaMed'),
                 'the unreachable screen')
        wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON, contains='Try Again'),
                 'the retry button')
    finally:
        app.stop()


@test
def try_again_once_the_portal_is_back():
    clinic = DemoPortal(PORTALD, prefix='alta-a11y-')
    port = int(clinic.url.rsplit(':', 1)[1])
    clinic.halt()
    app = App(clinic)
    try:
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Cannot Reach MyAltaMed'),
                 'the unreachable screen')
        clinic.start(port)
        press(app.root, 'Try Again')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Sign in to MyAltaMed'),
                 'the sign-in page once the portal answers')
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, Grace'), 'the greeting')
    finally:
        app.stop()
        clinic.stop()


# The idle warning and sign-out are tested in tests/test-client-wipe.c, on a clock the test
# moves: here they would wait 80 real seconds.


portal.stop()
print('1..%d' % len(results))
sys.exit(0 if all(ok for ok, _ in results) else 1)
