import type { PolicyDocument } from '../aws/policy-parameter';
import { documentHash, versionText, type PolicyVersion, type VersionedPolicy } from '../domain/policy/version';
import type { Policy } from '../domain/policy/schema';
import { logger } from './logger';

/** How long a function uses a document before it reads the parameter again, unless WARDEN_POLICY_MAX_AGE_SECONDS says. */
export const DEFAULT_POLICY_MAX_AGE_SECONDS = 60;

/**
 * The message of the log line of a refused policy (unreadable, invalid, or no parameter configured). template.yaml's
 * metric filters count the lines with this message (`{ $.message = "policy rejected" }`); PolicyRejectedAlarm fires on any.
 */
export const POLICY_REJECTED = 'policy rejected';

export interface PolicyLoaderOptions {
  /** The SSM parameter that holds the document (WARDEN_POLICY_PARAMETER). */
  parameter: string | undefined;
  /** The cache period: a document is used this long before the parameter is read again. */
  maxAgeSeconds: number;
  read: (name: string, opts: { maxAgeSeconds: number; forceFetch: boolean }) => Promise<PolicyDocument>;
  /** The loader's clock (epoch ms): the cache period is counted on it. */
  now: () => number;
  /** WARDEN_DEFAULT_MODE and WARDEN_OWN_ROLES combine with the document (runtime/config.ts). */
  env: NodeJS.ProcessEnv;
}

export interface PolicyLoader {
  /** The policy to decide with now, and its version. Never throws: a refused document is logged, never half-applied. */
  current(): Promise<VersionedPolicy>;
}

/**
 * The deployed policy, read from its SSM parameter and cached for `maxAgeSeconds`. A version that cannot be read or is
 * invalid is refused as a whole: the last good version of this container stays in use, and with none (a cold start on
 * a broken policy) the policy fails closed (every mode dry-run). Each refusal logs POLICY_REJECTED; the cache period
 * applies to refusals too, so a broken document is logged once per period, for as long as it stays broken.
 */
export function policyLoader(o: PolicyLoaderOptions): PolicyLoader {
  const ttlMs = Math.max(0, o.maxAgeSeconds) * 1000;
  const parameter = o.parameter?.trim() || undefined;
  let good: { policy: Policy; version: number; hash: string } | undefined;
  let memo: { at: number; result: VersionedPolicy } | undefined;

  const inUse = (g: NonNullable<typeof good>, status: PolicyVersion['status'], extra: Partial<PolicyVersion> = {}): VersionedPolicy =>
    ({ policy: g.policy, version: { parameter, version: g.version, hash: g.hash, status, ...extra } });

  async function refused(problem: string, rejected?: PolicyVersion['rejected']): Promise<VersionedPolicy> {
    const using = good ? `the last good version, ${versionText({ parameter, version: good.version, hash: good.hash })}` : 'none: failing closed, every mode dry-run';
    logger.error(POLICY_REJECTED, { parameter, problem, ...(rejected ? { rejected } : {}), using });
    if (good) return inUse(good, 'last-good', { problem, ...(rejected ? { rejected } : {}) });
    const { failClosedPolicy } = await import('./config');
    return { policy: failClosedPolicy(o.env), version: { ...(parameter ? { parameter } : {}), status: 'fail-closed', problem, ...(rejected ? { rejected } : {}) } };
  }

  async function load(forceFetch: boolean): Promise<VersionedPolicy> {
    if (!parameter) return refused('WARDEN_POLICY_PARAMETER is not set: there is no policy document to read');
    let doc: PolicyDocument;
    try {
      doc = await o.read(parameter, { maxAgeSeconds: o.maxAgeSeconds, forceFetch });
    } catch (err) {
      const cause = ((err as Error).cause ?? err) as Error;
      return refused(`cannot read ${parameter}: ${cause.name}: ${cause.message}`);
    }
    const hash = documentHash(doc.text);
    if (good?.version === doc.version && good.hash === hash) return inUse(good, 'current');
    try {
      // zod loads here, on the first read: the handlers' entry bundles do not parse policy.
      const { policyFromText } = await import('./config');
      const policy = policyFromText(doc.text, o.env);
      good = { policy, version: doc.version, hash };
      logger.info('policy loaded', { parameter, version: doc.version, hash });
      return inUse(good, 'current');
    } catch (err) {
      return refused(`${versionText({ parameter, version: doc.version, hash })} is invalid: ${(err as Error).message}`, { version: doc.version, hash });
    }
  }

  return {
    async current() {
      const at = o.now();
      if (memo && at - memo.at < ttlMs) return memo.result;
      // The period is over by this loader's clock: read afresh (Powertools' own cache, of the same length, would too).
      const result = await load(memo !== undefined);
      memo = { at, result };
      return result;
    },
  };
}

/** WARDEN_POLICY_MAX_AGE_SECONDS: whole seconds, 0 reads the parameter on every invocation. */
export function maxAgeSeconds(env: NodeJS.ProcessEnv): number {
  const raw = env.WARDEN_POLICY_MAX_AGE_SECONDS?.trim();
  if (!raw) return DEFAULT_POLICY_MAX_AGE_SECONDS;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 0) return n;
  logger.warn('WARDEN_POLICY_MAX_AGE_SECONDS is not a whole number of seconds: using the default', { value: raw, default: DEFAULT_POLICY_MAX_AGE_SECONDS });
  return DEFAULT_POLICY_MAX_AGE_SECONDS;
}

let deployed: PolicyLoader | undefined;
let clock: () => number = Date.now;

/**
 * The function's loader, from its environment (WARDEN_POLICY_PARAMETER, WARDEN_POLICY_MAX_AGE_SECONDS), made on first
 * use. The SSM client and Powertools Parameters load with the first read.
 */
export const deployedPolicy = (): PolicyLoader =>
  (deployed ??= policyLoader({
    parameter: process.env.WARDEN_POLICY_PARAMETER,
    maxAgeSeconds: maxAgeSeconds(process.env),
    read: async (name, opts) => (await import('../aws/policy-parameter')).readPolicyDocument(name, opts),
    now: () => clock(),
    env: process.env,
  }));

/**
 * Forget the loader, its cache and its last good version, as a cold start would (tests and the local Warden change the
 * environment). `now`: the clock the next loader counts its cache period on (tests move it instead of sleeping).
 */
export const resetDeployedPolicy = (opts: { now?: () => number } = {}): void => {
  deployed = undefined;
  clock = opts.now ?? Date.now;
};
