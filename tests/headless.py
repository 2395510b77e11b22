#!/usr/bin/python3
# headless.py: runs one client test on an X display, a D-Bus session bus and XDG folders of
# its own, so that no test inherits what another left: the accessibility bus an app names on
# the display's root window (AT_SPI_BUS, stale once that app's session bus is gone: GTK then
# logs a critical, fatal in the tests), a window manager, a registry, files. With nothing
# shared, the client tests can run side by side.
#
#   headless.py COMMAND [ARGUMENT...]
#
# Xvfb picks a free display number itself and writes it to a pipe (-displayfd), so that two
# of these started at once never race for one number as `xvfb-run -a` can.
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import signal
import subprocess
import sys
import tempfile


def start_display(log_path):
    """An Xvfb of 1280×1024 (or $HEADLESS_SCREEN, WIDTHxHEIGHT, for screenshots) on a free
    display: (its process, its DISPLAY)."""
    reader, writer = os.pipe()
    with open(log_path, 'w') as log:
        xvfb = subprocess.Popen(
            ['Xvfb', '-displayfd', str(writer), '-screen', '0',
             os.environ.get('HEADLESS_SCREEN', '1280x1024') + 'x24',
             '-nolisten', 'tcp', '-noreset'],
            pass_fds=(writer,), stdout=log, stderr=subprocess.STDOUT)
    os.close(writer)
    number = b''
    while not number.endswith(b'\n'):
        chunk = os.read(reader, 16)
        if not chunk:
            break
        number += chunk
    os.close(reader)
    if not number.strip():
        xvfb.wait()
        with open(log_path, errors='replace') as log:
            sys.stderr.write(log.read())
        raise SystemExit('headless.py: Xvfb did not start')
    return xvfb, ':' + number.decode().strip()


def start_bus(env, log_path):
    """A session bus of its own: (its process, its address)."""
    reader, writer = os.pipe()
    with open(log_path, 'w') as log:
        bus = subprocess.Popen(
            ['dbus-daemon', '--session', '--nofork', '--nopidfile',
             '--print-address=%d' % writer],
            pass_fds=(writer,), stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, env=env)
    os.close(writer)
    address = b''
    while not address.endswith(b'\n'):
        chunk = os.read(reader, 256)
        if not chunk:
            break
        address += chunk
    os.close(reader)
    if not address.strip():
        raise SystemExit('headless.py: dbus-daemon did not start')
    return bus, address.decode().strip()


def main():
    if len(sys.argv) < 2:
        raise SystemExit('usage: headless.py COMMAND [ARGUMENT...]')
    work = tempfile.mkdtemp(prefix='alta-headless-')
    env = dict(os.environ)
    for name in ('DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS', 'AT_SPI_BUS_ADDRESS'):
        env.pop(name, None)
    for variable, folder in (('XDG_RUNTIME_DIR', 'runtime'), ('XDG_DATA_HOME', 'data'),
                             ('XDG_CACHE_HOME', 'cache'), ('XDG_CONFIG_HOME', 'config')):
        env[variable] = os.path.join(work, folder)
        os.mkdir(env[variable], 0o700)
    xvfb, env['DISPLAY'] = start_display(os.path.join(work, 'xvfb.log'))
    test = bus = None
    bus_log_path = os.path.join(work, 'dbus.log')
    try:
        # The bus's own output and that of the services it starts (the accessibility
        # registry prints to its stdout) go to a log, not into the test's TAP
        bus, env['DBUS_SESSION_BUS_ADDRESS'] = start_bus(env, bus_log_path)
        test = subprocess.Popen(sys.argv[1:], env=env)
        # meson stops a test that runs out of time with SIGTERM: the test goes with us
        signal.signal(signal.SIGTERM, lambda *_: test.terminate())
        status = test.wait()
    finally:
        if test is not None and test.poll() is None:
            test.kill()
        if bus is not None:
            bus.terminate()
            bus.wait()
            if test is None or test.returncode != 0:
                with open(bus_log_path, errors='replace') as log:
                    sys.stderr.write(log.read())
        xvfb.terminate()
        xvfb.wait()
        # An accessibility bus or a registry of the test's session, when still up
        subprocess.run(['pkill', '-f', work], check=False)
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(status if status >= 0 else 128 - status)


if __name__ == '__main__':
    main()
