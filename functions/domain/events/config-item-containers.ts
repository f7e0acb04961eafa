/**
 * AWS Config "Config Configuration Item Change" for ECS task definitions, services and clusters, EKS clusters and
 * ECR repositories. These types record CloudFormation-style PascalCase keys (`configuration.ContainerDefinitions[]
 * .User`, `configuration.ResourcesVpcConfig.EndpointPublicAccess`…; awslabs/aws-config-resource-schema). A Config
 * item is the whole recorded state: not partial. Deleted resources are ignored; oversized items flag the resource
 * for a live read.
 */
import { z } from 'zod';
import type { Facts, Normalized, ResourceRef, Tags } from '../model';
import { Bool, firstIssue, listOf, observationOf, oneOrMany, parseDetail, type Envelope } from './envelope';
import { controlsReading } from './mappings';
import {
  CLUSTER_TYPE,
  clusterRef,
  containerRef,
  ECR_REPOSITORY_TYPE,
  ecrRepositoryRef,
  EKS_CLUSTER_TYPE,
  eksClusterRef,
  nameOf,
  revisionOf,
  SERVICE_TYPE,
  serviceRef,
  TASK_DEFINITION_TYPE,
  taskDefinitionRef,
  type Where,
} from './refs';
import { containerFacts } from './task-definition';

const DELETED_STATUSES = ['ResourceDeleted', 'ResourceDeletedNotRecorded'];
const str = z.string().nullish();

const Item = z.object({
  messageType: z.literal('ConfigurationItemChangeNotification'),
  configurationItemDiff: z.object({ changeType: z.string().optional() }).nullish(),
  configurationItem: z.object({
    configurationItemStatus: z.string(),
    resourceType: z.string(),
    resourceId: z.string().min(1),
    resourceName: str,
    ARN: str,
    awsAccountId: z.string().optional(),
    awsRegion: z.string().optional(),
    tags: z.record(z.string(), z.string()).nullish(),
    configuration: z.unknown(),
  }),
});

const Summary = z.object({
  configurationItemSummary: z.object({
    configurationItemStatus: z.string(),
    resourceType: z.string(),
    resourceId: z.string().min(1),
    ARN: str,
    awsAccountId: z.string().optional(),
    awsRegion: z.string().optional(),
    changeType: z.string().optional(),
  }),
});

// ---- configuration schemas, one per type (PascalCase) ----------------------------------------------------------

const TaskDefinitionConfig = z.object({
  Family: str,
  TaskDefinitionArn: str,
  NetworkMode: str,
  PidMode: str,
  RuntimePlatform: z.object({ OperatingSystemFamily: str }).nullish(),
  TaskRoleArn: str,
  ExecutionRoleArn: str,
  ContainerDefinitions: listOf(
    z.object({
      Name: z.string().min(1),
      Image: str,
      User: str,
      Privileged: Bool.nullish(),
      ReadonlyRootFilesystem: Bool.nullish(),
      LogConfiguration: z.object({ LogDriver: str }).nullish(),
      LinuxParameters: z
        .object({
          Capabilities: z.object({ Add: listOf(z.string()) }).nullish(),
          Devices: listOf(z.object({ HostPath: z.string(), ContainerPath: str, Permissions: listOf(z.string()) })),
        })
        .nullish(),
      Environment: listOf(z.object({ Name: z.string(), Value: z.unknown().optional() })),
      Secrets: listOf(z.object({ Name: z.string() })),
    }),
  ),
});

