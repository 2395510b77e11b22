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

# altaatspi first: it keeps the test environment's G_DEBUG for the app, away from this
# driver
from altaatspi import APP_G_DEBUG, finish, log, start_accessibility_bus, test, tr  # noqa: E402
from altaatspi import Portal as DemoPortal  # noqa: E402
from altaatspi import all_text, find, find_app, press, spoken_problems, text_of, type_into  # noqa: E402
from altaatspi import pump_until, wait_for, walk  # noqa: E402
import gi  # noqa: E402,I100

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, GLib  # noqa: E402

APP, PORTALD = sys.argv[1], sys.argv[2]


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
        # A11Y_APP_LOG=FILE keeps what the app prints, for working on a case
        self.stderr = open(os.environ['A11Y_APP_LOG'], 'a') if os.environ.get('A11Y_APP_LOG') \
            else subprocess.DEVNULL
        self.process = subprocess.Popen(self.argv, env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=self.stderr)
        try:
            # Under the sanitizers a start takes many seconds on these machines.
            self.root = wait_for(self.find_app, 'the app on the accessibility bus', timeout=60)
        except AssertionError:
            # An app that started while the registry was still starting may never register
            # (seen once under the sanitizers): a second start is a fair test of the app.
            log('the app did not register with the accessibility bus; starting it again')
            self.stop()
            self.process = subprocess.Popen(self.argv, env=self.env, stdout=subprocess.DEVNULL,
                                            stderr=self.stderr)
            self.root = wait_for(self.find_app, 'the app on the accessibility bus', timeout=60)

    def find_app(self):
        return find_app(self.process.pid)

    def stop(self):
        self.process.terminate()
        self.process.wait()


def sign_in(app, username, password, spanish=False):
    type_into(app.root, 'Nombre de usuario' if spanish else 'Username', username)
    type_into(app.root, 'Contraseña' if spanish else 'Password', password,
              role=Atspi.Role.PASSWORD_TEXT)
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


start_accessibility_bus()

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
        assert 'Normal: ' in text, 'no reference range in %r' % text
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


# What the app should say of a value, from the portal's Observation: the units and the
# wording of src/common/alta-units.c, in each language
UNITS = {'en': {'mg/dL': 'mg/dL', 'g/dL': 'g/dL', 'mmol/L': 'mmol/L', '%': '%',
                '10*3/uL': '×10³/µL', 'm[IU]/L': 'mIU/L'},
         'es': {'mg/dL': 'mg/dL', 'g/dL': 'g/dL', 'mmol/L': 'mmol/L', '%': '%',
                '10*3/uL': '×10³/µL', 'm[IU]/L': 'mUI/L'}}
WORDS = {'en': {'both': 'normal range %s to %s', 'under': 'normal range under %s',
                'up to': 'normal range up to %s', 'over': 'normal range over %s',
                'shown both': 'Normal: %s to %s', 'shown under': 'Normal: under %s',
                'shown over': 'Normal: over %s',
                'N': 'normal', 'H': 'high', 'L': 'low'},
         'es': {'both': 'rango normal de %s a %s', 'under': 'rango normal: menos de %s',
                'up to': 'rango normal: hasta %s', 'over': 'rango normal: más de %s',
                'shown both': 'Normal: de %s a %s', 'shown under': 'Normal: menos de %s',
                'shown over': 'Normal: más de %s',
                'N': 'normal', 'H': 'alto', 'L': 'bajo'}}


def with_unit(number, unit, language):
    unit = UNITS[language][unit]
    return '%g%%' % number if unit == '%' else '%g %s' % (number, unit)


def spoken_value(observation, language='en'):
    """The row's name: "Glucose, 124 mg/dL, normal range 70 to 99, high"."""
    words = WORDS[language]
    quantity = observation['valueQuantity']
    limits = observation['referenceRange'][0]
    low, high = limits.get('low', {}).get('value'), limits.get('high', {}).get('value')
    if low is not None and high is not None:
        normal = words['both'] % ('%g' % low, '%g' % high)
    elif high is not None:
        normal = words['under'] % ('%g' % (high + 1)) if high == int(high) else \
            words['up to'] % ('%g' % high)
    else:
        normal = words['over'] % ('%g' % low)
    flag = words[observation['interpretation'][0]['coding'][0]['code']]
    return ', '.join((observation['code']['text'],
                      with_unit(quantity['value'], quantity['unit'], language), normal, flag))


def shown_range(observation, language='en'):
    """The range under the test's name: "Normal: over 40 mg/dL"."""
    words = WORDS[language]
    limits = observation['referenceRange'][0]
    unit = observation['valueQuantity']['unit']
    low, high = limits.get('low', {}).get('value'), limits.get('high', {}).get('value')
    if low is not None and high is not None:
        return words['shown both'] % ('%g' % low, with_unit(high, unit, language))
    if high is not None:
        return words['shown under'] % with_unit(high + 1, unit, language)
    return words['shown over'] % with_unit(low, unit, language)


def newest_final_report(portal, token, patient, code):
    bundle = portal.request('/fhir/R4/DiagnosticReport?patient=%s&code=%s&_sort=-date' %
                            (patient, code), token=token)
    report = next(e['resource'] for e in bundle['entry'] if e['resource']['status'] == 'final')
    observations = [portal.request('/fhir/R4/' + r['reference'], token=token)
                    for r in report['result']]
    return report, observations


