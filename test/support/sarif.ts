// SARIF 2.1.0 validation against the published schema, as Microsoft's @microsoft/jest-sarif ships it
// (lib/schemas/sarif-2.1.0-rtm.5.json, the 2.1.0 schema of the SARIF SDK), with ajv and ajv-formats (dev
// dependencies). The schema is draft-04; its keywords mean the same in ajv's default draft, so only its draft-04 `id`
// is given as `$id`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvModule from 'ajv';
import formatsModule from 'ajv-formats';

type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as new (o: object) => { compile(s: object): Validate };
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (ajv: unknown) => void;

let validate: Validate | undefined;

/** The schema errors of a SARIF log (empty: valid). */
export function sarifErrors(log: unknown): unknown[] {
  if (!validate) {
    const { $schema: _draft, id, ...schema } = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
    // unicodeRegExp off: the schema's language pattern (`…]?$`) is valid only as a non-unicode regular expression.
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats(ajv);
    validate = ajv.compile({ ...schema, $id: id });
  }
  return validate(log) ? [] : [...(validate.errors ?? [])];
}
