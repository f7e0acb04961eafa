// Proof that the declared IAM grants are enough: every AWS call an action phase (or triage's live state) makes in a
// test is recorded with the IAM actions it needs, and `expectDeclaredCalls()` fails when one is not declared for that
// phase (functions/actions/catalog.ts, functions/aws/permissions.ts). moto does not enforce IAM: this is the check.
// It sees actions, not resources: the resource patterns are checked in test/template/iam.test.ts.
import type { Action, ActionClients } from '../../functions/actions';
import { declarationOf, type Phase } from '../../functions/actions/catalog';
import { TRIAGE_LIVE_READS, type Grant } from '../../functions/aws/permissions';

/** Who made the call: an action's phase, or triage's live state. */
type Caller = { action: string; phase: Phase } | 'triage';

interface Call { caller: Caller; iam: string[] }
const calls: Call[] = [];

/** The IAM prefix of each ActionClients client (both load balancer clients are elasticloadbalancing). */
const PREFIX: Record<keyof ActionClients, string> = { ec2: 'ec2', ecs: 'ecs', eks: 'eks', ecr: 'ecr', elbv2: 'elasticloadbalancing', elb: 'elasticloadbalancing' };

/** The IAM actions one command needs: its own, plus those a request authorizes on the side. */
function iamOf(prefix: string, command: { constructor: { name: string }; input?: unknown }): string[] {
  const name = command.constructor.name.replace(/Command$/, '');
  const input = (command.input ?? {}) as { tags?: unknown[]; taskRoleArn?: string; executionRoleArn?: string };
  const iam = [`${prefix}:${name}`];
  if (`${prefix}:${name}` === 'ecs:RegisterTaskDefinition') {
    if (input.tags?.length) iam.push('ecs:TagResource'); // tags on create
    if (input.taskRoleArn || input.executionRoleArn) iam.push('iam:PassRole');
  }
  return iam;
}

/** `clients`, with every `send` recorded as made by `caller`. Works on aws-sdk-client-mock clients too. */
export function tracedClients(clients: ActionClients, caller: Caller): ActionClients {
  const traced = {} as Record<keyof ActionClients, () => unknown>;
  for (const key of Object.keys(PREFIX) as (keyof ActionClients)[]) {
    traced[key] = () => {
      const client = clients[key]() as unknown as { send: (command: never) => Promise<unknown> };
      return new Proxy(client, {
        get(target, prop, receiver) {
          if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
          return (command: { constructor: { name: string }; input?: unknown }) => {
            calls.push({ caller, iam: iamOf(PREFIX[key], command) });
            return target.send(command as never);
          };
        },
      });
    };
  }
  return traced as unknown as ActionClients;
}

/** The action, with each phase's calls recorded under its id and phase. */
export function traced<A extends Action>(action: A): A {
  const phases: Phase[] = ['inspect', 'apply', 'verify'];
  const wrapped = { ...action } as Record<string, unknown>;
  for (const phase of phases) {
    const fn = action[phase] as ((x: unknown, clients: ActionClients, ...rest: unknown[]) => Promise<unknown>) | undefined;
    if (fn) wrapped[phase] = (x: unknown, clients: ActionClients, ...rest: unknown[]) => fn.call(action, x, tracedClients(clients, { action: action.id, phase }), ...rest);
  }
  return wrapped as A;
}

const declared = (caller: Caller): Set<string> => {
  const grants: readonly Grant[] = caller === 'triage'
    ? Object.values(TRIAGE_LIVE_READS).flat()
    : ((declarationOf(caller.action)?.permissions as Partial<Record<Phase, readonly Grant[]>> | undefined)?.[caller.phase] ?? []);
  return new Set(grants.flatMap((g) => g.actions));
};

/** A test, last in its file: every recorded call was declared for its caller (and the file recorded some). */
export function expectDeclaredCalls(): void {
  test('every AWS call of the actions and readers above is declared in their IAM grants', () => {
    expect(calls.length).toBeGreaterThan(0);
    const undeclared = new Set<string>();
    for (const { caller, iam } of calls) {
      const allowed = declared(caller);
      for (const a of iam) if (!allowed.has(a)) undeclared.add(`${caller === 'triage' ? 'triage live state' : `${caller.action} ${caller.phase}`}: ${a}`);
    }
    expect([...undeclared].sort()).toEqual([]);
  });
}
