// `npm run bench`: Warden's speed and memory figures. Targets live here, not in timed tests.
// Writes bench/results.json. Everything runs locally: moto server for AWS, the real handlers and state machine.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clients } from '../functions/aws/clients';
import { awsLiveState } from '../functions/aws/live-state';
import { evaluate } from '../functions/domain/evaluate';
import { defaultPolicy } from '../functions/domain/policy';
import { startMoto, useEmulator } from '../local/moto';
import { startSink } from '../local/sink';
import { repoRoot } from '../local/template';
import { startLocalWarden, type LocalWarden } from '../local/warden-local';
import { buildAll } from '../scripts/build';
import { allow, createGroup, createVpc, ecsNetwork, tcp } from '../local/sandbox';
import { CreateClusterCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';

const TARGETS = {
  e2eMedianMs: 300, initMs: 100, bundleKB: 300, apiCallsPerFix: 3, transitionsPerFix: 10, eventsPerSecond: 20000,
  // GuardDuty finding in → task stopped, verified, notified and recorded (the contain-ecs-task runbook, auto mode).
  containMedianMs: 1000,
};
const node = join(repoRoot, 'node_modules', '.bin', 'node');
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function throughput() {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'events.manifest.json'), 'utf8')) as { file: string }[];
  const load = (file: string) => JSON.parse(readFileSync(join(repoRoot, 'events', file), 'utf8')) as unknown;
  const samples = manifest.flatMap(({ file }) => {
    try {
      return [{ file, event: load(file) }];
    } catch {
      return []; // the deliberately broken JSON sample
    }
  });
  const policy = defaultPolicy();
  const rate = async (events: unknown[], n: number) => {
    for (let i = 0; i < Math.min(n, 2000); i++) await evaluate(events[i % events.length], { policy }); // warm-up
    const start = performance.now();
    for (let i = 0; i < n; i++) await evaluate(events[i % events.length], { policy });
    return Math.round(n / ((performance.now() - start) / 1000));
  };
  const padded = samples.filter((s) => s.file.includes('padded')).map((s) => s.event);
  const mix = await rate(samples.filter((s) => !s.file.includes('padded')).map((s) => s.event), 100_000);
  const all = await rate(samples.map((s) => s.event), 100_000);
  return {
    eventsPerSecond: mix, eventsPerSecondWithPadded: all, paddedEventsPerSecond: await rate(padded, 5_000),
    distinctSamples: samples.length,
    heapUsedMB: round(process.memoryUsage().heapUsed / 2 ** 20), rssMB: round(process.memoryUsage().rss / 2 ** 20),
  };
}

/** Cold init: a fresh Node 22 process imports the bundle's entry; median of 7 runs (time inside the process, import only; chunks loaded on first use are not included). */
function init(bundles: { logicalId: string; file: string }[]) {
  const script = (f: string) => `const t = performance.now(); await import(${JSON.stringify(f)}); process.stdout.write(String(performance.now() - t));`;
  return Object.fromEntries(bundles.map((b) => {
    const runs = Array.from({ length: 7 }, () => Number(execFileSync(node, ['--input-type=module', '-e', script(b.file)], { env: { ...process.env, AWS_REGION: 'us-east-1' } })));
    return [b.logicalId, { medianMs: round(quantile(runs, 0.5)), minMs: round(Math.min(...runs)) }];
  }));
}

