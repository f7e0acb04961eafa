// `npm run demo`: Warden end to end on an emulated AWS account (moto server), no AWS account needed.
import { findRepoRoot, startMoto, useEmulator } from '../../local/moto';
import { startSink } from '../../local/sink';
import { eventRules, loadTemplate } from '../../local/template';
import { startLocalWarden } from '../../local/warden-local';
import { out, play } from './scene';
import { containerScenes } from './containers';
import { securityGroupScenes } from './security-groups';

async function main(): Promise<number> {
  out('Warden demo: an emulated AWS account (moto server on loopback), the real handlers and state machine.\n');
  const moto = await startMoto();
  useEmulator(moto.endpoint);
  const sink = await startSink();
  try {
    const warden = await startLocalWarden({
      slackWebhookUrl: `${sink.url}/slack`,
      policy: { owners: { channels: { payments: '#payments-alerts', web: '#web-team', platform: '#platform' } } },
    });
    const deps = { root: findRepoRoot().root, rules: eventRules(loadTemplate()), warden };
    const parts = [await securityGroupScenes(), await containerScenes(deps.root)];
    let n = 0;
    for (const part of parts) for (const scene of part.scenes) await play(++n, scene, deps);

    out(`Notifications captured on the local Slack sink (${sink.received.length}):`);
    for (const r of sink.received) out(`  - ${(r.json as { text?: string }).text?.split('\n')[0] ?? r.body.slice(0, 120)}`);

    const problems = (await Promise.all(parts.map((p) => p.check()))).flat();
    out(problems.length ? `\nDEMO FAILED: ${problems.join('; ')}` : '\nResult: every exposure fixed or planned as expected; compliant resources untouched.');
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
