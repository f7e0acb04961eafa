// The IAM statements template.yaml gets from the declarations (each action's declaration via functions/actions/catalog.ts, functions/aws/permissions.ts,
// functions/runbooks/grants.ts): which function holds which grants, how grants merge into statements, and their YAML.
// Used by gen-template.ts and the template tests.
import { parse } from 'yaml';
import { phaseGrants } from '../functions/actions/catalog';
import {
  BREAKER_SPEND, EXEMPTION_SIGHTINGS, HELD_RUN_RELEASE, HELD_RUNS_WRITE, LOCK_RELEASE, POLICY_READS, RESOURCE_LOCKS, SECURITY_HUB_WRITE_BACK,
  ORGANIZATION_ACCOUNTS, STICKY_DECISION_READS, STICKY_DECISION_WRITES, SWEEP_ITEM_READS, SWEEP_SUMMARY, TRIAGE_LIVE_READS, spokeRoleAccess, type Grant,
} from '../functions/aws/permissions';
import { SPOKE_ROLES, type SpokeRole } from '../functions/domain/accounts';
import { runbooks, stepIds } from '../functions/domain/runbooks/catalog';
import type { RunbookStepSpec } from '../functions/domain/runbooks/model';
import { RUNBOOK_PROGRESS, stepGrants } from '../functions/runbooks/grants';

/** A grant and who needs it (an action, a reader of triage's live state, a runbook step). */
export interface Owned { by: string; grant: Grant }

/** The function that runs a runbook step (`<runbook>.<step>`): its spec's `fn`, or RunbookStep (plan, evidence, …). */
export function stepFunction(stepId: string): NonNullable<RunbookStepSpec['fn']> {
  const [name, id] = stepId.split('.');
  const r = runbooks.find((x) => x.name === name);
  return [...(r?.before ?? []), ...(r?.changes ?? [])].find((s) => s.id === id)?.fn ?? 'RunbookStep';
}

const owned = (by: string, grants: readonly Grant[]): Owned[] => grants.map((grant) => ({ by, grant }));

/** The frame's own steps' grants: they run in RunbookStep (Start, for a release; Brake, the breaker). */
export const frameGrants = (fn: NonNullable<RunbookStepSpec['fn']>): Owned[] =>
  (fn === 'RunbookStep' ? [...owned('start (a release)', HELD_RUN_RELEASE), ...owned('brake', BREAKER_SPEND)] : []);

/** The grants of every runbook step `fn` runs, and the progress write it makes after each. */
const runbookGrants = (fn: NonNullable<RunbookStepSpec['fn']>): Owned[] => [
  ...RUNBOOK_PROGRESS.map((grant) => ({ by: 'every step', grant })),
  ...frameGrants(fn),
  ...runbooks.flatMap(stepIds).filter((id) => stepFunction(id) === fn).flatMap((id) => (stepGrants(id) ?? []).map((grant) => ({ by: id, grant }))),
];

/** The functions whose IAM statements are generated, and the grants of each. */
const sightings = (): Owned[] => EXEMPTION_SIGHTINGS.map((grant) => ({ by: 'exemption sightings', grant }));
/** The functions that read the deployed policy (triage, and the runbook Start step). */
const policyReads = (): Owned[] => POLICY_READS.map((grant) => ({ by: 'policy', grant }));

/** What starting a run needs besides the starter: the resource locks and the decisions that stick (triage, sweep items). */
const runStarts = (): Owned[] => [...owned('resource locks', RESOURCE_LOCKS), ...owned('sticky decisions', STICKY_DECISION_READS)];

export const GENERATED_POLICIES: Record<string, () => Owned[]> = {
  // Triage's live reads (functions/aws/live-state.ts), exemption sightings, the policy document, locks and sticky
  // decisions; starting executions and the finding memory stay hand-written.
  TriageFunction: () => [...Object.entries(TRIAGE_LIVE_READS).flatMap(([by, grants]) => grants.map((grant) => ({ by, grant }))), ...sightings(), ...policyReads(), ...runStarts()],
  // Every inspect, the exemption sightings of the run's mode step, and the policy document (is Warden paused?).
  LoadLiveStateFunction: () => [...phaseGrants('inspect').map(({ action, grant }) => ({ by: action, grant })), ...sightings(), ...policyReads()],
  // Every apply, and the brakes before it: the policy document (paused, limits) and the breaker's spend.
  ApplyRemediationFunction: () => [...phaseGrants('apply').map(({ action, grant }) => ({ by: action, grant })), ...policyReads(), ...owned('the breaker', BREAKER_SPEND)],
  VerifyRemediationFunction: () => phaseGrants('verify').map(({ action, grant }) => ({ by: action, grant })),
  RunbookStepFunction: () => [...runbookGrants('RunbookStep'), ...policyReads()],
  RestoreRuleFunction: () => runbookGrants('RestoreRule'),
  // The held runs' list, the decisions that stick, the lock's release and the Security Hub write-back; the audit write and its event stay hand-written.
  RecordAuditFunction: () => [...owned('held runs', HELD_RUNS_WRITE), ...owned('sticky decisions', STICKY_DECISION_WRITES), ...owned('resource locks', LOCK_RELEASE), ...owned('Security Hub write-back', SECURITY_HUB_WRITE_BACK)],
  // A sweep item: the scan's reads of one resource type, then triage's way of starting runs (the start itself is hand-written).
  SweepItemFunction: () => [...Object.entries(SWEEP_ITEM_READS).flatMap(([by, grants]) => grants.map((grant) => ({ by, grant }))), ...sightings(), ...policyReads(), ...runStarts()],
  // PlanSweep needs nothing; Summarize writes the summary and its event.
  SweepFunction: () => owned('summary', SWEEP_SUMMARY),
};

