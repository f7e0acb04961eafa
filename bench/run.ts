// `npm run bench`: Warden's speed and memory figures. Targets live here, not in timed tests.
// Writes bench/results.json. Everything runs locally: moto server for AWS, the real handlers and state machine.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clients } from '../functions/aws/clients';
import { awsLiveState } from '../functions/aws/live-state';
import { evaluate } from '../functions/domain/evaluate';
import { defaultPolicy } from '../functions/domain/policy';
import { startMoto, useEmulator } from '../local/moto';
import { startSink } from '../local/sink';
import { sampleEntries } from '../local/samples';
import { repoRoot } from '../local/template';
import { startLocalWarden, type LocalWarden } from '../local/warden-local';
import { buildAll } from '../scripts/build';
import { allow, createGroup, createVpc, ecsNetwork, ingressRuleIds, tcp } from '../local/sandbox';
import { CreateClusterCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import { DeleteSecurityGroupCommand } from '@aws-sdk/client-ec2';
import { prepareCustodian, startCustodian, type CustodianPeer } from './peers/custodian';
import { peerLines, peerReport, quantile, round, type SideSamples } from './peers/summary';
import { wardenColdPath } from './peers/warden';
import { faultFigures } from './faults';
import { burstFigures } from './burst';
import { orgFigures } from './org';
import { FULL_SIZE, scanFigures, scanLines } from './scan';
import { init } from './init';

const TARGETS = {
  e2eMedianMs: 300, initMs: 100, bundleKB: 300, apiCallsPerFix: 3, transitionsPerFix: 10, eventsPerSecond: 20000,
  // GuardDuty finding in → task stopped, verified, notified and recorded (the contain-ecs-task runbook, auto mode).
  containMedianMs: 1000,
  // Beside Cloud Custodian (bench/peers/custodian): Warden's whole path no slower than Custodian's revoke-only handler
  // at the median, and Warden's revoke call returning in at most 0.4× Custodian's time.
  peerE2eRatio: 1, peerRevokeRatio: 0.4,
};

async function throughput() {
  const manifest = sampleEntries();
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

/**
 * Count SDK calls per service and per operation by a middleware on each shared client, add up the time spent inside
 * them (the auto-fix path makes its calls one at a time), and note when each RevokeSecurityGroupIngress returned
 * (performance.now()) with the time spent in calls until then.
 */
function countCalls() {
  const counts: Record<string, number> = {};
  const byOperation: Record<string, number> = {};
  const revokedAt: { at: number; awsMs: number }[] = [];
  const aws = { ms: 0 };
  const opMs: Record<string, number> = {};
  for (const [name, get] of Object.entries(clients)) {
    type Next = (args: unknown) => Promise<unknown>;
    type Mw = (next: Next, context: { commandName?: string }) => Next;
    const client = get() as unknown as { middlewareStack: { add(mw: Mw, opts: object): void } };
    client.middlewareStack.add(
      (next, context) => async (args: unknown) => {
        const op = `${name}.${(context.commandName ?? '?').replace(/Command$/, '')}`;
        counts[name] = (counts[name] ?? 0) + 1;
        byOperation[op] = (byOperation[op] ?? 0) + 1;
        const start = performance.now();
        try {
          return await next(args);
        } finally {
          const end = performance.now();
          aws.ms += end - start;
          opMs[op] = (opMs[op] ?? 0) + end - start;
          if (op === 'ec2.RevokeSecurityGroupIngress') revokedAt.push({ at: end, awsMs: aws.ms });
        }
      },
      { step: 'initialize', name: `bench-count-${name}` },
    );
  }
  const clear = (o: object) => Object.keys(o).forEach((k) => delete (o as Record<string, unknown>)[k]);
  return { counts, byOperation, opMs, revokedAt, aws, reset: () => (clear(counts), clear(byOperation), clear(opMs), revokedAt.splice(0), (aws.ms = 0)) };
}

/** A fresh moto, a Slack sink and a local Warden for one measurement; torn down after it. */
async function onEmulator<T>(measure: (warden: LocalWarden, calls: ReturnType<typeof countCalls>, endpoint: string) => Promise<T>): Promise<T> {
  const moto = await startMoto();
  useEmulator(moto.endpoint);
  const sink = await startSink();
  try {
    // The bench measures fixes in a row, far past the breaker's default limits: each run still spends its token.
    const limits = { perAccount: 100_000, perControl: 100_000, total: 100_000, containment: 100_000 };
    return await measure(await startLocalWarden({ slackWebhookUrl: `${sink.url}/slack`, policy: { limits } }), countCalls(), moto.endpoint);
  } finally {
    await sink.close();
    await moto.stop();
  }
}

type Peer = { python: string } | { absent: string };

/**
 * Auto-fixes of a fresh group with tcp/22 open to the world, from its CloudTrail event. With Cloud Custodian present,
 * each Warden run is followed by a Custodian run on its own fresh group of the same shape (runs alternate), then
 * both sides' cold starts are measured the same way. Custodian failing never stops Warden's figures: its absence
 * and the reason are reported instead.
 */
function endToEnd(runs: number, bundles: { logicalId: string; file: string }[], peer: Peer, coldRuns: number) {
  return onEmulator(async (warden, calls, endpoint) => {
    const sample = readFileSync(join(repoRoot, 'events', 'cloudtrail', 'authorize-ssh-world.json'), 'utf8');
    const vpc = await createVpc();
    const triageCalls: Record<string, number>[] = [];
    const fixCalls: Record<string, number>[] = [];
    const sideSamples = (): SideSamples => ({ ms: [], revokeMs: [], awsMs: [], awsBeforeRevokeMs: [], calls: {}, callMs: {}, cold: [] });
    const wardenSide = sideSamples(), custodianSide = sideSamples();
    const addCallMs = (side: SideSamples, run: Record<string, number>) => {
      for (const [op, ms] of Object.entries(run)) (side.callMs[op] ??= []).push(ms);
    };
    let transitions = 0;
    // Each run's group is deleted once measured. moto's DescribeSecurityGroupRules copies every rule of every group in
    // the Region before it filters, so groups left behind by earlier runs would make each later call slower (AWS
    // answers a group-id filter without such a scan). Both sides run against the same small Region.
    const dropGroup = (GroupId: string) => clients.ec2().send(new DeleteSecurityGroupCommand({ GroupId }));
    const openGroup = async (label: string) => {
      const group = await createGroup(vpc, `bench-${label}`, { Owner: 'bench' });
      const rule = await allow(group, tcp(22, '0.0.0.0/0'));
      const event = JSON.parse(sample.split('sg-0a11c0ffee0000001').join(group).split('sgr-0a11c0ffee00000a1').join(rule)
        .replace(/"id": "[^"]+"/, `"id": "bench-${label}"`)) as unknown;
      return { group, event };
    };

    let absent = 'absent' in peer ? peer.absent : undefined;
    let custodian: CustodianPeer | undefined;
    let version = '?';
    const python = 'python' in peer ? peer.python : '';
    const custodianFails = async (what: string, err: unknown) => {
      absent = `${what}: ${(err as Error).message}`;
      await custodian?.stop().catch(() => undefined);
      custodian = undefined;
    };
    /** One Custodian run on its own fresh group; the group must have lost its rule. */
    const custodianFix = async (c: CustodianPeer, label: string) => {
      const { group, event } = await openGroup(label);
      const r = await c.handle(event);
      const left = await ingressRuleIds(group);
      if (left.length || r.revokeMs === null || r.awsBeforeRevokeMs === null) throw new Error(`Custodian did not revoke the rule of ${group} (left: ${left.join(', ') || 'none'})`);
      await dropGroup(group);
      return r;
    };
    if (!absent) {
      try {
        custodian = await startCustodian({ root: repoRoot, python, endpoint });
        version = custodian.ready.version;
      } catch (err) {
        await custodianFails('the Custodian driver did not start', err);
      }
    }

    for (let i = 0; i < runs + 3; i++) {
      const { group, event } = await openGroup(String(i));
      calls.reset();
      const start = performance.now();
      const result = await warden.triage(event);
      const ms = performance.now() - start;
      const revoked = calls.revokedAt[0], awsMs = calls.aws.ms;
      const run = warden.runs.get(result.executions[0]?.name ?? '');
      if (!run || run.failed || !run.path.includes('MarkFixed') || revoked === undefined) throw new Error(`run ${i} did not fix: ${JSON.stringify(run?.failed ?? result)}`);
      // Copied before Custodian's run: its group's set-up goes through the same clients.
      const byService = { ...calls.counts }, byOperation = { ...calls.byOperation }, opMs = { ...calls.opMs };
      await dropGroup(group);
      if (custodian) {
        try {
          const r = await custodianFix(custodian, `c7n-${i}`);
          if (i >= 3) {
            custodianSide.ms.push(r.ms);
            custodianSide.revokeMs.push(r.revokeMs!);
            custodianSide.awsMs.push(r.awsMs);
            custodianSide.awsBeforeRevokeMs.push(r.awsBeforeRevokeMs!);
            custodianSide.calls = r.calls;
            addCallMs(custodianSide, r.callMs);
          }
        } catch (err) {
          await custodianFails(`Custodian run ${i} failed`, err);
        }
      }
      if (i < 3) continue; // warm-up
      wardenSide.ms.push(ms);
      wardenSide.revokeMs.push(revoked.at - start);
      wardenSide.awsMs.push(awsMs);
      wardenSide.awsBeforeRevokeMs.push(revoked.awsMs);
      wardenSide.calls = byOperation;
      addCallMs(wardenSide, opMs);
      transitions = run.path.length;
      fixCalls.push(byService);
    }
    await custodian?.stop();

    // Cold starts, alternating: Warden's six functions imported from their bundles in a fresh node process, which
    // then handles one event; Custodian's driver freshly started, handling one event.
    try {
      const cold = await wardenColdPath(repoRoot, bundles);
      for (let k = 0; k < coldRuns; k++) {
        const w = await cold((await openGroup(`cold-${k}`)).event);
        wardenSide.cold.push({ importMs: Object.values(w.importMs).reduce((a, b) => a + b, 0), firstEventMs: w.triageMs + w.remediateMs });
        if (absent) continue;
        try {
          const c = await startCustodian({ root: repoRoot, python, endpoint });
          try {
            const r = await custodianFix(c, `c7n-cold-${k}`);
            custodianSide.cold.push({ importMs: c.ready.importMs, firstEventMs: r.ms, calls: r.calls });
          } finally {
            await c.stop();
          }
        } catch (err) {
          await custodianFails(`Custodian cold run ${k} failed`, err);
        }
      }
    } catch (err) {
      wardenSide.coldError = (err as Error).message;
    }

    // Triage's own reads: evaluate one more open group's event with triage's live state (triage adds only the
    // StartExecution, which runs locally here and is not counted).
    const { event } = await openGroup(String(runs + 3));
    calls.reset();
    const decision = await evaluate(event, { policy: defaultPolicy(), live: awsLiveState(clients) });
    if (decision.status !== 'violation') throw new Error(`expected a violation, got ${decision.status}`);
    triageCalls.push({ ...calls.counts });
    const perFix = fixCalls[fixCalls.length - 1]!;
    return {
      e2e: { runs: wardenSide.ms.length, medianMs: round(quantile(wardenSide.ms, 0.5)), p95Ms: round(quantile(wardenSide.ms, 0.95)) },
      apiCalls: {
        // EC2 calls made by the remediation workflow itself: re-check, apply, verify.
        remediation: (perFix.ec2 ?? 0) - (triageCalls[0]?.ec2 ?? 0),
        triage: triageCalls[0] ?? {},
        byService: perFix,
        total: Object.values(perFix).reduce((a, b) => a + b, 0),
      },
      transitions,
      peers: peerReport(wardenSide, absent ? { absent } : { ...custodianSide, version }, TARGETS),
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

/** `BENCH_ONLY=peers`: only the auto-fix path and the Custodian side by side, written over those keys of results.json. */
async function peersOnly() {
  const bundles = await buildAll();
  const peer = prepareCustodian(repoRoot);
  const flow = await endToEnd(Number(process.env.BENCH_RUNS ?? 60), bundles, peer, Number(process.env.BENCH_COLD_RUNS ?? 3));
  const path = join(repoRoot, 'bench', 'results.json');
  const previous = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, JSON.stringify({ ...previous, ...flow, peersMeasuredAt: new Date().toISOString() }, null, 2) + '\n');
  for (const line of peerLines(flow.peers, TARGETS)) process.stdout.write(line + '\n');
}

async function main() {
  if (process.env.BENCH_ONLY === 'peers') return peersOnly();
  const tp = await throughput();
  const bundles = await buildAll();
  const initMs = init(bundles);
  const peer = prepareCustodian(repoRoot);
  const flow = await endToEnd(Number(process.env.BENCH_RUNS ?? 60), bundles, peer, Number(process.env.BENCH_COLD_RUNS ?? 3));
  const contain = await containment(Number(process.env.BENCH_CONTAIN_RUNS ?? 20));
  const faults = await faultFigures(Number(process.env.BENCH_FAULT_RUNS ?? 200));
  const burst = await burstFigures(Number(process.env.BENCH_BURST_FINDINGS ?? 1000), 20);
  const scan = await scanFigures(1, FULL_SIZE, peer);
  const org = await orgFigures(20, 2);
  const results = {
    date: new Date().toISOString(), node: process.version, targets: TARGETS,
    throughput: tp,
    bundle: Object.fromEntries(bundles.map((b) => [b.logicalId, { bytes: b.bytes, kb: round(b.bytes / 1024), withChunksKb: round(b.totalBytes / 1024), chunks: b.chunks }])),
    init: initMs,
    ...flow,
    containment: contain,
    faults,
    burst,
    scan,
    org,
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
  for (const line of peerLines(flow.peers, TARGETS)) p(line);
  p(`containment  ${ok(contain.medianMs <= TARGETS.containMedianMs)} median ${contain.medianMs} ms, p95 ${contain.p95Ms} ms over ${contain.runs} GuardDuty findings → task stopped and recorded (target median ≤ ${TARGETS.containMedianMs}); ${contain.transitions} states; calls ${JSON.stringify(contain.apiCalls.byService)} = ${contain.apiCalls.total}`);
  p(`faults       ${ok(faults.lost === 0 && faults.doubleApplied === 0 && faults.fixedButOpen === 0)} ${faults.runs} auto-fixes with ${faults.faultRate * 100}% of AWS calls failing (${faults.injected.rejected} refused, ${faults.injected.responseLost} applied with the answer lost, of ${faults.injected.calls}): ${faults.fixed} fixed, ${faults.failedRecorded} failed and recorded, ${faults.deadLettered} dead-lettered, ${faults.lost} lost, ${faults.doubleApplied} applied twice (${faults.wallMs} ms)`);
  const within = burst.autoFixed <= Math.min(burst.limits.perAccount, burst.limits.perControl, burst.limits.total) * 2;
  p(`burst        ${ok(burst.lost === 0 && within)} ${burst.findings} world-open findings over ${burst.groups} groups at once: events ${JSON.stringify(burst.events)}, ${burst.runs} runs (${burst.locked} fixes joined a run making the same fix), ${burst.autoFixed} fixed automatically (limits ${burst.limits.perControl} per control, ${burst.limits.perAccount} per account, ${burst.limits.total} in total per ${burst.limits.windowMinutes} min), ${burst.heldListed} held and listed, ${burst.summaries} trip summaries, ${burst.deadLettered} dead-lettered, ${burst.lost} lost; ${JSON.stringify(burst.outcomes)} (${burst.wallMs} ms)`);
  p(`scan         ${ok(scan.wallMs <= 10_000 && scan.callsPerResource <= 1.2)} ${scan.resources} resources in ${scan.wallMs} ms (${scan.resourcesPerSecond}/s; target the account in ≤ 10 s), ${scan.callsPerResource} AWS calls per resource (≤ 1.2), ${scan.findings} findings, ${scan.gaps} gaps, peak heap ${scan.peakHeapMb} MB`);
  for (const line of scanLines(scan)) p(line);
  const e = org.events;
  p(`org          ${ok(e.fixed === e.events && org.sweep.fixed === org.sweep.runsStarted && org.sweep.gaps <= 1)} ${org.accounts} member accounts × ${org.regions} Regions: ${e.events} events → ${e.executions} runs, ${e.fixed} fixed, ${(e.awsCalls / e.executions).toFixed(1)} AWS calls (${(e.assumeRoles / e.executions).toFixed(1)} AssumeRole) and ${(e.transitions / e.executions).toFixed(1)} transitions per fix, ${e.wallMs} ms; one sweep: ${org.sweep.items} items, ${org.sweep.runsStarted} runs, ${org.sweep.fixed} fixed, ${org.sweep.awsCalls} calls, ${org.sweep.wallMs} ms, ${org.sweep.gaps} gap (the hub's own other Region)`);
  p('wrote bench/results.json');
}

await main();