def open_report(root, list_name, title, date_text=None):
    """Presses the button of the first report in the list titled @title (and of that date)
    that is final, and returns the values list once it shows that report's rows."""
    listing = wait_for(lambda: find(root, Atspi.Role.LIST, list_name), 'the results list')

    def item():
        for i in range(listing.get_child_count()):
            child = listing.get_child_at_index(i)
            name = child.get_name() if child is not None else ''
            if name.startswith(title + ', ') and (date_text is None or date_text in name):
                return child
        return None
    row = wait_for(item, 'the report %s in the list' % title)
    assert wait_for(lambda: find(row, Atspi.Role.PUSH_BUTTON), 'its button').do_action(0)
    return row


def value_names(root, list_name, count):
    values = wait_for(lambda: find(root, Atspi.Role.LIST, list_name), 'the values list')
    return wait_for(lambda: (lambda names: names if len(names) == count else None)(
        [values.get_child_at_index(i).get_name() for i in range(values.get_child_count())]),
        '%d value rows' % count), values


def focused(root):
    for node in walk(root):
        try:
            if node.get_state_set().contains(Atspi.StateType.FOCUSED):
                return node
        except GLib.Error:
            continue
    return None


def key(keysym):
    Atspi.generate_keyboard_event(keysym, None, Atspi.KeySynthType.SYM)


def control_f():
    # X key codes of Xvfb's default keyboard map: 37 Control_L, 41 f
    Atspi.generate_keyboard_event(37, None, Atspi.KeySynthType.PRESS)
    Atspi.generate_keyboard_event(41, None, Atspi.KeySynthType.PRESSRELEASE)
    Atspi.generate_keyboard_event(37, None, Atspi.KeySynthType.RELEASE)


def report_date(report):
    """The date a report row shows, in English: "August 19, 2026"."""
    months = ('January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
              'September', 'October', 'November', 'December')
    year, month, day = (int(n) for n in report['effectiveDateTime'][:10].split('-'))
    return '%s %d, %d' % (months[month - 1], day, year)


@test
def value_rows_read_as_one_sentence():
    token = portal.request('/api/v1/sessions', {'username': 'grace',
                                                 'password': 'Orchard-Lantern-42'})['access_token']
    app = App(portal)
    try:
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, 'Test Results'), 'the tab')
        assert tab.do_action(0)
        # One-sided ranges (lipids), a two-sided one with a flag (glucose), a unit in
        # patients' words (white blood cells)
        for code, title in (('57698-3', 'Lipid panel'), ('51990-0', 'Basic metabolic panel'),
                            ('58410-2', 'Complete blood count (CBC)')):
            report, observations = newest_final_report(portal, token, 'demo-adult', code)
            open_report(app.root, 'Test results', title, report_date(report))
            expected = [spoken_value(o) for o in observations]
            names, values = value_names(app.root, 'Values', len(expected))
            assert names == expected, 'read %r, expected %r' % (names, expected)
            log('%s: %s' % (title, names))
            for i, observation in enumerate(observations):
                texts = [text_of(n) for n in walk(values.get_child_at_index(i)) if text_of(n)]
                assert shown_range(observation) in texts, (shown_range(observation), texts)
        texts = all_text(app.root)
        assert '×10³/µL' in texts and '10*3/uL' not in texts, 'a UCUM code is shown'
        # The lipid panel's HDL and cholesterol, one-sided, as the issue words them
        report, observations = newest_final_report(portal, token, 'demo-adult', '57698-3')
        open_report(app.root, 'Test results', 'Lipid panel', report_date(report))
        names, _ = value_names(app.root, 'Values', len(observations))
        assert any(n.startswith('HDL cholesterol, ') and ', normal range over 40, ' in n
                   for n in names), names
        assert any(n.startswith('Total cholesterol, ') and ', normal range under 200, ' in n
                   for n in names), names
    finally:
        app.stop()


@test
def value_rows_read_in_spanish():
    token = portal.request('/api/v1/sessions', {'username': 'sofia',
                                                 'password': 'Girasol-Montana-7'})['access_token']
    app = App(portal, language='es')
    try:
        sign_in(app, 'sofia', 'Girasol-Montana-7', spanish=True)
        tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, 'Resultados'),
                       'the tab')
        assert tab.do_action(0)
        for code, title in (('3016-3', 'Prueba de tiroides (TSH)'),
                            ('57698-3', 'Panel de lípidos')):
            report, observations = newest_final_report(portal, token, 'demo-spanish', code)
            months = ('enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto',
                      'septiembre', 'octubre', 'noviembre', 'diciembre')
            year, month, day = (int(n) for n in report['effectiveDateTime'][:10].split('-'))
            open_report(app.root, 'Resultados', title,
                        '%d de %s de %d' % (day, months[month - 1], year))
            expected = [spoken_value(o, 'es') for o in observations]
            names, values = value_names(app.root, 'Valores', len(expected))
            assert names == expected, 'read %r, expected %r' % (names, expected)
            log('%s: %s' % (title, names))
            for i, observation in enumerate(observations):
                texts = [text_of(n) for n in walk(values.get_child_at_index(i)) if text_of(n)]
                assert shown_range(observation, 'es') in texts, (shown_range(observation, 'es'),
                                                                 texts)
            # The units in patients' words, in Spanish: "mUI/L", never the code "m[IU]/L"
            texts = all_text(app.root)
            for unit in (o['valueQuantity']['unit'] for o in observations):
                assert UNITS['es'][unit] in texts, UNITS['es'][unit]
            assert 'm[IU]/L' not in texts, 'a UCUM code is shown'
        assert 'Normal: más de 40 mg/dL' in texts, 'the HDL range is not one-sided'
    finally:
        app.stop()


