// `warden evaluate`: the --json contract, the table, exit codes. Offline: no emulator, no AWS.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWarden } from '../support/cli';
import { sampleEntries } from '../../local/samples';

const run = runWarden;

const manifest = sampleEntries();

test('evaluate events/ --json: one element per event, in input order, following the contract', async () => {
  const { code, stdout } = await run(['evaluate', 'events/', '--json']);
  expect(code).toBe(0);
  const reports = JSON.parse(stdout) as Record<string, unknown>[];
  const files = manifest.map((m) => join('events', m.file)).sort();
  expect(reports.map((r) => r.input)).toEqual(files);
  for (const r of reports) {
    const expected = manifest.find((m) => join('events', m.file) === r.input)!.expect;
    expect(r.status).toBe(expected.status);
    expect(['violation', 'compliant', 'ignored', 'invalid']).toContain(r.status);
    if (r.status === 'ignored' || r.status === 'invalid') expect(typeof r.reason).toBe('string');
    expect(Array.isArray(r.findings)).toBe(true);
    for (const f of r.findings as Record<string, unknown>[]) {
      // The contract's keys, always; extensions only as optional keys (today: the offline mode caveat).
      const keys = Object.keys(f);
      expect(keys.filter((k) => !['modeMayTighten', 'modeMayTightenReason', 'exemption'].includes(k)).sort()).toEqual(['control', 'remediation', 'resourceId', 'resourceType', 'severity']);
      if ('modeMayTighten' in f) expect([f.modeMayTighten, typeof f.modeMayTightenReason]).toEqual([true, 'string']);
      expect(Object.keys(f.remediation as object).sort()).toEqual(['action', 'mode', 'targets']);
      expect(['auto', 'approval', 'notify', 'dry-run']).toContain((f.remediation as { mode: string }).mode);
    }
    if (expected.targets) expect((r.findings as { remediation: { targets: string[] } }[]).flatMap((f) => f.remediation.targets)).toEqual(expected.targets);
  }
});

test('the table names each event, its status and a count per status', async () => {
  const { code, stdout } = await run(['evaluate', 'events/cloudtrail/authorize-ssh-world.json', 'events/cloudtrail/authorize-admin-cidr.json']);
  expect(code).toBe(0);
  expect(stdout).toMatch(/authorize-ssh-world\.json\s+violation\s+sg-world-open-ingress\s+CRITICAL/);
  expect(stdout).toContain('2 events: 1 violation, 1 compliant, 0 ignored, 0 invalid');
});

test('offline, a mode that tags could tighten says so, in --json and in the table', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-'));
  writeFileSync(join(dir, 'p.yaml'), 'environments:\n  modes: { prod: approval }\n');
  const args = ['evaluate', 'events/cloudtrail/authorize-ssh-world.json', '--policy', join(dir, 'p.yaml')];
  const json = JSON.parse((await run([...args, '--json'])).stdout)[0].findings[0];
  expect(json.remediation.mode).toBe('auto');
  expect(json.modeMayTighten).toBe(true);
  expect(json.modeMayTightenReason).toMatch(/Environment=prod → approval/);
  const table = (await run(args)).stdout;
  expect(table).toMatch(/auto \(may tighten\)/);
  expect(table).toMatch(/Environment=prod → approval/);
  // Nothing can be stricter than dry-run: no caveat.
  writeFileSync(join(dir, 'd.yaml'), 'defaults: { mode: dry-run }\nenvironments:\n  modes: { prod: approval }\n');
  expect(JSON.parse((await run(['evaluate', 'events/cloudtrail/authorize-ssh-world.json', '--json', '--policy', join(dir, 'd.yaml')])).stdout)[0].findings[0].modeMayTighten).toBeUndefined();
});

test('an exemption on the event\'s resource: judged at --now, in --json (additive key) and in the table', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-cli-exempt-'));
  const event = (tags: Record<string, string>) => {
    const e = JSON.parse(readFileSync('events/config/item-ssh-world.json', 'utf8')) as { detail: { configurationItem: { tags: Record<string, string> } } };
    e.detail.configurationItem.tags = tags;
    return JSON.stringify(e);
  };
  writeFileSync(join(dir, 'a-in-force.json'), event({ 'warden:exempt-until': '2026-06-30', 'warden:exempt-reason': 'PCI-1234', 'warden:exempt-by': 'alice' }));
  writeFileSync(join(dir, 'b-expired.json'), event({ 'warden:exempt-until': '2026-05-31' }));
  const { code, stdout } = await run(['evaluate', dir, '--json', '--now', '2026-06-01T12:00:00Z']);
  expect(code).toBe(0);
  const [inForce, expired] = JSON.parse(stdout) as { findings: { remediation: { mode: string }; exemption?: { status: string; why: string } }[] }[];
  expect(inForce!.findings[0]).toMatchObject({ remediation: { mode: 'notify' }, exemption: { status: 'active', why: 'exempt until 2026-06-30 (PCI-1234, granted by alice)' } });
  expect(expired!.findings[0]).toMatchObject({ remediation: { mode: 'auto' }, exemption: { status: 'expired', why: 'exemption expired on 2026-05-31' } });
  const table = (await run(['evaluate', dir, '--now', '2026-06-01T12:00:00Z'])).stdout;
  expect(table).toContain('exemption expired on 2026-05-31');
  expect((await run(['evaluate', dir, '--now', 'soon'])).code).toBe(2);
});

test('a policy file changes the mode; a broken policy is a usage error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-'));
  writeFileSync(join(dir, 'p.yaml'), 'defaults:\n  mode: dry-run\n');
  writeFileSync(join(dir, 'bad.yaml'), 'defaults:\n  mode: sometimes\n');
  const ok = await run(['evaluate', 'events/cloudtrail/authorize-ssh-world.json', '--json', '--policy', join(dir, 'p.yaml')]);
  expect(JSON.parse(ok.stdout)[0].findings[0].remediation.mode).toBe('dry-run');
  const bad = await run(['evaluate', 'events/', '--policy', join(dir, 'bad.yaml')]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/defaults\.mode/);
});

test('bad input is invalid with a reason, never a stack trace, and exit stays 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-'));
  writeFileSync(join(dir, 'a.json'), '{"version":"0"');
  writeFileSync(join(dir, 'b.json'), '[1,2]');
  const { code, stdout } = await run(['evaluate', dir, '--json']);
  expect(code).toBe(0);
  const reports = JSON.parse(stdout) as { status: string; reason: string }[];
  expect(reports.map((r) => r.status)).toEqual(['invalid', 'invalid']);
  expect(reports[0]!.reason).toMatch(/^not JSON/);
  expect(stdout).not.toMatch(/\n\s+at /);
});

test.each([[[]], [['evaluate']], [['evaluate', 'no/such/path']], [['evaluate', 'events/', '--bogus']], [['frobnicate']]])(
  'usage errors exit 2: %j', async (args) => {
    const { code, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stderr + '').toBeDefined();
  },
);
