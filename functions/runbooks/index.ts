import { containEcsTask } from './contain-ecs-task';
import { eksFindingResponse } from './eks-finding-response';
import { isolateContainerInstance } from './isolate-container-instance';
import type { RunbookSteps } from './model';
import { restoreSecurityGroupRule } from './restore-security-group-rule';

export type { RunbookState, RunbookSteps, StepDeps, StepFn, StepOutcome } from './model';

/** Step code by runbook name. Every step of functions/domain/runbooks/catalog.ts has an entry (a test checks). */
export const runbookSteps: Record<string, RunbookSteps> = {
  'contain-ecs-task': containEcsTask,
  'eks-finding-response': eksFindingResponse,
  'isolate-container-instance': isolateContainerInstance,
  'restore-security-group-rule': restoreSecurityGroupRule,
};
