// Jest hooks for tests that run against moto server (and a local Slack sink, or the fake Slack app): each helper starts what it needs once
// per test file, registers the teardown, and returns a getter that is valid inside tests and hooks.
import { resetClients } from '../../functions/aws/clients';
import type { PolicyInput } from '../../functions/domain/policy';
import { startFakeSlack, type FakeSlack } from '../../local/fake-slack';
import { startMoto, useEmulator, type Moto } from '../../local/moto';
import { startSink, type Sink } from '../../local/sink';
import { startLocalWarden, type LocalWarden, type LocalWardenOptions } from '../../local/warden-local';

const started = <T>(what: string, value: T | undefined): T => {
  if (value === undefined) throw new Error(`${what} is not started: use it inside a test or a hook`);
  return value;
};

/**
 * moto server for this file: the SDK points at it and the shared clients are rebuilt. Its state is wiped before
 * each test unless `resetEach` is false (the test then resets when it sets up its own scene).
 */
export function useMoto(opts: { resetEach?: boolean } = {}): () => Moto {
  let moto: Moto | undefined;
  beforeAll(async () => {
    moto = await startMoto();
    useEmulator(moto.endpoint);
    resetClients();
  });
  afterAll(() => moto?.stop());
  if (opts.resetEach !== false) beforeEach(() => started('moto', moto).reset());
  return () => started('moto', moto);
}

/** A local HTTP sink standing in for the Slack webhook, for this file. */
export function useSink(): () => Sink {
  let sink: Sink | undefined;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(() => sink?.close());
  return () => started('sink', sink);
}

/**
 * moto and a Slack sink for state-machine tests. `start(policy)` wipes both and starts a local Warden (template
 * resources in moto, Slack posts to the sink) whose executions run to completion locally. Approval timeouts run
 * 10,000 times faster than real time (an hour is 0.36 s), so an unanswered approval expires within the test.
 * `fixed`: options every start of this file gets (the clients sweep items read with, a hub's member accounts).
 */
export function useLocalWarden(fixed: Pick<LocalWardenOptions, 'sweepClients' | 'memberAccounts'> = {}, opts: { slackApp?: boolean } = {}): {
  moto: () => Moto; sink: () => Sink;
  /** With `slackApp`: the fake Slack Web API the bot token posts to (the webhook stays the sink). */
  slack: () => FakeSlack;
  /** `more`: the policy's cache period (0: every read is fresh, as a test that changes the deployed policy needs). */
  start: (policy?: PolicyInput, more?: Pick<LocalWardenOptions, 'policyMaxAgeSeconds'>) => Promise<LocalWarden>;
} {
  const moto = useMoto({ resetEach: false });
  const sink = useSink();
  let fake: FakeSlack | undefined;
  if (opts.slackApp) {
    beforeAll(async () => {
      fake = await startFakeSlack();
    });
    afterAll(() => fake?.close());
  }
  const slack = () => started('fake Slack (useLocalWarden with slackApp)', fake);
  const start = async (policy: PolicyInput = {}, more: Pick<LocalWardenOptions, 'policyMaxAgeSeconds'> = {}): Promise<LocalWarden> => {
    await moto().reset();
    sink().clear();
    fake?.reset();
    fake?.messages.clear();
    return startLocalWarden({
      slackWebhookUrl: `${sink().url}/slack`, ...(fake ? { slackApiUrl: fake.apiUrl } : {}), policy, msPerTimeoutSecond: 0.1, ...fixed, ...more,
    });
  };
  return { moto, sink, slack, start };
}
