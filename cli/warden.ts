import { parseArgs } from 'node:util';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { clients } from '../functions/aws/clients';
import { sts } from '../functions/aws/clients/sts';
import { APPROVE_USAGE, approveCommand, awsApproveDeps } from './approve';
import { AUDIT_USAGE, auditCommand, dynamoAuditReader } from './audit';
import { EXEMPTIONS_USAGE, awsExemptionFinder, exemptionsCommand } from './exemptions';
import { POLICY_USAGE, policyCommand, ssmPolicyStore } from './policy';
import { BREAKER_USAGE, awsBreakerPorts, breakerCommand, localBreakerPorts } from './breaker';
import { PAUSE_USAGE, pauseCommand } from './pause';
import { RUNBOOK_USAGE, awsRunbookPorts, localRunbookPorts, runbookCommand } from './runbook';
import { SCAN_USAGE, scanCommand } from './scan';
import { awsLiveState } from '../functions/aws/live-state';
import { evaluateFiles, expandInputs, formatTable, UsageError } from './evaluate';
import { loadPolicy } from './policy-file';

const EVALUATE_USAGE = `usage: warden evaluate <file|dir>... [--json] [--policy FILE] [--live] [--now TIME]

  evaluate   decide events offline with the same code as the Lambdas
    --json     print a JSON array, one element per input event, in input order
    --policy   policy file (YAML or JSON); default: the built-in policy
    --live     read live state (tags, rules) through the AWS SDK's normal credentials/endpoint
    --now      judge exemptions as of this ISO date-time (default: now)

exit codes: 0 every input processed (whatever was found), 2 usage error
`;

const USAGE = [EVALUATE_USAGE, SCAN_USAGE, APPROVE_USAGE, RUNBOOK_USAGE, AUDIT_USAGE, EXEMPTIONS_USAGE, POLICY_USAGE, BREAKER_USAGE, PAUSE_USAGE].map((u) => u.trim()).join('\n\n');

export async function main(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'evaluate') {
      let parsed;
      try {
        parsed = parseArgs({
          args: rest, allowPositionals: true,
          options: { json: { type: 'boolean' }, policy: { type: 'string' }, live: { type: 'boolean' }, now: { type: 'string' } },
        });
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      if (parsed.positionals.length === 0) throw new UsageError('evaluate needs at least one file or directory');
      const policy = loadPolicy(parsed.values.policy);
      const files = expandInputs(parsed.positionals);
      const live = parsed.values.live ? awsLiveState(clients) : undefined;
      const now = parsed.values.now === undefined ? new Date() : new Date(parsed.values.now);
      if (Number.isNaN(now.getTime())) throw new UsageError(`--now ${parsed.values.now}: not a date-time (e.g. 2026-06-01T12:00:00Z)`);
      const reports = await evaluateFiles(files, policy, live, now);
      out.write((parsed.values.json ? JSON.stringify(reports, null, 2) : formatTable(reports)) + '\n');
      return 0;
    }
    if (command === 'scan') {
      return await scanCommand(rest, { out, err, policy: loadPolicy });
    }
    if (command === 'approve' || command === 'deny') {
      const callerArn = async () => (await sts().send(new GetCallerIdentityCommand({}))).Arn ?? '';
      return await approveCommand([command, ...rest], { ...awsApproveDeps(callerArn), out, err });
    }
    if (command === 'runbook') {
      return await runbookCommand(rest, { aws: awsRunbookPorts, local: localRunbookPorts, out, err });
    }
    if (command === 'audit') {
      return await auditCommand(rest, { reader: dynamoAuditReader, out, err });
    }
    if (command === 'exemptions') {
      return await exemptionsCommand(rest, { out, source: (o) => ({ policy: loadPolicy(o.policy), ...awsExemptionFinder(o) }) });
    }
    if (command === 'policy') {
      return await policyCommand(rest, { store: ssmPolicyStore, out, err });
    }
    if (command === 'breaker') {
      return await breakerCommand(rest, { ports: (o) => (o.endpoint ? localBreakerPorts(o, { out, err }) : awsBreakerPorts(o)), out, err });
    }
    if (command === 'pause' || command === 'resume') {
      return await pauseCommand([command, ...rest], { store: ssmPolicyStore, out, err });
    }
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      out.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command: ${command}`);
  } catch (e) {
    if (e instanceof UsageError) {
      // A mistake in one command shows that command's usage; anything else, all of them.
      const usage: Record<string, string> = { evaluate: EVALUATE_USAGE, scan: SCAN_USAGE, runbook: RUNBOOK_USAGE, audit: AUDIT_USAGE, policy: POLICY_USAGE, breaker: BREAKER_USAGE, pause: PAUSE_USAGE, resume: PAUSE_USAGE };
      err.write(`warden: ${e.message}\n\n${(command && usage[command]?.trim()) || USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`warden: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
