import { ecsTaskWritableRootFs as control } from '../../../functions/domain/controls/ecs-task-writable-root-fs';
import { container, policy, taskDefinition, tdObs } from './fixtures';
import { flaggedCases } from './shared';

describe('ecs-task-writable-root-fs', () => {
  test.each([false, undefined])('readonlyRootFilesystem %s is a finding', (readonlyRootFilesystem) => {
    const td = taskDefinition([container({ name: 'web' }), container({ name: 'log-router', readonlyRootFilesystem })]);
    const { findings } = control.evaluate(tdObs(td), policy());
    expect(findings[0]?.remediation).toEqual({ action: 'harden-task-definition', mode: 'approval', targets: ['log-router'] });
  });
  test('read-only everywhere is fine', () => {
    expect(control.evaluate(tdObs(taskDefinition([container(), container({ name: 'b' })])), policy()).findings).toEqual([]);
  });
  test('Windows task definitions are not applicable', () => {
    const td = taskDefinition([container({ readonlyRootFilesystem: undefined })], { osFamily: 'WINDOWS_SERVER_2019_FULL' });
    expect(control.evaluate(tdObs(td), policy()).findings).toEqual([]);
  });
  flaggedCases(control, 'AWS::ECS::TaskDefinition');
});
