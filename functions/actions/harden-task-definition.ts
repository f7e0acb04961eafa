import type { ContainerDefinition, ECSClient, TaskDefinition } from '@aws-sdk/client-ecs';
import {
  clusterOfTask, describeService, describeTaskDefinition, familyOf, familyServices, listRevisions, nameOf,
  registerInputOf, registerTaskDefinition, revisionOf, serviceOfArn, updateService,
} from '../aws/ecs';
import { capabilityName, isLinux, isRootUser, PRIVILEGED_CAPABILITIES } from '../domain/controls/ecs-containers';
import type { Finding, Tags } from '../domain/model';
import type { Policy } from '../domain/policy/schema';
import type { Plan } from '../domain/remediation';
import { fixingAction, type Inspection } from './action';
import { anyResource, arn } from '../aws/permissions';
import { describeServices, revisions, hardenInspect } from './grants';
import type { FixingDeclaration } from './declaration';

/** The tag Warden puts on the revisions it registers: the revision it hardened. */
export const HARDENED_FROM = 'warden:hardened-from';

interface PlannedService {
  arn: string;
  cluster: string;
  /** The non-compliant revision it runs now. */
  from: string;
}

interface Details {
  family: string;
  /** The revision the hardened one is made from. */
  source: string;
  /** A compliant revision Warden already registered from `source`: reused, not registered again. */
  reuse?: string;
  settings: HardeningSettings;
  changes: FieldChange[];
  services: PlannedService[];
  /** Services of the family Warden does not update, and why. */
  skipped: { arn: string; why: string }[];
}

/** What it is and the IAM it needs per phase: `npm run gen` writes the registry and template.yaml's statements from it. */
export const declaration = {
  id: 'harden-task-definition',
  title: 'Register a hardened task definition revision and update its services',
  planOnly: false,
  permissions: {
    inspect: hardenInspect,
    apply: [
      revisions,
      anyResource(['ecs:RegisterTaskDefinition'], 'register the hardened revision (RegisterTaskDefinition has no resource-level permissions)'),
      { actions: ['ecs:TagResource'], resources: [arn('ecs', 'task-definition/*')], why: 'the new revision is tagged as it is registered' },
      {
        actions: ['iam:PassRole'],
        resources: ['arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*'],
        condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
        why: 'a revision keeps its task and execution roles: registering it passes them, to ECS tasks only',
      },
      { actions: ['ecs:DescribeServices', 'ecs:UpdateService'], resources: [arn('ecs', 'service/*')], why: 'each planned service still on the old revision moves to the hardened one' },
    ],
    verify: [revisions, describeServices],
  },
} as const satisfies FixingDeclaration;

/**
 * Register a hardened revision of a task definition (non-root user, privileged off and ALL / SYS_ADMIN out of
 * capabilities.add, read-only root filesystem, awslogs logging, no host PID namespace), then point every ACTIVE
 * service that runs a non-compliant revision of the family at it. Services already on a compliant revision are left
 * alone. Env values are never read into the plan: apply re-reads the source revision and re-derives the change.
 */
export const hardenTaskDefinition = fixingAction(declaration, {
  async inspect(finding, clients, policy): Promise<Inspection> {
    const ecs = clients.ecs();
    const family = familyOf(finding.resource.id);
    const latest = await describeTaskDefinition(ecs, family);
    if (!latest) return { stillViolating: false, plan: emptyPlan(finding, `task definition family ${family} has no ACTIVE revision`) };

    const latestArn = latest.taskDefinition.taskDefinitionArn ?? '';
    const settings = settingsFor(policy, regionOf(latestArn) ?? finding.resource.region);
    const { changes } = harden(latest.taskDefinition, settings);
    const hardenedFrom = latest.tags[HARDENED_FROM];
    // The latest revision is compliant and nobody's fix is pending: nothing to do.
    if (changes.length === 0 && !hardenedFrom) return { stillViolating: false, plan: emptyPlan(finding, `${nameOf(latestArn)} has nothing to harden`) };

    const reuse = changes.length === 0 ? latestArn : undefined;
    const source = reuse ? hardenedFrom! : latestArn;
    const { services, skipped } = await servicesToUpdate(ecs, family, settings, clusterHint(finding), reuse);
    const details: Details = { family, source, ...(reuse ? { reuse } : {}), settings, changes, services, skipped };
    const tags = finding.resource.tags === undefined ? latest.tags : undefined;
    return {
      stillViolating: changes.length > 0 || services.length > 0,
      plan: planFor(finding, details),
      ...(tags ? { tags } : {}),
    };
  },

  async apply(plan, clients) {
    const d = plan.details as unknown as Details;
    const ecs = clients.ecs();
    const result = { applied: [] as string[], alreadyGone: [] as string[] };
    let target = await findHardened(ecs, d.family, d.source, d.settings);
    if (target) {
      result.alreadyGone.push(d.source);
    } else {
      const src = await describeTaskDefinition(ecs, d.source);
      if (!src) return { applied: [], alreadyGone: [...plan.targets] }; // the source revision was deleted meanwhile
      const tags: Tags = Object.fromEntries(Object.entries(src.tags).filter(([k]) => !k.startsWith('aws:')));
      const input = registerInputOf(harden(src.taskDefinition, d.settings).taskDefinition, { ...tags, [HARDENED_FROM]: d.source });
      target = (await registerTaskDefinition(ecs, input)).taskDefinitionArn!;
      result.applied.push(d.source);
    }
    for (const s of d.services) {
      const live = await describeService(ecs, s.arn, s.cluster);
      // Gone, already moved, or redeployed by someone else since the plan: not Warden's to change.
      if (!live || live.taskDefinition !== s.from) {
        result.alreadyGone.push(s.arn);
        continue;
      }
      const outcome = await updateService(ecs, { cluster: s.cluster, service: s.arn, taskDefinition: target });
      (outcome === 'updated' ? result.applied : result.alreadyGone).push(s.arn);
    }
    return result;
  },

  async verify(plan, clients) {
    const d = plan.details as unknown as Details;
    const ecs = clients.ecs();
    const target = await findHardened(ecs, d.family, d.source, d.settings);
    const remaining = target ? [] : [d.source];
    for (const s of d.services) {
      const live = await describeService(ecs, s.arn, s.cluster);
      if (live && live.taskDefinition !== target && live.taskDefinition === s.from) remaining.push(s.arn);
    }
    return { verified: remaining.length === 0, remaining };
  },
});

