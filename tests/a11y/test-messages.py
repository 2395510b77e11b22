#!/usr/bin/python3
# test-messages.py: the Messages page of the real app against the real demo portal, driven
# through accessibility (AT-SPI): a message sent, answered by the clinic (`admin
# reply-message`), seen unread and counted on Home, opened and read; the portal stopped before
# a send, and stopped with the send in flight (SIGSTOP, then SIGKILL): the text stays, Retry
# sends it once the portal is back, exactly one message arrives; a 500 then a slow portal; a
# proxy's message for a child's record; a message in Spanish. Prints TAP.
#
#   test-messages.py MYALTAMED MYALTAMED_PORTALD
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import signal
import subprocess
import sys
import time
import uuid

# altaatspi first: it keeps the test environment's G_DEBUG for the app, away from this
# driver
from altaatspi import APP_G_DEBUG, finish, start_accessibility_bus, test, tr  # noqa: E402
from altaatspi import Portal as DemoPortal  # noqa: E402
from altaatspi import PortalProxy  # noqa: E402
from altaatspi import all_text, find, find_app, text_of, type_into, wait_for, walk  # noqa: E402
from altaatspi import press as press_containing  # noqa: E402
from altaatspi import spoken_problems  # noqa: E402
import gi  # noqa: E402,I100

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

APP, PORTALD = sys.argv[1], sys.argv[2]


class App:
    def __init__(self, portal, language=None):
        env = dict(os.environ)
        if APP_G_DEBUG:
            env['G_DEBUG'] = APP_G_DEBUG
        if language:
            env['LANGUAGE'] = language
        # A spinner redraws the whole window each frame with GL on Xvfb's software
        # rasterizer, and each accessibility request then waits for a frame: cairo redraws
        # only the spinner.
        env['GSK_RENDERER'] = 'cairo'
        self.process = subprocess.Popen([APP, '--server', portal.url, '--ca-file', portal.ca],
                                        env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        self.root = wait_for(lambda: find_app(self.process.pid), 'the app on the bus')

    def stop(self):
        self.process.terminate()
        self.process.wait()


def sign_in(app, username, password, language='en'):
    type_into(app.root, tr(language, 'Username'), username)
    type_into(app.root, tr(language, 'Password'), password, role=Atspi.Role.PASSWORD_TEXT)
    press_containing(app.root, tr(language, '_Sign In').replace('_', ''))


def press(root, name, timeout=60):
    """Presses the button named exactly @name ("New Message", not "Check for New Messages")."""
    button = wait_for(lambda: find(root, Atspi.Role.PUSH_BUTTON, name, shown=True),
                      'the %s button' % name, timeout)
    assert button.do_action(0)
    return button


def token_of(portal, username, password):
    return portal.request('/api/v1/sessions', {'username': username,
                                               'password': password})['access_token']


def messages_with_text(portal, token, patient, text):
    """The record's messages that say exactly @text, as the portal keeps them."""
    bundle = portal.request('/fhir/R4/Communication?patient=%s&_count=200' % patient, token=token)
    return [entry['resource'] for entry in bundle.get('entry', [])
            if entry['resource'].get('payload', [{}])[0].get('contentString') == text]


def unread_count(portal, token, patient):
    bundle = portal.request('/fhir/R4/Communication?patient=%s&_count=200' % patient, token=token)
    count = 0
    for entry in bundle.get('entry', []):
        message = entry['resource']
        sender = message.get('sender', {}).get('reference', '')
        if not sender.startswith(('Patient/', 'RelatedPerson/')) and 'received' not in message:
            count += 1
    return count


def open_tab(app, language, title):
    tab = wait_for(lambda: find(app.root, Atspi.Role.PAGE_TAB, tr(language, title)), title)
    assert tab.do_action(0)


def thread_button(app, contains):
    conversations = find(app.root, Atspi.Role.LIST, 'Conversations')
    if conversations is None:
        return None
    return find(conversations, Atspi.Role.PUSH_BUTTON, contains=contains)


def compose(app, subject, text, language='en'):
    # The record's messages loaded first: its conversations, or the word that it has none
    empty = tr(language, 'No messages yet. Write to your care team with New Message.')
    wait_for(lambda: find(app.root, Atspi.Role.LIST, tr(language, 'Conversations')) or
             find(app.root, Atspi.Role.LABEL, contains=empty), 'the messages to load')
    press(app.root, tr(language, 'New Message'))
    type_into(app.root, tr(language, 'Subject'), subject)
    type_into(app.root, tr(language, 'Message'), text)


def says_not_urgent(app, language):
    """Every compose view says messages are not for urgent matters, with the numbers."""
    notice = wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='(888) 499-9303'),
                      'the not-for-urgent-matters notice')
    words = text_of(notice)
    assert '911' in words, words
    expected = tr(language, 'Messages are not for urgent matters. If you need attention right '
                  'away, call the Patient Service Center at (888) 499-9303; in an emergency, '
                  'call 911. Your care team usually replies within one to three business days.')
    assert words == expected, words


