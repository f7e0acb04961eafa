// `npm run demo`: Warden end to end on an emulated AWS account (moto server), no AWS account needed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clients } from '../aws/clients';
import { describeRules } from '../aws/security-groups';
import { describeRule } from '../domain/net';
import { findRepoRoot, startMoto, useEmulator } from '../local/moto';
import { startSink } from '../local/sink';
import { eventRules, loadTemplate } from '../local/template';
import { matchingRules } from '../local/event-pattern';
import { startLocalWarden } from '../local/warden-local';
import { allow, createGroup, createVpc, tcp } from '../../test/support/sandbox';

interface Scene {
  title: string;
  sample: string;
  /** Make the change the event reports, in the emulator; returns the new rule id, if any. */
  change?: () => Promise<string | undefined>;
  /** Sample ids → ids in the emulator. */
  ids: () => Record<string, string>;
}

const root = findRepoRoot().root;
const out = (s = '') => process.stdout.write(s + '\n');
const rulesOf = async (groupId: string) =>
  (await describeRules(clients.ec2(), groupId)).filter((r) => !r.isEgress).map(describeRule);

async function main(): Promise<number> {
  out('Warden demo: an emulated AWS account (moto server on loopback), the real handlers and state machine.\n');
  const moto = await startMoto();
  useEmulator(moto.endpoint);
  const sink = await startSink();
  try {
    const warden = await startLocalWarden({
      slackWebhookUrl: `${sink.url}/slack`,
      policy: { owners: { channels: { payments: '#payments-alerts', web: '#web-team' } } },
    });
    const rules = eventRules(loadTemplate());

    const vpc = await createVpc();
    const ssh = await createGroup(vpc, 'payments-ssh', { Owner: 'payments', Environment: 'prod-like-sandbox' });
    const web = await createGroup(vpc, 'public-web', { Owner: 'web', 'warden:public': 'true' });
    const admin = await createGroup(vpc, 'admin-bastion', { Owner: 'platform' });
    out(`Seeded ${vpc}: ${ssh} (payments-ssh), ${web} (public-web, tagged warden:public=true), ${admin} (admin-bastion)\n`);

    const created: Record<string, string> = {};
    const groups = { 'sg-0a11c0ffee0000001': ssh, 'sg-0a11c0ffee0000002': web, 'sg-0a11c0ffee0000003': admin };
    const scenes: Scene[] = [
      { title: 'SSH opened to the world on payments-ssh', sample: 'cloudtrail/authorize-ssh-world.json',
        change: async () => (created.ssh = await allow(ssh, tcp(22, '0.0.0.0/0'))),
        ids: () => ({ ...groups, 'sgr-0a11c0ffee00000a1': created.ssh! }) },
      { title: 'The same CloudTrail event delivered a second time', sample: 'cloudtrail/authorize-ssh-world.json',
        ids: () => ({ ...groups, 'sgr-0a11c0ffee00000a1': created.ssh! }) },
      { title: 'HTTPS opened to the world on the tagged public web front end', sample: 'cloudtrail/authorize-https-world.json',
        change: async () => (created.web = await allow(web, tcp(443, '0.0.0.0/0'))),
        ids: () => ({ ...groups, 'sgr-0a11c0ffee00000b1': created.web! }) },
      { title: 'SSH allowed from one admin /32 on admin-bastion', sample: 'cloudtrail/authorize-admin-cidr.json',
        change: async () => (created.admin = await allow(admin, tcp(22, '203.0.113.7/32'))),
        ids: () => ({ ...groups, 'sgr-0a11c0ffee00000c1': created.admin! }) },
      { title: 'AWS Config: restricted-ssh NON_COMPLIANT on payments-ssh (RDP opened over IPv6 outside CloudTrail rules)',
        sample: 'config/compliance-restricted-ssh-noncompliant.json',
        change: async () => (created.rdp = await allow(ssh, tcp(3389, '::/0'))), ids: () => groups },
      { title: "Warden's own restore of a rule (loop guard)", sample: 'cloudtrail/authorize-restore-by-warden.json', ids: () => groups },
      { title: 'A failed API call (UnauthorizedOperation)', sample: 'cloudtrail/authorize-failed-unauthorized.json', ids: () => groups },
      { title: 'An egress rule', sample: 'cloudtrail/authorize-egress.json', ids: () => groups },
      { title: 'A malformed event (broken detail)', sample: 'invalid/cloudtrail-broken-detail.json', ids: () => groups },
    ];

    let n = 0;
    for (const scene of scenes) {
      n++;
      out(`[${n}] ${scene.title}\n    sample: events/${scene.sample}`);
      await scene.change?.();
      let text = readFileSync(join(root, 'events', scene.sample), 'utf8');
      for (const [from, to] of Object.entries(scene.ids())) text = text.split(from).join(to);
      const event = JSON.parse(text) as { detail?: { requestParameters?: { groupId?: string } } };
      const groupId = Object.values(groups).find((g) => text.includes(g));
      const before = groupId ? await rulesOf(groupId) : [];

      const routed = matchingRules(rules, event);
      if (routed.length === 0) {
        out('    routing: no EventBridge rule matches; the event never reaches Warden\n');
        continue;
      }
      out(`    routing: ${routed.map((r) => `${r.name} → ${r.target}`).join(', ')}`);
      const started = Date.now();
      try {
        const result = await warden.triage(event);
        out(`    decision: ${result.status}${result.reason ? ` (${result.reason})` : ''}`);
        for (const e of result.executions) {
          if (e.duplicate) {
            out(`    execution ${e.name}: duplicate delivery, already started once: not run again`);
            continue;
          }
          const run = warden.runs.get(e.name)!;
          const outcome = (run.output as { recorded?: { result?: { outcome?: string } } } | undefined)?.recorded?.result?.outcome;
          out(`    execution ${e.name}\n      ${run.path.join(' → ')}\n      outcome: ${outcome ?? run.failed?.error}`);
        }
      } catch (err) {
        out(`    decision: invalid: ${(err as Error).message}\n    nothing acted on; the Lambda fails so its DLQ keeps the event`);
      }
      if (groupId) {
        out(`    rules before: ${before.join('; ') || '(none)'}`);
        out(`    rules after:  ${(await rulesOf(groupId)).join('; ') || '(none)'}`);
      }
      out(`    time: ${Date.now() - started} ms\n`);
    }

    out(`Notifications captured on the local Slack sink (${sink.received.length}):`);
    for (const r of sink.received) out(`  - ${(r.json as { text?: string }).text?.split('\n')[0] ?? r.body.slice(0, 120)}`);

    const problems = [
      ...((await rulesOf(ssh)).some((r) => r.includes('0.0.0.0/0') || r.includes('::/0')) ? ['payments-ssh is still world-open'] : []),
      ...((await rulesOf(web)).some((r) => r.startsWith(created.web!)) ? [] : ['the public web 443 rule was touched']),
      ...((await rulesOf(admin)).some((r) => r.startsWith(created.admin!)) ? [] : ['the admin /32 rule was touched']),
    ];
    out(problems.length ? `\nDEMO FAILED: ${problems.join('; ')}` : '\nResult: world-open rules revoked; the 443 front-end rule and the /32 admin rule untouched.');
    return problems.length ? 1 : 0;
  } finally {
    await sink.close();
    await moto.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
