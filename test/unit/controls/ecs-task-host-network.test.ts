import { ecsTaskHostNetwork as control } from '../../../functions/domain/controls/ecs-task-host-network';
import { container, policy, taskDefinition, tdObs } from './fixtures';
import { flaggedCases } from './shared';

describe('ecs-task-host-network', () => {
  test('networkMode host: every container is a target, notify by default', () => {
    const td = taskDefinition([container({ name: 'a' }), container({ name: 'b' })], { networkMode: 'host' });
    const { findings } = control.evaluate(tdObs(td), policy());
    expect(findings[0]).toMatchObject({ severity: 'MEDIUM', remediation: { action: 'notify-owner', mode: 'notify', targets: ['a', 'b'] } });
  });
  test.each(['awsvpc', 'bridge', 'none', undefined])('networkMode %s is fine', (networkMode) => {
    expect(control.evaluate(tdObs(taskDefinition([container()], { networkMode })), policy()).findings).toEqual([]);
  });
  flaggedCases(control, 'AWS::ECS::TaskDefinition');
});
