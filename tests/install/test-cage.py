#!/usr/bin/python3
# test-cage.py: the app under cage, the lobby kiosk's compositor, in a headless Wayland
# session (WLR_BACKENDS=headless, the pixman renderer: no GPU, no screen), as an unprivileged
# user as on a kiosk (cage refuses to run as root): it shows its first screen against a real
# demo portal, with a way to sign in, read through accessibility (AT-SPI), and grim takes a
# screenshot of it. In kiosk mode (--kiosk, when the app has it) as myaltamed-kiosk.service
# starts it. Prints TAP: "1..0 # SKIP why" (meson's SKIP for a TAP test; exit 77 is only
# the exit-code protocol's) where the machine cannot do it.
#
#   test-cage.py MYALTAMED MYALTAMED_PORTALD SCREENSHOT.png
#
# Copyright 2026 The MyAltaMed for Linux authors
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import pwd
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
USER = 'alta-cage-test'


def skip(reason):
    print('1..0 # SKIP ' + reason, flush=True)
    sys.exit(0)


def outside(app, portald, screenshot):
    """As root: the user, a runtime folder and a demo portal, then this script as the user."""
    for tool in ('cage', 'grim', 'runuser', 'dbus-run-session'):
        if shutil.which(tool) is None:
            skip('%s is not installed (tools/install-deps installs cage and grim)' % tool)
    if os.geteuid() != 0:
        skip('not root: cannot run the app as a user of its own (cage refuses root)')
    try:
        user = pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(['useradd', '--system', '--no-create-home', '--home-dir', '/nonexistent',
                        '--shell', '/usr/sbin/nologin', USER], check=True)
        user = pwd.getpwnam(USER)
    check = subprocess.run(['runuser', '-u', USER, '--', 'test', '-x', app])
    if check.returncode != 0:
        skip('the build folder is not readable by an unprivileged user')

    sys.path.insert(0, os.path.join(HERE, '..', 'a11y'))
    from altaatspi import Portal  # noqa: E402 (imports gi: after the skips)
    portal = Portal(portald, prefix='alta-cage-portal-')
    runtime = tempfile.mkdtemp(prefix='alta-cage-')
    try:
        os.chmod(runtime, 0o700)
        ca = os.path.join(runtime, 'ca.pem')
        shutil.copy(portal.ca, ca)
        gtk_config = os.path.join(runtime, 'config', 'gtk-4.0')
        os.makedirs(gtk_config)
        with open(os.path.join(gtk_config, 'settings.ini'), 'w') as f:
            f.write('[Settings]\ngtk-cursor-blink=false\n')
        subprocess.run(['chown', '-R', '%d:%d' % (user.pw_uid, user.pw_gid),
                        os.path.join(runtime, 'config')], check=True)
        for path in (runtime, ca):
            os.chown(path, user.pw_uid, user.pw_gid)
        env = {
            'PATH': '/usr/local/bin:/usr/bin:/bin',
            'HOME': runtime, 'XDG_RUNTIME_DIR': runtime, 'LANG': 'C.UTF-8',
            'XDG_CONFIG_HOME': os.path.join(runtime, 'config'),
            'WLR_BACKENDS': 'headless', 'WLR_RENDERER': 'pixman', 'WLR_LIBINPUT_NO_DEVICES': '1',
            'GSETTINGS_SCHEMA_DIR': os.environ.get('GSETTINGS_SCHEMA_DIR', ''),
            'GSETTINGS_BACKEND': 'memory',
            'MYALTAMED_LOCALEDIR': os.environ.get('MYALTAMED_LOCALEDIR', ''),
        }
        if os.environ.get('G_DEBUG'):
            env['G_DEBUG'] = os.environ['G_DEBUG']
        inside_run = subprocess.run(
            ['runuser', '-u', USER, '--', 'env', '-i'] +
            ['%s=%s' % kv for kv in env.items()] +
            ['dbus-run-session', '--', sys.executable, os.path.abspath(__file__), '--inside',
             app, portal.url, ca, os.path.join(runtime, 'shot.png')],
            cwd=runtime, timeout=150)
        if os.path.exists(os.path.join(runtime, 'shot.png')):
            os.makedirs(os.path.dirname(screenshot), exist_ok=True)
            shutil.copy(os.path.join(runtime, 'shot.png'), screenshot)
            print('# the screenshot: %s' % screenshot, flush=True)
        log = os.path.join(runtime, 'cage.log')
        if inside_run.returncode != 0 and os.path.exists(log):
            with open(log, encoding='utf-8', errors='replace') as f:
                for line in f.read().splitlines()[-30:]:
                    print('# ' + line)
        return inside_run.returncode
    finally:
        portal.stop()
        shutil.rmtree(runtime, ignore_errors=True)


