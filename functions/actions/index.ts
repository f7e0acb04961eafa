import type { Action } from './action';
import type { ActionId } from './catalog';

export type { Action, ActionClients, ApplyResult, FixingAction, Inspection, VerifyResult } from './action';

/**
 * The action registry, keyed by the id controls name in `remediation.action` (every id of actions/catalog.ts). Each
 * action's code, and the SDK clients it uses, load on first use: a run pays only for the services its action touches,
 * and the step functions start without parsing every client (scripts/build.ts splits the bundle at these imports).
 */
const loaders: Record<ActionId, () => Promise<Action>> = {
  'revoke-sg-ingress': async () => (await import('./revoke-sg-ingress')).revokeSgIngress,
  'enable-container-insights': async () => (await import('./enable-container-insights')).enableContainerInsights,
  'enable-eks-logging': async () => (await import('./enable-eks-logging')).enableEksLogging,
  'restrict-eks-endpoint': async () => (await import('./restrict-eks-endpoint')).restrictEksEndpoint,
  'enable-ecr-scan-on-push': async () => (await import('./enable-ecr-scan-on-push')).enableEcrScanOnPush,
  'set-ecr-tag-immutability': async () => (await import('./set-ecr-tag-immutability')).setEcrTagImmutability,
  'stop-ecs-tasks': async () => (await import('./stop-ecs-tasks')).stopEcsTasks,
  'harden-task-definition': async () => (await import('./harden-task-definition')).hardenTaskDefinition,
  'move-env-secrets': async () => (await import('./move-env-secrets')).moveEnvSecrets,
  'disable-service-public-ip': async () => (await import('./disable-service-public-ip')).disableServicePublicIp,
  'notify-owner': async () => (await import('./notify-owner')).notifyOwner,
};

/** Every registered action id. */
export const actionIds = Object.keys(loaders) as ActionId[];

/** The action with this id, its code loaded; undefined when no action has that id. */
export const loadAction = (id: string): Promise<Action | undefined> =>
  Object.hasOwn(loaders, id) ? loaders[id as ActionId]() : Promise.resolve(undefined);
