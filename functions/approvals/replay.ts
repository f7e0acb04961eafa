import { createHash } from 'node:crypto';

/**
 * A per-container memory of recently seen signed requests, for the length of Slack's 5-minute window. It is only a
 * cheap first line: the conditional write in store.decide is what guarantees an approval is decided once.
 */
export interface ReplayGuard {
  /** True if this key was seen within the window; otherwise remembers it and returns false. */
  seen(key: string): boolean;
}

export function replayGuard(opts: { ttlMs?: number; max?: number; now?: () => number } = {}): ReplayGuard {
  const ttl = opts.ttlMs ?? 5 * 60_000;
  const max = opts.max ?? 1000;
  const now = opts.now ?? Date.now;
  const seenAt = new Map<string, number>();
  return {
    seen(key) {
      const t = now();
      const h = createHash('sha256').update(key).digest('hex');
      const at = seenAt.get(h);
      if (at !== undefined && t - at <= ttl) return true;
      seenAt.delete(h);
      seenAt.set(h, t);
      // Map keeps insertion order: drop the oldest past the window or the cap.
      for (const [k, v] of seenAt) {
        if (seenAt.size <= max && t - v <= ttl) break;
        seenAt.delete(k);
      }
      return false;
    },
  };
}
