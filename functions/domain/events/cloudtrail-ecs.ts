/**
 * EventBridge "AWS API Call via CloudTrail" for Amazon ECS. ECS is a JSON-protocol API: requestParameters and
 * responseElements mirror the API members in lowerCamelCase, lists are plain arrays. Shapes and sources:
 * events/README.md. Task definitions are read from the request (what the caller sent), else from the response.
 */
import { z } from 'zod';
import type { AccountSettingFacts, ClusterFacts, EnvFacts, Normalized, ServiceFacts, TaskDefinitionFacts, TaskRunFacts } from '../model';
import { cloudTrailDetail, cloudTrailResult, failedCall, parseCloudTrail, whereOf } from './cloudtrail-common';
import { Bool, listOf, type Envelope } from './envelope';
import { accountRef, clusterArn, clusterRef, nameOf, revisionOf, serviceRef, taskDefinitionRef, taskRef } from './refs';
import { containerFacts, environmentFacts } from './task-definition';

export const CLOUDTRAIL_ECS_EVENTS = [
  'RegisterTaskDefinition',
  'CreateService',
  'UpdateService',
  'RunTask',
  'StartTask',
  'CreateCluster',
  'UpdateClusterSettings',
  'PutAccountSetting',
  'PutAccountSettingDefault',
] as const;
type EcsEventName = (typeof CLOUDTRAIL_ECS_EVENTS)[number];

export const isCloudTrailEcsEvent = (name: unknown): name is EcsEventName =>
  typeof name === 'string' && (CLOUDTRAIL_ECS_EVENTS as readonly string[]).includes(name);

/** Account settings Warden reads; other settings (awsvpcTrunking, tagResourceAuthorization…) are ignored. */
export const WATCHED_ACCOUNT_SETTINGS: readonly string[] = ['containerInsights'];

const source = 'ecs.amazonaws.com';
const str = z.string().nullish();

// ---- Schemas (API members, lowerCamelCase) -------------------------------------------------------------------

/** KeyValuePair: `value` is inspected, then dropped. */
const EnvEntry = z.object({ name: z.string(), value: z.unknown().optional() });

/** ContainerDefinition: only what the controls read. */
const Container = z.object({
  name: z.string().min(1),
  image: str,
  user: str,
  privileged: Bool.nullish(),
  readonlyRootFilesystem: Bool.nullish(),
  logConfiguration: z.object({ logDriver: str }).nullish(),
  linuxParameters: z
    .object({
      capabilities: z.object({ add: listOf(z.string()) }).nullish(),
      devices: listOf(z.object({ hostPath: z.string(), containerPath: str, permissions: listOf(z.string()) })),
    })
    .nullish(),
  environment: listOf(EnvEntry),
  secrets: listOf(z.object({ name: z.string() })),
});

/** RegisterTaskDefinition request, and the TaskDefinition in its response. */
const TaskDefinitionBody = z.object({
  family: str,
  taskDefinitionArn: str,
  revision: z.number().int().nullish(),
  networkMode: str,
  pidMode: str,
  runtimePlatform: z.object({ operatingSystemFamily: str }).nullish(),
  taskRoleArn: str,
  executionRoleArn: str,
  containerDefinitions: listOf(Container),
});
type TaskDefinitionBody = z.output<typeof TaskDefinitionBody>;

const Awsvpc = z.object({
  assignPublicIp: z.enum(['ENABLED', 'DISABLED']).nullish(),
  subnets: z.array(z.string()).nullish(),
  securityGroups: z.array(z.string()).nullish(),
});
const NetworkConfiguration = z.object({ awsvpcConfiguration: Awsvpc.nullish() });
const ServiceResponse = z.object({ service: z.object({ serviceArn: str, serviceName: str, clusterArn: str }).nullish() });

/** TaskOverride: only the containers' environment (ContainerOverride has no secrets[]: a secret here is plain). */
const Overrides = z.object({ containerOverrides: listOf(z.object({ name: str, environment: listOf(EnvEntry) })) });
const Task = z.object({ taskArn: z.string(), group: str, startedBy: str, taskDefinitionArn: str, clusterArn: str, overrides: Overrides.nullish() });
const Setting = z.object({ name: z.string(), value: z.string().nullish() });
const ClusterResponse = z.object({ cluster: z.object({ clusterArn: str, clusterName: str }).nullish() });

