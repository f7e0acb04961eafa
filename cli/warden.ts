// `warden`: every command is a commander Command defined next to its code (cli/<command>.ts), wired here.
import { readFileSync } from 'node:fs';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { Command } from 'commander';
import { sts } from '../functions/aws/clients/sts';
import { awsApproveDeps, makeApproveCommands } from './approve';
import { dynamoAuditReader, makeAuditCommand } from './audit';
import { awsBreakerPorts, localBreakerPorts, makeBreakerCommand } from './breaker';
import { makeEvaluateCommand } from './evaluate';
import { awsExemptionFinder, makeExemptionsCommand } from './exemptions';
import { makePauseCommands } from './pause';
import { makePolicyCommand, ssmPolicyStore } from './policy';
import { loadPolicy } from './policy-file';
import { runProgram, type Io } from './program';
import { awsRunbookPorts, localRunbookPorts, makeRunbookCommand } from './runbook';
import { makeReportCommand } from './report';
import { makeSandboxCommand } from './sandbox';
import { makeScanCommand } from './scan';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The whole CLI, writing to `io` (a new tree per run: commander keeps parsed options on it). */
export function program(io: Io): Command {
  const { out, err } = io;
  const callerArn = async () => (await sts().send(new GetCallerIdentityCommand({}))).Arn ?? '';
  const root = new Command('warden')
    .description('Warden: container-security findings and remediation on AWS (ECS, EKS, security groups, ECR)')
    .version(version)
    .addHelpText('after', '\nExit codes: 0 done, 1 findings or refused or failed, 2 usage error, 3 incomplete (scan); evaluate exits 0 whatever it found.\nwarden <command> --help: the options of a command.');
  const commands = [
    makeEvaluateCommand(io),
    makeScanCommand({ out, err, policy: loadPolicy }),
    ...makeApproveCommands(() => ({ ...awsApproveDeps(callerArn), out, err })),
    makeRunbookCommand({ aws: awsRunbookPorts, local: localRunbookPorts, out, err }),
    makeAuditCommand({ reader: dynamoAuditReader, out, err }),
    makeExemptionsCommand({ out, err, source: (o) => ({ policy: loadPolicy(o.policy), ...awsExemptionFinder(o) }) }),
    makePolicyCommand({ store: ssmPolicyStore, out, err }),
    makeBreakerCommand({ ports: (o) => (o.endpoint ? localBreakerPorts(o, io) : awsBreakerPorts(o)), out, err }),
    ...makePauseCommands({ store: ssmPolicyStore, out, err }),
    makeReportCommand({ out, err }),
    makeSandboxCommand(io),
  ];
  for (const cmd of commands) root.addCommand(cmd);
  return root;
}

/** Run `warden <argv>`; the exit code (README.md, "Exit codes"). Never throws: every error is one line on `err`. */
export function main(argv: string[], out: Io['out'] = process.stdout, err: Io['err'] = process.stderr): Promise<number> {
  return runProgram(program({ out, err }), argv, { out, err });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
