/**
 * ResourceRefs for ECS, EKS and ECR resources: ARNs built from names when an event carries only names, and parsed
 * back when a source (Config, Security Hub) carries only an ARN. Conventions: docs in the model (ResourceRef).
 */
import type { ResourceRef, ResourceType, Tags } from '../model';

export const TASK_DEFINITION_TYPE = 'AWS::ECS::TaskDefinition';
export const SERVICE_TYPE = 'AWS::ECS::Service';
export const TASK_TYPE = 'AWS::ECS::Task';
export const CLUSTER_TYPE = 'AWS::ECS::Cluster';
export const ACCOUNT_TYPE = 'AWS::::Account';
export const EKS_CLUSTER_TYPE = 'AWS::EKS::Cluster';
export const ECR_REPOSITORY_TYPE = 'AWS::ECR::Repository';

/** The container resource types Config and Security Hub report on. */
export const CONTAINER_TYPES: readonly ResourceType[] = [
  TASK_DEFINITION_TYPE,
  SERVICE_TYPE,
  CLUSTER_TYPE,
  EKS_CLUSTER_TYPE,
  ECR_REPOSITORY_TYPE,
];

export interface Where {
  account: string;
  region: string;
  partition?: string;
}

const arn = (service: string, w: Where, resource: string) =>
  `arn:${w.partition ?? 'aws'}:${service}:${w.region}:${w.account}:${resource}`;

const ref = (type: ResourceType, id: string, w: Where, arnValue: string | undefined, tags?: Tags): ResourceRef => ({
  type,
  id,
  ...(arnValue ? { arn: arnValue } : {}),
  account: w.account,
  region: w.region,
  ...(tags ? { tags } : {}),
});

/** The last path segment of an ECS ARN (`…:cluster/payments` → `payments`), or the name itself. */
export const nameOf = (nameOrArn: string): string => (nameOrArn.startsWith('arn:') ? nameOrArn.split('/').pop() ?? nameOrArn : nameOrArn);

export const clusterArn = (w: Where, nameOrArn: string) => (nameOrArn.startsWith('arn:') ? nameOrArn : arn('ecs', w, `cluster/${nameOrArn}`));
export const serviceArn = (w: Where, cluster: string, service: string) =>
  service.startsWith('arn:') ? service : arn('ecs', w, `service/${nameOf(cluster)}/${service}`);
export const eksClusterArn = (w: Where, name: string) => arn('eks', w, `cluster/${name}`);
export const ecrRepositoryArn = (w: Where, name: string) => arn('ecr', w, `repository/${name}`);

/** Task definition: the ARN with revision when known, else the family (conventions). */
export function taskDefinitionRef(w: Where, family: string, arnValue?: string, tags?: Tags): ResourceRef {
  return ref(TASK_DEFINITION_TYPE, arnValue ?? family, w, arnValue, tags);
}

export function serviceRef(w: Where, cluster: string, service: string, arnValue?: string, tags?: Tags): ResourceRef {
  const a = arnValue ?? serviceArn(w, cluster, service);
  return ref(SERVICE_TYPE, a, w, a, tags);
}

export function clusterRef(w: Where, nameOrArn: string, arnValue?: string, tags?: Tags): ResourceRef {
  const a = arnValue ?? clusterArn(w, nameOrArn);
  return ref(CLUSTER_TYPE, a, w, a, tags);
}

export function taskRef(w: Where, firstTaskArn: string): ResourceRef {
  return ref(TASK_TYPE, firstTaskArn, w, firstTaskArn);
}

export const accountRef = (w: Where): ResourceRef => ref(ACCOUNT_TYPE, w.account, w, undefined);

export function eksClusterRef(w: Where, name: string, arnValue?: string, tags?: Tags): ResourceRef {
  const a = arnValue ?? eksClusterArn(w, name);
  return ref(EKS_CLUSTER_TYPE, a, w, a, tags);
}

export function ecrRepositoryRef(w: Where, name: string, arnValue?: string, tags?: Tags): ResourceRef {
  const a = arnValue ?? ecrRepositoryArn(w, name);
  return ref(ECR_REPOSITORY_TYPE, a, w, a, tags);
}

/** The revision at the end of a task definition ARN or `family:rev`. */
export function revisionOf(taskDefinition: string | undefined): number | undefined {
  const m = taskDefinition ? /:(\d+)$/.exec(taskDefinition) : null;
  return m ? Number(m[1]) : undefined;
}

const ARN = /^arn:([^:]+):(ecs|eks|ecr):([^:]*):(\d{12}):([a-z-]+)\/(.+)$/;

/** What an ECS/EKS/ECR ARN names. Undefined for anything else (task ARNs included: they are not flagged resources). */
export function parseContainerArn(value: string): { type: ResourceType; name: string; where: Where } | undefined {
  const m = ARN.exec(value);
  if (!m) return undefined;
  const [, partition, service, region, account, kind, rest] = m as unknown as [string, string, string, string, string, string, string];
  const where: Where = { account, region, partition };
  if (service === 'ecs' && kind === 'task-definition') return { type: TASK_DEFINITION_TYPE, name: rest, where };
  if (service === 'ecs' && kind === 'service') return { type: SERVICE_TYPE, name: rest, where };
  if (service === 'ecs' && kind === 'cluster') return { type: CLUSTER_TYPE, name: rest, where };
  if (service === 'eks' && kind === 'cluster') return { type: EKS_CLUSTER_TYPE, name: rest, where };
  if (service === 'ecr' && kind === 'repository') return { type: ECR_REPOSITORY_TYPE, name: rest, where };
  return undefined;
}

/**
 * A ref for a Config resource id or a Security Hub resource ARN of one of the container types. Config ids are names
 * for clusters and repositories (`payments`, `payments/web`), `family:revision` or an ARN for task definitions, and
 * an ARN (possibly `arn|cluster`) for services.
 */
export function containerRef(type: ResourceType, idOrArn: string, w: Where, tags?: Tags): ResourceRef | undefined {
  const id = idOrArn.split('|')[0] ?? idOrArn;
  const parsed = parseContainerArn(id);
  if (parsed && parsed.type !== type) return undefined;
  const where = parsed?.where ?? w;
  const name = parsed?.name ?? id;
  switch (type) {
    case TASK_DEFINITION_TYPE: {
      // `family:revision` names one revision (an ARN can be built); a bare family does not.
      const withRevision = parsed !== undefined || revisionOf(name) !== undefined;
      return taskDefinitionRef(where, name.split(':')[0] ?? name, withRevision ? arn('ecs', where, `task-definition/${name}`) : undefined, tags);
    }
    case SERVICE_TYPE:
      // Without the cluster a service name cannot become an ARN: keep the id as given.
      return ref(SERVICE_TYPE, id, where, parsed ? id : undefined, tags);
    case CLUSTER_TYPE:
      return clusterRef(where, name, undefined, tags);
    case EKS_CLUSTER_TYPE:
      return eksClusterRef(where, name, undefined, tags);
    case ECR_REPOSITORY_TYPE:
      return ecrRepositoryRef(where, name, undefined, tags);
    default:
      return undefined;
  }
}