/** The newest ACTIVE revision Warden registered from `source` that is compliant, if any (newer revisions only). */
async function findHardened(ecs: ECSClient, family: string, source: string, settings: HardeningSettings): Promise<string | undefined> {
  const newer = (await listRevisions(ecs, family)).filter((a) => revisionOf(a) > revisionOf(source)).slice(0, 10);
  for (const arn of newer) {
    const found = await describeTaskDefinition(ecs, arn);
    if (found?.tags[HARDENED_FROM] === source && harden(found.taskDefinition, settings).changes.length === 0) return arn;
  }
  return undefined;
}

/**
 * ACTIVE services (in the finding's cluster when known, else every cluster) that run a revision of the family with
 * something to harden. Services whose deployment controller is not ECS cannot take a revision through UpdateService.
 */
async function servicesToUpdate(
  ecs: ECSClient, family: string, settings: HardeningSettings, cluster: string | undefined, reuse: string | undefined,
): Promise<{ services: PlannedService[]; skipped: Details['skipped'] }> {
  const services: PlannedService[] = [];
  const skipped: Details['skipped'] = [];
  const nonCompliant = new Map<string, boolean>();
  for (const s of await familyServices(ecs, family, cluster)) {
    const from = s.taskDefinition ?? '';
    if (from === reuse) continue;
    if (!nonCompliant.has(from)) {
      const td = await describeTaskDefinition(ecs, from);
      nonCompliant.set(from, td !== undefined && harden(td.taskDefinition, settings).changes.length > 0);
    }
    if (!nonCompliant.get(from)) continue;
    const controller = s.deploymentController?.type ?? 'ECS';
    if (controller !== 'ECS') {
      skipped.push({ arn: s.serviceArn ?? '', why: `uses the ${controller} deployment controller: deploy the new revision through it` });
      continue;
    }
    services.push({ arn: s.serviceArn ?? '', cluster: nameOf(s.clusterArn ?? cluster ?? 'default'), from });
  }
  return { services, skipped };
}

function clusterHint(finding: Finding): string | undefined {
  if (finding.resource.type === 'AWS::ECS::Service') return serviceOfArn(finding.resource.id).cluster;
  if (finding.resource.type === 'AWS::ECS::Task') return clusterOfTask(finding.resource.id);
  return undefined;
}

const regionOf = (arn: string): string | undefined => (arn.startsWith('arn:') ? arn.split(':')[3] : undefined);

const emptyPlan = (finding: Finding, why: string): Plan => ({
  action: 'harden-task-definition', resource: finding.resource, targets: [], steps: [], details: { why },
});

function planFor(finding: Finding, d: Details): Plan {
  const steps = d.reuse
    ? [`reuse ${nameOf(d.reuse)}, already registered by Warden from ${nameOf(d.source)} (tag ${HARDENED_FROM})`]
    : [
        `register a new revision of ${d.family} from ${nameOf(d.source)}, tagged ${HARDENED_FROM}=${d.source}, with:`,
        ...d.changes.map((c) => `  ${describeChange(c)}`),
      ];
  steps.push(...d.services.map((s) => `UpdateService ${s.cluster}/${nameOf(s.arn)}: taskDefinition ${nameOf(s.from)} → the hardened revision`));
  steps.push(...d.skipped.map((s) => `not updated: ${nameOf(s.arn)} ${s.why}`));
  if (d.changes.some((c) => c.field === 'user' || c.field === 'readonlyRootFilesystem')) {
    steps.push(`check first: the images must run as user ${d.settings.user} and write only to mounted volumes (read-only root filesystem)`);
  }
  if (d.changes.some((c) => c.field === CAPABILITIES_ADD)) {
    steps.push('check first: the containers must work without ALL / SYS_ADMIN (mounts, namespaces, raw devices); capabilities.drop is kept as it is');
  }
  if (d.changes.some((c) => c.field === 'logConfiguration')) {
    steps.push(`log group ${d.settings.logGroupPrefix}${d.family} must exist; the execution role needs logs:CreateLogStream and logs:PutLogEvents`);
  }
  return {
    action: 'harden-task-definition',
    resource: finding.resource,
    targets: [d.source, ...d.services.map((s) => s.arn)],
    steps,
    details: d as unknown as Record<string, unknown>,
  };
}

