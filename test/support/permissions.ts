// Proof that the declared IAM grants are enough: every AWS call an action phase, a runbook step (or triage's live
// state, a runbook's progress write, `warden scan`) makes in a test is recorded with the IAM actions it needs, and
// `expectDeclaredCalls()` fails when one is not declared for its caller (functions/actions/catalog.ts,
// functions/runbooks/grants.ts, functions/aws/permissions.ts; for the scan, the generated infra/scan-policy.json
// itself). moto does not enforce IAM: this is the check.
// It sees actions, not resources: the resource patterns are checked in test/template/iam.test.ts.
import { readFileSync } from 'node:fs';
import type { Action, ActionClients } from '../../functions/actions';
import { declarationOf, type Phase } from '../../functions/actions/catalog';
import { SWEEP_ITEM_READS, TRIAGE_LIVE_READS, type Grant } from '../../functions/aws/permissions';
import { RUNBOOK_GRANTS, RUNBOOK_PROGRESS, stepGrants } from '../../functions/runbooks/grants';
import type { RunbookSteps, StepDeps, StepRegistry } from '../../functions/runbooks/model';

/**
 * Who made the call: an action's phase, a runbook step (`<runbook>.<step>`), triage's live state, a runbook's progress
 * write, `warden scan`, a sweep item's reads.
 */
type Caller = { action: string; phase: Phase } | { step: string } | 'triage' | 'progress' | 'scan' | 'sweep';

/** `tagReads`: ecs:ListTagsForResource, the grant that lets `include: ['TAGS']` return tags (used, not required). */
interface Call { caller: Caller; iam: string[]; tagReads?: string[] }
const calls: Call[] = [];

/** The IAM prefix of each ActionClients client (both load balancer clients are elasticloadbalancing). */
const PREFIX: Record<keyof ActionClients, string> = { ec2: 'ec2', ecs: 'ecs', eks: 'eks', ecr: 'ecr', elbv2: 'elasticloadbalancing', elb: 'elasticloadbalancing' };

/** The IAM actions one command needs: its own, plus those a request authorizes on the side. */
function iamOf(prefix: string, command: { constructor: { name: string }; input?: unknown }): string[] {
  const name = command.constructor.name.replace(/Command$/, '');
  const input = (command.input ?? {}) as { tags?: unknown[]; taskRoleArn?: string; executionRoleArn?: string; TagSpecifications?: unknown[] };
  const iam = [`${prefix}:${name}`];
  if (`${prefix}:${name}` === 'ecs:RegisterTaskDefinition') {
    if (input.tags?.length) iam.push('ecs:TagResource'); // tags on create
    if (input.taskRoleArn || input.executionRoleArn) iam.push('iam:PassRole');
  }
  if (prefix === 'ec2' && input.TagSpecifications?.length) iam.push('ec2:CreateTags'); // tags on create
  return iam;
}

/** `client`, with every `send` recorded as made by `caller`. */
function recorded<T>(client: T, prefix: string, caller: Caller): T {
  return new Proxy(client as object, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
      return (command: { constructor: { name: string }; input?: unknown }) => {
        const include = (command.input as { include?: string[] } | undefined)?.include;
        calls.push({ caller, iam: iamOf(prefix, command), ...(prefix === 'ecs' && include?.includes('TAGS') ? { tagReads: ['ecs:ListTagsForResource'] } : {}) });
        return (target as { send: (c: never) => Promise<unknown> }).send(command as never);
      };
    },
  }) as T;
}

/** `clients`, with every `send` recorded as made by `caller`. Works on aws-sdk-client-mock clients too. */
export function tracedClients(clients: ActionClients, caller: Caller): ActionClients {
  const traced = {} as Record<keyof ActionClients, () => unknown>;
  for (const key of Object.keys(PREFIX) as (keyof ActionClients)[]) traced[key] = () => recorded(clients[key](), PREFIX[key], caller);
  return traced as unknown as ActionClients;
}

/** The audit table deps, with every DynamoDB call recorded as made by `caller`. */
export const tracedAudit = (audit: ReturnType<StepDeps['audit']>, caller: Caller): ReturnType<StepDeps['audit']> =>
  ({ ...audit, dynamodb: recorded(audit.dynamodb, 'dynamodb', caller) });

