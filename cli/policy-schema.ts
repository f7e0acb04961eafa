// The policy's JSON Schema, generated from the zod schema (functions/domain/policy/schema.ts) for editors:
// `warden policy schema`, committed as policy.schema.json (npm run gen:schema; test/unit/cli/policy-schema.test.ts).
import { z } from 'zod';
import { controls } from '../functions/domain/controls';
import { PolicySchema } from '../functions/domain/policy/schema';
import { runbooks } from '../functions/domain/runbooks/catalog';

export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of a policy document as written (`io: input`: every field optional, with its default), plus the
 * catalog: the keys of `controls` are control ids, those of `approvals.byControl` control ids or `runbook:<name>`, so
 * an editor completes them and flags a misspelt one (zod takes any key; `warden policy validate` checks them).
 */
export function policyJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(PolicySchema, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
  const props = schema.properties as Record<string, JsonSchema>;
  const ids = controls.map((c) => c.id).sort();
  const handStarts = runbooks.map((r) => `runbook:${r.name}`).sort();
  props.controls!.propertyNames = { enum: ids };
  const approvals = props.approvals!.properties as Record<string, JsonSchema>;
  approvals.byControl!.propertyNames = { enum: [...ids, ...handStarts] };
  return {
    $schema: schema.$schema,
    title: 'Warden policy',
    description: 'The Warden policy document (YAML or JSON). Every field is optional; `warden policy show` prints it with the defaults filled in.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

/** The file's text: policy.schema.json as committed. */
export const policySchemaText = (): string => `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
