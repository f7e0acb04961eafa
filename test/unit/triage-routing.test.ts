// Which state machine triage starts: a runbook's own for runbook actions (GuardDuty containment), else remediate.
// The SFN client is a hand-written fake that records StartExecution inputs (no AWS, no emulator needed).
import type { SFNClient } from '@aws-sdk/client-sfn';
import { sfnStarter } from '../../functions/aws/executions';
import { stateMachineFor } from '../../functions/handlers/triage';
import type { RemediationState } from '../../functions/domain/state';

const REMEDIATE = 'arn:aws:states:us-east-1:123456789012:stateMachine:warden-remediate';
const CONTAIN = 'arn:aws:states:us-east-1:123456789012:stateMachine:warden-contain-ecs-task';
const env = { STATE_MACHINE_ARN: REMEDIATE, RUNBOOK_STATE_MACHINES: JSON.stringify({ 'contain-ecs-task': CONTAIN }) };
const input = (action: string) => ({ context: { finding: { remediation: { action } } } }) as unknown as RemediationState;

test('runbook actions start the runbook; every other action starts remediate', () => {
  const arnFor = stateMachineFor(env);
  expect(arnFor('contain-ecs-task')).toBe(CONTAIN);
  expect(arnFor('revoke-sg-ingress')).toBe(REMEDIATE);
  expect(stateMachineFor({ STATE_MACHINE_ARN: REMEDIATE })('contain-ecs-task')).toBe(REMEDIATE);
});

test('a malformed RUNBOOK_STATE_MACHINES fails loudly', () => {
  expect(() => stateMachineFor({ ...env, RUNBOOK_STATE_MACHINES: '{oops' })).toThrow();
});

test('sfnStarter sends the execution to the machine of its action, and a duplicate name is a duplicate', async () => {
  const sent: { stateMachineArn?: string; name?: string }[] = [];
  let duplicate = false;
  const client = {
    send: async (cmd: { input: { stateMachineArn?: string; name?: string } }) => {
      if (duplicate) throw Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' });
      sent.push(cmd.input);
      return { executionArn: `${cmd.input.stateMachineArn}:${cmd.input.name}` };
    },
  } as unknown as SFNClient;
  const starter = sfnStarter(() => client, stateMachineFor(env));
  expect(await starter.start('run-1', input('contain-ecs-task'))).toEqual({ executionArn: `${CONTAIN}:run-1`, duplicate: false });
  expect(await starter.start('run-2', input('stop-ecs-tasks'))).toEqual({ executionArn: `${REMEDIATE}:run-2`, duplicate: false });
  duplicate = true;
  expect(await starter.start('run-1', input('contain-ecs-task'))).toEqual({ duplicate: true });
  expect(sent.map((s) => s.stateMachineArn)).toEqual([CONTAIN, REMEDIATE]);
});