@test
def results_list_marks_search_and_keyboard():
    token = portal.request('/api/v1/sessions', {'username': 'grace',
                                                 'password': 'Orchard-Lantern-42'})['access_token']
    lipids = portal.request('/fhir/R4/DiagnosticReport?patient=demo-adult&code=57698-3',
                            token=token)['entry']
    report, observations = newest_final_report(portal, token, 'demo-adult', '57698-3')
    out = sum(1 for o in observations
              if o['interpretation'][0]['coding'][0]['code'] in ('H', 'L'))
    app = App(portal)
    try:
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, 'Test Results'), 'the tab')
        assert tab.do_action(0)
        listing = wait_for(lambda: find(app.root, Atspi.Role.LIST, 'Test results'), 'the list')
        # Each report says its flag in words, not by colour alone
        mark = '%d value%s out of range' % (out, '' if out == 1 else 's')
        wait_for(lambda: any(listing.get_child_at_index(i).get_name().startswith(
                     'Lipid panel, %s' % report_date(report)) and
                     listing.get_child_at_index(i).get_name().endswith(mark)
                     for i in range(listing.get_child_count())),
                 'the lipid panel to say "%s"' % mark)

        # Ctrl+F, from wherever the focus is, to the search entry; typing filters by name
        # The focus followed the tab from Home's row into the page: Tab away from the entry
        # first, so that Ctrl+F has somewhere to come from
        for _ in range(5):
            key(0xff09)  # Tab
            node = wait_for(lambda: focused(app.root), 'the focus somewhere', timeout=5)
            if node.get_name() != 'Search results by name':
                break
        control_f()
        search = wait_for(lambda: (lambda n: n if n is not None and
                                   n.get_name() == 'Search results by name' else None)(
            focused(app.root)), 'Ctrl+F to focus the search entry')
        for letter in 'lipid':
            key(ord(letter))

        def shown():
            # Rows come and go while the list filters: a vanished one is asked again
            try:
                items = [listing.get_child_at_index(i) for i in range(listing.get_child_count())]
                return [item.get_name() for item in items
                        if item is not None and item.get_role() == Atspi.Role.LIST_ITEM]
            except GLib.Error:
                return []
        wait_for(lambda: len(shown()) == len(lipids) and
                 all(n.startswith('Lipid panel, ') for n in shown()),
                 'only the %d lipid panels in the list' % len(lipids))

        # The list is one Tab stop; arrows move in it; Enter opens and moves the focus
        key(0xff09)  # Tab
        first = wait_for(lambda: (lambda n: n if n is not None and
                                  n.get_role() == Atspi.Role.LIST_ITEM else None)(
            focused(app.root)), 'Tab to the list')
        assert first.get_name() == shown()[0], first.get_name()
        key(0xff54)  # Down
        second = wait_for(lambda: (lambda n: n if n is not None and n.get_name() == shown()[1]
                                   else None)(focused(app.root)), 'Down to the second report')
        key(0xff09)  # Tab: out of the list, not to its next report
        wait_for(lambda: (lambda n: n is not None and n.get_name() not in shown())(
            focused(app.root)), 'Tab to leave the list')
        # Back to the entry, and Tab into the list again: one stop, at a report
        control_f()
        wait_for(lambda: (lambda n: n is not None and n.get_name() == 'Search results by name')(
            focused(app.root)), 'Ctrl+F to focus the search entry again')
        key(0xff09)
        back = wait_for(lambda: (lambda n: n if n is not None and n.get_name() in shown()
                                 else None)(focused(app.root)), 'Tab back into the list')
        assert back.get_name() == second.get_name(), 'Tab came back to %s, not to %s' % (
            back.get_name(), second.get_name())
        key(0xff0d)  # Return
        value = wait_for(lambda: (lambda n: n if n is not None and
                                  n.get_name().startswith('Total cholesterol, ') else None)(
            focused(app.root)), 'Enter to open the report and focus its first value')
        log('focused after Enter: %s' % value.get_name())
        assert search is not None
    finally:
        app.stop()


@test
def a_record_without_results_says_so():
    app = App(portal)
    try:
        sign_in(app, 'daniel', 'Harbor-Kite-1988')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, Daniel'), 'the greeting')
        tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, 'Test Results'), 'the tab')
        assert tab.do_action(0)
        listing = wait_for(lambda: find(app.root, Atspi.Role.LIST, 'Test results'), 'the list')
        wait_for(lambda: listing.get_child_count() > 0, "Daniel's own results")

        # GTK 4.8 keeps hidden pages in the tree: what is shown has a size on screen
        def empty_shown():
            label = find(app.root, Atspi.Role.LABEL, 'No test results yet')
            return label is not None and label.get_extents(Atspi.CoordType.WINDOW).width > 0
        assert not empty_shown(), 'Daniel has results, yet the page says he has none'

        switcher = wait_for(lambda: find(app.root, Atspi.Role.COMBO_BOX, 'Record shown'),
                            'the record switcher')
        opener = wait_for(lambda: next((n for n in walk(switcher) if n is not switcher and
                                        n.get_n_actions() > 0), None), 'the switcher button')
        assert opener.do_action(0)
        # The records' popover is open once its list has the focus
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Mateo Reyes,'),
                 'the list of records')
        wait_for(lambda: (lambda n: n is not None and n.get_role() == Atspi.Role.LIST_ITEM)(
            focused(app.root)), 'the focus in the list of records')
        key(0xff54)  # Down, Return: the second record, Mateo's
        key(0xff0d)
        wait_for(lambda: find(app.root, Atspi.Role.LABEL,
                              contains='You are viewing the record of Mateo Reyes'), 'the banner')
        wait_for(empty_shown, '"No test results yet" for Mateo')
        assert listing.get_child_count() == 0 or not any(
            listing.get_child_at_index(i).get_role() == Atspi.Role.LIST_ITEM
            for i in range(listing.get_child_count())), "Daniel's results under Mateo's name"
    finally:
        app.stop()


