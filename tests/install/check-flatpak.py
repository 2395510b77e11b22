#!/usr/bin/python3
# check-flatpak.py: flatpak/net.myaltamed.MyAltaMed.json is a manifest flatpak-builder reads
# without a word, that asks for no more than the app needs and builds every library the
# project's meson files ask for that the GNOME runtime does not ship
#
# Copyright 2026 The MyAltaMed for Linux authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-flatpak.py MANIFEST SOURCE-ROOT APP-ID
# Offline: nothing is downloaded. flatpak-builder --show-manifest (when installed) parses
# the manifest with flatpak-builder's own types and warns on stderr of any property it does
# not know; the rest is checked here.

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

manifest_path, source_root, app_id = sys.argv[1:4]

# What the app may ask for (docs/flatpak.md says why each): the network, Wayland with X11
# as a fallback, the X11 shared memory (ipc) and the GPU. The keyring and the file chooser
# are portals: no talk-name, no filesystem.
ALLOWED_FINISH_ARGS = {
    '--share=network', '--share=ipc', '--socket=wayland', '--socket=fallback-x11',
    '--device=dri',
}
REQUIRED_FINISH_ARGS = {'--share=network', '--share=ipc', '--socket=wayland',
                        '--socket=fallback-x11'}

# pkg-config names the GNOME runtime (org.gnome.Platform, on the freedesktop SDK) ships
IN_RUNTIME = {
    'glib-2.0', 'gio-2.0', 'gio-unix-2.0', 'gobject-2.0', 'libsoup-3.0', 'json-glib-1.0',
    'sqlite3', 'libcurl', 'gtk4', 'libadwaita-1', 'libsecret-1', 'systemd', 'threads',
}
# pkg-config name -> the manifest's module that builds it
BUNDLED = {
    'libsodium': 'libsodium', 'gmime-3.0': 'gmime', 'libical': 'libical',
    'libqrencode': 'qrencode',
}
TOP_KEYS = {'id', 'runtime', 'runtime-version', 'sdk', 'command', 'finish-args', 'cleanup',
            'modules'}
MODULE_KEYS = {'name', 'buildsystem', 'config-opts', 'sources', 'cleanup'}
BUILDSYSTEMS = {'autotools', 'cmake', 'cmake-ninja', 'meson', 'simple', 'qmake'}

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


try:
    with open(manifest_path, encoding='utf-8') as f:
        manifest = json.load(f)
except (OSError, ValueError) as e:
    print('1..1')
    print('not ok 1 the manifest is JSON')
    print('# %s' % e)
    sys.exit(1)

ok(isinstance(manifest, dict) and set(manifest) <= TOP_KEYS,
   'the manifest has only the keys it should',
   'unexpected: %s' % sorted(set(manifest) - TOP_KEYS) if isinstance(manifest, dict) else '')
ok(manifest.get('id') == app_id, 'its id is the app id %s' % app_id, manifest.get('id'))
ok(manifest.get('runtime') == 'org.gnome.Platform' and manifest.get('sdk') == 'org.gnome.Sdk',
   'it builds on the GNOME runtime and SDK')
version = str(manifest.get('runtime-version', ''))
ok(re.fullmatch(r'[0-9]+', version) is not None and int(version) >= 43,
   'the runtime is GNOME 43 or later (GTK >= 4.8, libadwaita >= 1.2)', version)
ok(manifest.get('command') == 'myaltamed', 'it runs myaltamed', manifest.get('command'))

finish_args = manifest.get('finish-args', [])
ok(len(finish_args) == len(set(finish_args)), 'no finish-arg twice')
ok(set(finish_args) <= ALLOWED_FINISH_ARGS, 'it asks for nothing beyond what the app needs',
   'not allowed: %s' % sorted(set(finish_args) - ALLOWED_FINISH_ARGS))
ok(REQUIRED_FINISH_ARGS <= set(finish_args),
   'the network, Wayland, X11 as a fallback and ipc',
   'missing: %s' % sorted(REQUIRED_FINISH_ARGS - set(finish_args)))
