import type { Control } from './control';
import { ecrScanOnPush } from './ecr-scan-on-push';
import { ecrTagImmutability } from './ecr-tag-immutability';
import { ecsClusterContainerInsights } from './ecs-cluster-container-insights';
import { ecsServiceNoncompliantTaskDefinition } from './ecs-service-noncompliant-task-definition';
import { ecsServicePublicIp } from './ecs-service-public-ip';
import { ecsTaskRootOrPrivileged } from './ecs-task-root-or-privileged';
import { eksControlPlaneLogging } from './eks-control-plane-logging';
import { eksEndpointPublic } from './eks-endpoint-public';
import { eksSecretsEncryption } from './eks-secrets-encryption';
import { guarddutyContainerThreat } from './guardduty-container-threat';
import { sgWorldOpenIngress } from './sg-world-open-ingress';
import { taskDefinitionControls } from './task-definition-controls';

export type { Control, ControlResult } from './control';

/** The catalog. Adding a control: one file, one line here, one test; docs/controls.md is generated from this list. */
export const controls: readonly Control[] = [
  sgWorldOpenIngress,
  ...taskDefinitionControls,
  ecsServicePublicIp,
  ecsServiceNoncompliantTaskDefinition,
  ecsTaskRootOrPrivileged,
  ecsClusterContainerInsights,
  eksEndpointPublic,
  eksControlPlaneLogging,
  eksSecretsEncryption,
  ecrScanOnPush,
  ecrTagImmutability,
  guarddutyContainerThreat,
];

export const controlById = (id: string): Control | undefined => controls.find((c) => c.id === id);
