import { ecsTaskRootUser as control } from '../../../functions/domain/controls/ecs-task-root-user';
import { isRootUser } from '../../../functions/domain/controls/ecs-containers';
import { container, policy, taskDefinition, tdObs } from './fixtures';
import { flaggedCases } from './shared';
import { exempted } from '../../support/exemptions';

const run = (...containers: Parameters<typeof container>[0][]) =>
  control.evaluate(tdObs(taskDefinition(containers.map((c) => container(c)))), policy());

describe('ecs-task-root-user', () => {
  test.each(['1000', 'app', '1000:1000', '1000:0', 'nobody'])('user %s is not root', (user) => {
    expect(isRootUser(user)).toBe(false);
    expect(run({ user }).findings).toEqual([]);
  });
  test.each([undefined, '', 'root', '0', '0:0', '0:1000', 'root:root'])('user %s is root', (user) => {
    expect(isRootUser(user)).toBe(true);
    const { findings } = run(user === undefined ? { user: undefined } : { user });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.remediation).toEqual({ action: 'harden-task-definition', mode: 'approval', targets: ['web'] });
  });
  test('a sidecar with no user is root, even when the main container is not', () => {
    const { findings } = run({ name: 'web', user: '1000' }, { name: 'envoy', user: undefined });
    expect(findings[0]?.remediation.targets).toEqual(['envoy']);
    expect(findings[0]?.evidence).toContain('envoy (no user (image default: root))');
    expect(findings[0]?.severity).toBe('HIGH');
  });
  test('every root container is a target', () => {
    expect(run({ name: 'a', user: '0' }, { name: 'b', user: 'root' }).findings[0]?.remediation.targets).toEqual(['a', 'b']);
  });
  test('Windows task definitions are not applicable; LINUX and absent are Linux', () => {
    const root = [container({ user: undefined })];
    expect(control.evaluate(tdObs(taskDefinition(root, { osFamily: 'WINDOWS_SERVER_2022_CORE' })), policy()).findings).toEqual([]);
    expect(control.evaluate(tdObs(taskDefinition(root, { osFamily: 'LINUX' })), policy()).findings).toHaveLength(1);
    expect(control.evaluate(tdObs(taskDefinition(root)), policy()).findings).toHaveLength(1);
  });
  test('policy and tags decide the mode: prod environment, exemption', () => {
    const td = taskDefinition([container({ user: undefined })]);
    const p = policy({ environments: { modes: { prod: 'dry-run' } } });
    expect(control.evaluate(tdObs(td, { tags: { Environment: 'prod' } }), p).findings[0]?.remediation.mode).toBe('dry-run');
    const tags = { 'warden:exempt': 'x' };
    expect(exempted(control.evaluate(tdObs(td, { tags }), policy()).findings[0]!.remediation.mode, tags)).toBe('notify');
  });
  test('applies to task definitions only', () => {
    expect(control.appliesTo(tdObs(taskDefinition()))).toBe(true);
  });
  flaggedCases(control, 'AWS::ECS::TaskDefinition');
});