@test
def a_note_shows_its_text():
    clinic = DemoPortal(PORTALD, prefix='alta-a11y-',
                        imports=[os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                              'note-report.json')])
    app = App(clinic)
    try:
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, 'Test Results'), 'the tab')
        assert tab.do_action(0)
        open_report(app.root, 'Test results', 'Chest X-ray')
        # Its conclusion and its presented form, as text: no tags, no style, no script
        expected = ('No acute findings.\n\nChest X-ray\nHeart size is normal & the lungs are '
                    'clear.\nNo fracture\nNo fluid')
        note = wait_for(lambda: (lambda n: n if n is not None and n.get_role() == Atspi.Role.LABEL
                                 else None)(focused(app.root)), 'the focus on the note')
        assert text_of(note) == expected, repr(text_of(note))
        values = find(app.root, Atspi.Role.LIST, 'Values')
        assert values is None or values.get_child_count() == 0, 'a note with value rows'
    finally:
        app.stop()
        clinic.stop()


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
        # Written with a no-break space and hyphen: the line never breaks inside it
        assert find(app.root, Atspi.Role.LABEL, contains='(844)\u00a0498\u20113446')
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


# Before the lockout case below, which locks her account
@test
def sofia_gets_a_spanish_window_from_an_english_sign_in_page():
    app = App(portal)
    try:
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, 'Sign in to MyAltaMed'),
                 'the sign-in page in English')
        sign_in(app, 'sofia', 'Girasol-Montana-7')
        # Her account's language: the window is built again in Spanish (its size and what
        # was typed carry over: tests/test-client-wipe.c)
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hola, Sofía'),
                 'her greeting in Spanish')
        wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, 'Inicio'), 'the tabs in Spanish')
        assert find(app.root, Atspi.Role.PAGE_TAB, 'Home') is None, 'an English tab'
        # Dates in Spanish too, whatever the system's locale (here C.UTF-8)
        months = ('enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto',
                  'septiembre', 'octubre', 'noviembre', 'diciembre')
        wait_for(lambda: (lambda t: any(' de %s de ' % m in t for m in months))(
            all_text(app.root)), 'a date in Spanish')
        # Signed out, the sign-in page speaks its own language again, for the next person
        press(app.root, 'Cerrar sesión')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, 'Sign in to MyAltaMed'),
                 'the sign-in page in English again')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, 'You have signed out.'),
                 'the signed-out notice')
        assert 'Sofía' not in all_text(app.root)
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
        # What was typed stays when the language changes
        type_into(app.root, 'Username', 'grace')
        type_into(app.root, 'Password', 'Orchard-Lantern-42', role=Atspi.Role.PASSWORD_TEXT)
        switcher = wait_for(lambda: find(app.root, Atspi.Role.COMBO_BOX, contains='Elegir idioma'),
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
        # ... and it is a window to a screen reader: a frame, shown and active, alone (the
        # English one gone), not the "filler" GTK 4.8 made of a second window
        window = wait_for(lambda: (lambda shown: shown[0] if len(shown) == 1 else None)(
            [w for w in (app.root.get_child_at_index(i) for i in range(app.root.get_child_count()))
             if w is not None and w.get_state_set().contains(Atspi.StateType.VISIBLE)]),
            'one window')
        assert window.get_role() == Atspi.Role.FRAME, 'the window is a ' + window.get_role_name()
        states = window.get_state_set()
        assert states.contains(Atspi.StateType.SHOWING) and \
            states.contains(Atspi.StateType.ACTIVE), 'the Spanish window is not shown and active'
        username = find(app.root, Atspi.Role.TEXT, 'Nombre de usuario')
        assert text_of(username) == 'grace', 'the username was lost: %r' % text_of(username)
        password = find(app.root, Atspi.Role.PASSWORD_TEXT, 'Contraseña')
        assert password.get_character_count() == len('Orchard-Lantern-42'), 'the password was lost'
        # The language chosen here stays over her account's (English; Sofía's case is above)
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


def open_tab(app, language, title):
    tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, tr(language, title)), title)
    assert tab.do_action(0)
    return tab


def say_nothing_wrong(app, where, problems):
    """Walks the whole tree of @app once it is settled on @where, and adds what is wrong."""
    found = spoken_problems(app.root)
    log('%s: %d problems' % (where, len(found)))
    for problem in sorted(set(found)):
        log('  ' + problem)
    problems += ['%s: %s' % (where, problem) for problem in found]


def open_record_chooser(app, language):
    chooser = wait_for(lambda: find(app.root, Atspi.Role.COMBO_BOX, tr(language, 'Record shown')),
                       'the record chooser')
    opener = wait_for(lambda: next((n for n in walk(chooser) if n is not chooser and
                                    n.get_n_actions() > 0), None), 'the chooser button')
    assert opener.do_action(0)
    return chooser


