/**
 * Warden's domain model. Pure types: no AWS SDK imports anywhere under functions/domain.
 * Every event source is normalized to an Observation; controls turn observations into Findings.
 */

import type { Exemption } from './policy/exemption';

/**
 * Where an event came from; `manual` is a runbook a person started (`warden runbook run`, the console); `scan` is
 * a read of live state (no event: `warden scan`, a sweep's inventory); `sweep` is a run the scheduled sweep started.
 */
export type Source = 'cloudtrail' | 'config' | 'securityhub' | 'guardduty' | 'manual' | 'scan' | 'sweep';
export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';
/** How a remediation runs. Ordered from least to most cautious; see policy/mode.ts. */
export type Mode = 'auto' | 'approval' | 'notify' | 'dry-run';
/** CloudFormation resource type, e.g. "AWS::EC2::SecurityGroup". */
export type ResourceType = string;
export type Tags = Record<string, string>;

/** Who made the change (CloudTrail userIdentity, reduced). Used by the loop guard. */
export interface Actor {
  arn?: string;
  /** For assumed roles: the role ARN from sessionContext.sessionIssuer. */
  roleArn?: string;
  type?: string;
  invokedBy?: string;
}

export interface ResourceRef {
  type: ResourceType;
  /** sg-… id, or an ARN for resources identified by ARN. */
  id: string;
  arn?: string;
  account: string;
  region: string;
  /** Present only when the source carried tags (Config CI, Security Hub) or live state was read. */
  tags?: Tags;
}

/** One security-group rule, whatever the source. Ports are -1 for "all". */
export interface SgRule {
  ruleId?: string;
  groupId: string;
  isEgress: boolean;
  /** "tcp" | "udp" | "icmp" | "icmpv6" | "-1" (all) | a protocol number as a string. */
  protocol: string;
  fromPort: number;
  toPort: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  prefixListId?: string;
  referencedGroupId?: string;
  description?: string;
}

/** Source-specific facts, already validated. Discriminated by `kind`. */
export type Facts =
  /** The event carries rules. `complete` is true when they are the group's whole rule set (Config CI). */
  | {
      kind: 'sg-rules';
      groupId: string;
      /** The group's name, when the source carries it (Config items, the live read): `default` is a VPC's default group. */
      groupName?: string;
      rules: SgRule[];
      complete: boolean;
      /**
       * The event cannot say everything about its rules (ModifySecurityGroupRules omits ingress/egress; an Authorize
       * record may lack its request or disagree with its response): only the live read decides. Triage always reads
       * the group live, so this only explains an offline decision.
       */
      readLive?: boolean;
      /**
       * Rule ids the event itself named, when `rules` is the group's whole live rule set read in triage: other
       * world-open rules are reported apart, as found on the live read. Absent: every rule is the event's.
       */
      eventRuleIds?: string[];
      /**
       * Set only from live state: why the group is a public front end (e.g. "security group of internet-facing load
       * balancer app/web/50dc6c495c0c9188"), or null when the live lookup found it is not one. Absent = not looked up.
       */
      frontEnd?: string | null;
    }
  /**
   * An evaluator (Config rule, Security Hub control) says the group fails, without rule data: read live state.
   * `controls`: the Warden controls the evaluator maps to; absent when the source is not an evaluator (an oversized
   * Config item), so every security-group control may apply.
   */
  | { kind: 'sg-flagged'; groupId: string; flaggedBy: string; controls?: string[] }
  /** An evaluator says a non-SG resource fails (Config compliance, Security Hub, oversized CI): read live state. */
  | { kind: 'flagged'; flaggedBy: string; controls?: string[] }
  | { kind: 'ecs-task-definition'; taskDefinition: TaskDefinitionFacts }
  | { kind: 'ecs-service'; service: ServiceFacts }
  | { kind: 'ecs-task-run'; run: TaskRunFacts }
  | { kind: 'ecs-cluster'; cluster: ClusterFacts }
  | { kind: 'ecs-account-setting'; setting: AccountSettingFacts }
  | { kind: 'eks-cluster'; cluster: EksClusterFacts }
  | { kind: 'ecr-repository'; repository: RepositoryFacts }
  /** A GuardDuty finding on an ECS task/cluster, an EKS cluster, or an EC2 host of ECS or EKS. */
  | { kind: 'guardduty-finding'; finding: GuardDutyFacts };

/**
 * One plain environment variable, by name; its value is never kept. `secretLike` (controls/secret-patterns.ts):
 * `value` when the value has a credential's shape whatever the name, `name` when a secret-like name holds a value
 * that is not an obvious setting.
 */
export interface EnvFacts {
  name: string;
  secretLike?: 'name' | 'value';
}

