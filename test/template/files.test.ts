/** Every file the template points at exists. Missing handler files fail here (no skipping). */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { functions, loadTemplate, stateMachines } from '../../local/template';

const t = loadTemplate();
const fns = functions(t);
const sms = stateMachines(t);

test('the template has functions and state machines to check', () => {
  expect(fns.length).toBeGreaterThan(0);
  expect(sms.length).toBeGreaterThan(0);
});

describe.each(fns.map((f) => [f.logicalId, f] as const))('function %s', (_id, f) => {
  test('has an esbuild entry point', () => {
    expect(f.handlerFile).toEqual(expect.any(String));
  });

  test(`entry point ${f.handlerFile ?? '(none)'} exists and exports handler`, () => {
    const path = f.handlerPath ?? '';
    if (!existsSync(path)) {
      throw new Error(`${f.logicalId}: entry point ${relative(t.root, path) || '(none)'} does not exist`);
    }
    const source = readFileSync(path, 'utf8');
    expect(source).toMatch(
      /export\s+(?:const|let|var)\s+handler\b|export\s+(?:async\s+)?function\s+handler\b|export\s*\{[^}]*\bhandler\b[^}]*\}/,
    );
  });
});

describe.each(sms.map((s) => [s.logicalId, s] as const))('state machine %s', (_id, s) => {
  test(`DefinitionUri ${s.definitionUri ?? '(none)'} exists and is JSON`, () => {
    const path = s.definitionPath ?? '';
    if (!existsSync(path)) throw new Error(`${s.logicalId}: DefinitionUri ${s.definitionUri ?? '(none)'} does not exist`);
    expect(() => JSON.parse(readFileSync(path, 'utf8'))).not.toThrow();
  });
});