def walk_every_page(language):
    problems = []
    app = App(portal, language=language)
    try:
        wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON,
                              contains=tr(language, '_Sign In').replace('_', '')), 'sign-in')
        say_nothing_wrong(app, 'sign-in', problems)
        sign_in(app, 'daniel', 'Harbor-Kite-1988', spanish=language == 'es')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL,
                              contains=tr(language, 'Hello, %s') % 'Daniel'), 'home')
        wait_for(lambda: find(app.root, Atspi.Role.LIST_ITEM,
                              contains=tr(language, 'No upcoming appointments')) or
                 find(app.root, Atspi.Role.LIST_ITEM, tr(language, 'Next appointment')),
                 'the appointments checked')
        say_nothing_wrong(app, 'home', problems)

        open_tab(app, language, 'Health Summary')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL,
                              contains=tr(language, 'No known allergies on file')), 'the summary')
        say_nothing_wrong(app, 'summary', problems)

        open_tab(app, language, 'Test Results')
        listing = wait_for(lambda: find(app.root, Atspi.Role.LIST, tr(language, 'Test results')),
                           'the results list')
        first = wait_for(lambda: listing.get_child_count() > 0 and listing.get_child_at_index(0),
                         'a report')
        say_nothing_wrong(app, 'results', problems)
        assert wait_for(lambda: find(first, Atspi.Role.PUSH_BUTTON), 'its button').do_action(0)
        wait_for(lambda: find(app.root, Atspi.Role.LIST, tr(language, 'Values')), 'the report')
        say_nothing_wrong(app, 'a report', problems)

        chooser = open_record_chooser(app, language)
        wait_for(lambda: find(chooser, Atspi.Role.LABEL, contains='Mateo Reyes, '),
                 'the chooser open')
        say_nothing_wrong(app, 'the record chooser', problems)
    finally:
        app.stop()
    assert not problems, 'a screen reader would say:\n' + '\n'.join(problems)


@test
def the_whole_tree_reads_right():
    walk_every_page('en')


@test
def the_whole_tree_reads_right_in_spanish():
    walk_every_page('es')


@test
def the_password_is_announced_as_a_password():
    for language in ('en', 'es'):
        app = App(portal, language=language)
        try:
            name = tr(language, 'Password')
            field = wait_for(lambda: find(app.root, Atspi.Role.PASSWORD_TEXT, name),
                             'a password field named %r' % name)
            assert field.get_role_name() == 'password text', field.get_role_name()
            assert find(app.root, Atspi.Role.TEXT, name) is None, 'a plain text named ' + name
        finally:
            app.stop()


@test
def the_record_chooser_says_whose_each_record_is():
    # The demo clinic makes Mateo 6 years old, whatever the day; his record says he is a boy
    for language, own, child in (('en', 'Daniel Reyes, your own record', 'Mateo Reyes, your son, 6'),
                                 ('es', 'Daniel Reyes, su propio expediente',
                                  'Mateo Reyes, su hijo, 6 años')):
        app = App(portal, language=language)
        try:
            sign_in(app, 'daniel', 'Harbor-Kite-1988', spanish=language == 'es')
            chooser = open_record_chooser(app, language)
            # Each list item is read by its label
            items = wait_for(lambda: sorted(text_of(label) for item in walk(chooser)
                                            if item.get_role() == Atspi.Role.LIST_ITEM
                                            for label in walk(item) if text_of(label)) or None,
                             'the records listed')
            assert items == sorted([own, child]), items
        finally:
            app.stop()


# Keyboard: the main menu (F10), its windows, and lists of one Tab stop each

def press_keys(*keycodes):
    """Presses X key codes (Xvfb's default map) together: a chord, released in reverse."""
    for code in keycodes:
        Atspi.generate_keyboard_event(code, None, Atspi.KeySynthType.PRESS)
    for code in reversed(keycodes):
        Atspi.generate_keyboard_event(code, None, Atspi.KeySynthType.RELEASE)


KEY_F10, KEY_ESCAPE, KEY_TAB, KEY_DOWN, KEY_UP, KEY_RETURN = \
    0xffc7, 0xff1b, 0xff09, 0xff54, 0xff52, 0xff0d
# X key codes: 37 Control_L, 50 Shift_L, 61 slash (Shift+slash is "?"), 23 Tab
CONTROL, SHIFT, SLASH, TAB = 37, 50, 61, 23


def shift_tab():
    press_keys(SHIFT, TAB)


def window_named(app, name):
    for i in range(app.root.get_child_count()):
        window = app.root.get_child_at_index(i)
        if window is not None and window.get_name() == name:
            return window
    return None


def focused_row(root):
    """(list name, row name) of the focused list item, else None."""
    node = focused(root)
    if node is None or node.get_role() != Atspi.Role.LIST_ITEM:
        return None
    parent = node.get_parent()
    return (parent.get_name() if parent is not None else None, node.get_name())


def wait_focus(root, predicate, what):
    return wait_for(lambda: (lambda n: n if n is not None and predicate(n) else None)(
        focused_row(root)), what, timeout=20)


