import type { Control } from './control';
import { ecsTaskDangerousCapabilities } from './ecs-task-dangerous-capabilities';
import { ecsTaskEnvSecrets } from './ecs-task-env-secrets';
import { ecsTaskHostNetwork } from './ecs-task-host-network';
import { ecsTaskHostPid } from './ecs-task-host-pid';
import { ecsTaskNoLogging } from './ecs-task-no-logging';
import { ecsTaskPrivileged } from './ecs-task-privileged';
import { ecsTaskRootUser } from './ecs-task-root-user';
import { ecsTaskUntrustedImage } from './ecs-task-untrusted-image';
import { ecsTaskWritableRootFs } from './ecs-task-writable-root-fs';

/** The controls over one task definition; services reuse them on the definition they run. */
export const taskDefinitionControls: readonly Control[] = [
  ecsTaskRootUser,
  ecsTaskPrivileged,
  ecsTaskDangerousCapabilities,
  ecsTaskWritableRootFs,
  ecsTaskEnvSecrets,
  ecsTaskUntrustedImage,
  ecsTaskHostNetwork,
  ecsTaskHostPid,
  ecsTaskNoLogging,
];
