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
  test('adding ALL or SYS_ADMIN counts as privileged: same finding, same hardening; the evidence says why', () => {
    const td = taskDefinition([
      container({ name: 'mounter', capabilitiesAdded: ['SYS_ADMIN', 'NET_ADMIN'] }),
      container({ name: 'toolbox', capabilitiesAdded: ['ALL'] }),
      container({ name: 'vpn', capabilitiesAdded: ['NET_ADMIN'] }),
    ]);
    const [f] = control.evaluate(tdObs(td), policy()).findings;
    expect(f).toMatchObject({ remediation: { action: 'harden-task-definition', mode: 'approval', targets: ['mounter', 'toolbox'] } });
    expect(f?.evidence).toBe('web:3: privileged containers: mounter (adds SYS_ADMIN), toolbox (adds ALL)');
  });
  test.each([false, undefined])('privileged %s is fine', (privileged) => {
    expect(control.evaluate(tdObs(taskDefinition([container({ privileged })])), policy()).findings).toEqual([]);
  });
  test('other facts kinds are ignored', () => {
    expect(control.evaluate({ ...tdObs(taskDefinition()), facts: { kind: 'flagged', flaggedBy: 'x' } }, policy()).findings).toEqual([]);
  });
  flaggedCases(control, 'AWS::ECS::TaskDefinition');
});