def wait_sent(app, text):
    """The thread of a message just sent, open: its text among its messages."""
    wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains=text), 'the message in its thread')


def care_team_member(portal, token, patient):
    bundle = portal.request('/fhir/R4/CareTeam?patient=' + patient, token=token)
    for entry in bundle['entry']:
        for participant in entry['resource'].get('participant', []):
            reference = participant.get('member', {}).get('reference', '')
            if reference.startswith('Practitioner/'):
                return reference.split('/', 1)[1]
    raise AssertionError('no clinician on the care team of ' + patient)


def admin(portal, *args):
    subprocess.run([PORTALD, 'admin', '--data-dir', os.path.join(portal.dir, 'data')] +
                   list(args), check=True, stdout=subprocess.DEVNULL)


def focused(root):
    for node in walk(root):
        try:
            if node.get_state_set().contains(Atspi.StateType.FOCUSED):
                return node
        except Exception:  # noqa: BLE001 (a node that went away)
            continue
    return None


def focus_row(app, starts):
    """Tabs (and moves down lists) until the focused row's name starts with @starts, as a
    keyboard user reaches Home's messages row."""
    arrow, last = 0xff54, None  # Down, and Up once Down stops moving
    for _ in range(60):
        node = focused(app.root)
        if node is not None and node.get_role() == Atspi.Role.LIST_ITEM:
            name = node.get_name() or ''
            if name.startswith(starts):
                return node
            if name == last:
                arrow = 0xff52
            last = name
            Atspi.generate_keyboard_event(arrow, None, Atspi.KeySynthType.SYM)
        else:
            Atspi.generate_keyboard_event(0xff09, None, Atspi.KeySynthType.SYM)  # Tab
        time.sleep(0.2)
    raise AssertionError('the keyboard never reached the row ' + starts)


def home_messages_row(app, language='en'):
    """The title of Home's messages row."""
    for node in walk(app.root):
        try:
            name = node.get_name() or ''
        except Exception:  # noqa: BLE001 (a node that went away)
            continue
        if node.get_role() == Atspi.Role.LIST_ITEM and ('unread message' in name or
                                                        'No unread messages' in name):
            return name
    return None


start_accessibility_bus()
portal = DemoPortal(PORTALD, prefix='alta-messages-')


@test
def send_answer_unread_read():
    token = token_of(portal, 'grace', 'Orchard-Lantern-42')
    practitioner = care_team_member(portal, token, 'demo-adult')
    tag = uuid.uuid4().hex[:8]
    subject = 'Blood pressure readings ' + tag
    text = 'My readings this week were around 135/85. Should I change anything? ' + tag
    answer = 'Those readings are fine; keep taking your medicine. ' + tag
    app = App(portal)
    try:
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, Grace'), 'the greeting')
        open_tab(app, 'en', 'Messages')
        compose(app, subject, text)
        says_not_urgent(app, 'en')
        problems = spoken_problems(app.root)
        assert not problems, 'the compose view reads wrong: %s' % problems
        press(app.root, 'Send')
        wait_sent(app, text)
        problems = spoken_problems(app.root)
        assert not problems, 'the thread reads wrong: %s' % problems
        sent = messages_with_text(portal, token, 'demo-adult', text)
        assert len(sent) == 1, sent
        assert sent[0]['topic']['text'] == subject
        assert sent[0]['sender']['reference'] == 'Patient/demo-adult'

        # The clinic answers; the app finds it when asked to check
        admin(portal, 'reply-message', '--to-message', sent[0]['id'], '--practitioner',
              practitioner, '--text', answer)
        unread = unread_count(portal, token, 'demo-adult')
        assert unread >= 1
        press(app.root, 'All Messages')
        press(app.root, 'Check for New Messages')
        button = wait_for(lambda: thread_button(app, 'Unread: ' + subject), 'the thread, unread')

        # Counted on Home
        open_tab(app, 'en', 'Home')
        expected = '%d unread message%s from your care team' % (unread, '' if unread == 1 else 's')
        wait_for(lambda: (home_messages_row(app) or '').startswith(expected), 'Home to count %d unread' % unread)

        # Home's row opens the page; opening the thread reads it
        row = wait_for(lambda: find(app.root, Atspi.Role.LIST_ITEM, contains=expected),
                       "Home's messages row")
        focus_row(app, expected)
        Atspi.generate_keyboard_event(0xff0d, None, Atspi.KeySynthType.SYM)  # Return
        button = wait_for(lambda: thread_button(app, 'Unread: ' + subject),
                          'the Messages page from Home')
        assert button.do_action(0)
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains=answer), 'the answer shown')
        wait_for(lambda: 'received' in messages_with_text(portal, token, 'demo-adult',
                                                          answer)[0], 'the answer marked read')
        press(app.root, 'All Messages')
        wait_for(lambda: thread_button(app, subject) is not None and
                 thread_button(app, 'Unread: ' + subject) is None, 'the thread marked read')
        open_tab(app, 'en', 'Home')
        left = unread_count(portal, token, 'demo-adult')
        assert left == unread - 1
        expected = 'No unread messages' if left == 0 else \
            '%d unread message%s from your care team' % (left, '' if left == 1 else 's')
        wait_for(lambda: (home_messages_row(app) or '').startswith(expected), 'Home to count one fewer')

        # A reply in the thread
        open_tab(app, 'en', 'Messages')
        button = wait_for(lambda: thread_button(app, subject), 'the thread')
        assert button.do_action(0)
        reply = 'Thank you, I will. ' + tag
        says_not_urgent(app, 'en')
        type_into(app.root, 'Your reply', reply)
        press(app.root, 'Send')
        wait_sent(app, reply)
        replied = messages_with_text(portal, token, 'demo-adult', reply)
        assert len(replied) == 1
        assert replied[0]['inResponseTo'] == [{'reference': 'Communication/' + sent[0]['id']}]
    finally:
        app.stop()


