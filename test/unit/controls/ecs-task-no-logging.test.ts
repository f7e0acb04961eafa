import { ecsTaskNoLogging as control } from '../../../functions/domain/controls/ecs-task-no-logging';
import { container, policy, taskDefinition, tdObs } from './fixtures';
import { flaggedCases } from './shared';

describe('ecs-task-no-logging', () => {
  test('a container without a logDriver is a finding', () => {
    const td = taskDefinition([container({ name: 'web' }), container({ name: 'sidecar', logging: false })]);
    const { findings } = control.evaluate(tdObs(td), policy());
    expect(findings[0]?.remediation).toEqual({ action: 'harden-task-definition', mode: 'approval', targets: ['sidecar'] });
  });
  test('every container logging is fine', () => {
    expect(control.evaluate(tdObs(taskDefinition([container(), container({ name: 'b' })])), policy()).findings).toEqual([]);
  });
  flaggedCases(control, 'AWS::ECS::TaskDefinition');
});
