#!/usr/bin/python3
# test-dbus-activation.py: the desktop file is DBusActivatable, so a desktop starts the app by
# its D-Bus service file. On a session bus of its own whose services are the build's
# net.myaltamed.MyAltaMed.service (in $XDG_DATA_DIRS, as installed), `gapplication launch`
# starts the app with --gapplication-service and one window opens; a second launch starts no
# second process and opens no second window: the same window, with what was typed in it, is
# presented. Driven through accessibility (AT-SPI). Prints TAP.
#
#   test-dbus-activation.py MYALTAMED MYALTAMED_PORTALD SERVICE-FILE
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import subprocess
import sys
import tempfile

APP, PORTALD, SERVICE = [os.path.abspath(a) for a in sys.argv[1:4]]
APP_ID = 'net.myaltamed.MyAltaMed'

# The bus comes first: the accessibility library finds its bus through the session bus,
# which must be this one before gi is imported (altaatspi imports it)
tmp = tempfile.mkdtemp(prefix='alta-dbus-activation-')
services = os.path.join(tmp, 'share', 'dbus-1', 'services')
os.makedirs(services)
with open(SERVICE, encoding='utf-8') as f:
    service = f.read()
exec_lines = [line for line in service.splitlines() if line.startswith('Exec=')]
with open(os.path.join(services, APP_ID + '.service'), 'w', encoding='utf-8') as f:
    # The installed Exec= names the installed app; this one runs the build's
    f.write(service.replace(exec_lines[0].split()[0], 'Exec=' + APP) if exec_lines else service)

os.environ['XDG_DATA_DIRS'] = os.path.join(tmp, 'share') + ':' + \
    os.environ.get('XDG_DATA_DIRS', '/usr/local/share:/usr/share')
os.environ['XDG_CONFIG_HOME'] = os.path.join(tmp, 'config')
os.environ['GSETTINGS_BACKEND'] = 'keyfile'
os.environ['GSK_RENDERER'] = 'cairo'
bus = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--print-address=1'],
                       stdout=subprocess.PIPE, text=True)
os.environ['DBUS_SESSION_BUS_ADDRESS'] = bus.stdout.readline().strip()

from altaatspi import APP_G_DEBUG, Portal, find, finish, log, test  # noqa: E402
from altaatspi import find_app, text_of, type_into, wait_for  # noqa: E402
from gi.repository import Atspi  # noqa: E402

app_env = dict(os.environ)
if APP_G_DEBUG:
    app_env['G_DEBUG'] = APP_G_DEBUG
# The activated app gets the bus's environment, from before altaatspi took G_DEBUG
# (fatal-warnings) out of the driver's


def owner_pid():
    """The process that owns the app's name on the bus, or None."""
    result = subprocess.run(
        ['dbus-send', '--session', '--print-reply=literal', '--dest=org.freedesktop.DBus',
         '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetConnectionUnixProcessID',
         'string:' + APP_ID], capture_output=True, text=True)
    if result.returncode != 0:
        return None
    return int(result.stdout.split()[-1])


def frames(root):
    return [root.get_child_at_index(i) for i in range(root.get_child_count())
            if root.get_child_at_index(i).get_role() == Atspi.Role.FRAME]


def launch():
    result = subprocess.run(['gapplication', 'launch', APP_ID], env=app_env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, 'gapplication launch: %d %s' % (result.returncode,
                                                                   result.stderr)


portal = Portal(PORTALD, prefix='alta-dbus-portal-')
# The app's settings name the portal (a launch over D-Bus has no --server)
settings = os.path.join(tmp, 'config', 'glib-2.0', 'settings')
os.makedirs(settings)
with open(os.path.join(settings, 'keyfile'), 'w', encoding='utf-8') as f:
    f.write("[net/myaltamed/MyAltaMed]\nserver-url='%s'\nca-file='%s'\n" % (portal.url, portal.ca))

state = {}


@test
def nothing_runs_before_the_launch():
    assert owner_pid() is None, 'the name is owned already'


@test
def a_launch_over_dbus_starts_the_app_with_one_window():
    launch()
    pid = wait_for(owner_pid, 'the app owning its name on the bus')
    with open('/proc/%d/cmdline' % pid, 'rb') as f:
        argv = f.read().split(b'\0')
    assert b'--gapplication-service' in argv, argv
    state['pid'] = pid
    state['root'] = wait_for(lambda: find_app(pid), 'the app on the accessibility bus')
    wait_for(lambda: find(state['root'], Atspi.Role.TEXT, 'Username'), 'the sign-in page')
    assert len(frames(state['root'])) == 1, 'windows: %d' % len(frames(state['root']))
    type_into(state['root'], 'Username', 'grace')


@test
def a_second_launch_presents_the_same_window():
    launch()
    assert owner_pid() == state['pid'], 'another process owns the name'
    processes = subprocess.run(['pgrep', '-x', '-f', APP + ' --gapplication-service'],
                               capture_output=True, text=True).stdout.split()
    assert processes == [str(state['pid'])], 'app processes: %s' % processes
    assert len(frames(state['root'])) == 1, 'windows: %d' % len(frames(state['root']))
    entry = find(state['root'], Atspi.Role.TEXT, 'Username')
    assert text_of(entry) == 'grace', 'the username reads %r' % text_of(entry)


def stop():
    pid = state.get('pid')
    if pid is not None:
        log('stopping the app, %d' % pid)
        os.kill(pid, 15)
    portal.stop()
    bus.terminate()
    bus.wait()
    shutil.rmtree(tmp, ignore_errors=True)


stop()
finish()