/** A host device mapped into a container (linuxParameters.devices[]). */
export interface DeviceFacts {
  hostPath: string;
  containerPath?: string;
  /** read | write | mknod; absent = all three. */
  permissions?: string[];
}

/** One container of a task definition, normalized. Secret values are never kept: only whether they looked secret. */
export interface ContainerFacts {
  name: string;
  image?: string;
  /** As written: "root", "0", "0:0", "1000", "app:app"; absent = the image default (root on most images). */
  user?: string;
  privileged?: boolean;
  readonlyRootFilesystem?: boolean;
  /** A logConfiguration with a logDriver is present. */
  logging: boolean;
  /** linuxParameters.capabilities.add, upper-cased without a `CAP_` prefix ("SYS_ADMIN", "ALL"). */
  capabilitiesAdded?: string[];
  /** linuxParameters.devices: host devices the container can reach. */
  devices?: DeviceFacts[];
  environment: EnvFacts[];
  /** Names injected from Secrets Manager / Parameter Store (`secrets[]`): the right way. */
  secrets: string[];
}

export interface TaskDefinitionFacts {
  family: string;
  revision?: number;
  arn?: string;
  networkMode?: string;
  pidMode?: string;
  /** runtimePlatform.operatingSystemFamily; absent = Linux. */
  osFamily?: string;
  taskRoleArn?: string;
  executionRoleArn?: string;
  containers: ContainerFacts[];
}

export interface ServiceFacts {
  cluster: string;
  serviceName: string;
  arn?: string;
  /** Family:revision or ARN the service runs, when known. */
  taskDefinition?: string;
  assignPublicIp?: 'ENABLED' | 'DISABLED';
  subnets?: string[];
  securityGroups?: string[];
  /** The task definition itself, when live state was read (or the event carried it). */
  definition?: TaskDefinitionFacts;
  /** The event is a partial update (UpdateService carries only changed fields). */
  partial?: boolean;
}

/** RunTask / StartTask: tasks started outside a service, unless `group` says `service:…`. */
export interface TaskRunFacts {
  cluster: string;
  taskDefinition: string;
  /** Task ARNs from the response. */
  tasks: string[];
  group?: string;
  startedBy?: string;
  /** The task definition, read live; absent offline. */
  definition?: TaskDefinitionFacts;
  /** overrides.containerOverrides[].environment of the call (values judged, then dropped), per container. */
  environmentOverrides?: { container: string; environment: EnvFacts[] }[];
  /** Read live: none of the tasks still runs. Only what the call itself leaked (its overrides) still counts. */
  ended?: boolean;
}

export interface ClusterFacts {
  clusterName: string;
  arn?: string;
  /** settings[name=containerInsights].value: "enabled" | "enhanced" | "disabled"; absent = not set. */
  containerInsights?: string;
  partial?: boolean;
}

/** ecs:PutAccountSetting / PutAccountSettingDefault. */
export interface AccountSettingFacts {
  name: string;
  value: string;
  principalArn?: string;
  isDefault: boolean;
}

export interface EksClusterFacts {
  name: string;
  arn?: string;
  endpointPublicAccess?: boolean;
  endpointPrivateAccess?: boolean;
  publicAccessCidrs?: string[];
  /** Control-plane log types enabled (api, audit, authenticator, controllerManager, scheduler). */
  enabledLogTypes?: string[];
  /** Log types a partial update turned off (UpdateClusterConfig lists only the types it changes). */
  disabledLogTypes?: string[];
  /** encryptionConfig covers "secrets". */
  secretsEncrypted?: boolean;
  /** UpdateClusterConfig carries only what changed: absent fields mean "unchanged", not "default". */
  partial?: boolean;
}

export interface RepositoryFacts {
  repositoryName: string;
  arn?: string;
  scanOnPush?: boolean;
  /** "MUTABLE" | "IMMUTABLE" | ... */
  tagMutability?: string;
  /** The event is a partial update (PutImageScanningConfiguration, PutImageTagMutability). */
  partial?: boolean;
}

