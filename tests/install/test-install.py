#!/usr/bin/python3
# test-install.py: `meson install` into a temporary folder, then the installed server, started
# as its systemd unit starts it, answers over HTTPS
#
# Copyright 2026 The MyAltaMed for Linux authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# systemd is not running under the tests, so this gives the installed binary what the unit
# gives it: no --config and no --data-dir, but $CONFIGURATION_DIRECTORY, $STATE_DIRECTORY,
# $CREDENTIALS_DIRECTORY (tls-cert, tls-key) and $NOTIFY_SOCKET, a umask of 0077, no new
# privileges, memory that is never both writable and executable (the kernel's
# PR_SET_MDWE, what MemoryDenyWriteExecute= asks of seccomp) and, when run as root, the
# user nobody with no capabilities.
#
# Usage: test-install.py MESON BUILD-ROOT PREFIX BINDIR SYSCONFDIR DATADIR LOCALEDIR UNITDIR
# (UNITDIR "no": the unit is not installed)

import ctypes
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

PR_SET_NO_NEW_PRIVS = 38
PR_SET_MDWE = 65
PR_MDWE_REFUSE_EXEC_GAIN = 1
NOBODY = 65534
TIMEOUT_S = 20
STAFF_PASSWORD = 'Installed-Service-Check-7'

(meson, build_root, prefix, bindir, sysconfdir, datadir, localedir,
 unitdir) = sys.argv[1:9]

count = 0
failed = 0


def ok(condition, name, detail=''):
    global count, failed
    count += 1
    if not condition:
        failed += 1
    print(('ok' if condition else 'not ok') + ' %d %s' % (count, name))
    if not condition and detail:
        for line in str(detail).splitlines():
            print('# ' + line)
    sys.stdout.flush()
    return condition


def bail(reason):
    print('Bail out! ' + reason)
    sys.exit(1)


def under(root, *parts):
    """An installed path: PREFIX-relative parts (as meson's options are) inside DESTDIR."""
    path = os.path.join(prefix, *parts)
    return os.path.join(root, path.lstrip('/'))


def restrict_like_the_unit():
    os.umask(0o077)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), 'PR_SET_NO_NEW_PRIVS')
    if libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), 'PR_SET_MDWE')
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)


def read_line_until(stream, prefix_wanted):
    """The first line of @stream that starts with @prefix_wanted; None at its end."""
    seen = []
    for line in stream:
        seen.append(line)
        if line.startswith(prefix_wanted):
            return line.rstrip('\n'), seen
    return None, seen


