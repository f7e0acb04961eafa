import { ecsTaskRootOrPrivileged as control } from '../../../functions/domain/controls/ecs-task-root-or-privileged';
import { container, policy, runObs, taskDefinition } from './fixtures';
import { flaggedCases } from './shared';

const TASKS = ['arn:aws:ecs:eu-west-1:111122223333:task/main/aaa', 'arn:aws:ecs:eu-west-1:111122223333:task/main/bbb'];

describe('ecs-task-root-or-privileged', () => {
  test('a standalone run as root: HIGH, auto, every task ARN is a target', () => {
    const o = runObs({ tasks: TASKS, definition: taskDefinition([container({ user: '0:0' })]) });
    const { findings } = control.evaluate(o, policy());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'HIGH', remediation: { action: 'stop-ecs-tasks', mode: 'auto', targets: TASKS } });
    expect(findings[0]?.evidence).toBe('2 task(s) of web:3 on cluster main (standalone); root: web (user 0:0)');
  });
  test('privileged is CRITICAL', () => {
    const o = runObs({ definition: taskDefinition([container({ privileged: true })]) });
    expect(control.evaluate(o, policy()).findings[0]?.severity).toBe('CRITICAL');
  });
  test('a definition that adds SYS_ADMIN is privileged too: CRITICAL, and the evidence says why', () => {
    const o = runObs({ definition: taskDefinition([container({ capabilitiesAdded: ['SYS_ADMIN'] })]) });
    const [f] = control.evaluate(o, policy()).findings;
    expect(f?.severity).toBe('CRITICAL');
    expect(f?.evidence).toBe('1 task(s) of web:3 on cluster main (standalone); privileged: web (adds SYS_ADMIN)');
  });
  test('a run whose tasks all ended (live state): nothing to stop', () => {
    const o = runObs({ ended: true, definition: taskDefinition([container({ user: 'root', privileged: true })]) });
    expect(control.evaluate(o, policy())).toEqual({ findings: [] });
  });
  test('tasks of a service (group service:…) wait for approval', () => {
    const o = runObs({ group: 'service:web', definition: taskDefinition([container({ user: undefined })]) }, { eventName: 'StartTask' });
    expect(control.evaluate(o, policy()).findings[0]?.remediation.mode).toBe('approval');
  });
  test('a non-root, unprivileged definition is fine; user 1000 is not root', () => {
    expect(control.evaluate(runObs({ definition: taskDefinition([container({ user: '1000' })]) }), policy()).findings).toEqual([]);
  });
  test('Windows root is not applicable (but privileged still counts)', () => {
    const win = (privileged: boolean) =>
      runObs({ definition: taskDefinition([container({ user: undefined, privileged })], { osFamily: 'WINDOWS_SERVER_2022_FULL' }) });
    expect(control.evaluate(win(false), policy()).findings).toEqual([]);
    expect(control.evaluate(win(true), policy()).findings).toHaveLength(1);
  });
  test('without the definition (offline): no finding, a needs-live-state note', () => {
    expect(control.evaluate(runObs({}), policy())).toEqual({
      findings: [],
      note: 'needs live state: the task definition is not in the event',
    });
  });
  test('no task ARNs: still a finding, with a note', () => {
    const r = control.evaluate(runObs({ tasks: [], definition: taskDefinition([container({ user: 'root' })]) }), policy());
    expect(r.findings[0]?.remediation.targets).toEqual([]);
    expect(r.note).toMatch(/no task ARNs/);
  });
  flaggedCases(control, 'AWS::ECS::Task');
});
