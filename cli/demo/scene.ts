import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';
import { approvalIdsOfRun } from '../../functions/approvals/expire';
import { getApproval } from '../../functions/approvals/store';
import { clients } from '../../functions/aws/clients';
import type { FakeSlack } from '../../local/fake-slack';
import { signedClick } from '../../local/slack-click';
import { join } from 'node:path';
import { matchingRules } from '../../local/event-pattern';
import type { EventRule } from '../../local/template';
import type { LocalWarden } from '../../local/warden-local';
import type { LocalRun } from '../../local/state-machine';
import type { RunbookRun } from '../../functions/domain/remediation';
import { timelineLines } from '../../functions/domain/runbooks/timeline';
import { plainSlackText } from '../slack-text';

/** One step of the demo: a change made in the emulator, the sample event that reports it, and what to show. */
export interface Scene {
  title: string;
  /** A file under events/ (a runbook scene without one is started by hand, as `warden runbook run` does). */
  sample?: string;
  /** Start this runbook by hand instead of replaying an event. */
  runbook?: { name: string; input: () => unknown; executionName?: string };
  /** Make the change the event reports, in the emulator. */
  change?: () => Promise<void>;
  /** Sample ids → ids in the emulator (applied to the sample's text). */
  ids?: () => Record<string, string>;
  /** The affected resource's state, printed before and after. */
  show?: () => Promise<string>;
  /** More lines to print once the runs have ended (what a stand-in received). */
  report?: () => string[];
  /** Answer the approval request of this control's run with a signed Slack click. */
  decide?: { control: string; decision: 'approve' | 'deny'; userId: string };
  /** A scene that is a command or a scheduled run, not an event: it prints its own lines. */
  run?: (deps: PlayDeps) => Promise<void>;
}

export interface PlayDeps {
  root: string;
  rules: EventRule[];
  warden: LocalWarden;
  slack: FakeSlack;
  signingSecret: string;
}

export const out = (s = ''): void => {
  process.stdout.write(s + '\n');
};

/** Replay one scene: route the event with the template's rules, triage it, run what it starts, show the result. */
export async function play(n: number, scene: Scene, deps: PlayDeps): Promise<void> {
  if (scene.runbook) return playRunbook(n, scene, scene.runbook, deps);
  if (scene.run) return playCommand(n, scene, scene.run, deps);
  out(`[${n}] ${scene.title}\n    sample: events/${scene.sample}`);
  await scene.change?.();
  let text = readFileSync(join(deps.root, 'events', scene.sample!), 'utf8');
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
    const result = await deps.warden.triage(event, { wait: false });
    out(`    decision: ${result.status}${result.reason ? ` (${result.reason})` : ''}`);
    for (const e of result.executions) {
      if (e.duplicate) {
        out(`    execution ${e.name}: duplicate delivery, already started once: not run again`);
        continue;
      }
      if (scene.decide?.control === e.control) await click(e.name, scene.decide, deps);
      showRun(`${e.name} (${e.control}`, await deps.warden.done(e.name));
    }
  } catch (err) {
    out(`    decision: invalid: ${(err as Error).message}\n    nothing acted on; the Lambda fails so its DLQ keeps the event`);
  }
  if (before !== undefined) {
    out(`    before: ${before}`);
    out(`    after:  ${await scene.show!()}`);
  }
  for (const line of scene.report?.() ?? []) out(`    ${line}`);
  out(`    time: ${Date.now() - started} ms\n`);
}

type RunOutput = {
  recorded?: { result?: { outcome?: string } };
  live?: { result?: { mode?: string; plan?: { steps?: string[] } } };
  runbook?: RunbookRun;
} | undefined;

/** Path, outcome, plan and (for runbooks) the timeline of one finished run. */
function showRun(label: string, run: LocalRun): void {
  const state = run.output as RunOutput;
  out(`    execution ${label}, mode ${state?.live?.result?.mode ?? '?'})`);
  out(`      ${run.path.join(' → ')}`);
  out(`      outcome: ${state?.recorded?.result?.outcome ?? run.failed?.error}`);
  const steps = state?.live?.result?.plan?.steps ?? [];
  if (steps.length) out(`      plan:\n${steps.map((s) => `        - ${s}`).join('\n')}`);
  const timeline = timelineLines(state?.runbook?.timeline);
  if (timeline.length) out(`      timeline (runbook ${state!.runbook!.name}; also \`warden audit show\`):\n${timeline.map((l) => `        ${l}`).join('\n')}`);
}

/** Start a runbook by hand, answer its approval if the scene says so, and show the run. */
async function playRunbook(n: number, scene: Scene, runbook: NonNullable<Scene['runbook']>, deps: PlayDeps): Promise<void> {
  out(`[${n}] ${scene.title}\n    warden runbook run ${runbook.name} ${JSON.stringify(runbook.input())}`);
  await scene.change?.();
  const before = await scene.show?.();
  const started = Date.now();
  const e = deps.warden.runbook(runbook.name, runbook.input(), runbook.executionName ? { executionName: runbook.executionName } : {});
  if (scene.decide) await click(e.name, scene.decide, deps);
  showRun(`${e.name} (runbook ${runbook.name}`, await e.done);
  if (before !== undefined) {
    out(`    before: ${before}`);
    out(`    after:  ${await scene.show!()}`);
  }
  out(`    time: ${Date.now() - started} ms\n`);
}

/** A scene of its own kind: its title, what it prints, the resource before and after, the time. */
async function playCommand(n: number, scene: Scene, run: NonNullable<Scene['run']>, deps: PlayDeps): Promise<void> {
  out(`[${n}] ${scene.title}`);
  const before = await scene.show?.();
  const started = Date.now();
  await run(deps);
  if (before !== undefined) {
    out(`    before: ${before}`);
    out(`    after:  ${await scene.show!()}`);
  }
  out(`    time: ${Date.now() - started} ms\n`);
}

/**
 * The run's approval request once stored, posted and its message ts saved; undefined when the run ended without one
 * (or none came within about five seconds).
 */
export async function approvalOf(run: string, deps: PlayDeps): Promise<Awaited<ReturnType<typeof getApproval>>> {
  const store = { dynamodb: clients.dynamodb(), tableName: deps.warden.resources.approvalsTable };
  let record: Awaited<ReturnType<typeof getApproval>>;
  for (let i = 0; i < 200 && !record?.messageTs; i++) {
    const [id] = await approvalIdsOfRun(run, store);
    record = id ? await getApproval(id, store) : undefined;
    if (record?.messageTs || (!record && deps.warden.runs.has(run))) break;
    await sleep(25);
  }
  return record;
}

/** Find the run's approval request, show what Slack got, and click Approve or Deny as a named Slack user. */
export async function click(run: string, decide: Omit<NonNullable<Scene['decide']>, 'control'>, deps: PlayDeps): Promise<void> {
  const record = await approvalOf(run, deps);
  if (!record) {
    out('    approval: no request was stored');
    return;
  }
  const posted = record.messageTs ? deps.slack.messages.get(record.messageTs) : undefined;
  out(`    approval requested in ${record.channel}: "${plainSlackText(posted?.text?.split('\n')[0] ?? '(not posted)')}" [Approve] [Deny] (id ${record.id})`);
  const res = await deps.warden.interactions(signedClick({
    approvalId: record.id, decision: decide.decision, userId: decide.userId, signingSecret: deps.signingSecret,
    responseUrl: deps.slack.responseUrl,
  }));
  out(`    signed ${decide.decision === 'approve' ? 'Approve' : 'Deny'} click by ${decide.userId}: HTTP ${res.statusCode}`);
}