@test
def portal_stopped_during_a_send():
    token = token_of(portal, 'grace', 'Orchard-Lantern-42')
    tag = uuid.uuid4().hex[:8]
    subject = 'Refill question ' + tag
    text = 'Do I need an appointment before my next refill? ' + tag
    port = int(portal.url.rsplit(':', 1)[1])
    app = App(portal)
    try:
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, Grace'), 'the greeting')
        open_tab(app, 'en', 'Messages')
        compose(app, subject, text)
        portal.halt()
        try:
            press(app.root, 'Send')
            wait_for(lambda: find(app.root, Atspi.Role.LABEL,
                                  contains='MyAltaMed could not reach the portal'),
                     'the send to fail, said so')
            wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON, 'Retry'), 'Retry')
            message = find(app.root, Atspi.Role.TEXT, 'Message')
            assert text_of(message) == text, text_of(message)

            # The draft survives a switch of page
            open_tab(app, 'en', 'Home')
            open_tab(app, 'en', 'Messages')
            message = wait_for(lambda: find(app.root, Atspi.Role.TEXT, 'Message'), 'the draft')
            assert text_of(message) == text
            assert text_of(find(app.root, Atspi.Role.TEXT, 'Subject')) == subject
        finally:
            portal.start(port)
        press(app.root, 'Retry')
        wait_sent(app, text)
        assert len(messages_with_text(portal, token, 'demo-adult', text)) == 1

        # The compose view is empty again for the next message
        press(app.root, 'All Messages')
        press(app.root, 'New Message')
        assert text_of(wait_for(lambda: find(app.root, Atspi.Role.TEXT, 'Message'),
                                'the compose view')) == ''
        assert len(messages_with_text(portal, token, 'demo-adult', text)) == 1
    finally:
        app.stop()


@test
def portal_stopped_with_the_send_in_flight():
    """The portal stops (SIGSTOP) as Send is pressed, so the request waits in its socket
    with the spinner showing, and then dies (SIGKILL) with it unanswered."""
    token = token_of(portal, 'grace', 'Orchard-Lantern-42')
    tag = uuid.uuid4().hex[:8]
    subject = 'Flu shot ' + tag
    text = 'Can I get my flu shot at the Eastside clinic without an appointment? ' + tag
    port = int(portal.url.rsplit(':', 1)[1])
    app = App(portal)
    try:
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, Grace'), 'the greeting')
        open_tab(app, 'en', 'Messages')
        compose(app, subject, text)
        os.kill(portal.process.pid, signal.SIGSTOP)
        try:
            press(app.root, 'Send')
            wait_for(lambda: any((n.get_name() or '') == 'Sending' for n in walk(app.root)),
                     'the send in flight')
            os.kill(portal.process.pid, signal.SIGKILL)
            portal.process.wait()
            # Cut short, even mid-handshake: the network's problem (not the certificate's)
            wait_for(lambda: find(app.root, Atspi.Role.LABEL,
                                  contains='MyAltaMed could not reach the portal'),
                     'the send to fail, said so')
            wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON, 'Retry'), 'Retry')
            assert text_of(find(app.root, Atspi.Role.TEXT, 'Message')) == text
            assert text_of(find(app.root, Atspi.Role.TEXT, 'Subject')) == subject
        finally:
            if portal.process.poll() is None:
                os.kill(portal.process.pid, signal.SIGKILL)
                portal.process.wait()
            portal.start(port)
        press(app.root, 'Retry')
        wait_sent(app, text)
        token = token_of(portal, 'grace', 'Orchard-Lantern-42')
        assert len(messages_with_text(portal, token, 'demo-adult', text)) == 1
    finally:
        app.stop()


