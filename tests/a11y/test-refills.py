#!/usr/bin/python3
# test-refills.py: refill requests, "Learn more" links and Help, in the real app against the
# real demo portal, driven through accessibility (AT-SPI). Run by meson under Xvfb and a
# private session bus (tools/test); prints TAP.
#
#   test-refills.py MYALTAMED MYALTAMED_PORTALD
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import subprocess
import sys
import time
import urllib.parse

# altaatspi first: it keeps the test environment's G_DEBUG for the app, away from this
# driver
from altaatspi import APP_G_DEBUG, finish, log, start_accessibility_bus, test, tr  # noqa: E402
from altaatspi import Portal as DemoPortal  # noqa: E402
from altaatspi import find, find_app, press, spoken_problems, text_of, type_into  # noqa: E402
from altaatspi import wait_for, walk  # noqa: E402
import gi  # noqa: E402,I100

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, GLib  # noqa: E402

APP, PORTALD = sys.argv[1], sys.argv[2]

RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm'
METFORMIN, AMLODIPINE, ALBUTEROL = '861007', '197361', '745679'


class App:
    def __init__(self, portal, language=None):
        self.env = dict(os.environ)
        if APP_G_DEBUG:
            self.env['G_DEBUG'] = APP_G_DEBUG
        if language:
            self.env['LANGUAGE'] = language
        self.process = subprocess.Popen([APP, '--server', portal.url, '--ca-file', portal.ca],
                                        env=self.env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        self.root = wait_for(lambda: find_app(self.process.pid),
                             'the app on the accessibility bus', timeout=90)

    def stop(self):
        self.process.terminate()
        self.process.wait()


def sign_in(app, username, password, language='en'):
    type_into(app.root, tr(language, 'Username'), username)
    type_into(app.root, tr(language, 'Password'), password, role=Atspi.Role.PASSWORD_TEXT)
    # The button's label has a mnemonic: its name is the label without it
    press(app.root, 'Iniciar sesión' if language == 'es' else 'Sign In')


def open_tab(app, language, title):
    tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, tr(language, title)),
                   'the %s tab' % title)
    assert tab.do_action(0)


def medication_row(app, title):
    """The row of the medication named @title in the Medications list."""
    def look():
        listing = find(app.root, Atspi.Role.LIST, tr(app.language, 'Medications'))
        for i in range(listing.get_child_count() if listing else 0):
            row = listing.get_child_at_index(i)
            if row is not None and row.get_role() == Atspi.Role.LIST_ITEM and \
                    row.get_name() == title:
                return row
        return None
    return wait_for(look, 'the row of %s' % title)


def row_text(row):
    """What a screen reader reads of a row: its labels."""
    try:
        return '\n'.join(text_of(n) for n in walk(row) if text_of(n))
    except GLib.Error:
        return ''


def row_says(app, title, text):
    return wait_for(lambda: text in row_text(medication_row(app, title)),
                    '%r on the row of %s' % (text, title))


def focused(root):
    """The node of @root that has the keyboard focus, or None."""
    for node in walk(root):
        try:
            if node.get_state_set().contains(Atspi.StateType.FOCUSED):
                return node
        except GLib.Error:
            continue
    return None


def token_of(portal, username, password):
    return portal.request('/api/v1/sessions', {'username': username,
                                               'password': password})['access_token']


def medication_id(portal, token, patient, code):
    bundle = portal.request('/fhir/R4/MedicationRequest?patient=%s' % patient, token=token)
    for entry in bundle['entry']:
        resource = entry['resource']
        if any(c.get('code') == code for c in resource['medicationCodeableConcept']['coding']):
            return resource['id']
    raise AssertionError('no medication %s' % code)


def refill_tasks(portal, token, patient, medication):
    bundle = portal.request('/fhir/R4/Task?patient=%s&code=refill-request' % patient,
                            token=token)
    return [e['resource'] for e in bundle.get('entry', [])
            if e['resource']['focus']['reference'] == 'MedicationRequest/' + medication]


def admin(portal, *args):
    subprocess.run([PORTALD, 'admin', '--data-dir', os.path.join(portal.dir, 'data'),
                    '--config', portal.config] + list(args),
                   check=True, stdout=subprocess.DEVNULL)


def pending(tasks):
    return [t for t in tasks if t['status'] not in ('completed', 'rejected', 'cancelled',
                                                     'failed', 'entered-in-error', 'draft')]


