#!/usr/bin/env python3
"""Makes one synthetic adult patient with many laboratory results, for the client's
frame-rate and memory benchmarks (bench-client.sh): N_REPORTS DiagnosticReports (category
LAB), each grouping one laboratory Observation (a value with its unit, reference range and
interpretation), one every eight hours back from now, all final (so released at import).
The Test Results page lists one row per report: N_REPORTS rows.

    make-lab-record.py OUT_FILE N_REPORTS

Writes a FHIR R4 `collection` Bundle (urn:uuid references, as Synthea writes) and prints
the patient's id. Ids are stable (uuid5), so importing the file again adds nothing.
"""
import datetime
import json
import sys
import uuid

out_file, n_reports = sys.argv[1], int(sys.argv[2])
namespace = uuid.UUID('6f2b8c1e-3d4a-4e5f-9a0b-1c2d3e4f5a6b')


def make_id(kind, n):
    return str(uuid.uuid5(namespace, f'{kind}-{n_reports}-{n}'))


# (LOINC code, name, unit, low, high, typical values)
tests = [
    ('4548-4', 'Hemoglobin A1c/Hemoglobin.total in Blood', '%', 4.0, 5.6, (5.1, 5.9, 6.4)),
    ('2345-7', 'Glucose [Mass/volume] in Serum or Plasma', 'mg/dL', 70, 99, (88, 104, 131)),
    ('2093-3', 'Cholesterol [Mass/volume] in Serum or Plasma', 'mg/dL', 0, 200, (172, 205, 238)),
    ('2085-9', 'Cholesterol in HDL [Mass/volume] in Serum or Plasma', 'mg/dL', 40, 60, (38, 52, 61)),
    ('718-7', 'Hemoglobin [Mass/volume] in Blood', 'g/dL', 12.0, 15.5, (11.6, 13.4, 14.9)),
    ('6690-2', 'Leukocytes [#/volume] in Blood by Automated count', '10*3/uL', 4.5, 11.0, (4.1, 6.8, 9.9)),
    ('2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', 'mg/dL', 0.6, 1.1, (0.7, 0.9, 1.3)),
    ('2823-3', 'Potassium [Moles/volume] in Serum or Plasma', 'mmol/L', 3.5, 5.1, (3.3, 4.2, 5.0)),
]

patient_id = make_id('patient', 0)
patient = {
    'resourceType': 'Patient',
    'id': patient_id,
    'name': [{'use': 'official', 'family': 'Labresults', 'given': ['Bench']}],
    'gender': 'female',
    'birthDate': '1968-04-12',
    'communication': [{'language': {'coding': [{'system': 'urn:ietf:bcp:47', 'code': 'en-US'}]}}],
}
entries = [{'fullUrl': 'urn:uuid:' + patient_id, 'resource': patient}]
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)

for n in range(n_reports):
    code, name, unit, low, high, values = tests[n % len(tests)]
    value = values[(n // len(tests)) % len(values)]
    when = (now - datetime.timedelta(hours=8 * (n + 1))).isoformat().replace('+00:00', 'Z')
    flag = 'L' if value < low else 'H' if value > high else 'N'
    observation_id = make_id('observation', n)
    report_id = make_id('report', n)
    coding = {'system': 'http://loinc.org', 'code': code, 'display': name}
    entries.append({'fullUrl': 'urn:uuid:' + observation_id, 'resource': {
        'resourceType': 'Observation',
        'id': observation_id,
        'status': 'final',
        'category': [{'coding': [{
            'system': 'http://terminology.hl7.org/CodeSystem/observation-category',
            'code': 'laboratory', 'display': 'Laboratory'}]}],
        'code': {'coding': [coding], 'text': name},
        'subject': {'reference': 'urn:uuid:' + patient_id},
        'effectiveDateTime': when,
        'issued': when,
        'valueQuantity': {'value': value, 'unit': unit, 'system': 'http://unitsofmeasure.org',
                          'code': unit},
        'interpretation': [{'coding': [{
            'system': 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
            'code': flag}]}],
        'referenceRange': [{'low': {'value': low, 'unit': unit},
                            'high': {'value': high, 'unit': unit}}],
    }})
    entries.append({'fullUrl': 'urn:uuid:' + report_id, 'resource': {
        'resourceType': 'DiagnosticReport',
        'id': report_id,
        'status': 'final',
        'category': [{'coding': [{'system': 'http://terminology.hl7.org/CodeSystem/v2-0074',
                                  'code': 'LAB', 'display': 'Laboratory'}]}],
        'code': {'coding': [coding], 'text': name},
        'subject': {'reference': 'urn:uuid:' + patient_id},
        'effectiveDateTime': when,
        'issued': when,
        'result': [{'reference': 'urn:uuid:' + observation_id, 'display': name}],
    }})

with open(out_file, 'w') as f:
    json.dump({'resourceType': 'Bundle', 'type': 'collection', 'entry': entries}, f)
print(patient_id)