@test
def a_server_error_then_a_slow_server():
    token = token_of(portal, 'grace', 'Orchard-Lantern-42')
    tag = uuid.uuid4().hex[:8]
    text = 'Is the lab open on Saturdays? ' + tag
    faulty = PortalProxy(portal, faulty='/fhir/R4/Communication')
    app = App(faulty)
    try:
        sign_in(app, 'grace', 'Orchard-Lantern-42')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hello, Grace'), 'the greeting')
        open_tab(app, 'en', 'Messages')
        compose(app, 'Lab hours ' + tag, text)

        # A 500: said so, the text kept, nothing sent
        faulty.fault = '500'
        press(app.root, 'Send')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL,
                              contains='The portal has a problem right now'), 'the 500, said so')
        wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON, 'Retry'), 'Retry')
        assert text_of(find(app.root, Atspi.Role.TEXT, 'Message')) == text
        assert messages_with_text(portal, token, 'demo-adult', text) == []

        # A slow portal: a spinner and Cancel, the window answers; the portal makes the
        # message after Cancel, and sending again finds that one instead of a second
        faulty.fault = 'slow'
        press(app.root, 'Retry')
        wait_for(faulty.held.is_set, 'the send to reach the portal')
        wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON, 'Cancel'), 'Cancel')
        wait_for(lambda: any((n.get_name() or '') == 'Sending' for n in walk(app.root)),
                 'the spinner')
        started = time.monotonic()
        assert find(app.root, Atspi.Role.TEXT, 'Subject') is not None
        assert time.monotonic() - started < 10, 'the window answers slowly while it waits'
        press(app.root, 'Cancel')
        wait_for(lambda: find(app.root, Atspi.Role.PUSH_BUTTON, 'Send'), 'Send again')
        assert text_of(find(app.root, Atspi.Role.TEXT, 'Message')) == text
        faulty.fault = None
        faulty.release.set()
        wait_for(lambda: len(messages_with_text(portal, token, 'demo-adult', text)) == 1,
                 'the held send to arrive')
        press(app.root, 'Send')
        wait_sent(app, text)
        assert len(messages_with_text(portal, token, 'demo-adult', text)) == 1
    finally:
        app.stop()
        faulty.stop()


@test
def proxy_writes_about_a_child():
    token = token_of(portal, 'daniel', 'Harbor-Kite-1988')
    tag = uuid.uuid4().hex[:8]
    text = 'Mateo has had a cough for three days. ' + tag
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
        open_tab(app, 'en', 'Messages')
        compose(app, 'Cough ' + tag, text)
        says_not_urgent(app, 'en')
        press(app.root, 'Send')
        wait_sent(app, text)
        sent = messages_with_text(portal, token, 'demo-child', text)
        assert len(sent) == 1, sent
        assert sent[0]['sender']['reference'].startswith('RelatedPerson/'), sent[0]['sender']
        # What the proxy wrote is not counted unread
        press(app.root, 'All Messages')
        wait_for(lambda: thread_button(app, 'Cough ' + tag) is not None, 'the thread')
        assert thread_button(app, 'Unread: Cough ' + tag) is None
    finally:
        app.stop()


@test
def a_message_in_spanish():
    token = token_of(portal, 'grace', 'Orchard-Lantern-42')
    tag = uuid.uuid4().hex[:8]
    text = '¿Puedo tomar la metformina con el desayuno? ' + tag
    app = App(portal, language='es')
    try:
        sign_in(app, 'grace', 'Orchard-Lantern-42', language='es')
        wait_for(lambda: find(app.root, Atspi.Role.LABEL, contains='Hola, Grace'), 'el saludo')
        open_tab(app, 'es', 'Messages')
        compose(app, 'Pregunta ' + tag, text, language='es')
        says_not_urgent(app, 'es')
        press(app.root, tr('es', 'Send'))
        wait_sent(app, text)
        assert len(messages_with_text(portal, token, 'demo-adult', text)) == 1
        words = all_text(app.root)
        assert 'Usted' in words or 'usted' in words.lower(), 'the sender in Spanish'
    finally:
        app.stop()


portal.stop()
finish()