def refill_dialog(app):
    return wait_for(lambda: next((w for w in (app.root.get_child_at_index(i)
                                              for i in range(app.root.get_child_count()))
                                  if w is not None and
                                  w.get_name() == tr(app.language, 'Request a Refill')), None),
                    'the refill dialog')


def request_refill(app, title, note):
    press(app.root, tr(app.language, 'Request a refill of %s') % title)
    dialog = refill_dialog(app)
    type_into(dialog, tr(app.language, 'Note for the pharmacy (optional)'), note)
    press(dialog, tr(app.language, 'Send Request'))
    return dialog


def learn_more_link(root, name):
    return wait_for(lambda: find(root, Atspi.Role.LINK, name) or
                    find(root, Atspi.Role.PUSH_BUTTON, name), 'the link %r' % name)


def link_uri(link):
    """The link's URI, where GTK gives it through the Hyperlink interface."""
    try:
        hyperlink = link.get_hyperlink()
        return hyperlink.get_uri(0) if hyperlink is not None else None
    except (GLib.Error, AttributeError, NotImplementedError, TypeError):
        return None


def check_medlineplus(uri, system_oid, code, language):
    query = urllib.parse.parse_qs(urllib.parse.urlparse(uri).query)
    assert uri.startswith('https://connect.medlineplus.gov/application?'), uri
    assert query['mainSearchCriteria.v.cs'] == [system_oid], uri
    assert query['mainSearchCriteria.v.c'] == [code], uri
    assert query['informationRecipient.languageCode.c'] == [language], uri


start_accessibility_bus()
portal = DemoPortal(PORTALD, prefix='alta-refills-')


@test
def request_a_refill_see_it_pending_then_done():
    token = token_of(portal, 'grace', 'Orchard-Lantern-42')
    metformin = medication_id(portal, token, 'demo-adult', METFORMIN)
    # The demo's own request for her metformin is answered first: one refill used, two left
    for task in pending(refill_tasks(portal, token, 'demo-adult', metformin)):
        admin(portal, 'complete-refill', '--task', task['id'])
    before = refill_tasks(portal, token, 'demo-adult', metformin)

    app = App(portal)
    app.language = 'en'
    try:
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        open_tab(app, 'en', 'Health Summary')
        title = 'Metformin 500 mg tablet'
        row_says(app, title, 'Refill approved and sent to the pharmacy')
        row_says(app, title, '2 refills left')
        # Known beforehand: none left, and a medicine no longer taken
        row_says(app, 'Lisinopril 10 mg tablet',
                 'No refills left: ask your care team at your next visit')
        row_says(app, 'Atorvastatin 20 mg tablet', 'No longer taken: refills cannot be requested')
        assert find(app.root, Atspi.Role.PUSH_BUTTON,
                    'Request a refill of Lisinopril 10 mg tablet') is None
        assert find(app.root, Atspi.Role.PUSH_BUTTON,
                    'Request a refill of Atorvastatin 20 mg tablet') is None

        dialog = request_refill(app, title, 'I will pick it up on Friday.')
        row_says(app, title, 'waiting for the clinic')
        wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON,
                              'Request a refill of ' + title) is None, 'the button to go')
        tasks = refill_tasks(portal, token, 'demo-adult', metformin)
        assert len(tasks) == len(before) + 1, tasks
        new = pending(tasks)
        assert len(new) == 1 and new[0]['note'][0]['text'] == 'I will pick it up on Friday.', new
        del dialog

        # The clinic sends it; the page reads the requests again when it is shown again
        admin(portal, 'complete-refill', '--task', new[0]['id'])
        open_tab(app, 'en', 'Home')
        time.sleep(0.3)
        open_tab(app, 'en', 'Health Summary')
        row_says(app, title, 'Refill approved and sent to the pharmacy')
        row_says(app, title, '1 refill left')
        press(app.root, 'Request a refill of ' + title)
        press(refill_dialog(app), 'Cancel')

        # Learn more, named for what it is about
        link = learn_more_link(app.root, 'Learn more about ' + title)
        uri = link_uri(link)
        if uri is not None:
            check_medlineplus(uri, '2.16.840.1.113883.6.88', METFORMIN, 'en')
        else:
            log('no hyperlink interface: the URL is checked by the medlineplus unit test')
        learn_more_link(app.root, 'Learn more about Type 2 diabetes')

        # The keyboard reaches a row's buttons: Tab to the medications, Right from a row to
        # its first button, Left back to the row
        def medication_focused():
            node = focused(app.root)
            try:
                if node is not None and node.get_role() == Atspi.Role.LIST_ITEM and \
                        node.get_parent().get_name() == 'Medications':
                    return node
            except GLib.Error:
                pass
            return None
        for _ in range(40):
            if medication_focused():
                break
            Atspi.generate_keyboard_event(0xff09, None, Atspi.KeySynthType.SYM)  # Tab
            time.sleep(0.2)
        row = wait_for(medication_focused, 'Tab to the medications')
        name = row.get_name()
        Atspi.generate_keyboard_event(0xff53, None, Atspi.KeySynthType.SYM)  # Right
        wait_for(lambda: (focused(app.root) or row).get_name() in
                 ('Learn more about ' + name, 'Request a refill of ' + name),
                 'Right to a button of the row of ' + name)
        Atspi.generate_keyboard_event(0xff51, None, Atspi.KeySynthType.SYM)  # Left
        wait_for(lambda: medication_focused() is not None, 'Left back to the row')
        problems = spoken_problems(app.root)
        assert not problems, problems
    finally:
        app.stop()


