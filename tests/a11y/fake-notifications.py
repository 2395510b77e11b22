#!/usr/bin/python3
# fake-notifications.py: a desktop's notification server on the test's private session bus.
# Owns org.freedesktop.Notifications (GLib's fallback notification backend, the one an app
# outside a sandbox uses when no org.gtk.Notifications server runs) and writes each call it
# gets as a line of JSON to LOG: {"call": "Notify", "id": N, "app_name": ..., "summary": ...,
# "body": ..., "actions": [...], "hints": {...}} or {"call": "CloseNotification", "id": N}.
# It prints "ready" once it owns the name. Its method net.myaltamed.Test.Invoke(u id, s action)
# emits ActionInvoked, then NotificationClosed, as the server a person clicked in would.
#
#   fake-notifications.py LOG
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import sys

from gi.repository import Gio, GLib

INTERFACES = '''
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
  </interface>
  <interface name="net.myaltamed.Test">
    <method name="Invoke"><arg type="u" direction="in"/><arg type="s" direction="in"/></method>
  </interface>
</node>
'''
PATH = '/org/freedesktop/Notifications'

log = open(sys.argv[1], 'a', buffering=1)
last_id = 0


def write(entry):
    log.write(json.dumps(entry) + '\n')


def plain(value):
    """A hint's value as JSON can hold it."""
    if isinstance(value, (bytes, bytearray)):
        return value.decode('utf-8', 'replace')
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def on_call(connection, sender, path, interface, method, parameters, invocation):
    global last_id
    if method == 'Notify':
        app_name, replaces, icon, summary, body, actions, hints, timeout = parameters.unpack()
        if replaces:
            number = replaces
        else:
            last_id += 1
            number = last_id
        write({'call': 'Notify', 'id': number, 'app_name': app_name, 'icon': icon,
               'summary': summary, 'body': body, 'actions': actions,
               'hints': {k: plain(v) for k, v in hints.items()}})
        invocation.return_value(GLib.Variant('(u)', (number,)))
    elif method == 'CloseNotification':
        (number,) = parameters.unpack()
        write({'call': 'CloseNotification', 'id': number})
        invocation.return_value(None)
        connection.emit_signal(None, PATH, 'org.freedesktop.Notifications',
                               'NotificationClosed', GLib.Variant('(uu)', (number, 3)))
    elif method == 'GetCapabilities':
        invocation.return_value(GLib.Variant('(as)', (['actions', 'body'],)))
    elif method == 'GetServerInformation':
        invocation.return_value(GLib.Variant('(ssss)', ('fake', 'myaltamed-tests', '1', '1.2')))
    elif method == 'Invoke':
        number, action = parameters.unpack()
        # As a server does: the action, then the notification closes (reason 2: dismissed)
        write({'call': 'Invoked', 'id': number, 'action': action})
        connection.emit_signal(None, PATH, 'org.freedesktop.Notifications', 'ActionInvoked',
                               GLib.Variant('(us)', (number, action)))
        connection.emit_signal(None, PATH, 'org.freedesktop.Notifications',
                               'NotificationClosed', GLib.Variant('(uu)', (number, 2)))
        invocation.return_value(None)


def on_bus(connection, name):
    info = Gio.DBusNodeInfo.new_for_xml(INTERFACES)
    for interface in info.interfaces:
        connection.register_object(PATH, interface, on_call, None, None)


def on_name(connection, name):
    print('ready', flush=True)


def on_lost(connection, name):
    print('lost the name', file=sys.stderr, flush=True)
    loop.quit()


loop = GLib.MainLoop()
Gio.bus_own_name(Gio.BusType.SESSION, 'org.freedesktop.Notifications',
                 Gio.BusNameOwnerFlags.NONE, on_bus, on_name, on_lost)
loop.run()
