// The action catalog (one declaration per action, in its file) and the registry that loads each action's code agree.
import { existsSync, readFileSync } from 'node:fs';
import { actionIds, loadAction } from '../../../functions/actions';
import { ACTION_CATALOG, type ActionDeclaration } from '../../../functions/actions/catalog';
import { WITHOUT_RESOURCE_LEVEL, type Grant } from '../../../functions/aws/permissions';
import { controls } from '../../../functions/domain/controls';
import { runbooks } from '../../../functions/domain/runbooks/catalog';

const catalog: readonly ActionDeclaration[] = ACTION_CATALOG;

test('the registry loads exactly the declared actions', () => {
  expect([...actionIds].sort()).toEqual(catalog.map((a) => a.id).sort());
  expect(new Set(catalog.map((a) => a.id)).size).toBe(catalog.length);
});

test('every action a control names is declared, or is a runbook (started on its own state machine)', () => {
  const known = new Set([...catalog.map((a) => a.id), ...runbooks.map((r) => r.name)]);
  expect(controls.map((c) => c.remediation.action).filter((a) => !known.has(a))).toEqual([]);
});

describe.each(catalog.map((a) => [a.id, a] as const))('%s', (id, declaration) => {
  test('its code has the declared id and title, and apply and verify exactly when it is not plan-only', async () => {
    const action = await loadAction(id);
    expect(action).toMatchObject({ id, title: declaration.title });
    expect(typeof action?.apply === 'function').toBe(!declaration.planOnly);
    expect(typeof action?.verify === 'function').toBe(!declaration.planOnly);
  });

  test('each phase it has declares its grants, each with a reason; "*" only for actions without resource-level permissions', () => {
    const phases = Object.entries(declaration.permissions) as [string, readonly Grant[]][];
    expect(phases.map(([p]) => p).sort()).toEqual(declaration.planOnly ? ['inspect'] : ['apply', 'inspect', 'verify']);
    const star = new Set<string>(WITHOUT_RESOURCE_LEVEL);
    for (const [, grants] of phases) {
      expect(grants.length).toBeGreaterThan(0);
      for (const g of grants) {
        expect(g.actions.length && g.resources.length && g.why.length).toBeTruthy();
        if (g.resources.includes('*')) {
          expect(g.resources).toEqual(['*']);
          expect(g.actions.filter((a) => !star.has(a))).toEqual([]);
        }
      }
    }
  });
});

test('the action registry and catalog are generated from the action files (run `npm run gen`)', async () => {
  const { actionIndex, actionIndexPath, actionCatalog, actionCatalogPath } = await import('../../../scripts/gen-registry');
  expect(readFileSync(actionIndexPath, 'utf8')).toBe(actionIndex());
  expect(readFileSync(actionCatalogPath, 'utf8')).toBe(actionCatalog());
});

test("each action file's name is its declared id", () => {
  for (const d of catalog) expect(existsSync(new URL(`../../../functions/actions/${d.id}.ts`, import.meta.url))).toBe(true);
});

test('an unknown id loads nothing', async () => {
  expect(await loadAction('no-such-action')).toBeUndefined();
  expect(await loadAction('constructor')).toBeUndefined();
});