ok(not any(a.startswith(('--filesystem', '--talk-name', '--system-talk-name', '--socket=x11',
                         '--socket=session-bus', '--socket=system-bus', '--device=all'))
           for a in finish_args),
   'no filesystem, no bus names, no whole buses, no devices but the GPU')

modules = manifest.get('modules', [])
ok(isinstance(modules, list) and len(modules) > 0 and all(isinstance(m, dict) for m in modules),
   'modules is a list of modules')
names = [m.get('name') for m in modules]
ok(len(names) == len(set(names)) and all(isinstance(n, str) and n for n in names),
   'every module has a name of its own', names)
bad_modules = []
for m in modules:
    problems = []
    if not set(m) <= MODULE_KEYS:
        problems.append('unexpected keys %s' % sorted(set(m) - MODULE_KEYS))
    if m.get('buildsystem') not in BUILDSYSTEMS:
        problems.append('buildsystem %r' % m.get('buildsystem'))
    sources = m.get('sources', [])
    if not sources:
        problems.append('no sources')
    for s in sources:
        kind = s.get('type')
        if kind == 'git':
            if not s.get('url', '').startswith('https://') or not (s.get('tag') or s.get('commit')):
                problems.append('a git source needs an https url and a tag or commit')
        elif kind == 'archive':
            if not s.get('url', '').startswith('https://') or not re.fullmatch(r'[0-9a-f]{64}', s.get('sha256', '')):
                problems.append('an archive needs an https url and its sha256')
        elif kind == 'dir':
            path = os.path.normpath(os.path.join(os.path.dirname(manifest_path), s.get('path', '')))
            if not os.path.isfile(os.path.join(path, 'meson.build')):
                problems.append('the dir source %s is not the project' % path)
        else:
            problems.append('source type %r' % kind)
    if problems:
        bad_modules.append('%s: %s' % (m.get('name'), '; '.join(problems)))
ok(not bad_modules, 'every module builds from a source it names exactly', '\n'.join(bad_modules))

app = modules[-1] if modules else {}
ok(app.get('name') == 'myaltamed' and app.get('buildsystem') == 'meson' and
   '-Dtests=false' in app.get('config-opts', []),
   'the last module is the app, built with meson without its tests')

# Every dependency() of the meson files is in the runtime or built by a module
wanted = set()
for directory, _, files in os.walk(source_root):
    if '/.git' in directory or '/build' in directory[len(source_root):]:
        continue
    if 'meson.build' in files:
        with open(os.path.join(directory, 'meson.build'), encoding='utf-8') as f:
            wanted.update(re.findall(r"\bdependency\(\s*'([^']+)'", f.read()))
missing = []
for dep in sorted(wanted):
    if dep in IN_RUNTIME:
        continue
    if BUNDLED.get(dep) not in names:
        missing.append(dep)
ok(not missing, 'every library the build needs is in the runtime or a module',
   'not provided: %s (add a module, or the name to IN_RUNTIME if the runtime has it)'
   % ', '.join(missing))
ok(names.index('myaltamed') == len(names) - 1 if 'myaltamed' in names else False,
   'the libraries are built before the app')

builder = shutil.which('flatpak-builder')
if builder is None:
    print('ok %d # SKIP flatpak-builder is not installed' % (count + 1))
    count += 1
else:
    # It leaves a .flatpak-builder folder where it runs
    with tempfile.TemporaryDirectory(prefix='alta-flatpak-') as scratch:
        result = subprocess.run([builder, '--show-manifest', os.path.abspath(manifest_path)],
                                capture_output=True, text=True, timeout=60, cwd=scratch)
    ok(result.returncode == 0 and result.stderr.strip() == '',
       'flatpak-builder --show-manifest reads it without a word',
       'status %d\n%s' % (result.returncode, result.stderr))
    try:
        shown = json.loads(result.stdout)
    except ValueError:
        shown = {}
    ok(shown.get('id') == app_id and len(shown.get('modules', [])) == len(modules),
       'and shows the same app and modules')

print('1..%d' % count)
sys.exit(1 if failed else 0)