@test
def a_second_request_while_pending_is_explained_in_spanish():
    token = token_of(portal, 'sofia', 'Girasol-Montana-7')
    patient = portal.request('/api/v1/me', token=token)['patient_id']
    amlodipine = medication_id(portal, token, patient, AMLODIPINE)
    app = App(portal, language='es')
    app.language = 'es'
    try:
        sign_in(app, 'sofia', 'Girasol-Montana-7', 'es')
        open_tab(app, 'es', 'Health Summary')
        title = 'Amlodipino 5 mg tableta'
        medication_row(app, title)
        # Someone else asked for it meanwhile (another device): the app does not know yet
        portal.request('/fhir/R4/Task', {
            'resourceType': 'Task', 'status': 'requested', 'intent': 'order',
            'code': {'coding': [{'system': 'https://myaltamed.net/fhir/CodeSystem/task-type',
                                 'code': 'refill-request'}]},
            'focus': {'reference': 'MedicationRequest/' + amlodipine},
            'for': {'reference': 'Patient/' + patient}}, token=token)

        note = 'La recojo el viernes.'
        dialog = request_refill(app, title, note)
        explained = tr('es', 'A refill of this medicine was already requested and is waiting '
                             'for the clinic.')
        assert explained != 'A refill of this medicine was already requested and is waiting ' \
                            'for the clinic.', 'not translated'
        wait_for(lambda: find(dialog, Atspi.Role.LABEL, contains=explained) or
                 find(dialog, Atspi.Role.ALERT, contains=explained), 'the explanation')
        entry = find(dialog, Atspi.Role.TEXT, tr('es', 'Note for the pharmacy (optional)'))
        assert text_of(entry) == note, 'the note was lost: %r' % text_of(entry)
        assert len(pending(refill_tasks(portal, token, patient, amlodipine))) == 1
        press(dialog, tr('es', 'Cancel'))
        # The row learnt it too
        row_says(app, title, tr('es', 'Refill requested on %s: waiting for the clinic')
                 .split('%s')[-1])

        # The clinic refuses it, with why: the row says so, and a new request can be made
        reason = 'Necesita una cita antes del próximo resurtido.'
        for task in pending(refill_tasks(portal, token, patient, amlodipine)):
            admin(portal, 'reject-refill', '--task', task['id'], '--reason', reason)
        open_tab(app, 'es', 'Home')
        time.sleep(0.3)
        open_tab(app, 'es', 'Health Summary')
        row_says(app, title, tr('es', 'Refill not approved: %s') % reason)
        wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON,
                              tr('es', 'Request a refill of %s') % title), 'the button again')
        problems = spoken_problems(app.root)
        assert not problems, problems
    finally:
        app.stop()