const RegisterDetail = cloudTrailDetail(source, z.literal('RegisterTaskDefinition'), TaskDefinitionBody, z.object({ taskDefinition: TaskDefinitionBody.nullish() }));
const CreateServiceDetail = cloudTrailDetail(
  source,
  z.literal('CreateService'),
  z.object({ cluster: str, serviceName: str, taskDefinition: str, networkConfiguration: NetworkConfiguration.nullish() }),
  ServiceResponse,
);
const UpdateServiceDetail = cloudTrailDetail(
  source,
  z.literal('UpdateService'),
  z.object({ cluster: str, service: str, taskDefinition: str, networkConfiguration: NetworkConfiguration.nullish() }),
  ServiceResponse,
);
const RunDetail = cloudTrailDetail(
  source,
  z.enum(['RunTask', 'StartTask']),
  z.object({ cluster: str, taskDefinition: str, group: str, startedBy: str, overrides: Overrides.nullish() }),
  z.object({ tasks: listOf(Task), failures: listOf(z.object({ arn: str, reason: str })) }),
);
const CreateClusterDetail = cloudTrailDetail(source, z.literal('CreateCluster'), z.object({ clusterName: str, settings: listOf(Setting) }), ClusterResponse);
const UpdateClusterSettingsDetail = cloudTrailDetail(
  source,
  z.literal('UpdateClusterSettings'),
  z.object({ cluster: str, settings: listOf(Setting) }),
  ClusterResponse,
);
const AccountSettingDetail = cloudTrailDetail(
  source,
  z.enum(['PutAccountSetting', 'PutAccountSettingDefault']),
  z.object({ name: str, value: str, principalArn: str }),
  z.object({ setting: z.object({ name: str, value: str, principalArn: str }).nullish() }),
);

// ---- Normalizers ---------------------------------------------------------------------------------------------

/** A record that lacks what identifies its resource: ignored if the call failed, else invalid. */
function missing(d: { eventName: string; errorCode?: string | undefined }, what: string): Normalized {
  if (d.errorCode) return { kind: 'ignored', reason: failedCall(d.errorCode) };
  return { kind: 'invalid', reason: `CloudTrail ${d.eventName}: no ${what} in requestParameters or responseElements` };
}

/** ECS defaults the cluster to `default` when a call names none. */
const clusterOf = (cluster: string | null | undefined) => cluster || 'default';

function taskDefinitionFacts(req: TaskDefinitionBody | null | undefined, res: TaskDefinitionBody | null | undefined): TaskDefinitionFacts | undefined {
  const family = req?.family ?? res?.family;
  const body = req?.containerDefinitions.length ? req : res?.containerDefinitions.length ? res : undefined;
  if (!family || !body) return undefined;
  const arn = res?.taskDefinitionArn ?? undefined;
  const revision = res?.revision ?? revisionOf(arn);
  const containers = body.containerDefinitions.map((c) =>
    containerFacts({
      ...c,
      logDriver: c.logConfiguration?.logDriver,
      capabilitiesAdded: c.linuxParameters?.capabilities?.add,
      devices: c.linuxParameters?.devices,
    }),
  );
  const facts: TaskDefinitionFacts = { family, containers };
  if (revision !== undefined) facts.revision = revision;
  if (arn) facts.arn = arn;
  const networkMode = req?.networkMode ?? res?.networkMode;
  if (networkMode) facts.networkMode = networkMode;
  const pidMode = req?.pidMode ?? res?.pidMode;
  if (pidMode) facts.pidMode = pidMode;
  const osFamily = req?.runtimePlatform?.operatingSystemFamily ?? res?.runtimePlatform?.operatingSystemFamily;
  if (osFamily) facts.osFamily = osFamily;
  const taskRoleArn = req?.taskRoleArn ?? res?.taskRoleArn;
  if (taskRoleArn) facts.taskRoleArn = taskRoleArn;
  const executionRoleArn = req?.executionRoleArn ?? res?.executionRoleArn;
  if (executionRoleArn) facts.executionRoleArn = executionRoleArn;
  return facts;
}

