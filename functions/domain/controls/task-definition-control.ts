import type { Observation, TaskDefinitionFacts } from '../model';
import type { Policy } from '../policy/schema';
import type { Control, ControlResult, Triggers } from './control';
import { findingOf, flaggedResult, NONE } from './control-kit';
import { taskDefinitionLabel } from './ecs-containers';

export const TASK_DEFINITION = 'AWS::ECS::TaskDefinition';

/** What a task-definition check found: offending container names (or `<container>/<ENV>`) and the evidence. */
export interface Violation {
  targets: string[];
  evidence: string;
}

type Meta = Omit<Control, 'appliesTo' | 'evaluate' | 'resourceTypes' | 'triggers'>;

/** What feeds a task-definition control (its Config rules and Security Hub ids come from its mappings). */
export const TASK_DEFINITION_TRIGGERS: Triggers = { cloudTrail: ['ecs:RegisterTaskDefinition'], configItems: true };

/**
 * A control over one task definition (event or live facts, same kind). `check` returns undefined when compliant.
 * `flagged` facts give a provisional finding when the evaluator named the control.
 */
export function taskDefinitionControl(
  meta: Meta,
  check: (td: TaskDefinitionFacts, o: Observation, policy: Policy) => Violation | undefined,
): Control {
  const control: Control = {
    ...meta,
    resourceTypes: [TASK_DEFINITION],
    triggers: TASK_DEFINITION_TRIGGERS,
    appliesTo: (o) => o.resource.type === TASK_DEFINITION,
    evaluate(o: Observation, policy: Policy): ControlResult {
      if (o.facts.kind === 'flagged') return flaggedResult(control, o, policy);
      if (o.facts.kind !== 'ecs-task-definition') return NONE;
      const v = check(o.facts.taskDefinition, o, policy);
      if (!v) return NONE;
      const evidence = `${taskDefinitionLabel(o.facts.taskDefinition)}: ${v.evidence}`;
      return { findings: [findingOf(control, o, policy, v.targets, evidence)] };
    },
  };
  return control;
}
