// The runbook steps' IAM grants (functions/runbooks/grants.ts) and the runbook catalog agree, and each grant is sound.
import { POLICY_READS, WITHOUT_RESOURCE_LEVEL, type Grant } from '../../../functions/aws/permissions';
import { runbooks, stepIds } from '../../../functions/domain/runbooks/catalog';
import { RUNBOOK_GRANTS, RUNBOOK_PROGRESS, stepGrants } from '../../../functions/runbooks/grants';
import { frameGrants, GENERATED_POLICIES, stepFunction } from '../../../scripts/iam-policies';

const declared = Object.entries(RUNBOOK_GRANTS as Record<string, Record<string, readonly Grant[]>>)
  .flatMap(([name, steps]) => Object.entries(steps).map(([step, grants]) => ({ id: `${name}.${step}`, grants })));

test('every step of every runbook declares its grants, and only those steps do', () => {
  expect(declared.map((d) => d.id).sort()).toEqual(runbooks.flatMap(stepIds).sort());
});

describe.each(declared.map((d) => [d.id, d.grants] as const))('%s', (id, grants) => {
  test('each grant has actions, resources and a reason; "*" only for actions without resource-level permissions', () => {
    expect(grants.length).toBeGreaterThan(0);
    const star = new Set<string>(WITHOUT_RESOURCE_LEVEL);
    for (const g of grants) {
      expect(g.actions.length && g.resources.length && g.why.length).toBeTruthy();
      if (g.resources.includes('*')) {
        expect(g.resources).toEqual(['*']);
        expect(g.actions.filter((a) => !star.has(a))).toEqual([]);
      }
    }
  });

  test('declares each action on each resource once', () => {
    const pairs = grants.flatMap((g) => g.actions.flatMap((a) => g.resources.map((r) => `${a} ${r} ${JSON.stringify(g.condition ?? {})}`)));
    expect(pairs.filter((p, i) => pairs.indexOf(p) !== i)).toEqual([]);
  });
});

test('the restore step, and only it, runs in RestoreRule; every other step in RunbookStep', () => {
  const ids = runbooks.flatMap(stepIds);
  expect(ids.filter((id) => stepFunction(id) === 'RestoreRule')).toEqual(['restore-security-group-rule.restore-rules']);
  expect(ids.filter((id) => stepFunction(id) !== 'RestoreRule' && stepFunction(id) !== 'RunbookStep')).toEqual([]);
});

test("each role gets the grants of the steps it runs and the progress write, RunbookStep the frame's Start and Brake and the policy read, and nothing else", () => {
  for (const [role, fn] of [['RunbookStepFunction', 'RunbookStep'], ['RestoreRuleFunction', 'RestoreRule']] as const) {
    const owned = GENERATED_POLICIES[role]!();
    const steps = runbooks.flatMap(stepIds).filter((id) => stepFunction(id) === fn);
    expect(owned).toEqual([
      ...RUNBOOK_PROGRESS.map((grant) => ({ by: 'every step', grant })),
      ...frameGrants(fn),
      ...steps.flatMap((id) => stepGrants(id)!.map((grant) => ({ by: id, grant }))),
      ...(fn === 'RunbookStep' ? POLICY_READS.map((grant) => ({ by: 'policy', grant })) : []),
    ]);
  }
});

test('stepGrants knows only declared steps', () => {
  expect(stepGrants('contain-ecs-task.plan')).toBe(RUNBOOK_GRANTS['contain-ecs-task'].plan);
  for (const id of ['contain-ecs-task.nope', 'nope.plan', 'contain-ecs-task.constructor', '']) expect(stepGrants(id)).toBeUndefined();
});
