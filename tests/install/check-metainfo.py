#!/usr/bin/python3
# check-metainfo.py: the merged metainfo names only addresses the site publishes
# (docs/website.md), every screenshot it names is in data/screenshots/, its newest release is
# the project's version, and it and the desktop file carry their Spanish translations
#
# Copyright 2026 The MyAltaMed for Linux authors
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-metainfo.py METAINFO DESKTOP SOURCE-ROOT VERSION
# (appstreamcli validate --no-net is the validate-metainfo test)

import os
import re
import sys
import xml.etree.ElementTree as ET

metainfo, desktop, source_root, version = sys.argv[1:5]
SITE = 'https://myaltamed.net'
XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'

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


root = ET.parse(metainfo).getroot()
with open(os.path.join(source_root, 'docs', 'website.md'), encoding='utf-8') as f:
    website = f.read()

urls = {u.get('type'): u.text.strip() for u in root.findall('url')}
ok(urls.get('homepage') == SITE, 'the homepage is the site', urls)
ok(urls.get('bugtracker') is not None and urls.get('help') is not None,
   'it names a bug tracker and a help page', urls)
unlisted = [u for u in urls.values()
            if u != SITE and '`%s`' % u not in website]
ok(not unlisted, 'docs/website.md lists every address the metainfo names', unlisted)

shots = [i.text.strip() for i in root.iter('image')]
published = set(os.listdir(os.path.join(source_root, 'data', 'screenshots')))
wrong = [s for s in shots
         if not s.startswith(SITE + '/screenshots/') or s.rsplit('/', 1)[1] not in published]
ok(shots and not wrong, 'every screenshot is a file of data/screenshots/ under %s/screenshots/'
   % SITE, wrong)
ok(sum(1 for s in root.iter('screenshot') if s.get('type') == 'default') == 1,
   'one screenshot is the default')

releases = root.findall('releases/release')
ok(releases and releases[0].get('version') == version and
   re.fullmatch(r'\d{4}-\d\d-\d\d', releases[0].get('date', '')),
   'the newest release is %s, with a date' % version,
   [(r.get('version'), r.get('date')) for r in releases])

rating = root.find('content_rating')
ok(rating is not None and rating.get('type') == 'oars-1.1', 'an OARS 1.1 content rating')

spanish = [e for e in root.iter() if e.get(XML_LANG) == 'es']
ok(any(e.tag == 'summary' for e in spanish) and any(e.tag == 'caption' for e in spanish) and
   any(e.tag == 'p' for e in spanish),
   'the summary, captions and description are in Spanish too')

with open(desktop, encoding='utf-8') as f:
    entry = f.read()
ok(re.search(r'^Comment\[es\]=.+', entry, re.M) and re.search(r'^GenericName\[es\]=.+', entry, re.M),
   'the desktop file has its Spanish Comment and GenericName')

print('1..%d' % count)
sys.exit(1 if failed else 0)
