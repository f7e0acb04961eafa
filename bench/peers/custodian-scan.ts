// Cloud Custodian in pull mode beside `warden scan`: `custodian run` of bench/peers/custodian/scan-policies.yml (through
// scan_driver.py, which counts its AWS calls) on the moto account bench/scan.ts seeded, and what each policy matched.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

/** What scan_driver.py writes on its last stdout line. */
export interface ScanDriverReport { importMs: number; runMs: number; exit: number; calls: Record<string, number>; callMs: Record<string, number> }

const isNumber = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const isCounts = (x: unknown): x is Record<string, number> => !!x && typeof x === 'object' && !Array.isArray(x) && Object.values(x).every(isNumber);

/** Parse and check the driver's report line; anything else is an error with the line in it. */
export function parseScanDriverLine(line: string): ScanDriverReport {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`custodian scan driver wrote a line that is not JSON: ${line.slice(0, 200)}`);
  }
  if (o && typeof o === 'object' && isNumber(o.importMs) && isNumber(o.runMs) && typeof o.exit === 'number' && isCounts(o.calls) && isCounts(o.callMs)) {
    return { importMs: o.importMs, runMs: o.runMs, exit: o.exit, calls: o.calls, callMs: o.callMs };
  }
  throw new Error(`custodian scan driver wrote an unexpected line: ${line.slice(0, 200)}`);
}

/** The field naming a resource as Warden names it, per Custodian resource type. */
const ID_FIELD: Record<string, string> = { 'security-group': 'GroupId', 'ecs-task-definition': 'taskDefinitionArn', ecr: 'repositoryArn' };

/** The ids (Warden's: sg-…, or the ARN) of the resources a Custodian policy matched. */
export function custodianIds(resourceType: string, resources: unknown): string[] {
  const field = ID_FIELD[resourceType.replace(/^aws\./, '')];
  if (!field) throw new Error(`no id field known for Custodian resource ${resourceType}`);
  if (!Array.isArray(resources)) throw new Error(`Custodian's resources.json for ${resourceType} is not a list`);
  return resources.map((r, i) => {
    const id = (r as Record<string, unknown> | null)?.[field];
    if (typeof id !== 'string') throw new Error(`Custodian ${resourceType} resource ${i} has no ${field}`);
    return id;
  });
}

export interface CustodianPolicyRun {
  /** The policy's name: the Warden control it mirrors. */
  name: string;
  resource: string;
  ids: string[];
  /** The matched resources as Custodian described them (resources.json), by id. */
  resources: Map<string, Record<string, unknown>>;
  /** The policy's own run (Custodian's metadata.json execution.duration): describe, filter, write. */
  ms: number;
  /** The policy's AWS calls, as Custodian's own api-stats record them. */
  apiCalls: Record<string, number>;
}

export interface CustodianScanRun {
  version: string;
  /** From spawn to exit: Python's start, c7n's import, policy load and validation, every policy. */
  wallMs: number;
  /** c7n's import (in the process, after Python started). */
  importMs: number;
  /** c7n.cli.main: load and validate the policies, then run each (wall, excluding Python's start and the import). */
  runMs: number;
  /** The policies' own runs added up (describe, filter, write output): runMs less loading and validating. */
  policiesMs: number;
  awsCalls: number;
  calls: Record<string, number>;
  callMs: Record<string, number>;
  policies: CustodianPolicyRun[];
}

const POLICIES = ['bench', 'peers', 'custodian', 'scan-policies.yml'];

/** Run the scan policies once against `endpoint` with dummy credentials; throws with Custodian's last words on failure. */
export async function runCustodianScan(opts: { root: string; python: string; endpoint: string; region: string }): Promise<CustodianScanRun> {
  const file = join(opts.root, ...POLICIES);
  const policies = (parse(readFileSync(file, 'utf8')) as { policies: { name: string; resource: string }[] }).policies;
  const work = mkdtempSync(join(tmpdir(), 'warden-bench-custodian-scan-'));
  const out = join(work, 'out');
  try {
    // A cache of its own: Custodian's default (~/.cache, 15 minutes) could answer from an earlier moto's account.
    const args = [join(opts.root, 'bench', 'peers', 'custodian', 'scan_driver.py'),
      '-s', out, '--cache', join(work, 'c7n.cache'), '-r', opts.region, file];
    const started = performance.now();
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
      const child = spawn(opts.python, args, {
        cwd: work,
        env: {
          PATH: process.env.PATH ?? '', HOME: work,
          AWS_ENDPOINT_URL: opts.endpoint, AWS_REGION: opts.region, AWS_DEFAULT_REGION: opts.region,
          AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_EC2_METADATA_DISABLED: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '', stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-8000)));
      child.once('error', fail);
      child.once('close', (code) => done({ code, stdout, stderr }));
    });
    const wallMs = performance.now() - started;
    const last = stdout.trim().split('\n').at(-1) ?? '';
    const tail = () => stderr.trim().split('\n').slice(-5).join(' | ');
    if (code !== 0 || !last) throw new Error(`custodian run exited ${code}: ${tail()}`);
    const report = parseScanDriverLine(last);
    if (report.exit !== 0) throw new Error(`custodian run failed (exit ${report.exit}): ${tail()}`);

    let version = '?';
    const runs = policies.map((p): CustodianPolicyRun => {
      const dir = join(out, p.name);
      if (!existsSync(join(dir, 'resources.json'))) throw new Error(`custodian wrote no resources.json for ${p.name}: ${tail()}`);
      const meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as {
        version?: string; execution?: { duration?: number }; 'api-stats'?: Record<string, number>;
      };
      version = meta.version ?? version;
      const matched = JSON.parse(readFileSync(join(dir, 'resources.json'), 'utf8')) as Record<string, unknown>[];
      const ids = custodianIds(p.resource, matched);
      return {
        name: p.name, resource: p.resource, ids, resources: new Map(ids.map((id, i) => [id, matched[i]!])),
        ms: Math.round((meta.execution?.duration ?? 0) * 1000),
        // Its api-stats name some operations api.<service>.<Operation>: named here as the call counts name them.
        apiCalls: Object.fromEntries(Object.entries(meta['api-stats'] ?? {}).map(([k, v]) => [k.replace(/^api\./, ''), v])),
      };
    });
    return {
      version, wallMs: Math.round(wallMs), importMs: Math.round(report.importMs), runMs: Math.round(report.runMs),
      policiesMs: runs.reduce((n, r) => n + r.ms, 0),
      awsCalls: Object.values(report.calls).reduce((a, b) => a + b, 0),
      calls: Object.fromEntries(Object.entries(report.calls).sort((a, b) => b[1] - a[1])),
      callMs: Object.fromEntries(Object.entries(report.callMs).map(([k, v]) => [k, Math.round(v)])),
      policies: runs,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
