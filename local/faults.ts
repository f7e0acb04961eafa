/**
 * Fault injection for tests and the bench: an SDK middleware on every client (functions/aws/client-cache.ts
 * onEveryClient) that makes a chosen fraction of AWS calls fail as throttled, in two ways:
 * - `rejected`: refused before it reaches the service (nothing happened; the caller may retry);
 * - `response-lost`: the service applied it, then the caller got a throttling error instead of the answer (a retry
 *   sends it again: only idempotent handling keeps that from acting twice).
 * It sits inside the SDK's retry loop, so each attempt is a separate draw. Deterministic for a seed.
 */
import { onEveryClient } from '../functions/aws/client-cache';

export type FaultKind = 'rejected' | 'response-lost';

export interface FaultPlan {
  /** Fraction of calls that fail, 0..1. */
  rate: number;
  kinds: readonly FaultKind[];
  seed?: number;
  /** Which calls may fail (default: all), by service client name (e.g. `EC2Client`) and command (`RevokeSecurityGroupIngressCommand`). */
  only?: (client: string, command: string) => boolean;
}

export interface FaultLog {
  calls: number;
  rejected: number;
  responseLost: number;
  /** Calls the service answered successfully, whatever the caller then saw: `EC2Client:RevokeSecurityGroupIngressCommand` → inputs. */
  applied: Map<string, unknown[]>;
}

/** A small seeded generator (mulberry32): the same plan fails the same calls. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const throttled = (how: string) =>
  Object.assign(new Error(`Rate exceeded (injected: ${how})`), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } });

/** Start injecting; returns the log and `stop()`. Clients built before are rebuilt with the fault middleware. */
export function injectFaults(plan: FaultPlan): { log: FaultLog; stop: () => void } {
  const next = random(plan.seed ?? 1);
  const log: FaultLog = { calls: 0, rejected: 0, responseLost: 0, applied: new Map() };
  const stop = onEveryClient({
    applyToStack(stack) {
      (stack as { add(mw: unknown, opts: unknown): void }).add(
        (nextHandler: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) =>
          async (args: { input?: unknown }) => {
            const client = context.clientName ?? '?';
            const command = context.commandName ?? '?';
            log.calls++;
            const eligible = plan.only?.(client, command) ?? true;
            const draw = eligible && plan.kinds.length > 0 && next() < plan.rate;
            const kind = draw ? plan.kinds[Math.floor(next() * plan.kinds.length)]! : undefined;
            if (kind === 'rejected') {
              log.rejected++;
              throw throttled('rejected');
            }
            const out = await nextHandler(args);
            const key = `${client}:${command}`;
            if (!log.applied.has(key)) log.applied.set(key, []);
            log.applied.get(key)!.push(args.input);
            if (kind === 'response-lost') {
              log.responseLost++;
              throw throttled('response lost');
            }
            return out;
          },
        { step: 'finalizeRequest', name: 'wardenFaults', override: true },
      );
    },
  });
  return { log, stop };
}