function registerTaskDefinition(env: Envelope): Normalized {
  const parsed = parseCloudTrail(RegisterDetail, env, 'RegisterTaskDefinition');
  if (!parsed.ok) return parsed.result;
  const d = parsed.detail;
  const taskDefinition = taskDefinitionFacts(d.requestParameters, d.responseElements?.taskDefinition);
  if (!taskDefinition) return missing(d, 'family or containerDefinitions');
  const ref = taskDefinitionRef(whereOf(env), taskDefinition.family, taskDefinition.arn);
  return cloudTrailResult(env, d, ref, { kind: 'ecs-task-definition', taskDefinition });
}

function networkFacts(facts: ServiceFacts, net: z.output<typeof NetworkConfiguration> | null | undefined, create: boolean): void {
  const vpc = net?.awsvpcConfiguration;
  if (!vpc) return;
  // CreateService defaults assignPublicIp to DISABLED; on UpdateService an absent value is unchanged.
  const assign = vpc.assignPublicIp ?? (create ? 'DISABLED' : undefined);
  if (assign) facts.assignPublicIp = assign;
  if (vpc.subnets) facts.subnets = vpc.subnets;
  if (vpc.securityGroups) facts.securityGroups = vpc.securityGroups;
}

function createService(env: Envelope): Normalized {
  const parsed = parseCloudTrail(CreateServiceDetail, env, 'CreateService');
  if (!parsed.ok) return parsed.result;
  const d = parsed.detail;
  const req = d.requestParameters;
  const res = d.responseElements?.service;
  const serviceName = req?.serviceName ?? res?.serviceName;
  if (!serviceName) return missing(d, 'serviceName');
  const cluster = nameOf(clusterOf(req?.cluster ?? res?.clusterArn));
  const ref = serviceRef(whereOf(env), cluster, serviceName, res?.serviceArn ?? undefined);
  const service: ServiceFacts = { cluster, serviceName, arn: ref.id };
  if (req?.taskDefinition) service.taskDefinition = req.taskDefinition;
  networkFacts(service, req?.networkConfiguration, true);
  return cloudTrailResult(env, d, ref, { kind: 'ecs-service', service });
}

/** UpdateService carries only what changed: absent fields are unchanged (`partial`). */
function updateService(env: Envelope): Normalized {
  const parsed = parseCloudTrail(UpdateServiceDetail, env, 'UpdateService');
  if (!parsed.ok) return parsed.result;
  const d = parsed.detail;
  const req = d.requestParameters;
  const res = d.responseElements?.service;
  const named = req?.service ?? res?.serviceArn ?? res?.serviceName;
  if (!named) return missing(d, 'service');
  const cluster = nameOf(clusterOf(req?.cluster ?? res?.clusterArn));
  const serviceName = nameOf(named);
  const ref = serviceRef(whereOf(env), cluster, serviceName, res?.serviceArn ?? (named.startsWith('arn:') ? named : undefined));
  const service: ServiceFacts = { cluster, serviceName, arn: ref.id, partial: true };
  if (req?.taskDefinition) service.taskDefinition = req.taskDefinition;
  networkFacts(service, req?.networkConfiguration, false);
  return cloudTrailResult(env, d, ref, { kind: 'ecs-service', service });
}

/** Environment overrides per container (the request's, else the first task's), values judged then dropped. */
function environmentOverrides(overrides: z.output<typeof Overrides> | null | undefined): { container: string; environment: EnvFacts[] }[] {
  return (overrides?.containerOverrides ?? [])
    .filter((o) => o.environment.length > 0)
    .map((o) => ({ container: o.name ?? '(unnamed)', environment: environmentFacts(o.environment) }));
}

/**
 * RunTask / StartTask: the tasks from the response. The task definition they run is not in the event; live state
 * reads it (`definition`). The environment overrides are in the event itself.
 */
function runTask(env: Envelope): Normalized {
  const parsed = parseCloudTrail(RunDetail, env, (env.detail as { eventName: string }).eventName);
  if (!parsed.ok) return parsed.result;
  const d = parsed.detail;
  const req = d.requestParameters;
  const tasks = d.responseElements?.tasks ?? [];
  const first = tasks[0];
  if (!first) {
    if (d.errorCode) return { kind: 'ignored', reason: failedCall(d.errorCode) };
    const why = d.responseElements?.failures.map((f) => f.reason).filter(Boolean).join(', ');
    return { kind: 'ignored', reason: `${d.eventName} started no task${why ? ` (failures: ${why})` : ''}: nothing runs` };
  }
  const taskDefinition = first.taskDefinitionArn ?? req?.taskDefinition;
  if (!taskDefinition) return missing(d, 'taskDefinition');
  const run: TaskRunFacts = {
    cluster: nameOf(clusterOf(first.clusterArn ?? req?.cluster)),
    taskDefinition,
    tasks: tasks.map((t) => t.taskArn),
  };
  const group = first.group ?? req?.group;
  if (group) run.group = group;
  const startedBy = first.startedBy ?? req?.startedBy;
  if (startedBy) run.startedBy = startedBy;
  const overrides = environmentOverrides(req?.overrides?.containerOverrides.length ? req.overrides : first.overrides);
  if (overrides.length) run.environmentOverrides = overrides;
  return cloudTrailResult(env, d, taskRef(whereOf(env), first.taskArn), { kind: 'ecs-task-run', run });
}