const ServiceConfig = z.object({
  ServiceArn: str,
  ServiceName: str,
  Name: str,
  Cluster: str,
  TaskDefinition: str,
  NetworkConfiguration: z
    .object({
      AwsvpcConfiguration: z
        .object({
          AssignPublicIp: z.enum(['ENABLED', 'DISABLED']).nullish(),
          Subnets: z.array(z.string()).nullish(),
          SecurityGroups: z.array(z.string()).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});

const ClusterConfig = z.object({ ClusterName: str, Arn: str, ClusterSettings: listOf(z.object({ Name: z.string(), Value: str })) });

const EksConfig = z.object({
  Name: str,
  Arn: str,
  ResourcesVpcConfig: z
    .object({ EndpointPublicAccess: Bool.nullish(), EndpointPrivateAccess: Bool.nullish(), PublicAccessCidrs: z.array(z.string()).nullish() })
    .nullish(),
  /** `Logging.ClusterLogging.EnabledTypes[].Type`; ClusterLogging may be recorded as one object or a list. */
  Logging: z.object({ ClusterLogging: oneOrMany(z.object({ EnabledTypes: listOf(z.object({ Type: z.string() })) })) }).nullish(),
  EncryptionConfig: listOf(z.object({ Resources: listOf(z.string()) })),
});

const RepositoryConfig = z.object({
  RepositoryName: str,
  Arn: str,
  ImageScanningConfiguration: z.object({ ScanOnPush: Bool.nullish() }).nullish(),
  ImageTagMutability: str,
});

type ConfigItem = z.output<typeof Item>['configurationItem'];
type Built = { resource: ResourceRef; facts: Facts };
/** One resource type's builder: the resource and its facts, or why the configuration does not match its schema. */
type Builder = (configuration: unknown, ci: ConfigItem, w: Where, tags: Tags) => Built | string;

/** A builder whose configuration is parsed with `schema` first. */
const builder = <S extends z.ZodType>(schema: S, build: (cfg: z.output<S>, ci: ConfigItem, w: Where, tags: Tags) => Built): Builder =>
  (configuration, ci, w, tags) => {
    const parsed = schema.safeParse(configuration);
    return parsed.success
      ? build(parsed.data, ci, w, tags)
      : `Config configuration item: detail does not match its schema at ${firstIssue(parsed.error, 'detail.configurationItem.configuration')}`;
  };

/** A resource named by its configuration, else by the Config item: its name, and its ref made by `ref`. */
function named(
  ref: (w: Where, name: string, arn?: string, tags?: Tags) => ResourceRef,
  cfg: { name: string | null | undefined; arn: string | null | undefined },
  ci: ConfigItem, w: Where, tags: Tags,
): { name: string; resource: ResourceRef } {
  const name = cfg.name ?? ci.resourceName ?? ci.resourceId;
  return { name, resource: ref(w, name, cfg.arn ?? ci.ARN ?? undefined, tags) };
}

const taskDefinition = builder(TaskDefinitionConfig, (cfg, ci, w, tags) => {
  const arn = cfg.TaskDefinitionArn ?? ci.ARN ?? (ci.resourceId.startsWith('arn:') ? ci.resourceId : undefined);
  const family = cfg.Family ?? (arn ? nameOf(arn) : ci.resourceId).split(':')[0] ?? ci.resourceId;
  const revision = revisionOf(arn);
  const facts: Facts = {
    kind: 'ecs-task-definition',
    taskDefinition: {
      family,
      ...(revision !== undefined ? { revision } : {}),
      ...(arn ? { arn } : {}),
      ...(cfg.NetworkMode ? { networkMode: cfg.NetworkMode } : {}),
      ...(cfg.PidMode ? { pidMode: cfg.PidMode } : {}),
      ...(cfg.RuntimePlatform?.OperatingSystemFamily ? { osFamily: cfg.RuntimePlatform.OperatingSystemFamily } : {}),
      ...(cfg.TaskRoleArn ? { taskRoleArn: cfg.TaskRoleArn } : {}),
      ...(cfg.ExecutionRoleArn ? { executionRoleArn: cfg.ExecutionRoleArn } : {}),
      containers: cfg.ContainerDefinitions.map((k) =>
        containerFacts({
          name: k.Name,
          image: k.Image,
          user: k.User,
          privileged: k.Privileged,
          readonlyRootFilesystem: k.ReadonlyRootFilesystem,
          logDriver: k.LogConfiguration?.LogDriver,
          capabilitiesAdded: k.LinuxParameters?.Capabilities?.Add,
          devices: k.LinuxParameters?.Devices.map((d) => ({ hostPath: d.HostPath, containerPath: d.ContainerPath, permissions: d.Permissions })),
          environment: k.Environment.map((e) => ({ name: e.Name, value: e.Value })),
          secrets: k.Secrets.map((s) => ({ name: s.Name })),
        }),
      ),
    },
  };
  return { resource: taskDefinitionRef(w, family, arn ?? undefined, tags), facts };
});

const service = builder(ServiceConfig, (cfg, ci, w, tags) => {
  const arn = cfg.ServiceArn ?? ci.ARN ?? undefined;
  const serviceName = cfg.ServiceName ?? cfg.Name ?? ci.resourceName ?? nameOf(arn ?? ci.resourceId);
  // New-format service ARNs carry the cluster: …:service/<cluster>/<name>.
  const cluster = nameOf(cfg.Cluster ?? (arn?.split('/').slice(-2, -1)[0] || 'default'));
  const resource = serviceRef(w, cluster, serviceName, arn, tags);
  const vpc = cfg.NetworkConfiguration?.AwsvpcConfiguration;
  const facts: Facts = {
    kind: 'ecs-service',
    service: {
      cluster,
      serviceName,
      arn: resource.id,
      ...(cfg.TaskDefinition ? { taskDefinition: cfg.TaskDefinition } : {}),
      ...(vpc ? { assignPublicIp: vpc.AssignPublicIp ?? 'DISABLED' } : {}),
      ...(vpc?.Subnets ? { subnets: vpc.Subnets } : {}),
      ...(vpc?.SecurityGroups ? { securityGroups: vpc.SecurityGroups } : {}),
    },
  };
  return { resource, facts };
});

const cluster = builder(ClusterConfig, (cfg, ci, w, tags) => {
  const { name: clusterName, resource } = named(clusterRef, { name: cfg.ClusterName, arn: cfg.Arn }, ci, w, tags);
  const insights = cfg.ClusterSettings.find((s) => s.Name === 'containerInsights')?.Value;
  return { resource, facts: { kind: 'ecs-cluster', cluster: { clusterName, arn: resource.id, ...(insights ? { containerInsights: insights } : {}) } } };
});

const eksCluster = builder(EksConfig, (cfg, ci, w, tags) => {
  const { name, resource } = named(eksClusterRef, { name: cfg.Name, arn: cfg.Arn }, ci, w, tags);
  const vpc = cfg.ResourcesVpcConfig;
  const facts: Facts = {
    kind: 'eks-cluster',
    cluster: {
      name,
      arn: resource.id,
      ...(vpc?.EndpointPublicAccess != null ? { endpointPublicAccess: vpc.EndpointPublicAccess } : {}),
      ...(vpc?.EndpointPrivateAccess != null ? { endpointPrivateAccess: vpc.EndpointPrivateAccess } : {}),
      ...(vpc?.PublicAccessCidrs ? { publicAccessCidrs: vpc.PublicAccessCidrs } : {}),
      enabledLogTypes: [...new Set((cfg.Logging?.ClusterLogging ?? []).flatMap((l) => l.EnabledTypes.map((t) => t.Type)))],
      secretsEncrypted: cfg.EncryptionConfig.some((e) => e.Resources.includes('secrets')),
    },
  };
  return { resource, facts };
});

const repository = builder(RepositoryConfig, (cfg, ci, w, tags) => {
  const { name: repositoryName, resource } = named(ecrRepositoryRef, { name: cfg.RepositoryName, arn: cfg.Arn }, ci, w, tags);
  const scanOnPush = cfg.ImageScanningConfiguration?.ScanOnPush;
  const facts: Facts = {
    kind: 'ecr-repository',
    repository: {
      repositoryName,
      arn: resource.id,
      ...(scanOnPush != null ? { scanOnPush } : {}),
      ...(cfg.ImageTagMutability ? { tagMutability: cfg.ImageTagMutability } : {}),
    },
  };
  return { resource, facts };
});

const BUILDERS: Record<string, Builder> = {
  [TASK_DEFINITION_TYPE]: taskDefinition,
  [SERVICE_TYPE]: service,
  [CLUSTER_TYPE]: cluster,
  [EKS_CLUSTER_TYPE]: eksCluster,
  [ECR_REPOSITORY_TYPE]: repository,
};

export function normalizeContainerItem(env: Envelope): Normalized {
  const parsed = parseDetail(Item, env, 'Config configuration item');
  if (!parsed.ok) return parsed.result;
  const ci = parsed.detail.configurationItem;
  const deleted = DELETED_STATUSES.includes(ci.configurationItemStatus) || parsed.detail.configurationItemDiff?.changeType === 'DELETE';
  if (deleted) return { kind: 'ignored', reason: `${ci.resourceId} was deleted (${ci.configurationItemStatus}): nothing to fix` };
  if (ci.configuration == null) return { kind: 'ignored', reason: `Config item for ${ci.resourceId} carries no configuration (${ci.configurationItemStatus})` };
  const build = BUILDERS[ci.resourceType];
  if (!build) return { kind: 'ignored', reason: `Config item for ${ci.resourceType}, not a resource type Warden watches` };
  const where = { account: ci.awsAccountId ?? env.account, region: ci.awsRegion ?? env.region };
  const built = build(ci.configuration, ci, where, ci.tags ?? {});
  if (typeof built === 'string') return { kind: 'invalid', reason: built };
  return { kind: 'observation', observation: observationOf('config', env, built.resource, built.facts) };
}

/** Oversized items carry only a summary: the resource is flagged for every control that reads its type. */
export function normalizeContainerOversized(env: Envelope): Normalized {
  const parsed = parseDetail(Summary, env, 'Config oversized configuration item');
  if (!parsed.ok) return parsed.result;
  const s = parsed.detail.configurationItemSummary;
  if (DELETED_STATUSES.includes(s.configurationItemStatus) || s.changeType === 'DELETE') {
    return { kind: 'ignored', reason: `${s.resourceId} was deleted (${s.configurationItemStatus}): nothing to fix` };
  }
  const where = { account: s.awsAccountId ?? env.account, region: s.awsRegion ?? env.region };
  const resource = containerRef(s.resourceType, s.ARN ?? s.resourceId, where);
  if (!resource) return { kind: 'invalid', reason: `Config oversized configuration item: ${s.resourceId} is not a ${s.resourceType}` };
  return { kind: 'observation', observation: observationOf('config', env, resource, { kind: 'flagged', flaggedBy: 'oversized Config item', controls: controlsReading(s.resourceType) }) };
}
