import type { Action } from './action';
import { enableContainerInsights } from './enable-container-insights';
import { enableEcrScanOnPush } from './enable-ecr-scan-on-push';
import { enableEksLogging } from './enable-eks-logging';
import { restrictEksEndpoint } from './restrict-eks-endpoint';
import { setEcrTagImmutability } from './set-ecr-tag-immutability';
import { disableServicePublicIp } from './disable-service-public-ip';
import { hardenTaskDefinition } from './harden-task-definition';
import { moveEnvSecrets } from './move-env-secrets';
import { notifyOwner } from './notify-owner';
import { revokeSgIngress } from './revoke-sg-ingress';
import { stopEcsTasks } from './stop-ecs-tasks';

export type { Action, ActionClients, ApplyResult, FixingAction, Inspection, VerifyResult } from './action';

/** The action registry, keyed by the id controls name in `remediation.action`. */
export const actions: readonly Action[] = [
  revokeSgIngress,
  enableContainerInsights,
  enableEksLogging,
  restrictEksEndpoint,
  enableEcrScanOnPush,
  setEcrTagImmutability,
  stopEcsTasks,
  hardenTaskDefinition,
  moveEnvSecrets,
  disableServicePublicIp,
  notifyOwner,
];

export const actionById = (id: string): Action | undefined => actions.find((a) => a.id === id);