def main_menu_and_its_windows(language):
    app = App(portal, language=language)
    problems = []
    try:
        wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON,
                              contains=tr(language, '_Sign In').replace('_', '')), 'sign-in')
        menu_button = wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON,
                                            tr(language, 'Main Menu')), 'the main menu button')
        assert menu_button is not None

        # F10 opens the menu with its first item focused
        key(KEY_F10)
        shortcuts_item = wait_for(lambda: (lambda n: n if n is not None and
                                           n.get_role() == Atspi.Role.MENU_ITEM else None)(
            focused(app.root)), 'F10 to open the main menu')
        assert shortcuts_item.get_name() == tr(language, '_Keyboard Shortcuts').replace('_', ''), \
            shortcuts_item.get_name()
        items = sorted(n.get_name() for n in walk(app.root) if n.get_role() == Atspi.Role.MENU_ITEM)
        assert items == sorted(tr(language, t).replace('_', '') for t in
                               ('_Keyboard Shortcuts', '_Help', '_About MyAltaMed')), items
        say_nothing_wrong(app, 'the main menu', problems)
        key(KEY_ESCAPE)
        wait_for(lambda: (lambda n: n is None or n.get_role() != Atspi.Role.MENU_ITEM)(
            focused(app.root)), 'Escape to close the menu')

        # Ctrl+? shows the keyboard shortcuts, named, without a type name anywhere
        press_keys(CONTROL, SHIFT, SLASH)
        title = tr(language, 'Keyboard Shortcuts')
        shortcuts = wait_for(lambda: window_named(app, title), 'Ctrl+? to show %r' % title)
        wait_for(lambda: find(shortcuts, Atspi.Role.LABEL,
                              tr(language, 'Search results by name')), 'the Ctrl+F shortcut')
        say_nothing_wrong(app, 'the keyboard shortcuts', problems)
        key(KEY_ESCAPE)
        wait_for(lambda: not window_named(app, title) or
                 not window_named(app, title).get_state_set().contains(Atspi.StateType.VISIBLE),
                 'Escape to close the shortcuts')

        # F10, Down, Enter: Help, the questions and the numbers, in a window of its own
        key(KEY_F10)
        wait_for(lambda: (lambda n: n is not None and n.get_role() == Atspi.Role.MENU_ITEM)(
            focused(app.root)), 'F10 to open the main menu for Help')
        key(KEY_DOWN)
        wait_for(lambda: (lambda n: n is not None and n.get_name() ==
                          tr(language, '_Help').replace('_', ''))(focused(app.root)),
                 'Down to Help')
        key(KEY_RETURN)
        help_window = wait_for(lambda: window_named(app, tr(language, 'MyAltaMed Help')),
                               'the Help window')
        wait_for(lambda: '(888)\u00a0499\u20119303' in all_text(help_window),
                 'the Patient Service Center number in Help')
        say_nothing_wrong(app, 'the Help window', problems)
        key(KEY_ESCAPE)
        wait_for(lambda: not window_named(app, tr(language, 'MyAltaMed Help')) or
                 not window_named(app, tr(language, 'MyAltaMed Help')).get_state_set().contains(
                     Atspi.StateType.VISIBLE), 'Escape to close Help')
        # The keys go to the active window: wait for the main one to be active again (on a
        # busy machine F10 came before it was, and went nowhere)
        wait_for(lambda: any(w is not None and w.get_name() != tr(language, 'MyAltaMed Help') and
                             w.get_state_set().contains(Atspi.StateType.ACTIVE)
                             for w in (app.root.get_child_at_index(i)
                                       for i in range(app.root.get_child_count()))),
                 'the main window active again after Help')

        # F10, Down, Down, Enter: About, with both numbers a patient calls
        key(KEY_F10)
        wait_for(lambda: (lambda n: n is not None and n.get_role() == Atspi.Role.MENU_ITEM)(
            focused(app.root)), 'F10 to open the main menu again')
        key(KEY_DOWN)
        key(KEY_DOWN)
        wait_for(lambda: (lambda n: n is not None and n.get_name() ==
                          tr(language, '_About MyAltaMed').replace('_', ''))(focused(app.root)),
                 'Down to About')
        key(KEY_RETURN)
        about = wait_for(lambda: window_named(app, tr(language, 'About MyAltaMed')),
                         'the About window')
        text = all_text(about)
        for number in ('(844)\u00a0498\u20113446', '(888)\u00a0499\u20119303', '0.1.0'):
            assert number in text, '%r is not in the About window' % number
        say_nothing_wrong(app, 'the About window', problems)
    finally:
        app.stop()
    assert not problems, 'a screen reader would say:\n' + '\n'.join(problems)


@test
def f10_opens_the_main_menu_and_its_windows_read_right():
    main_menu_and_its_windows('en')


@test
def f10_opens_the_main_menu_and_its_windows_read_right_in_spanish():
    main_menu_and_its_windows('es')


@test
def each_summary_list_is_one_tab_stop():
    app = App(portal)
    try:
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, Grace'), 'the greeting')
        open_tab(app, 'en', 'Health Summary')
        medications = wait_for(lambda: (lambda t: t if len(t) >= 2 else None)(
            list_titles(app.root, 'Medications')), 'two medications or more')
        lists = ['Allergies', 'Medications', 'Health Problems', 'Immunizations']

        # Tab to the first list, from wherever the page starts
        for _ in range(40):
            row = focused_row(app.root)
            if row is not None and row[0] == 'Allergies':
                break
            key(KEY_TAB)
            time.sleep(0.2)
        allergy = wait_focus(app.root, lambda r: r[0] == 'Allergies', 'Tab to the allergies')

        # One Tab from each list to the first row of the next
        stops = [allergy]
        for name in lists[1:]:
            key(KEY_TAB)
            stops.append(wait_focus(app.root, lambda r, name=name: r[0] == name,
                                    'Tab from %s to %s' % (stops[-1][0], name)))
        log('Tab stops: %s' % stops)

        # Arrows move inside a list and stop at its ends; Tab comes back to the row it left
        shift_tab()
        shift_tab()
        first = wait_focus(app.root, lambda r: r[0] == 'Medications', 'Shift+Tab back to Medications')
        key(KEY_UP)
        key(KEY_DOWN)
        second = wait_focus(app.root, lambda r: r[0] == 'Medications' and r[1] != first[1],
                            'Down to the next medication')
        for _ in range(len(medications) + 2):
            key(KEY_DOWN)
        last = wait_focus(app.root, lambda r: r[0] == 'Medications' and r[1] not in (first[1], second[1])
                          or len(medications) == 2, 'Down to stop at the last medication')
        time.sleep(0.5)
        assert focused_row(app.root)[0] == 'Medications', 'Down left the list: %s' % (
            focused_row(app.root),)
        last = focused_row(app.root)
        key(KEY_TAB)
        wait_focus(app.root, lambda r: r[0] == 'Health Problems', 'Tab out to Health Problems')
        shift_tab()
        back = wait_focus(app.root, lambda r: r[0] == 'Medications', 'Shift+Tab to Medications')
        assert back == last, 'Shift+Tab came back to %s, not to %s' % (back, last)
    finally:
        app.stop()


