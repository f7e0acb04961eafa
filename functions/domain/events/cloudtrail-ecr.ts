/**
 * EventBridge "AWS API Call via CloudTrail" for Amazon ECR repositories (lowerCamelCase API members):
 * CreateRepository, PutImageScanningConfiguration, PutImageTagMutability. A setting absent from CreateRepository is
 * the API default (scanOnPush false, MUTABLE: the controls apply it); the Put* calls carry only their one setting
 * (`partial`).
 */
import { z } from 'zod';
import type { Normalized, RepositoryFacts } from '../model';
import { cloudTrailDetail, cloudTrailResult, failedCall, parseCloudTrail } from './cloudtrail-common';
import { Bool, type Envelope } from './envelope';
import { ecrRepositoryRef } from './refs';

export const CLOUDTRAIL_ECR_EVENTS = ['CreateRepository', 'PutImageScanningConfiguration', 'PutImageTagMutability'] as const;
type EcrEventName = (typeof CLOUDTRAIL_ECR_EVENTS)[number];

export const isCloudTrailEcrEvent = (name: unknown): name is EcrEventName =>
  typeof name === 'string' && (CLOUDTRAIL_ECR_EVENTS as readonly string[]).includes(name);

const str = z.string().nullish();
const Repository = z.object({
  repositoryName: str,
  registryId: str,
  imageScanningConfiguration: z.object({ scanOnPush: Bool.nullish() }).nullish(),
  imageTagMutability: str,
});

const Detail = cloudTrailDetail(
  'ecr.amazonaws.com',
  z.enum(CLOUDTRAIL_ECR_EVENTS),
  Repository,
  // CreateRepository answers { repository }, the Put* calls answer the repository's fields at the top level.
  Repository.extend({ repository: Repository.extend({ repositoryArn: str }).nullish() }),
);

export function normalizeCloudTrailEcr(env: Envelope, eventName: EcrEventName): Normalized {
  const parsed = parseCloudTrail(Detail, env, eventName);
  if (!parsed.ok) return parsed.result;
  const d = parsed.detail;
  const req = d.requestParameters;
  const res = d.responseElements?.repository ?? d.responseElements;
  const repositoryName = req?.repositoryName ?? res?.repositoryName;
  if (!repositoryName) {
    if (d.errorCode) return { kind: 'ignored', reason: failedCall(d.errorCode) };
    return { kind: 'invalid', reason: `CloudTrail ${eventName}: no repositoryName in requestParameters or responseElements` };
  }
  const account = req?.registryId ?? res?.registryId ?? env.account;
  const ref = ecrRepositoryRef({ account, region: env.region }, repositoryName, d.responseElements?.repository?.repositoryArn ?? undefined);
  const partial = eventName !== 'CreateRepository';
  const repository: RepositoryFacts = { repositoryName, arn: ref.id, ...(partial ? { partial } : {}) };
  const scanOnPush = req?.imageScanningConfiguration?.scanOnPush ?? res?.imageScanningConfiguration?.scanOnPush;
  if (scanOnPush != null && eventName !== 'PutImageTagMutability') repository.scanOnPush = scanOnPush;
  const tagMutability = req?.imageTagMutability ?? res?.imageTagMutability;
  if (tagMutability && eventName !== 'PutImageScanningConfiguration') repository.tagMutability = tagMutability;
  return cloudTrailResult(env, d, ref, { kind: 'ecr-repository', repository });
}
