import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchingRules } from '../../local/event-pattern';
import type { EventRule } from '../../local/template';
import type { LocalWarden } from '../../local/warden-local';

/** One step of the demo: a change made in the emulator, the sample event that reports it, and what to show. */
export interface Scene {
  title: string;
  /** A file under events/. */
  sample: string;
  /** Make the change the event reports, in the emulator. */
  change?: () => Promise<void>;
  /** Sample ids → ids in the emulator (applied to the sample's text). */
  ids?: () => Record<string, string>;
  /** The affected resource's state, printed before and after. */
  show?: () => Promise<string>;
}

export const out = (s = ''): void => {
  process.stdout.write(s + '\n');
};

/** Replay one scene: route the event with the template's rules, triage it, run what it starts, show the result. */
export async function play(n: number, scene: Scene, deps: { root: string; rules: EventRule[]; warden: LocalWarden }): Promise<void> {
  out(`[${n}] ${scene.title}\n    sample: events/${scene.sample}`);
  await scene.change?.();
  let text = readFileSync(join(deps.root, 'events', scene.sample), 'utf8');
  // Longest first: an ARN must be replaced before the account id inside it.
  const ids = Object.entries(scene.ids?.() ?? {}).sort(([a], [b]) => b.length - a.length);
  for (const [from, to] of ids) text = text.split(from).join(to);
  const event = JSON.parse(text) as unknown;
  const before = await scene.show?.();

  const routed = matchingRules(deps.rules, event);
  if (routed.length === 0) {
    out('    routing: no EventBridge rule matches; the event never reaches Warden\n');
    return;
  }
  out(`    routing: ${routed.map((r) => `${r.name} → ${r.target}`).join(', ')}`);
  const started = Date.now();
  try {
    const result = await deps.warden.triage(event);
    out(`    decision: ${result.status}${result.reason ? ` (${result.reason})` : ''}`);
    for (const e of result.executions) {
      if (e.duplicate) {
        out(`    execution ${e.name}: duplicate delivery, already started once: not run again`);
        continue;
      }
      const run = deps.warden.runs.get(e.name)!;
      const state = run.output as { recorded?: { result?: { outcome?: string } }; live?: { result?: { mode?: string; plan?: { steps?: string[] } } } } | undefined;
      out(`    execution ${e.name} (${e.control}, mode ${state?.live?.result?.mode ?? '?'})`);
      out(`      ${run.path.join(' → ')}`);
      out(`      outcome: ${state?.recorded?.result?.outcome ?? run.failed?.error}`);
      const steps = state?.live?.result?.plan?.steps ?? [];
      if (steps.length) out(`      plan:\n${steps.map((s) => `        - ${s}`).join('\n')}`);
    }
  } catch (err) {
    out(`    decision: invalid: ${(err as Error).message}\n    nothing acted on; the Lambda fails so its DLQ keeps the event`);
  }
  if (before !== undefined) {
    out(`    before: ${before}`);
    out(`    after:  ${await scene.show!()}`);
  }
  out(`    time: ${Date.now() - started} ms\n`);
}