const byReader = (reads: Readonly<Record<string, readonly Grant[]>>): Owned[] => Object.entries(reads).flatMap(([by, grants]) => owned(by, grants));

/**
 * What each spoke role may do in its member account: the account-side grants of its hub function (the reads, the
 * fixes, the runbook steps), without the hub's own tables, bus and parameter. IAM roles are global and a spoke role
 * serves every Region of its account, so `${AWS::Region}` becomes `*`.
 */
export const SPOKE_GRANTS: Record<SpokeRole, () => Owned[]> = {
  triage: () => byReader(TRIAGE_LIVE_READS),
  live: () => phaseGrants('inspect').map(({ action, grant }) => ({ by: action, grant })),
  apply: () => phaseGrants('apply').map(({ action, grant }) => ({ by: action, grant })),
  verify: () => phaseGrants('verify').map(({ action, grant }) => ({ by: action, grant })),
  runbook: () => runbookGrants('RunbookStep'),
  restore: () => runbookGrants('RestoreRule'),
  scan: () => byReader(SWEEP_ITEM_READS),
};

/** A resource of the hub's own stack (`${AuditTable.Arn}`, `${PolicyParameter}`, `${AWS::StackName}`…): not in a spoke. */
const isHubResource = (r: string): boolean => /\$\{(?!AWS::(Partition|Region|AccountId)\})[^}]+\}/.test(r);

export function spokeGrants(role: SpokeRole): Owned[] {
  return SPOKE_GRANTS[role]()
    .filter(({ grant }) => !grant.resources.some(isHubResource))
    .map(({ by, grant }) => ({ by, grant: { ...grant, resources: grant.resources.map((r) => r.replaceAll('${AWS::Region}', '*')) } }));
}

/** The hub function of each spoke role may assume it (SpokeAccess policies; the Triage and Sweep functions list the organization). */
export const SPOKE_ACCESS: Record<string, () => Owned[]> = Object.fromEntries([
  ...Object.entries(SPOKE_ROLES).map(([role, fn]) => [fn, () => [
    ...owned('member accounts', spokeRoleAccess(role as SpokeRole)),
    ...(fn === 'TriageFunction' ? owned('member accounts', ORGANIZATION_ACCOUNTS) : []),
  ]]),
  ['SweepFunction', () => owned('member accounts', ORGANIZATION_ACCOUNTS)],
]);

export interface Statement {
  Sid: string;
  Action: string[];
  Resource: string[];
  Condition?: Grant['condition'];
  /** Each reason, with who needs it. */
  why: { why: string; by: string[] }[];
}

const conditionKey = (c: Grant['condition']) => (c ? JSON.stringify(c) : '');

/**
 * Grants → statements: one statement per resource (and condition) with every action granted on it; resources with
 * the same actions and condition share one. Stable: actions and resources sorted, `*` first, Sids from the resources.
 */
export function statementsOf(owned: Owned[]): Statement[] {
  type Group = { resource: string; condition: Grant['condition']; actions: Set<string>; why: Map<string, Set<string>> };
  const groups = new Map<string, Group>();
  for (const { by, grant } of owned) {
    for (const resource of grant.resources) {
      const key = `${resource}|${conditionKey(grant.condition)}`;
      const g = groups.get(key) ?? { resource, condition: grant.condition, actions: new Set(), why: new Map() };
      grant.actions.forEach((a) => g.actions.add(a));
      g.why.set(grant.why, (g.why.get(grant.why) ?? new Set()).add(by));
      groups.set(key, g);
    }
  }
  const merged = new Map<string, Statement>();
  for (const g of [...groups.values()].sort((a, b) => order(a.resource) - order(b.resource) || a.resource.localeCompare(b.resource))) {
    const Action = [...g.actions].sort();
    const key = `${Action.join(',')}|${conditionKey(g.condition)}`;
    const s = merged.get(key) ?? { Sid: '', Action, Resource: [], ...(g.condition ? { Condition: g.condition } : {}), why: [] };
    s.Resource.push(g.resource);
    for (const [why, by] of g.why) {
      const known = s.why.find((w) => w.why === why);
      if (known) known.by = [...new Set([...known.by, ...by])];
      else s.why.push({ why, by: [...by] });
    }
    merged.set(key, s);
  }
  return [...merged.values()].map((s) => ({ ...s, Sid: sidOf(s) }));
}

