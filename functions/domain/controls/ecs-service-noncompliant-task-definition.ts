import type { Observation, TaskDefinitionFacts } from '../model';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult } from './control';
import { findingOf, flaggedResult, NEEDS_DEFINITION, NONE } from './control-kit';
import { taskDefinitionLabel } from './ecs-containers';
import { SERVICE } from './ecs-service-public-ip';
import { TASK_DEFINITION } from './task-definition-control';
import { taskDefinitionControls } from './task-definition-controls';


/** The task-definition controls (enabled in policy) that fail on `td`, as "control (targets)". */
function failures(o: Observation, td: TaskDefinitionFacts, policy: Policy): string[] {
  const asTaskDefinition: Observation = {
    ...o,
    resource: { type: TASK_DEFINITION, id: td.arn ?? td.family, account: o.resource.account, region: o.resource.region },
    facts: { kind: 'ecs-task-definition', taskDefinition: td },
  };
  return taskDefinitionControls()
    .filter((c) => policy.controls[c.id]?.enabled !== false)
    .flatMap((c) => c.evaluate(asTaskDefinition, policy).findings)
    .map((f) => (f.remediation.targets.length ? `${f.control} (${f.remediation.targets.join(', ')})` : f.control));
}

/** A service runs a task definition that fails a task-definition control: tell the owner, fix the definition. */
export const ecsServiceNoncompliantTaskDefinition: Control = {
  id: 'ecs-service-noncompliant-task-definition',
  title: 'The service runs a non-compliant task definition',
  severity: 'HIGH',
  seedRef: '1 Least privilege: avoid running containers as the root user; restrict permissions to the minimum necessary',
  seed: ['1/avoid-running-containers-root'],
  mappings: {},
  resourceTypes: [SERVICE],
  triggers: { cloudTrail: ['ecs:CreateService', 'ecs:UpdateService'], cloudTrailNote: 'task definition read live', configItems: true },
  remediation: {
    action: 'notify-owner',
    defaultMode: 'notify',
    summary: "Tell the owner which task-definition controls the service's revision fails; the hardened revision comes from harden-task-definition",
  },

  appliesTo: (o) => o.resource.type === SERVICE,

  evaluate(o: Observation, policy: Policy): ControlResult {
    if (o.facts.kind === 'flagged') return flaggedResult(ecsServiceNoncompliantTaskDefinition, o, policy);
    if (o.facts.kind !== 'ecs-service') return NONE;
    const s = o.facts.service;
    if (!s.definition) {
      // An update that does not touch the task definition changes nothing here.
      if (s.partial && s.taskDefinition === undefined) return NONE;
      return { findings: [], note: NEEDS_DEFINITION };
    }
    const failed = failures(o, s.definition, policy);
    if (failed.length === 0) return NONE;
    const evidence = `service ${s.serviceName} runs ${taskDefinitionLabel(s.definition)}, which fails ${failed.join('; ')}`;
    return { findings: [findingOf(ecsServiceNoncompliantTaskDefinition, o, policy, [o.resource.id], evidence)] };
  },
};
