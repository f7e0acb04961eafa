/**
 * EventBridge "AWS API Call via CloudTrail" for Amazon EKS: CreateCluster and UpdateClusterConfig (lowerCamelCase
 * API members). The cluster is named `name` (the API member; AWS's own CloudTrail example writes `clusterName`, so
 * both are read). UpdateClusterConfig carries only the name: the ARN is built from it.
 */
import { z } from 'zod';
import type { EksClusterFacts, Normalized } from '../model';
import { cloudTrailDetail, cloudTrailResult, failedCall, parseCloudTrail, whereOf } from './cloudtrail-common';
import { Bool, listOf, type Envelope } from './envelope';
import { eksClusterRef } from './refs';

export const CLOUDTRAIL_EKS_EVENTS = ['CreateCluster', 'UpdateClusterConfig'] as const;
type EksEventName = (typeof CLOUDTRAIL_EKS_EVENTS)[number];

export const isCloudTrailEksEvent = (name: unknown): name is EksEventName =>
  typeof name === 'string' && (CLOUDTRAIL_EKS_EVENTS as readonly string[]).includes(name);

const str = z.string().nullish();
const VpcConfig = z.object({
  endpointPublicAccess: Bool.nullish(),
  endpointPrivateAccess: Bool.nullish(),
  publicAccessCidrs: z.array(z.string()).nullish(),
});
const Logging = z.object({ clusterLogging: listOf(z.object({ types: listOf(z.string()), enabled: Bool.nullish() })) });
const EncryptionConfig = listOf(z.object({ resources: listOf(z.string()) }));
type Logging = z.output<typeof Logging>;

const Cluster = z.object({
  name: str,
  clusterName: str,
  resourcesVpcConfig: VpcConfig.nullish(),
  logging: Logging.nullish(),
  encryptionConfig: EncryptionConfig.nullish(),
});

const CreateDetail = cloudTrailDetail('eks.amazonaws.com', z.literal('CreateCluster'), Cluster, z.object({ cluster: Cluster.extend({ arn: str }).nullish() }));
const UpdateDetail = cloudTrailDetail(
  'eks.amazonaws.com',
  z.literal('UpdateClusterConfig'),
  z.object({ name: str, clusterName: str, resourcesVpcConfig: VpcConfig.nullish(), logging: Logging.nullish() }),
  z.unknown(),
);

/** A record without the cluster name: ignored if the call failed, else invalid. */
const missing = (d: { eventName: string; errorCode?: string | undefined }): Normalized =>
  d.errorCode
    ? { kind: 'ignored', reason: failedCall(d.errorCode) }
    : { kind: 'invalid', reason: `CloudTrail ${d.eventName}: no cluster name in requestParameters or responseElements` };

/** Log types switched on and off by a `logging.clusterLogging[]` list. */
function logSwitches(logging: Logging): { on: string[]; off: string[] } {
  const on = new Set<string>();
  const off = new Set<string>();
  for (const entry of logging.clusterLogging) {
    for (const type of entry.types) (entry.enabled ? on : off).add(type);
  }
  return { on: [...on].filter((t) => !off.has(t)), off: [...off] };
}

/**
 * CreateCluster: what the request set, else what the response reports. Settings absent from both are the API
 * defaults (public endpoint open to 0.0.0.0/0, no logs, no secrets encryption): the controls apply them.
 */
function createCluster(env: Envelope): Normalized {
  const parsed = parseCloudTrail(CreateDetail, env, 'CreateCluster');
  if (!parsed.ok) return parsed.result;
  const d = parsed.detail;
  const req = d.requestParameters;
  const res = d.responseElements?.cluster;
  const name = req?.name ?? req?.clusterName ?? res?.name ?? res?.clusterName;
  if (!name) return missing(d);
  const ref = eksClusterRef(whereOf(env), name, res?.arn ?? undefined);
  const cluster: EksClusterFacts = { name, arn: ref.id };
  const publicAccess = req?.resourcesVpcConfig?.endpointPublicAccess ?? res?.resourcesVpcConfig?.endpointPublicAccess;
  if (publicAccess != null) cluster.endpointPublicAccess = publicAccess;
  const privateAccess = req?.resourcesVpcConfig?.endpointPrivateAccess ?? res?.resourcesVpcConfig?.endpointPrivateAccess;
  if (privateAccess != null) cluster.endpointPrivateAccess = privateAccess;
  const cidrs = req?.resourcesVpcConfig?.publicAccessCidrs ?? res?.resourcesVpcConfig?.publicAccessCidrs;
  if (cidrs) cluster.publicAccessCidrs = cidrs;
  const logging = req?.logging ?? res?.logging;
  if (logging) cluster.enabledLogTypes = logSwitches(logging).on;
  const encryption = req?.encryptionConfig ?? res?.encryptionConfig;
  if (encryption) cluster.secretsEncrypted = encryption.some((e) => e.resources.includes('secrets'));
  return cloudTrailResult(env, d, ref, { kind: 'eks-cluster', cluster });
}

/**
 * UpdateClusterConfig changes one area at a time and carries only what changed (`partial`). Logging: the types the
 * call turns on (`enabledLogTypes`, possibly empty) and off (`disabledLogTypes`); the others are unchanged.
 */
function updateClusterConfig(env: Envelope): Normalized {
  const parsed = parseCloudTrail(UpdateDetail, env, 'UpdateClusterConfig');
  if (!parsed.ok) return parsed.result;
  const d = parsed.detail;
  const req = d.requestParameters;
  const name = req?.name ?? req?.clusterName;
  if (!name) return missing(d);
  const ref = eksClusterRef(whereOf(env), name);
  const cluster: EksClusterFacts = { name, arn: ref.id, partial: true };
  const vpc = req?.resourcesVpcConfig;
  if (vpc?.endpointPublicAccess != null) cluster.endpointPublicAccess = vpc.endpointPublicAccess;
  if (vpc?.endpointPrivateAccess != null) cluster.endpointPrivateAccess = vpc.endpointPrivateAccess;
  if (vpc?.publicAccessCidrs) cluster.publicAccessCidrs = vpc.publicAccessCidrs;
  if (req?.logging) {
    const { on, off } = logSwitches(req.logging);
    cluster.enabledLogTypes = on;
    if (off.length) cluster.disabledLogTypes = off;
  }
  return cloudTrailResult(env, d, ref, { kind: 'eks-cluster', cluster });
}

export function normalizeCloudTrailEks(env: Envelope, eventName: EksEventName): Normalized {
  return eventName === 'CreateCluster' ? createCluster(env) : updateClusterConfig(env);
}
