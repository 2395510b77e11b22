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
import select
import shutil
import signal
import subprocess
import sys
import tempfile


def start_printing(argv, what, log_path, env=None):
    """Starts @argv, which writes one line (its display, its address) to the file descriptor
    its "{fd}" names: (the process, that line). Its output goes to @log_path; a process that
    says nothing within 30 s is a failed start."""
    reader, writer = os.pipe()
    with open(log_path, 'w') as log:
        process = subprocess.Popen([a.replace('{fd}', str(writer)) for a in argv],
                                   pass_fds=(writer,), stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, env=env)
    os.close(writer)
    line = b''
    while not line.endswith(b'\n') and select.select([reader], [], [], 30)[0]:
        chunk = os.read(reader, 256)
        if not chunk:
            break
        line += chunk
    os.close(reader)
    if not line.strip():
        process.kill()
        process.wait()
        with open(log_path, errors='replace') as log:
            sys.stderr.write(log.read())
        raise SystemExit('headless.py: %s did not start' % what)
    return process, line.decode().strip()


def start_display(log_path):
    """An Xvfb of 1280×1024 (or $HEADLESS_SCREEN, WIDTHxHEIGHT, for screenshots) on a free
    display: (its process, its DISPLAY)."""
    xvfb, number = start_printing(
        ['Xvfb', '-displayfd', '{fd}', '-screen', '0',
         os.environ.get('HEADLESS_SCREEN', '1280x1024') + 'x24', '-nolisten', 'tcp',
         '-noreset'], 'Xvfb', log_path)
    return xvfb, ':' + number


def start_bus(env, log_path):
    """A session bus of its own: (its process, its address)."""
    return start_printing(['dbus-daemon', '--session', '--nofork', '--nopidfile',
                           '--print-address={fd}'], 'dbus-daemon', log_path, env)


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
