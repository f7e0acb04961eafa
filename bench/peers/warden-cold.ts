// Warden's whole auto-fix path, cold, in a fresh process: import the bundles of the six functions on the path (as
// their six Lambdas would at init) and handle one event through triage and the remediate state machine.
// bench/run.ts bundles this file with esbuild and runs it with plain node (tsx would transform the bundles on
// import, about 500 ms each). Argument: a JSON file { event, asl, bundles: { <LogicalId>: <file> } }. The environment
// holds the emulator endpoint, the functions' settings and STATE_MACHINE_ARN (a stand-in state machine in moto).
// Prints one JSON line: per-function import times, triage and remediate times, and whether the group was fixed.
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { readFileSync } from 'node:fs';
import { fakeContext, localStateMachine, type LambdaHandler } from '../../local/state-machine';

/** The functions an auto-fix passes through, by the state machine's substitution key (triage has none). */
const PATH_FUNCTIONS = {
  TriageFunction: 'TriageFunction',
  LoadLiveStateFunctionArn: 'LoadLiveStateFunction',
  ApplyRemediationFunctionArn: 'ApplyRemediationFunction',
  VerifyRemediationFunctionArn: 'VerifyRemediationFunction',
  NotifyFunctionArn: 'NotifyFunction',
  RecordAuditFunctionArn: 'RecordAuditFunction',
} as const;

async function main() {
  const { event, asl, bundles } = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as { event: unknown; asl: string; bundles: Record<string, string> };
  const sfn = new SFNClient({}); // the stand-in for Step Functions handing triage's input to the state machine
  const offPath: LambdaHandler = () => Promise.reject(new Error('not on the auto-fix path'));

  const started = performance.now();
  const importMs: Record<string, number> = {};
  // Off the path of an event's auto-fix: approvals, and the hand entry's Start (RunbookStep).
  const handlers: Record<string, LambdaHandler> = { RequestApprovalFunctionArn: offPath, ExpireApprovalFunctionArn: offPath, RunbookStepFunctionArn: offPath };
  for (const [key, logicalId] of Object.entries(PATH_FUNCTIONS)) {
    const t = performance.now();
    const mod = (await import(bundles[logicalId]!)) as { handler: LambdaHandler };
    importMs[logicalId] = performance.now() - t;
    handlers[key] = mod.handler;
  }
  const imported = performance.now();
  // As deployed: the event reaches triage as a record of the triage queue.
  const record = {
    messageId: 'cold-1', receiptHandle: 'cold-1', body: JSON.stringify(event), md5OfBody: '', messageAttributes: {},
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'events', ApproximateFirstReceiveTimestamp: '0' },
    eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:triage', awsRegion: 'us-east-1',
  };
  const batch = (await handlers.TriageFunction!({ Records: [record] } as never, fakeContext('TriageFunction'))) as { batchItemFailures: unknown[] };
  const triaged = performance.now();
  if (batch.batchItemFailures.length) throw new Error(`triage failed the event: ${JSON.stringify(batch)}`);
  const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: process.env.STATE_MACHINE_ARN! }));
  const arn = [...(listed.executions ?? [])].sort((x, y) => (y.startDate?.getTime() ?? 0) - (x.startDate?.getTime() ?? 0))[0]?.executionArn;
  if (!arn) throw new Error('triage started no execution');
  const input = JSON.parse((await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).input ?? 'null') as unknown;
  const machine = localStateMachine(asl, handlers);
  const remediating = performance.now();
  const run = await machine.run(input);
  const done = performance.now();
  process.stdout.write(JSON.stringify({
    importMs, triageMs: triaged - imported, remediateMs: done - remediating,
    // Without the stand-in's DescribeExecution and the local machine's setup: Warden's own time only.
    coldMs: imported - started + (triaged - imported) + (done - remediating),
    fixed: !run.failed && run.path.includes('MarkFixed'), failed: run.failed ?? null,
  }) + '\n');
}

await main();