@test
def a_refill_for_a_proxy_record():
    token = token_of(portal, 'daniel', 'Harbor-Kite-1988')
    albuterol = medication_id(portal, token, 'demo-child', ALBUTEROL)
    app = App(portal)
    app.language = 'en'
    try:
        sign_in(app, 'daniel', 'Harbor-Kite-1988')
        switcher = wait_for(lambda: find(app.root, Atspi.Role.COMBO_BOX, 'Record shown'),
                            'the record switcher')
        opener = wait_for(lambda: next((n for n in walk(switcher) if n is not switcher and
                                        n.get_n_actions() > 0), None), 'the switcher button')
        banner = 'You are viewing the record of Mateo Reyes'
        # The keys go to the popup once it has the focus: a slow start is tried again
        for attempt in range(3):
            assert opener.do_action(0)
            time.sleep(0.5 * (attempt + 1))
            for key in (0xff54, 0xff0d):  # Down, Return: the second record, Mateo's
                Atspi.generate_keyboard_event(key, None, Atspi.KeySynthType.SYM)
                time.sleep(0.3)
            try:
                wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains=banner), 'the banner',
                         timeout=15)
                break
            except AssertionError:
                Atspi.generate_keyboard_event(0xff1b, None, Atspi.KeySynthType.SYM)  # Escape
                log('the record switcher did not switch; trying again')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains=banner), 'the banner')
        open_tab(app, 'en', 'Health Summary')
        listing = wait_for(lambda: find(app.root, Atspi.Role.LIST, 'Medications'), 'the list')
        title = wait_for(lambda: next((listing.get_child_at_index(i).get_name()
                                       for i in range(listing.get_child_count())
                                       if 'lbuterol' in (listing.get_child_at_index(i).get_name()
                                                         or '')), None), 'his albuterol')
        request_refill(app, title, '')
        row_says(app, title, 'waiting for the clinic')
        tasks = pending(refill_tasks(portal, token, 'demo-child', albuterol))
        assert len(tasks) == 1 and 'note' not in tasks[0], tasks
        assert tasks[0]['requester']['reference'].startswith('RelatedPerson/'), tasks[0]
    finally:
        app.stop()


@test
def help_opens_with_f1_before_signing_in_and_searches():
    app = App(portal)
    app.language = 'en'
    try:
        wait_for(lambda: find(app.root, Atspi.Role.TEXT, 'Username'), 'the sign-in page')
        Atspi.generate_keyboard_event(0xffbe, None, Atspi.KeySynthType.SYM)  # F1

        def help_window():
            for i in range(app.root.get_child_count()):
                window = app.root.get_child_at_index(i)
                if window is not None and window.get_name() == 'MyAltaMed Help':
                    return window
            return None
        window = wait_for(help_window, 'the Help window')
        question = 'I forgot my password. What should I do?'
        other = 'Is there a fee to use MyAltaMed?'
        wait_for(lambda: find(window, Atspi.Role.LABEL, contains=other), 'the questions')
        search = wait_for(lambda: next((n for n in walk(window)
                                        if n.get_role() == Atspi.Role.ENTRY and
                                        (n.get_name() or '').startswith('Search the')), None),
                          'the search entry')
        search.set_text_contents('forgot my password')
        wait_for(lambda: find(window, Atspi.Role.LABEL, contains=other) is None,
                 'the search to hide the other questions')
        assert find(window, Atspi.Role.LABEL, contains=question) is not None
        problems = spoken_problems(window)
        assert not problems, problems
    finally:
        app.stop()


@test
def help_from_the_main_menu_in_spanish():
    app = App(portal, language='es')
    app.language = 'es'
    try:
        wait_for(lambda: find(app.root, Atspi.Role.TEXT, tr('es', 'Username')), 'sign-in')
        Atspi.generate_keyboard_event(0xffc7, None, Atspi.KeySynthType.SYM)  # F10
        item = wait_for(lambda: find(app.root, Atspi.Role.MENU_ITEM, tr('es', 'Help')) or
                        find(app.root, Atspi.Role.PUSH_BUTTON, tr('es', 'Help')), 'Ayuda')
        assert item.do_action(0)
        title = tr('es', 'MyAltaMed Help')
        assert title != 'MyAltaMed Help'
        window = wait_for(lambda: next((w for w in (app.root.get_child_at_index(i)
                                                    for i in range(app.root.get_child_count()))
                                        if w is not None and w.get_name() == title), None),
                          'the Help window')
        wait_for(lambda: find(window, Atspi.Role.LABEL, contains='(888)'), 'the numbers')
    finally:
        app.stop()


portal.stop()
finish()