const order = (resource: string) => (resource === '*' ? 0 : 1);

/** `AuditTable` for `${AuditTable.Arn}` (functions/aws/permissions.ts arnOf), else undefined. */
export const logicalRef = (resource: string): string | undefined => /^\$\{([A-Za-z0-9]+)\.Arn\}$/.exec(resource)?.[1];

const pascal = (s: string) => s.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
const plural = (s: string) => (s.endsWith('y') ? `${s.slice(0, -1)}ies` : `${s}s`);

/** `AnyResource`, `EcsTasks`, `EcsServicesAndTasks`, `IamRolesWhenPassedToService`, `AuditTableWhenLeadingKeysExemption`. */
function sidOf(s: Pick<Statement, 'Resource' | 'Condition'>): string {
  const names = s.Resource.map((r) => {
    if (r === '*') return 'AnyResource';
    const ref = logicalRef(r);
    if (ref) return ref;
    const [, , service = '', , , path = ''] = r.replace(/\$\{[^}]+\}/g, 'X').split(':');
    return `${pascal(service)}${pascal(plural(path.split('/')[0]!))}`;
  });
  const service = names[0]!.match(/^[A-Z][a-z0-9]*/)?.[0] ?? '';
  const joined = names.map((n, i) => (i === 0 ? n : n.slice(service.length))).join('And');
  const when = s.Condition ? `When${Object.values(s.Condition).flatMap((c) => Object.keys(c)).map((k) => pascal(k.split(':').pop()!)).join('And')}` : '';
  // Two statements on one table apart only by the key prefix their condition allows: `…WhenLeadingKeysLock`.
  const prefixes = s.Condition ? Object.values(s.Condition).flatMap((c) => Object.entries(c)).filter(([k]) => k === 'dynamodb:LeadingKeys')
    .flatMap(([, v]) => (typeof v === 'string' ? [v] : [...v])).map((p) => pascal(p.replace(/[#*]/g, ' '))).join('') : '';
  return `${joined}${when}${prefixes}`;
}

// ---------- YAML ----------

const quoted = (s: string) => `'${s.replace(/'/g, "''")}'`;
const resourceYaml = (r: string) =>
  (r === '*' ? "'*'" : logicalRef(r) ? `!GetAtt ${logicalRef(r)}.Arn` : r.includes('${') ? `!Sub ${quoted(r)}` : quoted(r));
/** Plain when YAML reads it back as the same string (not `true`, `null`, a number, …); quoted otherwise. */
const scalar = (s: string) => {
  const parameter = /^\$\{([A-Za-z0-9]+)\}$/.exec(s)?.[1];
  if (parameter) return `!Ref ${parameter}`;
  return /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(s) && typeof parse(s) === 'string' ? s : quoted(s);
};

/** Words in lines of at most `width` characters; continuation lines start with `continuation`. */
export function wrap(text: string, width: number, continuation = ''): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = `${continuation}${word}`;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...out, line] : out;
}

/** The statements as the items of a `Statement:` list, each after its reasons as comments, indented by `indent`. */
export function statementsYaml(statements: Statement[], indent: string): string[] {
  const lines: string[] = [];
  for (const s of statements) {
    for (const { why, by } of s.why) lines.push(...wrap(`${by.join(', ')}: ${why}.`, 118 - indent.length - 2, '  ').map((l) => `# ${l}`));
    lines.push(`- Sid: ${s.Sid}`, '  Effect: Allow');
    if (s.Action.length === 1) lines.push(`  Action: ${s.Action[0]}`);
    else lines.push('  Action:', ...s.Action.map((a) => `    - ${a}`));
    if (s.Resource.length === 1) lines.push(`  Resource: ${resourceYaml(s.Resource[0]!)}`);
    else lines.push('  Resource:', ...s.Resource.map((r) => `    - ${resourceYaml(r)}`));
    if (s.Condition) {
      lines.push('  Condition:');
      for (const [op, entries] of Object.entries(s.Condition)) {
        lines.push(`    ${op}:`);
        for (const [k, v] of Object.entries(entries)) {
          lines.push(`      ${k}: ${typeof v === 'string' ? scalar(v) : `[${v.map(scalar).join(', ')}]`}`);
        }
      }
    }
  }
  return lines.map((l) => `${indent}${l}`);
}