/** Step deps whose clients and audit table record every call as made by the step `<runbook>.<step>`. */
export function tracedStepDeps<D extends Pick<StepDeps, 'clients' | 'audit'>>(deps: D, step: string): D {
  return { ...deps, clients: tracedClients(deps.clients, { step }), audit: () => tracedAudit(deps.audit(), { step }) };
}

/** The registry, with each step's calls recorded under its id (`<runbook>.<step>`); loaders stay lazy. */
export function tracedSteps(registry: StepRegistry): StepRegistry {
  const wrap = (name: string, steps: RunbookSteps): RunbookSteps =>
    Object.fromEntries(Object.entries(steps).map(([id, fn]) => [id, (s, deps) => fn(s, tracedStepDeps(deps, `${name}.${id}`))]));
  return Object.fromEntries(Object.entries(registry).map(([name, code]) =>
    [name, typeof code === 'function' ? async () => wrap(name, await code()) : wrap(name, code)]));
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

/** The actions infra/scan-policy.json allows: the scan's calls are checked against the file users attach. */
export function scanPolicyActions(): Set<string> {
  const policy = JSON.parse(readFileSync(new URL('../../infra/scan-policy.json', import.meta.url), 'utf8')) as { Statement: { Action: string | string[] }[] };
  return new Set(policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
}

const declared = (caller: Caller): Set<string> => {
  if (caller === 'scan') return scanPolicyActions();
  const grants: readonly Grant[] = caller === 'triage' ? Object.values(TRIAGE_LIVE_READS).flat()
    : caller === 'sweep' ? Object.values(SWEEP_ITEM_READS).flat()
    : caller === 'progress' ? RUNBOOK_PROGRESS
    : 'step' in caller ? (stepGrants(caller.step) ?? [])
    : ((declarationOf(caller.action)?.permissions as Partial<Record<Phase, readonly Grant[]>> | undefined)?.[caller.phase] ?? []);
  return new Set(grants.flatMap((g) => g.actions));
};

const label = (caller: Caller): string =>
  caller === 'triage' ? 'triage live state' : caller === 'progress' ? 'runbook progress' : caller === 'scan' ? 'warden scan (infra/scan-policy.json)' : caller === 'sweep' ? 'sweep item' : 'step' in caller ? `runbook step ${caller.step}` : `${caller.action} ${caller.phase}`;

/**
 * A test, last in its file: every recorded call was declared for its caller (and the file recorded some). With
 * `everyGrantOf`, a second: every action declared for that runbook's steps was called by its step above (the file
 * runs every step and path that needs a grant).
 */
export function expectDeclaredCalls(opts: { everyGrantOf?: string } = {}): void {
  const runbook = opts.everyGrantOf;
  if (runbook) {
    test(`every IAM action declared for the steps of ${runbook} is used by its step above`, () => {
      const used = new Set(calls.flatMap(({ caller, iam, tagReads = [] }) => (typeof caller === 'object' && 'step' in caller ? [...iam, ...tagReads].map((a) => `${caller.step}: ${a}`) : [])));
      const steps = Object.entries((RUNBOOK_GRANTS as Record<string, Record<string, readonly Grant[]>>)[runbook] ?? {});
      expect(steps.length).toBeGreaterThan(0);
      const unused = steps.flatMap(([step, grants]) => grants.flatMap((g) => g.actions).map((a) => `${runbook}.${step}: ${a}`)).filter((a) => !used.has(a));
      expect([...new Set(unused)]).toEqual([]);
    });
  }
  test('every AWS call of the actions, readers and runbook steps above is declared in their IAM grants', () => {
    expect(calls.length).toBeGreaterThan(0);
    const undeclared = new Set<string>();
    for (const { caller, iam } of calls) {
      const allowed = declared(caller);
      for (const a of iam) if (!allowed.has(a)) undeclared.add(`${label(caller)}: ${a}`);
    }
    expect([...undeclared].sort()).toEqual([]);
  });
}
