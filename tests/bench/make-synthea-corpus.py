#!/usr/bin/env python3
"""Makes a Synthea-shaped corpus of N patients from the sample files of tests/data/fhir:
each sample patient's resources are copied with new ids (every UUID and id rewritten
consistently per copy), so the corpus has the real shapes, sizes and references.

    make-synthea-corpus.py OUT_DIR N_PATIENTS

Writes OUT_DIR/shared-*.json (the clinics and clinicians, once), OUT_DIR/copy-K-*.json
(Bundles) and OUT_DIR/copy-K.ndjson (the bulk-export patients), and prints the number of
resources and bytes written.
"""
import json
import os
import re
import sys
import uuid

here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, '..', 'data', 'fhir')
out_dir, n_patients = sys.argv[1], int(sys.argv[2])
os.makedirs(out_dir, exist_ok=True)

UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')
bundles = sorted(f for f in os.listdir(os.path.join(data, 'bundles'))
                 if not f.startswith(('hospital', 'practitioner')))
shared = sorted(f for f in os.listdir(os.path.join(data, 'bundles'))
                if f.startswith(('hospital', 'practitioner')))
ndjson_dir = os.path.join(data, 'ndjson')
directory_types = ('Organization', 'Location', 'Practitioner', 'PractitionerRole')

# Bulk-export patients: each patient's lines, plus the directory they refer to (kept once)
ndjson_patients = {}
ndjson_directory = []
for name in sorted(os.listdir(ndjson_dir)):
    for line in open(os.path.join(ndjson_dir, name)):
        if not line.strip():
            continue
        resource = json.loads(line)
        if resource['resourceType'] in directory_types:
            ndjson_directory.append(line.strip())
            continue
        if resource['resourceType'] == 'Patient':
            owner = resource['id']
        else:
            ref = (resource.get('patient') or resource.get('subject') or {}).get('reference', '')
            owner = ref.split('/', 1)[1]
        ndjson_patients.setdefault(owner, []).append(line.strip())

texts = {name: open(os.path.join(data, 'bundles', name)).read() for name in bundles}
sources = [('bundle', name) for name in bundles] + [('ndjson', owner) for owner in sorted(ndjson_patients)]

resources = 0
size = 0
for name in shared:
    text = open(os.path.join(data, 'bundles', name)).read()
    open(os.path.join(out_dir, 'shared-' + name), 'w').write(text)
    resources += len(json.loads(text)['entry'])
    size += len(text)
shared_ndjson = '\n'.join(ndjson_directory) + '\n'
open(os.path.join(out_dir, 'shared-directory.ndjson'), 'w').write(shared_ndjson)
resources += len(ndjson_directory)
size += len(shared_ndjson)

for k in range(n_patients):
    kind, key = sources[k % len(sources)]
    copy = k // len(sources)
    namespace = uuid.UUID(int=k + 1)

    def renamed(match):
        return str(uuid.uuid5(namespace, match.group(0)))

    if kind == 'bundle':
        text = UUID.sub(renamed, texts[key]) if copy > 0 else texts[key]
        # Conditional references name the shared directory: keep those ids
        if copy > 0:
            original = texts[key]
            for ref in set(re.findall(r'\?identifier=[^"]*', original)):
                text = text.replace(UUID.sub(renamed, ref), ref)
        path = os.path.join(out_dir, f'copy-{k:05d}-{key}')
        resources += len(json.loads(text)['entry'])
    else:
        lines = ndjson_patients[key]
        text = '\n'.join(UUID.sub(renamed, line) if copy > 0 else line for line in lines) + '\n'
        if copy > 0:
            for ref in set(re.findall(r'\?identifier=[^"]*', '\n'.join(lines))):
                text = text.replace(UUID.sub(renamed, ref), ref)
        path = os.path.join(out_dir, f'copy-{k:05d}.ndjson')
        resources += len(lines)
    open(path, 'w').write(text)
    size += len(text)

print(resources, size)
