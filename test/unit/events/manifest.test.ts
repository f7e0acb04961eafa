/**
 * Every sample in events/ is listed once, in test/fixtures/events.manifest.json or as a control's declared example, with
 * its offline decision, and evaluate() agrees.
 * A file that is not JSON is `invalid`, as the CLI wrapper reports it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluate } from '../../../functions/domain/evaluate';
import { normalize } from '../../../functions/domain/events';
import type { Decision } from '../../../functions/domain/model';
import { defaultPolicy } from '../../../functions/domain/policy';
import { sampleEntries } from '../../../local/samples';


const root = path.resolve(process.cwd(), 'events');
// `control`: every finding's; `targets`: all findings' in order; `actions`: each finding's, in order.
const manifest = sampleEntries();
const policy = defaultPolicy();

/** What the CLI does with a file: parse it, and report a parse failure as invalid. */
async function decide(file: string): Promise<Decision> {
  const text = readFileSync(path.join(root, file), 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { status: 'invalid', reason: `not JSON: ${(err as Error).message}` };
  }
  return evaluate(raw, { policy });
}

test('the manifest lists every sample once, and only samples', () => {
  const onDisk = ['cloudtrail', 'config', 'securityhub', 'guardduty', 'invalid'].flatMap((dir) =>
    readdirSync(path.join(root, dir)).map((f) => `${dir}/${f}`),
  );
  const listed = manifest.map((e) => e.file);
  expect(new Set(listed).size).toBe(listed.length);
  expect([...listed].sort()).toEqual(onDisk.sort());
  for (const e of manifest) expect(typeof e.routed).toBe('boolean');
});

describe.each(manifest)('$file', ({ file, expect: want }) => {
  test(`→ ${want.status}${want.reason ? ` (${want.reason})` : ''}`, async () => {
    const decision = await decide(file);
    expect(decision.status).toBe(want.status);
    if (want.reason !== undefined) expect('reason' in decision ? decision.reason : undefined).toContain(want.reason);
    if (decision.status === 'ignored' || decision.status === 'invalid') expect(decision.reason.length).toBeGreaterThan(0);
    if (want.control !== undefined || want.targets !== undefined || want.actions !== undefined) {
      if (decision.status !== 'violation') throw new Error(`expected a violation, got ${decision.status}`);
      if (want.control) expect([...new Set(decision.findings.map((f) => f.control))]).toEqual([want.control]);
      if (want.targets) expect(decision.findings.flatMap((f) => f.remediation.targets)).toEqual(want.targets);
      if (want.actions) expect(decision.findings.map((f) => f.remediation.action)).toEqual(want.actions);
    }
  });
});

test('broken JSON: JSON.parse throws, and a non-object handed to normalize is invalid', () => {
  const text = readFileSync(path.join(root, 'invalid/not-json.json'), 'utf8');
  expect(() => JSON.parse(text)).toThrow();
  const n = normalize('not json');
  expect(n.kind).toBe('invalid');
  if (n.kind === 'invalid') expect(n.reason).toContain('not an EventBridge event');
});

test('samples keep one security group per scenario family', async () => {
  const groupOf = async (file: string) => {
    const d = await decide(file);
    return 'observation' in d && d.observation ? d.observation.resource.id : undefined;
  };
  expect(await groupOf('cloudtrail/authorize-ssh-world.json')).toBe('sg-0a11c0ffee0000001');
  expect(await groupOf('cloudtrail/authorize-https-world.json')).toBe('sg-0a11c0ffee0000002');
  expect(await groupOf('config/item-public-web-tagged.json')).toBe('sg-0a11c0ffee0000002');
  expect(await groupOf('cloudtrail/authorize-admin-cidr.json')).toBe('sg-0a11c0ffee0000003');
});
