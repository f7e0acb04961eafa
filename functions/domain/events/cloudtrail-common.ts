/**
 * What every "AWS API Call via CloudTrail" normalizer shares: the caller (for the loop guard), failed calls
 * (`errorCode`: nothing changed), and the Observation envelope.
 */
import { z } from 'zod';
import type { Actor, Facts, Normalized, Observation, ResourceRef } from '../model';
import { parseDetail, type Envelope } from './envelope';

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

export const UserIdentity = z
  .object({
    type: z.string().optional(),
    arn: z.string().optional(),
    invokedBy: z.string().optional(),
    sessionContext: z.object({ sessionIssuer: z.object({ arn: z.string().optional() }).nullish() }).nullish(),
  })
  .nullish();

export function actorOf(u: z.output<typeof UserIdentity>): Actor | undefined {
  if (!u) return undefined;
  const actor: Actor = {};
  if (u.arn) actor.arn = u.arn;
  const roleArn = u.sessionContext?.sessionIssuer?.arn;
  if (roleArn) actor.roleArn = roleArn;
  if (u.type) actor.type = u.type;
  if (u.invokedBy) actor.invokedBy = u.invokedBy;
  return actor;
}

export const failedCall = (errorCode: string) => `the API call failed (${errorCode}): nothing changed`;

/** A CloudTrail detail: the record's common fields plus the event's request and response schemas. */
export const cloudTrailDetail = <N extends z.ZodType, Q extends z.ZodType, R extends z.ZodType>(
  eventSource: string,
  eventName: N,
  requestParameters: Q,
  responseElements: R,
) =>
  z.object({
    eventSource: z.literal(eventSource),
    eventName,
    userIdentity: UserIdentity,
    errorCode: z.string().optional(),
    requestParameters: requestParameters.nullish(),
    responseElements: responseElements.nullish(),
  });

/**
 * Parse a CloudTrail detail. A failed call changed nothing, whatever its request looked like: it is ignored even
 * when the rest of the record does not match the schema.
 */
export function parseCloudTrail<S extends z.ZodType>(
  schema: S,
  env: Envelope,
  eventName: string,
): { ok: true; detail: z.output<S> } | { ok: false; result: Normalized } {
  const parsed = parseDetail(schema, env, `CloudTrail ${eventName}`);
  if (parsed.ok) return parsed;
  const errorCode = (env.detail as { errorCode?: unknown } | null)?.errorCode;
  return typeof errorCode === 'string' ? { ok: false, result: { kind: 'ignored', reason: failedCall(errorCode) } } : parsed;
}

type TrailRecord = { eventName: string; userIdentity?: z.output<typeof UserIdentity>; errorCode?: string | undefined };

/** The Observation of one CloudTrail record: who made the call, where, and what it changed. */
export function cloudTrailObservation(env: Envelope, d: TrailRecord, resource: ResourceRef, facts: Facts): Observation {
  const actor = actorOf(d.userIdentity);
  return {
    source: 'cloudtrail',
    eventId: env.id,
    eventName: d.eventName,
    time: env.time,
    account: env.account,
    region: env.region,
    ...(actor ? { actor } : {}),
    resource,
    facts,
  };
}

/** The Observation of one CloudTrail record; ignored (with the observation) when the call failed. */
export function cloudTrailResult(env: Envelope, d: TrailRecord, resource: ResourceRef, facts: Facts): Normalized {
  const observation = cloudTrailObservation(env, d, resource, facts);
  if (d.errorCode) return { kind: 'ignored', reason: failedCall(d.errorCode), observation };
  return { kind: 'observation', observation };
}

/** Where the event happened, for ARNs built from names. */
export const whereOf = (env: Envelope) => ({ account: env.account, region: env.region });
