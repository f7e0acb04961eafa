import { ecsTaskHostPid as control } from '../../../functions/domain/controls/ecs-task-host-pid';
import { container, policy, taskDefinition, tdObs } from './fixtures';
import { flaggedCases } from './shared';

describe('ecs-task-host-pid', () => {
  test('pidMode host is a finding', () => {
    const { findings } = control.evaluate(tdObs(taskDefinition([container()], { pidMode: 'host' })), policy());
    expect(findings[0]).toMatchObject({ severity: 'HIGH', remediation: { action: 'harden-task-definition', mode: 'approval', targets: ['web'] } });
    expect(findings[0]?.evidence).toContain('pidMode host');
  });
  test.each(['task', undefined])('pidMode %s is fine', (pidMode) => {
    expect(control.evaluate(tdObs(taskDefinition([container()], { pidMode })), policy()).findings).toEqual([]);
  });
  test('the control mode in policy wins when stricter', () => {
    const p = policy({ controls: { 'ecs-task-host-pid': { mode: 'dry-run' } } });
    expect(control.evaluate(tdObs(taskDefinition([container()], { pidMode: 'host' })), p).findings[0]?.remediation.mode).toBe('dry-run');
  });
  flaggedCases(control, 'AWS::ECS::TaskDefinition');
});
