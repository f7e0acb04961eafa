// A plaintext secret in an event never leaves the normalizer: it is not in the decision, triage's logs or execution
// input, the notify-owner plan, the audit record, or the Slack and SNS messages. The samples' values are the needles.
import { notifyOwner } from '../../functions/actions/notify-owner';
import type { ActionClients } from '../../functions/actions/action';
import { evaluate } from '../../functions/domain/evaluate';
import { defaultPolicy } from '../../functions/domain/policy';
import { toRecord, type RemediationState } from '../../functions/domain/state';
import { createTriage, type ExecutionStarter } from '../../functions/handlers/triage';
import { slackMessage } from '../../functions/notify/slack-message';
import { snsMessage } from '../../functions/notify/sns-message';
import { captureOutput } from '../support/capture';
import { sample } from './events/fixtures';

const policy = defaultPolicy();
const PASSPHRASE = 'correct-horse-battery-staple-EXAMPLE';
const ACCESS_KEY = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');

/** notify-owner on a task run reads nothing live: any AWS call would be a bug here. */
const noAws = (() => {
  throw new Error('no AWS call expected');
}) as never;
const clients: ActionClients = { ec2: noAws, ecs: noAws, eks: noAws, ecr: noAws, elbv2: noAws, elb: noAws };


describe.each([
  ['cloudtrail/ecs-run-task-override-secret.json', PASSPHRASE, 'notify-owner'],
  ['cloudtrail/ecs-register-task-definition-env-secret-name.json', PASSPHRASE, 'move-env-secrets'],
  ['cloudtrail/ecs-register-task-definition-env-secret-value.json', ACCESS_KEY, 'move-env-secrets'],
])('%s', (file, value, action) => {
  test('the value is in the event, and nowhere after it', async () => {
    const event = sample(file);
    expect(JSON.stringify(event)).toContain(value); // the needle is really there

    const decision = await evaluate(event, { policy });
    expect(decision.status).toBe('violation');

    const started: RemediationState[] = [];
    const starter: ExecutionStarter = {
      async start(name, input) {
        started.push(input);
        return { executionArn: `arn:aws:states:us-east-1:111122223333:execution:remediate:${name}`, duplicate: false };
      },
    };
    const logs = await captureOutput(async () => {
      await createTriage({ policy: () => ({ policy }), starter })(event);
    });
    expect(logs).toContain('remediation started'); // the capture works
    expect(started.map((s) => s.context.finding.remediation.action)).toEqual([action]);

    const outputs: unknown[] = [decision, started, logs];
    if (action === 'notify-owner') {
      const state = started[0]!;
      const { stillViolating, plan } = await notifyOwner.inspect(state.context.finding, clients, policy);
      expect(stillViolating).toBe(true);
      expect(plan.steps.join('\n')).toContain('rotate batch/DB_PASSWORD');
      const record = toRecord({ ...state, live: { result: { stillViolating, mode: 'notify', plan, channel: '#security-alerts' } }, outcome: 'notified' });
      outputs.push(plan, record, slackMessage(record), snsMessage(record));
    }
    expect(JSON.stringify(outputs)).not.toContain(value);
  });
});