// ---------- the change itself (pure) ----------

export type Fix = 'user' | 'privileged' | 'readonlyRootFilesystem' | 'logging' | 'pidMode';

/** The field change that drops ALL / SYS_ADMIN (part of the `privileged` fix). */
const CAPABILITIES_ADD = 'linuxParameters.capabilities.add';

/** The control each fix answers: a fix whose control policy disables is not made. */
const FIX_CONTROL: Record<Fix, string> = {
  user: 'ecs-task-root-user',
  privileged: 'ecs-task-privileged',
  readonlyRootFilesystem: 'ecs-task-writable-root-fs',
  logging: 'ecs-task-no-logging',
  pidMode: 'ecs-task-host-pid',
};

export interface HardeningSettings {
  /** Non-root user for containers that run as root (policy `hardening.user`). */
  user: string;
  /** awslogs group `<logGroupPrefix><family>`. */
  logGroupPrefix: string;
  region: string;
  fixes: Fix[];
}

/** One field change, as shown in the plan. `container` is absent for task-level fields. */
export interface FieldChange {
  container?: string;
  field: string;
  from: string;
  to: string;
}

export const settingsFor = (policy: Policy, region: string): HardeningSettings => ({
  user: policy.hardening.user,
  logGroupPrefix: policy.hardening.logGroupPrefix,
  region,
  fixes: (Object.keys(FIX_CONTROL) as Fix[]).filter((f) => policy.controls[FIX_CONTROL[f]]?.enabled !== false),
});

/** The task definition with every hardenable issue fixed, and the list of changes (empty = nothing to harden). */
export function harden(td: TaskDefinition, s: HardeningSettings): { taskDefinition: TaskDefinition; changes: FieldChange[] } {
  const on = (f: Fix) => s.fixes.includes(f);
  const os = td.runtimePlatform?.operatingSystemFamily;
  const linux = isLinux({ family: td.family ?? '', containers: [], ...(os ? { osFamily: os } : {}) });
  const changes: FieldChange[] = [];
  const containers = (td.containerDefinitions ?? []).map((original): ContainerDefinition => {
    const c: ContainerDefinition = { ...original };
    const name = c.name ?? '';
    const change = (field: string, from: unknown, to: string) => changes.push({ container: name, field, from: show(from), to });
    if (on('user') && linux && isRootUser(c.user)) {
      change('user', c.user, s.user);
      c.user = s.user;
    }
    if (on('privileged') && c.privileged === true) {
      change('privileged', true, 'false');
      c.privileged = false;
    }
    const added = c.linuxParameters?.capabilities?.add ?? [];
    const keep = added.filter((cap) => !PRIVILEGED_CAPABILITIES.includes(capabilityName(cap)));
    if (on('privileged') && keep.length < added.length) {
      // Privileged-equivalent capabilities leave `add`; other added ones (the owner's call) and `drop` stay.
      change(CAPABILITIES_ADD, added.join(', '), keep.length ? keep.join(', ') : '(none)');
      const capabilities = { ...c.linuxParameters!.capabilities };
      if (keep.length) capabilities.add = keep;
      else delete capabilities.add;
      c.linuxParameters = { ...c.linuxParameters, capabilities };
    }
    if (on('readonlyRootFilesystem') && linux && c.readonlyRootFilesystem !== true) {
      change('readonlyRootFilesystem', c.readonlyRootFilesystem, 'true');
      c.readonlyRootFilesystem = true;
    }
    if (on('logging') && !c.logConfiguration?.logDriver) {
      const options = {
        'awslogs-group': `${s.logGroupPrefix}${td.family ?? ''}`,
        'awslogs-region': s.region,
        'awslogs-stream-prefix': name,
      };
      change('logConfiguration', undefined, `awslogs (group ${options['awslogs-group']}, region ${s.region}, stream prefix ${name})`);
      c.logConfiguration = { logDriver: 'awslogs', options };
    }
    return c;
  });
  const out: TaskDefinition = { ...td, containerDefinitions: containers };
  if (on('pidMode') && td.pidMode === 'host') {
    changes.push({ field: 'pidMode', from: 'host', to: '(removed: each task gets its own PID namespace)' });
    delete out.pidMode;
  }
  return { taskDefinition: out, changes };
}

const show = (v: unknown): string => (v === undefined || v === null || v === '' ? '(absent)' : String(v));

export const describeChange = (c: FieldChange): string =>
  `${c.container === undefined ? 'task' : `container ${c.container}`}: ${c.field} ${c.from} → ${c.to}`;
