import { ecsTaskPrivileged as control } from '../../../functions/domain/controls/ecs-task-privileged';
import { container, policy, taskDefinition, tdObs } from './fixtures';
import { flaggedCases } from './shared';

describe('ecs-task-privileged', () => {
  test('a privileged container is a finding, targeting only that container', () => {
    const td = taskDefinition([container({ name: 'web' }), container({ name: 'agent', privileged: true })]);
    const { findings } = control.evaluate(tdObs(td), policy());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'HIGH', remediation: { action: 'harden-task-definition', mode: 'approval', targets: ['agent'] } });
    expect(findings[0]?.evidence).toBe('web:3: privileged containers: agent');
  });
  test.each([false, undefined])('privileged %s is fine', (privileged) => {
    expect(control.evaluate(tdObs(taskDefinition([container({ privileged })])), policy()).findings).toEqual([]);
  });
  test('other facts kinds are ignored', () => {
    expect(control.evaluate({ ...tdObs(taskDefinition()), facts: { kind: 'flagged', flaggedBy: 'x' } }, policy()).findings).toEqual([]);
  });
  flaggedCases(control, 'AWS::ECS::TaskDefinition');
});