/** Count SDK calls per service by a middleware on each shared client. */
function countCalls() {
  const counts: Record<string, number> = {};
  for (const [name, get] of Object.entries(clients)) {
    type Next = (args: unknown) => Promise<unknown>;
    const client = get() as unknown as { middlewareStack: { add(mw: (next: Next) => Next, opts: object): void } };
    client.middlewareStack.add(
      (next: Next) => async (args: unknown) => {
        counts[name] = (counts[name] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: `bench-count-${name}` },
    );
  }
  return { counts, reset: () => Object.keys(counts).forEach((k) => delete counts[k]) };
}

/** A fresh moto, a Slack sink and a local Warden for one measurement; torn down after it. */
async function onEmulator<T>(measure: (warden: LocalWarden, calls: ReturnType<typeof countCalls>) => Promise<T>): Promise<T> {
  const moto = await startMoto();
  useEmulator(moto.endpoint);
  const sink = await startSink();
  try {
    return await measure(await startLocalWarden({ slackWebhookUrl: `${sink.url}/slack` }), countCalls());
  } finally {
    await sink.close();
    await moto.stop();
  }
}

function endToEnd(runs: number) {
  return onEmulator(async (warden, calls) => {
    const sample = readFileSync(join(repoRoot, 'events', 'cloudtrail', 'authorize-ssh-world.json'), 'utf8');
    const vpc = await createVpc();
    const durations: number[] = [];
    const triageCalls: Record<string, number>[] = [];
    const fixCalls: Record<string, number>[] = [];
    let transitions = 0;
    const openGroup = async (i: number) => {
      const group = await createGroup(vpc, `bench-${i}`, { Owner: 'bench' });
      const rule = await allow(group, tcp(22, '0.0.0.0/0'));
      return JSON.parse(sample.split('sg-0a11c0ffee0000001').join(group).split('sgr-0a11c0ffee00000a1').join(rule)
        .replace(/"id": "[^"]+"/, `"id": "bench-${i}"`)) as unknown;
    };
    for (let i = 0; i < runs + 3; i++) {
      const event = await openGroup(i);
      calls.reset();
      const start = performance.now();
      const result = await warden.triage(event);
      const ms = performance.now() - start;
      const run = warden.runs.get(result.executions[0]?.name ?? '');
      if (!run || run.failed || !run.path.includes('MarkFixed')) throw new Error(`run ${i} did not fix: ${JSON.stringify(run?.failed ?? result)}`);
      if (i < 3) continue; // warm-up
      durations.push(ms);
      transitions = run.path.length;
      fixCalls.push({ ...calls.counts });
    }
    // Triage's own reads: evaluate one more open group's event with triage's live state (triage adds only the
    // StartExecution, which runs locally here and is not counted).
    const event = await openGroup(runs + 3);
    calls.reset();
    const decision = await evaluate(event, { policy: defaultPolicy(), live: awsLiveState(clients) });
    if (decision.status !== 'violation') throw new Error(`expected a violation, got ${decision.status}`);
    triageCalls.push({ ...calls.counts });
    const perFix = fixCalls[fixCalls.length - 1]!;
    return {
      e2e: { runs: durations.length, medianMs: round(quantile(durations, 0.5)), p95Ms: round(quantile(durations, 0.95)) },
      apiCalls: {
        // EC2 calls made by the remediation workflow itself: re-check, apply, verify.
        remediation: (perFix.ec2 ?? 0) - (triageCalls[0]?.ec2 ?? 0),
        triage: triageCalls[0] ?? {},
        byService: perFix,
        total: Object.values(perFix).reduce((a, b) => a + b, 0),
      },
      transitions,
    };
  });
}

/** A GuardDuty reverse-shell finding on a standalone task, from triage to the recorded containment. */
function containment(runs: number) {
  return onEmulator(async (warden, calls) => {
    const net = await ecsNetwork();
    await clients.ecs().send(new CreateClusterCommand({ clusterName: 'payments' }));
    const def = await clients.ecs().send(new RegisterTaskDefinitionCommand({
      family: 'bench-debug', networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
      containerDefinitions: [{ name: 'debug', image: 'public.ecr.aws/docker/library/busybox:1', cpu: 256, memory: 512 }],
    }));
    const sample = readFileSync(join(repoRoot, 'events', 'guardduty', 'ecs-runtime-reverse-shell-standalone.json'), 'utf8').split('111122223333').join('123456789012');
    const durations: number[] = [];
    let transitions = 0;
    let perRun: Record<string, number> = {};
    for (let i = 0; i < runs + 3; i++) {
      const task = (await clients.ecs().send(new RunTaskCommand({
        cluster: 'payments', taskDefinition: def.taskDefinition!.taskDefinitionArn!, launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: [net.subnet], securityGroups: [net.sg], assignPublicIp: 'DISABLED' } },
      }))).tasks![0]!.taskArn!;
      // A new finding (id) and event each time: the same finding again would be ignored as a repeat.
      const finding = `bench${String(i).padStart(27, '0')}`;
      const event = JSON.parse(sample.split('arn:aws:ecs:us-east-1:123456789012:task/payments/0a11c0ffee0000000000000000000001').join(task)
        .split('c0ffee00000000000000000000000001').join(finding).replace(/"id": "5c1d0e6a[^"]+"/, `"id": "bench-gd-${i}"`)) as unknown;
      calls.reset();
      const start = performance.now();
      const result = await warden.triage(event);
      const ms = performance.now() - start;
      const run = warden.runs.get(result.executions[0]?.name ?? '');
      if (!run || run.failed || !run.path.includes('StopTask')) throw new Error(`containment ${i} did not stop the task: ${JSON.stringify(run?.failed ?? result)}`);
      if (i < 3) continue;
      durations.push(ms);
      transitions = run.path.length;
      perRun = { ...calls.counts };
    }
    return {
      runs: durations.length, medianMs: round(quantile(durations, 0.5)), p95Ms: round(quantile(durations, 0.95)), transitions,
      apiCalls: { byService: perRun, total: Object.values(perRun).reduce((a, b) => a + b, 0) },
    };
  });
}

async function main() {
  const tp = await throughput();
  const bundles = await buildAll();
  const initMs = init(bundles);
  const flow = await endToEnd(Number(process.env.BENCH_RUNS ?? 60));
  const contain = await containment(Number(process.env.BENCH_CONTAIN_RUNS ?? 20));
  const results = {
    date: new Date().toISOString(), node: process.version, targets: TARGETS,
    throughput: tp,
    bundle: Object.fromEntries(bundles.map((b) => [b.logicalId, { bytes: b.bytes, kb: round(b.bytes / 1024), withChunksKb: round(b.totalBytes / 1024), chunks: b.chunks }])),
    init: initMs,
    ...flow,
    containment: contain,
  };
  writeFileSync(join(repoRoot, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
  const ok = (good: boolean) => (good ? 'ok ' : 'MISS');
  const p = (s: string) => process.stdout.write(s + '\n');
  p(`throughput   ${ok(tp.eventsPerSecond >= TARGETS.eventsPerSecond)} ${tp.eventsPerSecond} events/s in-process over the samples (target ≥ ${TARGETS.eventsPerSecond}); ${tp.eventsPerSecondWithPadded}/s including the 201-rule padded event; that event alone ${tp.paddedEventsPerSecond}/s; heap in use ${tp.heapUsedMB} MB, rss ${tp.rssMB} MB`);
  for (const b of bundles) {
    const i = initMs[b.logicalId]!;
    p(`bundle       ${ok(b.bytes <= TARGETS.bundleKB * 1024)} ${b.logicalId.padEnd(26)} ${(b.bytes / 1024).toFixed(0).padStart(5)} KB (≤ ${TARGETS.bundleKB}; ${(b.totalBytes / 1024).toFixed(0)} KB with the chunks it loads on first use)   init ${ok(i.medianMs <= TARGETS.initMs)} ${i.medianMs} ms median (≤ ${TARGETS.initMs})`);
  }
  p(`e2e          ${ok(flow.e2e.medianMs <= TARGETS.e2eMedianMs)} median ${flow.e2e.medianMs} ms, p95 ${flow.e2e.p95Ms} ms over ${flow.e2e.runs} auto-fixes against moto (target median ≤ ${TARGETS.e2eMedianMs})`);
  p(`apiCalls     ${ok(flow.apiCalls.remediation <= TARGETS.apiCallsPerFix)} ${flow.apiCalls.remediation} EC2 calls in the remediation workflow (≤ ${TARGETS.apiCallsPerFix}); triage ${JSON.stringify(flow.apiCalls.triage)}; every service, triage to audit: ${JSON.stringify(flow.apiCalls.byService)} = ${flow.apiCalls.total}`);
  p(`transitions  ${ok(flow.transitions <= TARGETS.transitionsPerFix)} ${flow.transitions} states entered per auto-fix (≤ ${TARGETS.transitionsPerFix})`);
  p(`containment  ${ok(contain.medianMs <= TARGETS.containMedianMs)} median ${contain.medianMs} ms, p95 ${contain.p95Ms} ms over ${contain.runs} GuardDuty findings → task stopped and recorded (target median ≤ ${TARGETS.containMedianMs}); ${contain.transitions} states; calls ${JSON.stringify(contain.apiCalls.byService)} = ${contain.apiCalls.total}`);
  p('wrote bench/results.json');
}

await main();
