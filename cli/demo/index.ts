// `npm run demo`: Warden end to end on an emulated AWS account (moto server), no AWS account needed.
import './quiet';
import { findRepoRoot, startMoto, useEmulator } from '../../local/moto';
import { startFakeSlack } from '../../local/fake-slack';
import { startSecurityHubStandIn } from '../../local/securityhub-standin';
import { eventRules, loadTemplate } from '../../local/template';
import { startLocalWarden } from '../../local/warden-local';
import { plainSlackText } from '../slack-text';
import { existsSync } from 'node:fs';
import { reportCommand } from '../report';
import { renderTable } from '../table';
import { captureMetrics, metricLines } from './metrics';
import { out, play } from './scene';
import { containerScenes } from './containers';
import { incidentScenes } from './incidents';
import { securityGroupScenes } from './security-groups';
import { scanAndSweepScenes } from './sweep';

/** Where the demo writes its report (git ignores it). */
const DEMO_REPORT = 'demo-report.html';

async function main(): Promise<number> {
  const metrics = process.env.WARDEN_DEMO_LOGS ? undefined : captureMetrics();
  out('Warden demo: an emulated AWS account (moto server on loopback), the real handlers and state machine.\n');
  const moto = await startMoto();
  useEmulator(moto.endpoint);
  // A local Slack: the Web API (approval requests and notifications, in each owner's channel), the incoming webhook
  // (the fallback without a bot token) and response_url (updates).
  const slack = await startFakeSlack();
  const signingSecret = 'demo-signing-secret-not-a-real-one';
  // Security Hub's BatchUpdateFindings (moto has none): a local stand-in that records what Warden wrote back.
  const securityHub = await startSecurityHubStandIn();
  process.env.AWS_ENDPOINT_URL_SECURITYHUB = securityHub.url;
  try {
    const warden = await startLocalWarden({
      slackWebhookUrl: slack.webhookUrl, slackApiUrl: slack.apiUrl, slackSigningSecret: signingSecret,
      // Unanswered approvals would wait an hour: locally, a second of policy time is a millisecond.
      msPerTimeoutSecond: 1,
      policy: {
        owners: { channels: { payments: '#payments-alerts', web: '#web-team', platform: '#platform' } },
        approvals: { approvers: ['U0SECLEAD'] },
      },
    });
    const deps = { root: findRepoRoot().root, rules: eventRules(loadTemplate()), warden, slack, signingSecret };
    // The old exposures first, before any event; the scan and the sweep after the event scenes, before the incidents
    // (whose restored VPN rule the sweep would otherwise revoke again). Each part seeds what it needs when it is built.
    const old = await scanAndSweepScenes(moto.endpoint, warden);
    const makers = [() => securityGroupScenes(securityHub), () => containerScenes(deps.root), async () => old, () => incidentScenes(warden)];
    const parts: { check: () => Promise<string[]> }[] = [];
    let n = 0;
    for (const make of makers) {
      const part = await make();
      parts.push(part);
      for (const scene of part.scenes) await play(++n, scene, deps);
    }

    const posts = slack.received.filter((r) => r.method === 'POST');
    out(`Slack traffic captured locally (${posts.length} requests):`);
    for (const r of posts) {
      let text = r.body.slice(0, 100);
      try {
        text = plainSlackText((JSON.parse(r.body) as { text?: string }).text?.split('\n')[0] ?? text);
      } catch {
        text = r.path.includes('interactions') ? 'interaction' : text;
      }
      let channel = '';
      try {
        channel = r.path.includes('chat.') ? ` ${(JSON.parse(r.body) as { channel?: string }).channel ?? ''}` : '';
      } catch { /* not JSON */ }
      out(`  - ${r.path.padEnd(22)}${channel.padEnd(18)} ${text}`);
    }

    if (metrics) {
      metrics.restore();
      const rows = metricLines(metrics.sums);
      out(`\nMetrics Warden emitted (CloudWatch embedded metric format, namespace ${process.env.POWERTOOLS_METRICS_NAMESPACE || 'Warden'}; on AWS the dashboard shows them):`);
      for (const line of renderTable(['METRIC', 'DIMENSIONS', 'SUM'], rows)) out(`  ${line}`);
      out("  (TimeToFix counts from each event's own time: the demo's sample events keep the dates of the AWS documentation they come from.)");
    }

    // The report a team would read the next morning, from this run's own audit table (warden report --endpoint).
    let reported = '';
    const reportCode = await reportCommand(['--endpoint', moto.endpoint, '--out', DEMO_REPORT], { out: { write: (t: string) => (reported += t) }, err: process.stderr });
    out(`\n${reportCode === 0 ? `warden report: ${reported.trim()} (open it in a browser: it fetches nothing)` : 'warden report failed'}`);

    const problems = (await Promise.all(parts.map((p) => p.check()))).flat();
    if (reportCode !== 0 || !existsSync(DEMO_REPORT)) problems.push('warden report wrote no page');
    if (metrics && ![...metrics.sums.values()].some((s) => s.name === 'Remediations' && s.sum > 0)) problems.push('no Remediations metric was emitted');
    out(problems.length ? `\nDEMO FAILED: ${problems.join('; ')}` : '\nResult: every exposure fixed or planned as expected; compliant resources untouched; the old exposures no event announced found by the scan and fixed by the sweep; the incident contained and the restore exact.');
    return problems.length ? 1 : 0;
  } finally {
    await slack.close();
    await securityHub.close();
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