@test
def home_list_is_one_tab_stop():
    app = App(portal)
    try:
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, Grace'), 'the greeting')
        news = wait_for(lambda: find(app.root, Atspi.Role.LIST, 'What’s New'), 'the news list')
        rows = wait_for(lambda: (lambda n: n if n >= 2 else None)(news.get_child_count()),
                        'its rows')
        for _ in range(40):
            row = focused_row(app.root)
            if row is not None and row[0] == 'What’s New':
                break
            key(KEY_TAB)
            time.sleep(0.2)
        first = wait_focus(app.root, lambda r: r[0] == 'What’s New', 'Tab to the news')
        key(KEY_DOWN)
        second = wait_focus(app.root, lambda r: r[0] == 'What’s New' and r != first,
                            'Down to the next row')
        key(KEY_TAB)
        wait_for(lambda: (lambda r: r is None or r[0] != 'What’s New')(focused_row(app.root)),
                 'Tab to leave the list, not to its next row')
        shift_tab()
        back = wait_focus(app.root, lambda r: r[0] == 'What’s New', 'Shift+Tab back to the list')
        assert back == second, 'Shift+Tab came back to %s, not to %s (of %d rows)' % (
            back, second, rows)
    finally:
        app.stop()


def selected_tab(root):
    """The name of the record page shown: the page tab whose state is SELECTED."""
    for node in walk(root):
        if node.get_role() == Atspi.Role.PAGE_TAB and \
                node.get_state_set().contains(Atspi.StateType.SELECTED):
            return node.get_name()
    return None


@test
def home_results_row_opens_test_results():
    app = App(portal)
    try:
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, Grace'), 'the greeting')
        wait_for(lambda: selected_tab(app.root) == 'Home' or None, 'Home shown')
        news = wait_for(lambda: find(app.root, Atspi.Role.LIST, 'What’s New'), 'the news list')
        row = wait_for(lambda: next((news.get_child_at_index(i)
                                     for i in range(news.get_child_count())
                                     if 'results' in (news.get_child_at_index(i).get_name() or '')),
                                    None), 'the results row')
        # GTK 4.8 gives list rows no AT-SPI action: a keyboard reaches it as a person does
        for _ in range(40):
            if focused_row(app.root) is not None and focused_row(app.root)[0] == 'What’s New':
                break
            key(KEY_TAB)
            time.sleep(0.2)
        wait_focus(app.root, lambda r: r[0] == 'What’s New', 'Tab to the news')
        for _ in range(news.get_child_count()):
            if 'results' in (focused(app.root).get_name() or ''):
                break
            key(KEY_DOWN)
            time.sleep(0.2)
        assert focused(app.root).get_name() == row.get_name(), 'the results row not focused'
        key(KEY_RETURN)
        wait_for(lambda: selected_tab(app.root) == 'Test Results' or None,
                 'Test Results shown after the row (shown: %s)' % selected_tab(app.root))
    finally:
        app.stop()


SUPPORT_NUMBER = '(844)\u00a0498\u20113446'
STATION_NOTICE = ('This is a staff account, for the enrollment station. To help a patient '
                  'enroll, sign in at the enrollment station. To see your own health record, '
                  'sign in here with your patient account.')


def support_numbers(root):
    """The nodes that show the Patient Support Line's number."""
    found = []
    for node in walk(root):
        try:
            if '498' in (node.get_name() or '') or '498' in text_of(node):
                found.append(node)
        except GLib.Error:
            continue
    return found


@test
def the_sign_in_page_shows_the_number_once_and_no_sign_out():
    app = App(portal)
    try:
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, 'Sign in to MyAltaMed'), 'the page')
        # Nobody is signed in: no sign-out button at all, not a greyed-out one
        assert find(app.root, Atspi.Role.PUSH_BUTTON, 'Sign Out') is None, 'a sign-out button'
        # The page's part for signing in (GTK 4.8 keeps its other ways in, hidden, in the
        # tree: each says the number its own way)
        page = wait_for(lambda: find(app.root, Atspi.Role.PANEL, 'Sign in to MyAltaMed'),
                        'the sign-in part of the page')
        numbers = support_numbers(page)
        assert len(numbers) == 1 and SUPPORT_NUMBER in text_of(numbers[0]), \
            [text_of(n) for n in numbers]
        # A message that asks to call points to it, and does not say it again
        sign_in(app, 'grace', 'not-her-password')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='is not correct'),
                 'the wrong-password message')
        numbers = support_numbers(page)
        assert len(numbers) == 1, [text_of(n) for n in numbers]
    finally:
        app.stop()


@test
def a_staff_account_is_told_about_the_enrollment_station():
    for language in ('en', 'es'):
        app = App(portal, language=language)
        try:
            sign_in(app, 'frontdesk', 'Clinic-Desk-Station-1', spanish=language == 'es')
            wait_for(lambda: find(app.root, Atspi.Role.LABEL, tr(language, STATION_NOTICE)),
                     'the enrollment station notice in %s' % language)
            # No record, and the form keeps the username
            assert 'Hello' not in all_text(app.root) and 'Hola' not in all_text(app.root)
            assert find(app.root, Atspi.Role.PUSH_BUTTON, tr(language, 'Sign Out')) is None
            username = find(app.root, Atspi.Role.TEXT, tr(language, 'Username'))
            assert text_of(username) == 'frontdesk', text_of(username)
        finally:
            app.stop()


