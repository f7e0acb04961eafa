// Writes policy.schema.json (the policy's JSON Schema, for editors) from the zod schema and the catalog
// (cli/policy-schema.ts). Run: npm run gen:schema. test/unit/cli/policy-schema.test.ts fails when stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { policySchemaText } from '../cli/policy-schema';

export const schemaPath = fileURLToPath(new URL('../policy.schema.json', import.meta.url));

if (import.meta.url === `file://${process.argv[1]}`) {
  const next = policySchemaText();
  let text = '';
  try {
    text = readFileSync(schemaPath, 'utf8');
  } catch {
    /* first run */
  }
  if (next !== text) writeFileSync(schemaPath, next);
  console.log(next === text ? 'policy.schema.json: up to date' : 'policy.schema.json: rewritten');
}