def receive_notification(notify, wanted):
    """The service-manager message that carries @wanted (READY=1, STOPPING=1)."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        notify.settimeout(deadline - time.monotonic())
        try:
            message = notify.recv(4096).decode()
        except socket.timeout:
            return None
        if wanted in message.split('\n'):
            return message
    return None


def make_certificate(folder):
    cert = os.path.join(folder, 'tls-cert')
    key = os.path.join(folder, 'tls-key')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec',
                    '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2',
                    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
                    '-keyout', key, '-out', cert],
                   check=True, capture_output=True)
    return cert


def main():
    root = tempfile.mkdtemp(prefix='alta-test-install-')
    try:
        run(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print('1..%d' % count)
    sys.exit(1 if failed else 0)


def run(root):
    destdir = os.path.join(root, 'destdir')

    # 1. meson install
    started = time.monotonic()
    install = subprocess.run([meson, 'install', '-C', build_root, '--no-rebuild', '--quiet',
                              '--destdir', destdir],
                             capture_output=True, text=True)
    if not ok(install.returncode == 0, 'meson install --destdir',
              install.stdout + install.stderr):
        bail('nothing installed')
    print('# installed in %.1f s' % (time.monotonic() - started))

    portald = under(destdir, bindir, 'myaltamed-portald')
    example = under(destdir, sysconfdir, 'myaltamed', 'portald.conf.example')
    expected = [
        portald,
        under(destdir, bindir, 'myaltamed'),
        example,
        under(destdir, datadir, 'applications', 'net.myaltamed.MyAltaMed.desktop'),
        under(destdir, datadir, 'metainfo', 'net.myaltamed.MyAltaMed.metainfo.xml'),
        under(destdir, datadir, 'glib-2.0', 'schemas', 'net.myaltamed.MyAltaMed.gschema.xml'),
        under(destdir, datadir, 'icons', 'hicolor', 'scalable', 'apps',
              'net.myaltamed.MyAltaMed.svg'),
        under(destdir, datadir, 'icons', 'hicolor', 'symbolic', 'apps',
              'net.myaltamed.MyAltaMed-symbolic.svg'),
        under(destdir, localedir, 'es', 'LC_MESSAGES', 'myaltamed.mo'),
    ]
    unit = None
    if unitdir != 'no':
        unit = os.path.join(destdir, unitdir.lstrip('/'), 'myaltamed-portald.service')
        expected.append(unit)
    for path in expected:
        ok(os.path.isfile(path), 'installed ' + os.path.relpath(path, destdir))
    for path in expected[:2]:
        ok(os.access(path, os.X_OK), 'executable ' + os.path.relpath(path, destdir))

    if unit is not None and os.path.isfile(unit):
        with open(unit) as f:
            exec_start = re.search(r'^ExecStart=(\S+) serve$', f.read(), re.MULTILINE)
        ok(exec_start is not None and
           exec_start.group(1) == os.path.join(prefix, bindir, 'myaltamed-portald'),
           'the unit starts the installed server',
           exec_start.group(0) if exec_start else 'no ExecStart=… serve')

    # 2. the installed server, as the unit runs it
    config_dir = os.path.join(root, 'etc')
    state_dir = os.path.join(root, 'state')
    credentials_dir = os.path.join(root, 'credentials')
    for folder in (config_dir, state_dir, credentials_dir):
        os.mkdir(folder, 0o700)
    cert = make_certificate(credentials_dir)

    # The installed example, as an administrator starts from it
    with open(example) as f:
        config = f.read()
    config, listens = re.subn(r'^listen=.*$', 'listen=127.0.0.1:0', config, flags=re.MULTILINE)
    config, names = re.subn(r'^clinic_name=.*$', 'clinic_name=Installed Clinic', config,
                            flags=re.MULTILINE)
    ok(listens == 1 and names == 1, 'the example configuration names listen and clinic_name')
    with open(os.path.join(config_dir, 'portald.conf'), 'w') as f:
        f.write(config)

    notify_path = os.path.join(root, 'notify')
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(notify_path)

    if os.geteuid() == 0:
        os.chmod(root, 0o711)
        for folder in (config_dir, state_dir, credentials_dir):
            os.chown(folder, NOBODY, NOBODY)
            for name in os.listdir(folder):
                os.chown(os.path.join(folder, name), NOBODY, NOBODY)
        os.chown(notify_path, NOBODY, NOBODY)

    env = dict(os.environ)
    env.update({
        'CONFIGURATION_DIRECTORY': config_dir,
        'STATE_DIRECTORY': state_dir,
        'CREDENTIALS_DIRECTORY': credentials_dir,
        'NOTIFY_SOCKET': notify_path,
    })
    for variable in ('G_TEST_SRCDIR', 'G_TEST_BUILDDIR', 'MYALTAMED_PORTALD',
                     'MYALTAMED_LOCALEDIR'):
        env.pop(variable, None)

    server = subprocess.Popen([portald, 'serve'], env=env, cwd='/',
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              preexec_fn=restrict_like_the_unit)
    try:
        check_server(server, notify, state_dir, cert, env, portald)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        notify.close()


def check_server(server, notify, state_dir, cert, env, portald):
    line, seen = read_line_until(server.stdout, 'Listening on ')
    if not ok(line is not None, 'the installed server listens without --config or --data-dir',
              ''.join(seen) + (server.stderr.read() if server.poll() is not None else '')):
        bail('the installed server did not start')
    url = line[len('Listening on '):]
    ok(url.startswith('https://127.0.0.1:'), 'it serves HTTPS with the credentials', url)

    ready = receive_notification(notify, 'READY=1')
    ok(ready is not None and 'STATUS=Listening on ' + url in ready.split('\n'),
       'it tells systemd READY=1 and where it listens', ready)

    context = ssl.create_default_context(cafile=cert)
    try:
        with urllib.request.urlopen(url + '/api/v1/info', context=context,
                                    timeout=TIMEOUT_S) as response:
            status = response.status
            info = json.load(response)
    except Exception as error:  # the test reports whatever went wrong
        status, info = None, {'error': repr(error)}
    ok(status == 200, 'GET /api/v1/info answers 200 over HTTPS', info)
    ok(info.get('name') == 'Installed Clinic',
       'it read $CONFIGURATION_DIRECTORY/portald.conf', info)
    ok(os.path.isfile(os.path.join(state_dir, 'portal.db')) and
       os.path.isfile(os.path.join(state_dir, 'hash.key')),
       'it keeps its data in $STATE_DIRECTORY', os.listdir(state_dir))

    # The admin commands find the same data folder and configuration; add-staff hashes a
    # password (argon2id) under the same restrictions, the sign-in verifies it in the
    # server's hashing threads
    add_staff = subprocess.run([portald, 'admin', 'add-staff', '--username', 'installcheck'],
                               input=STAFF_PASSWORD + '\n', env=env, capture_output=True,
                               text=True, timeout=TIMEOUT_S, preexec_fn=restrict_like_the_unit)
    ok(add_staff.returncode == 0, 'admin add-staff runs without --data-dir', add_staff.stderr)

    sign_in = urllib.request.Request(
        url + '/api/v1/sessions', method='POST',
        headers={'Content-Type': 'application/json'},
        data=json.dumps({'username': 'installcheck', 'password': STAFF_PASSWORD}).encode())
    try:
        with urllib.request.urlopen(sign_in, context=context, timeout=TIMEOUT_S) as response:
            status = response.status
            token = json.load(response).get('access_token')
    except Exception as error:  # the test reports whatever went wrong
        status, token = None, repr(error)
    ok(status == 201 and isinstance(token, str) and len(token) == 43,
       'the staff member signs in: argon2id works in the sandbox', '%s %s' % (status, token))

    server.send_signal(signal.SIGTERM)
    stopping = receive_notification(notify, 'STOPPING=1')
    ok(stopping is not None, 'SIGTERM: it tells systemd STOPPING=1')
    try:
        status = server.wait(TIMEOUT_S)
    except subprocess.TimeoutExpired:
        status = None
    ok(status == 0, 'it stops cleanly', server.stderr.read() if status is not None else '')


if __name__ == '__main__':
    main()
