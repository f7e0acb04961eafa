import { catalogControls } from './catalog-ref';
import type { Control } from './control';
import { TASK_DEFINITION } from './task-definition-control';

/**
 * The controls over one task definition (those that read AWS::ECS::TaskDefinition); services reuse them on the
 * definition they run. Read at call time from the catalog, so a new task-definition control needs no list.
 */
export const taskDefinitionControls = (): readonly Control[] => catalogControls().filter((c) => c.resourceTypes.includes(TASK_DEFINITION));
