// SARIF 2.1.0 validation against the official schema: test/fixtures/sarif-schema-2.1.0.json is the OASIS TC's
// sarif-schema-2.1.0.json (errata01, from the oasis-tcs/sarif-spec repository, sarif-2.1/schema/), unchanged.
// ajv (with ajv-formats) comes with asl-validator. The schema is draft-04; its keywords mean the same in ajv's
// default draft, so only its draft-04 `id` is given as `$id`.
import { readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import formatsModule from 'ajv-formats';

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as new (o: object) => { compile(s: object): Validate };
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (ajv: unknown) => void;

let validate: Validate | undefined;

/** The schema errors of a SARIF log (empty: valid). */
export function sarifErrors(log: unknown): unknown[] {
  if (!validate) {
    const { $schema: _draft, id, ...schema } = JSON.parse(readFileSync(new URL('../fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    validate = ajv.compile({ ...schema, $id: id });
  }
  return validate(log) ? [] : [...(validate.errors ?? [])];
}
