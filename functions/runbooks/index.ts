import type { RunbookSteps } from './model';

export type { RunbookState, RunbookSteps, StepDeps, StepFn, StepOutcome, StepRegistry } from './model';

/**
 * Step code by runbook name, loaded on first use: a step pays only for its own runbook's code and SDK clients.
 * Every step of functions/domain/runbooks/catalog.ts has an entry (a test checks).
 */
export const runbookSteps: Record<string, () => Promise<RunbookSteps>> = {
  'contain-ecs-task': async () => (await import('./contain-ecs-task')).containEcsTask,
  'eks-finding-response': async () => (await import('./eks-finding-response')).eksFindingResponse,
  'isolate-container-instance': async () => (await import('./isolate-container-instance')).isolateContainerInstance,
  'restore-security-group-rule': async () => (await import('./restore-security-group-rule')).restoreSecurityGroupRule,
};