def add_released_result(patient_id):
    """A glucose result the clinic adds and releases now, through the admin tool."""
    admin = [PORTALD, 'admin', '--data-dir', os.path.join(portal.dir, 'data'),
             '--config', portal.config]
    added = subprocess.run(admin + ['add-result', '--patient-id', patient_id,
                                    '--panel', '2345-7|Glucose',
                                    '--observation', '2345-7|Glucose|101|mg/dL|70|99'],
                           check=True, capture_output=True, text=True)
    subprocess.run(admin + ['release-result', '--report-id', added.stdout.split()[-1]],
                   check=True, capture_output=True)


def focused_home_row(app):
    """The name of the focused row of Home's list, else None."""
    node = focused(app.root)
    if node is None or node.get_role() != Atspi.Role.LIST_ITEM:
        return None
    parent = node.get_parent()
    return node.get_name() if parent is not None and parent.get_name() == 'What’s New' else None


@test
def grace_then_daniel_each_land_on_home_with_their_own_news():
    # Each signs in once here: then the app's sign-in counts only what the clinic releases
    # after, one result for Grace and none for Daniel
    for username, password in (('grace', 'Orchard-Lantern-42'), ('daniel', 'Harbor-Kite-1988')):
        portal.request('/api/v1/sessions', {'username': username, 'password': password})
    # The portal's times are in whole seconds: the release must come in a later one
    signed_in = int(time.time())
    wait_for(lambda: int(time.time()) > signed_in, 'the next second')
    add_released_result('demo-adult')
    app = App(portal)
    try:
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        # Home, with the focus on its first row
        wait_for(lambda: (focused_home_row(app) or '').startswith(
            '1 new result since your last visit'), 'the focus on her one new result')
        tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, 'Test Results'), 'the tab')
        assert tab.do_action(0)
        wait_for(lambda: find(app.root, Atspi.Role.LIST, 'Test results'), 'her results')
        # (where the focus goes at sign-out: the_focus_after_sign_out_is_on_the_first_empty_field)
        press(app.root, 'Sign Out')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, 'You have signed out.'), 'the notice')

        sign_in(app, 'daniel', 'Harbor-Kite-1988')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, Daniel'), 'his greeting')
        # Home again, not the results Grace left open, and his own count
        wait_for(lambda: (focused_home_row(app) or '').startswith(
            'No new results since your last visit'), 'the focus on his news, on Home')
    finally:
        app.stop()


def cancel_keyring_prompt():
    """Presses Cancel in gnome-keyring's prompt, when there is one; whether it did."""
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        prompter = desktop.get_child_at_index(i)
        if prompter is not None and prompter.get_name() == 'gcr-prompter':
            cancel = find(prompter, Atspi.Role.PUSH_BUTTON, contains='Cancel')
            if cancel is not None:
                log('cancelling the keyring\'s prompt')
                return cancel.do_action(0)
    return False


def focus_reported(events, role, name):
    """Whether @events (object:state-changed:focused events, as (gained, role, name)) say
    the field of @role named @name gained the focus."""
    return any(gained and event_role == role and event_name == name
               for gained, event_role, event_name in events)


@test
def the_focus_after_sign_out_is_on_the_first_empty_field():
    # A screen reader hears where the focus lands: the field's FOCUSED state, and the
    # focus event it announces from
    events = []

    def on_focus(event):
        try:
            events.append((event.detail1 == 1, event.source.get_role(), event.source.get_name()))
        except GLib.Error:
            pass  # a node of the record, gone with it

    listener = Atspi.EventListener.new(on_focus)
    listener.register('object:state-changed:focused')
    app = App(portal)
    try:
        for username, password, remember in (('grace', 'Orchard-Lantern-42', False),
                                             ('daniel', 'Harbor-Kite-1988', True)):
            if remember:
                # GTK 4.8 tells a switch as a check box
                switch = wait_for(lambda: find(app.root, Atspi.Role.CHECK_BOX,
                                               'Remember my username'),
                                  'the Remember my username switch')
                assert switch.do_action(0)
                wait_for(lambda: switch.get_state_set().contains(Atspi.StateType.CHECKED),
                         'the switch on')
            sign_in(app, username, password)
            wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, '), 'the greeting')
            if remember:
                # A keyring that asks for a password first (gnome-keyring's prompt, a window
                # of its own that takes the focus): no, thanks. The app then keeps the
                # username for this run only, as it does with no keyring at all
                wait_for(lambda: cancel_keyring_prompt() or focused_home_row(app),
                         'the focus on Home')
                wait_for(lambda: focused_home_row(app), 'the focus on Home again')
            else:
                wait_for(lambda: focused_home_row(app), 'the focus on Home')
            del events[:]
            press(app.root, 'Sign Out')
            wait_for(lambda: find(app.root, Atspi.Role.LABEL, 'You have signed out.'), 'the notice')
            # Not remembered: the username, empty. Remembered: it stays, and the password
            # is the field to fill
            role, name = (Atspi.Role.PASSWORD_TEXT, 'Password') if remember else \
                (Atspi.Role.TEXT, 'Username')
            field = wait_for(lambda: (remember and cancel_keyring_prompt() and None) or
                             (lambda node: node if node is not None and
                              node.get_role() == role and node.get_name() == name
                              else None)(focused(app.root)),
                             'the focus on the %s field' % name, timeout=20)
            pump_until(lambda: focus_reported(events, role, name), 'the focus event of %s' % name)
            assert text_of(field) == '', 'the %s field is not empty' % name
            kept = text_of(find(app.root, Atspi.Role.TEXT, 'Username'))
            assert kept == (username if remember else ''), 'the username field holds %r' % kept
            log('after %s signed out: the focus on %s' % (username, name))
    finally:
        listener.deregister('object:state-changed:focused')
        app.stop()


# The idle warning and sign-out are tested in tests/test-client-wipe.c, on a clock the test
# moves: here they would wait 80 real seconds.


portal.stop()
finish()