def inside(app, url, ca, shot):
    """As the user, on a session bus of its own: cage with the app; AT-SPI; grim."""
    sys.path.insert(0, os.path.join(HERE, '..', 'a11y'))
    from altaatspi import APP_G_DEBUG, find_app, finish, log, test, wait_for, walk  # noqa: E402
    from gi.repository import Atspi  # noqa: E402

    helped = subprocess.run([app, '--help'], capture_output=True, text=True).stdout
    argv = [app, '--server', url, '--ca-file', ca]
    if '--kiosk' in helped:
        argv.append('--kiosk')
    env = dict(os.environ)
    if APP_G_DEBUG:
        env['G_DEBUG'] = APP_G_DEBUG
    runtime = os.environ['XDG_RUNTIME_DIR']
    with open(os.path.join(runtime, 'cage.log'), 'w') as cage_log:
        cage = subprocess.Popen(['cage', '-d', '--'] + argv, env=env, stdout=cage_log,
                                stderr=subprocess.STDOUT)
    state = {}

    def app_pid():
        children = subprocess.run(['pgrep', '-P', str(cage.pid)], capture_output=True,
                                  text=True).stdout.split()
        return int(children[0]) if children else None

    @test
    def cage_starts_the_app_on_a_headless_wayland_output():
        log('the app: %s' % ' '.join(argv[:1] + argv[5:]))
        pid = wait_for(app_pid, 'the app started by cage', 30)
        state['root'] = wait_for(lambda: find_app(pid), 'the app on the accessibility bus', 60)
        sockets = [n for n in os.listdir(runtime) if n.startswith('wayland-') and
                   not n.endswith('.lock')]
        assert sockets, 'cage made no Wayland socket'
        state['display'] = sockets[0]

    @test
    def its_first_screen_offers_to_sign_in():
        def sign_button():
            for node in walk(state['root']):
                try:
                    # GTK 4.8 keeps hidden pages in the tree: the button must be visible
                    # GTK 4.8 keeps hidden pages in the tree, all VISIBLE: the shown
                    # page is the one whose entry or button has the focus
                    if node.get_role() in (Atspi.Role.PUSH_BUTTON, Atspi.Role.TEXT) and \
                            node.get_state_set().contains(Atspi.StateType.FOCUSED):
                        return node
                except Exception:  # noqa: BLE001 (a node that went away)
                    continue
            return None
        focused = wait_for(sign_button, 'the focus on the first screen', 60)
        log('the focus is on "%s"' % focused.get_name())
        buttons = [n.get_name() for n in walk(state['root'])
                   if n.get_role() == Atspi.Role.PUSH_BUTTON]
        assert any('sign' in (b or '').casefold() for b in buttons), buttons
        # A kiosk offers no window buttons (GTK names its close button "Close")
        assert 'Close' not in buttons or '--kiosk' not in argv, buttons

    @test
    def grim_takes_a_screenshot_of_it():
        env_grim = dict(os.environ, WAYLAND_DISPLAY=state['display'])
        # The frame that shows the page: the first of two captures alike (the "Connecting"
        # page's spinner turns; the cursor does not blink, settings.ini)
        def stable():
            subprocess.run(['grim', shot + '.new'], env=env_grim, check=True, timeout=30)
            with open(shot + '.new', 'rb') as f:
                new = f.read()
            same = os.path.exists(shot) and open(shot, 'rb').read() == new
            os.replace(shot + '.new', shot)
            return same
        wait_for(stable, 'a still screen', 30, interval=0.3)
        with open(shot, 'rb') as f:
            head = f.read(24)
        assert head[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
        width, height = int.from_bytes(head[16:20], 'big'), int.from_bytes(head[20:24], 'big')
        assert width >= 640 and height >= 480, '%dx%d' % (width, height)
        colours = subprocess.run(['identify', '-format', '%k', shot], capture_output=True,
                                 text=True).stdout
        assert colours.isdigit() and int(colours) > 16, 'a blank screen: %s colours' % colours

    cage.terminate()
    try:
        cage.wait(timeout=10)
    except subprocess.TimeoutExpired:
        cage.kill()
        cage.wait()
    finish()


if len(sys.argv) > 1 and sys.argv[1] == '--inside':
    inside(*sys.argv[2:6])
else:
    sys.exit(outside(*[os.path.abspath(a) for a in sys.argv[1:4]]))
