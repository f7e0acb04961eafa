// stop-ecs-tasks' plan without AWS: which tasks a run stops (the finding's, and siblings only when policy says so, up
// to its limit), and what the plan tells the owner about the ones it leaves running.
import { chooseStops, planFor, type StoppedTask } from '../../../functions/actions/stop-ecs-tasks';
import type { Finding } from '../../../functions/domain/model';
import { defaultPolicy, policyFrom } from '../../../functions/domain/policy';

const TD = 'arn:aws:ecs:us-east-1:111122223333:task-definition/batch:3';
const task = (id: string, group?: string): StoppedTask => ({
  taskArn: `arn:aws:ecs:us-east-1:111122223333:task/apps/${id}`, taskDefinition: TD, ...(group ? { group } : {}),
});
const finding: Finding = {
  control: 'ecs-task-root-or-privileged', title: 't', severity: 'HIGH', evidence: 'e',
  resource: { type: 'AWS::ECS::Task', id: task('a1').taskArn, account: '111122223333', region: 'us-east-1' },
  remediation: { action: 'stop-ecs-tasks', mode: 'auto', targets: [task('a1').taskArn] },
};
const found = (siblings: StoppedTask[], named = [task('a1')]) => ({ cluster: 'apps', reason: 'Warden x: y', named, skipped: [], siblings });
const plan = (siblings: StoppedTask[], stopTasks = defaultPolicy().stopTasks, named?: StoppedTask[]) =>
  planFor(finding, chooseStops(found(siblings, named), stopTasks), stopTasks);

test('by default only the finding\'s task is stopped; the other tasks of its task definition are listed, still running', () => {
  const p = plan([task('b2'), task('c3')]);
  expect(p.targets).toEqual([task('a1').taskArn]);
  expect(p.steps).toEqual([
    `stop standalone task ${task('a1').taskArn} (batch:3) on cluster apps (StopTask reason "Warden x: y")`,
    `left running, 2 other task(s) of the same task definition that fail ecs-task-root-or-privileged too (policy stopTasks.siblings is list; set it to stop to stop them too): ${task('b2').taskArn} (batch:3), ${task('c3').taskArn} (batch:3)`,
  ]);
  expect(p.details).toMatchObject({ siblings: [{ taskArn: task('b2').taskArn, stop: false }, { taskArn: task('c3').taskArn, stop: false }] });
});

test('siblings: stop stops them too, at most maxSiblings, in ARN order; the rest are listed as over the limit', () => {
  const stopTasks = { siblings: 'stop' as const, maxSiblings: 2 };
  const p = plan([task('b2'), task('c3'), task('d4')], stopTasks);
  expect(p.targets).toEqual([task('a1'), task('b2'), task('c3')].map((t) => t.taskArn));
  expect(p.steps[1]).toBe(`stop standalone task ${task('b2').taskArn} (batch:3), another task of the same task definition, on cluster apps (StopTask reason "Warden x: y")`);
  expect(p.steps.at(-1)).toBe(`left running, 1 other task(s) of the same task definition that fail ecs-task-root-or-privileged too (over the limit of 2 (policy stopTasks.maxSiblings)): ${task('d4').taskArn} (batch:3)`);
});

test('maxSiblings 0 stops none of them; no siblings, no extra line', () => {
  expect(plan([task('b2')], { siblings: 'stop', maxSiblings: 0 }).targets).toEqual([task('a1').taskArn]);
  expect(plan([]).steps).toHaveLength(1);
});

test('tasks of a service: the plan says the service starts them again, also for siblings left running', () => {
  const p = plan([task('b2', 'service:web')], undefined, [task('a1', 'service:web')]);
  expect(p.steps[0]).toContain('stop task of service:web');
  expect(p.steps.at(-1)).toContain('harden-task-definition');
});

test('nothing to stop: the plan says why for each named task', () => {
  const details = chooseStops({ cluster: 'apps', reason: 'r', named: [], skipped: [{ taskArn: 'arn:t', why: 'not found' }], siblings: [] }, defaultPolicy().stopTasks);
  expect(planFor(finding, details, defaultPolicy().stopTasks)).toMatchObject({ targets: [], steps: ['nothing to stop: arn:t not found'] });
});

test('policy: stopTasks defaults to list, 10; anything else is refused', () => {
  expect(defaultPolicy().stopTasks).toEqual({ siblings: 'list', maxSiblings: 10 });
  expect(defaultPolicy({ stopTasks: { siblings: 'stop' } }).stopTasks).toEqual({ siblings: 'stop', maxSiblings: 10 });
  expect(() => policyFrom({ stopTasks: { siblings: 'all' } })).toThrow();
  expect(() => policyFrom({ stopTasks: { maxSiblings: -1 } })).toThrow();
  expect(() => policyFrom({ stopTasks: { maxSiblings: 1.5 } })).toThrow();
});
