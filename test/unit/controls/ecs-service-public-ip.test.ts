import { ecsServicePublicIp as control } from '../../../functions/domain/controls/ecs-service-public-ip';
import { policy, serviceObs } from './fixtures';
import { flaggedCases } from './shared';

describe('ecs-service-public-ip', () => {
  test('assignPublicIp ENABLED is a finding on the service ARN', () => {
    const o = serviceObs({ assignPublicIp: 'ENABLED', subnets: ['subnet-1'] }, { eventName: 'CreateService' });
    const { findings } = control.evaluate(o, policy());
    expect(findings[0]).toMatchObject({
      severity: 'HIGH',
      remediation: { action: 'disable-service-public-ip', mode: 'approval', targets: [o.resource.id] },
    });
    expect(findings[0]?.evidence).toBe('service web assigns public IPs in subnets subnet-1');
  });
  test('DISABLED is fine', () => {
    expect(control.evaluate(serviceObs({ assignPublicIp: 'DISABLED' }), policy()).findings).toEqual([]);
  });
  test('partial facts only evaluate present fields: an UpdateService without networkConfiguration is fine', () => {
    expect(control.evaluate(serviceObs({ partial: true }, { eventName: 'UpdateService' }), policy()).findings).toEqual([]);
    expect(control.evaluate(serviceObs({ partial: true, assignPublicIp: 'ENABLED' }), policy()).findings).toHaveLength(1);
  });
  flaggedCases(control, 'AWS::ECS::Service');
});