const insightsOf = (settings: { name: string; value?: string | null | undefined }[]) =>
  settings.find((s) => s.name === 'containerInsights')?.value ?? undefined;

/** CreateCluster without a containerInsights setting uses the account default: containerInsights stays absent. */
function createCluster(env: Envelope): Normalized {
  const parsed = parseCloudTrail(CreateClusterDetail, env, 'CreateCluster');
  if (!parsed.ok) return parsed.result;
  const d = parsed.detail;
  const res = d.responseElements?.cluster;
  const clusterName = d.requestParameters?.clusterName ?? res?.clusterName ?? 'default';
  const ref = clusterRef(whereOf(env), clusterName, res?.clusterArn ?? undefined);
  const cluster: ClusterFacts = { clusterName, arn: ref.id };
  const insights = insightsOf(d.requestParameters?.settings ?? []);
  if (insights) cluster.containerInsights = insights;
  return cloudTrailResult(env, d, ref, { kind: 'ecs-cluster', cluster });
}

function updateClusterSettings(env: Envelope): Normalized {
  const parsed = parseCloudTrail(UpdateClusterSettingsDetail, env, 'UpdateClusterSettings');
  if (!parsed.ok) return parsed.result;
  const d = parsed.detail;
  const res = d.responseElements?.cluster;
  const named = d.requestParameters?.cluster ?? res?.clusterArn;
  if (!named) return missing(d, 'cluster');
  const ref = clusterRef(whereOf(env), named, res?.clusterArn ?? clusterArn(whereOf(env), named));
  const cluster: ClusterFacts = { clusterName: nameOf(named), arn: ref.id, partial: true };
  const insights = insightsOf(d.requestParameters?.settings ?? []);
  if (insights) cluster.containerInsights = insights;
  return cloudTrailResult(env, d, ref, { kind: 'ecs-cluster', cluster });
}

/** PutAccountSetting (one principal) / PutAccountSettingDefault (the account default). */
function accountSetting(env: Envelope): Normalized {
  const parsed = parseCloudTrail(AccountSettingDetail, env, (env.detail as { eventName: string }).eventName);
  if (!parsed.ok) return parsed.result;
  const d = parsed.detail;
  const req = d.requestParameters;
  const res = d.responseElements?.setting;
  const name = req?.name ?? res?.name;
  const value = req?.value ?? res?.value;
  if (!name || !value) return missing(d, 'setting name and value');
  const setting: AccountSettingFacts = { name, value, isDefault: d.eventName === 'PutAccountSettingDefault' };
  const principalArn = req?.principalArn ?? res?.principalArn;
  if (principalArn) setting.principalArn = principalArn;
  const result = cloudTrailResult(env, d, accountRef(whereOf(env)), { kind: 'ecs-account-setting', setting });
  if (result.kind === 'observation' && !WATCHED_ACCOUNT_SETTINGS.includes(name)) {
    return { kind: 'ignored', reason: `ECS account setting ${name} is not one Warden watches`, observation: result.observation };
  }
  return result;
}

export function normalizeCloudTrailEcs(env: Envelope, eventName: EcsEventName): Normalized {
  switch (eventName) {
    case 'RegisterTaskDefinition':
      return registerTaskDefinition(env);
    case 'CreateService':
      return createService(env);
    case 'UpdateService':
      return updateService(env);
    case 'RunTask':
    case 'StartTask':
      return runTask(env);
    case 'CreateCluster':
      return createCluster(env);
    case 'UpdateClusterSettings':
      return updateClusterSettings(env);
    case 'PutAccountSetting':
    case 'PutAccountSettingDefault':
      return accountSetting(env);
  }
}