/** The GuardDuty finding fields Warden decides and reports on. Runtime values are attacker-influenced: text only. */
export interface GuardDutyFacts {
  id: string;
  /** e.g. "Execution:Runtime/ReverseShell". */
  type: string;
  /** 1.0 to 10.0 (GuardDuty's double). */
  severity: number;
  updatedAt?: string;
  /** service.count: how many times GuardDuty saw the activity. */
  count?: number;
  resourceType: 'ECSCluster' | 'EKSCluster' | 'Instance';
  title?: string;
  /** ECS cluster name (ECSCluster, or the ECS host's cluster) or EKS cluster name (EKSCluster, or the node's cluster). */
  clusterName?: string;
  clusterArn?: string;
  taskArn?: string;
  taskDefinitionArn?: string;
  /** taskDetails.group: "service:<name>" for tasks of a service. */
  taskGroup?: string;
  startedBy?: string;
  launchType?: string;
  /** "name (image)" per container of the task or workload. */
  containers?: string[];
  /** The EC2 instance: an Instance finding's, or the EKS node a runtime finding ran on (instanceDetails). */
  instanceId?: string;
  instanceArn?: string;
  /** instanceDetails.tags of an EKS runtime finding's node (an Instance finding's tags are its resource's). */
  instanceTags?: Tags;
  /** A Runtime Monitoring finding (service.runtimeDetails): a process ran on the host it names. */
  runtime?: boolean;
  /** For Instance findings: which orchestrator the host belongs to, from its tags or a live lookup. */
  host?: 'ecs' | 'eks';
  /** An Instance finding without host tags whose live lookup found no ECS cluster with it as a container instance. */
  notAHost?: boolean;
  kubernetesUser?: string;
  kubernetesNamespace?: string;
  /** "<type>/<name>", e.g. "Pod/web-7d9c". */
  kubernetesWorkload?: string;
  /** Runtime process: "name (executablePath)". */
  process?: string;
}

export interface Observation {
  source: Source;
  /** EventBridge event id: stable across duplicate deliveries. */
  eventId: string;
  /** CloudTrail eventName, or the EventBridge detail-type for other sources. */
  eventName: string;
  time: string;
  account: string;
  region: string;
  actor?: Actor;
  resource: ResourceRef;
  facts: Facts;
  /** The Security Hub finding the event carried (ASFF Id and ProductArn): a run from it writes back to it. */
  securityHubFinding?: { id: string; productArn: string };
}

export interface Remediation {
  action: string;
  mode: Mode;
  /** Exact targets, e.g. sgr-… rule ids. Empty when they can only be resolved from live state. */
  targets: string[];
  /**
   * Keeps findings of one action on one resource in separate runs when they must not wait for each other or share a
   * mode (e.g. a world-open SSH rule to revoke now, a world-open 443 rule that needs an approval).
   */
  runKey?: string;
}

export interface Finding {
  control: string;
  title: string;
  severity: Severity;
  resource: ResourceRef;
  /** Human-readable, never contains secret values. */
  evidence: string;
  remediation: Remediation;
  /** `live-read`: found on triage's live read of the resource, not named by the event itself. */
  origin?: 'live-read';
  /** Offline only: the resource's tags were not known, and policy has tags that would make the mode stricter. */
  modeMayTighten?: true;
  modeMayTightenReason?: string;
  /** The resource's tags claim an exemption: in force (the mode is at least notify), expired or invalid, and why. */
  exemption?: Exemption;
}

export type Status = 'violation' | 'compliant' | 'ignored' | 'invalid';

/** The outcome of evaluating one event. `reason` is required for ignored and invalid. */
export type Decision =
  | { status: 'invalid'; reason: string }
  | { status: 'ignored'; reason: string; observation?: Observation }
  | { status: 'compliant'; observation: Observation; reason?: string }
  | { status: 'violation'; observation: Observation; findings: Finding[]; reason?: string };

/** What normalizing one raw event yields before any control runs. */
export type Normalized =
  | { kind: 'observation'; observation: Observation }
  | { kind: 'ignored'; reason: string; observation?: Observation }
  | { kind: 'invalid'; reason: string };

/** A security group as read from the account. */
export interface LiveSecurityGroup {
  groupId: string;
  groupName?: string;
  vpcId?: string;
  tags: Tags;
  rules: SgRule[];
}

/**
 * Read-only access to live state. Implemented over the AWS SDK in functions/aws, and absent offline.
 * Returns undefined when the resource no longer exists.
 */
export interface LiveState {
  /** Tags and every rule (with ids). */
  securityGroup(groupId: string): Promise<LiveSecurityGroup | undefined>;
  /**
   * Why the group is a public front end (a security group of an internet-facing load balancer, or of the registered
   * targets of an internet-facing NLB that preserves client IPs), or null when it is none. Made only when the answer
   * changes a decision (world-open public ports on a group without the public tag).
   */
  publicFrontEnd?(groupId: string): Promise<string | null>;
  /**
   * The live facts and tags of an ECS, EKS or ECR resource (type + id/ARN as in ResourceRef), or undefined when it
   * no longer exists. For task runs, the facts include the task definition.
   */
  resource?(ref: ResourceRef, hint: Facts): Promise<{ facts: Facts; tags: Tags } | undefined>;
  /** The ECS cluster that has this EC2 instance as a container instance, for hosts without ECS tags. */
  containerHost?(instanceId: string): Promise<{ cluster: string } | undefined>;
}
