import type { Observation } from '../model';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult } from './control';
import { findingOf, flaggedResult, NONE } from './control-kit';

export const SERVICE = 'AWS::ECS::Service';

/** ECS.2: service tasks get public IPs. Absent `assignPublicIp` = DISABLED on create, unchanged on update. */
export const ecsServicePublicIp: Control = {
  id: 'ecs-service-public-ip',
  title: 'The service assigns public IP addresses to its tasks',
  severity: 'HIGH',
  seedRef: '2.3 Network and isolation: public subnets only for tasks that need direct internet access; private subnets for back ends',
  seed: ['2.1/iam-roles-per-ec2-2', '2.3/public-subnets-only-tasks', '2.3/private-subnets-back-ends'],
  mappings: { securityHub: ['ECS.2'], configRules: ['ecs-service-assign-public-ip-disabled'], prowler: ['ecs_service_no_assign_public_ip'] },
  resourceTypes: [SERVICE],
  triggers: { cloudTrail: ['ecs:CreateService', 'ecs:UpdateService'], configItems: true },
  remediation: {
    action: 'disable-service-public-ip',
    defaultMode: 'approval',
    summary: 'UpdateService with assignPublicIp DISABLED; the plan says whether the subnets have a NAT gateway or ECR/S3/Logs endpoints',
  },

  appliesTo: (o) => o.resource.type === SERVICE,

  evaluate(o: Observation, policy: Policy): ControlResult {
    if (o.facts.kind === 'flagged') return flaggedResult(ecsServicePublicIp, o, policy);
    if (o.facts.kind !== 'ecs-service' || o.facts.service.assignPublicIp !== 'ENABLED') return NONE;
    const s = o.facts.service;
    const subnets = s.subnets?.length ? ` in subnets ${s.subnets.join(', ')}` : '';
    return { findings: [findingOf(ecsServicePublicIp, o, policy, [o.resource.id], `service ${s.serviceName} assigns public IPs${subnets}`)] };
  },
};
