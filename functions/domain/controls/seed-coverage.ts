import { catalogControls } from './catalog-ref';

/**
 * Every point of the best-practice document the catalog is built from ("Key Security Points for Provisioning an
 * Application on Amazon ECS and Amazon EKS", sections 1 to 3), with an id, and why AWS APIs cannot (fully) check it.
 * Which controls cover a point is declared on each control (`seed: [point id]`), never here; docs/controls.md is
 * generated from both, and a test fails when a point has neither a control nor a reason, or a control names a point
 * that does not exist.
 */
export interface SeedPoint {
  /** Stable id a control's `seed` names, e.g. "2.1/limit-ssh-trusted-networks". */
  id: string;
  section: string;
  topic: string;
  point: string;
  /** Why the point is not (fully) automated from AWS APIs. Required when no control covers it. */
  reason?: string;
}

/** Each point with the controls that declare it, in catalog order. */
export const seedCoverage = (): (SeedPoint & { controls: string[] })[] =>
  seedPoints.map((p) => ({ ...p, controls: catalogControls().filter((c) => c.seed.includes(p.id)).map((c) => c.id) }));

export interface SeedSection {
  section: string;
  title: string;
}

export const seedSections: readonly SeedSection[] = [
  { section: '1', title: 'Container security' },
  { section: '2.1', title: 'ECS execution models: EC2 and Fargate' },
  { section: '2.2', title: 'ECS IAM and permissions' },
  { section: '2.3', title: 'ECS network and isolation' },
  { section: '2.4', title: 'ECS secrets management' },
  { section: '2.5', title: 'ECS observability and auditing' },
  { section: '3.1', title: 'EKS cluster architecture and RBAC' },
  { section: '3.2', title: 'EKS node security' },
  { section: '3.3', title: 'EKS network policies' },
  { section: '3.4', title: 'EKS ingress and TLS' },
  { section: '3.5', title: 'EKS observability and security monitoring' },
];

const K8S_API = 'lives in Kubernetes objects read through the cluster API, not in AWS APIs or CloudTrail';

export const seedPoints: readonly SeedPoint[] = [
  // 1 Container security
  { section: '1', topic: 'Trusted images', point: 'Use trusted registries, such as Amazon ECR', id: '1/trusted-registries-amazon-ecr' },
  {
    section: '1', topic: 'Trusted images', point: 'Scan images for vulnerabilities and keep them patched',
    id: '1/scan-images-vulnerabilities-keep',
    reason: 'whether an image is patched depends on its scan results and on rebuilding it in CI/CD; Warden only makes sure scanning runs and tags cannot be swapped',
  },
  {
    section: '1', topic: 'Least privilege', point: 'Avoid running containers as the root user',
    id: '1/avoid-running-containers-root',
  },
  {
    section: '1', topic: 'Least privilege', point: 'Restrict permissions (filesystem, network, etc.) to the minimum necessary',
    id: '1/restrict-permissions-filesystem-network',
  },
  {
    section: '1', topic: 'Separation of responsibilities', point: 'Keep development and operations teams separate', id: '1/keep-development-operations-teams',
    reason: 'an organizational practice: team boundaries are not an attribute of any AWS resource',
  },
  {
    section: '1', topic: 'Separation of responsibilities', point: 'CI/CD pipelines with security verification steps (scans, automated penetration tests)',
    id: '1/ci-cd-pipelines-security', reason: 'pipelines run outside the account (or in tools Warden does not read); their steps are not visible through ECS, EKS or ECR APIs',
  },
  // 2.1 Execution models
  {
    section: '2.1', topic: 'EC2', point: 'Keep AMIs and operating systems up to date', id: '2.1/keep-amis-operating-systems',
    reason: 'patch state comes from SSM patch compliance and AMI age, not from container APIs or events (Security Hub SSM.2 covers it)',
  },
  { section: '2.1', topic: 'EC2', point: 'Limit SSH to trusted networks or use Session Manager', id: '2.1/limit-ssh-trusted-networks' },
  {
    section: '2.1', topic: 'EC2', point: 'Use IAM roles per EC2 instance instead of credentials on disk', id: '2.1/iam-roles-per-ec2',
    reason: 'files on an instance disk are invisible to AWS APIs; instance-profile attachment is an EC2 inventory check outside this container catalog',
  },
  { section: '2.1', topic: 'Fargate', point: "A private VPC for tasks that don't need direct internet access", id: '2.1/iam-roles-per-ec2-2' },
  { section: '2.1', topic: 'Fargate', point: 'Restrictive security groups and/or network ACLs to isolate workloads', id: '2.1/restrictive-security-groups-network' },
  { section: '2.1', topic: 'Fargate', point: 'Logs and metrics in CloudWatch for continuous visibility', id: '2.1/logs-metrics-cloudwatch-continuous' },
  // 2.2 IAM
  {
    section: '2.2', topic: 'IAM roles for tasks', point: 'Give each task a role instead of sharing credentials', id: '2.2/give-each-task-role',
    reason: 'Warden flags shared AWS keys in environment variables; whether each task has its own role is a design choice, not a misconfiguration',
  },
  {
    section: '2.2', topic: 'IAM roles for tasks', point: 'Only authorized containers can assume those roles', id: '2.2/only-authorized-containers-can',
    reason: 'which containers are authorized is the owner\'s intent; trust policies only say that ECS tasks may assume a role',
  },
  {
    section: '2.2', topic: 'IAM roles for tasks', point: 'Least privilege for task roles', id: '2.2/least-privilege-task-roles',
    reason: 'the permissions a task needs depend on what its code calls; judging them needs usage analysis (IAM Access Analyzer), not one API field',
  },
  {
    section: '2.2', topic: 'Policies and governance', point: 'Organizations and Resource Access Manager policies at the organization level', id: '2.2/organizations-resource-access-manager',
    reason: 'organization policies live in the management account, outside the member accounts Warden watches',
  },
  {
    section: '2.2', topic: 'Policies and governance', point: 'Review policies periodically and remove unneeded permissions', id: '2.2/review-policies-periodically-remove',
    reason: 'a periodic human review; unused-permission evidence comes from IAM Access Analyzer, not from configuration events',
  },
  // 2.3 Network
  {
    section: '2.3', topic: 'Security groups and ACLs', point: 'Each task (or instance in host mode) has a security group allowing only essential traffic',
    id: '2.3/each-task-instance-host',
  },
  {
    section: '2.3', topic: 'Security groups and ACLs', point: 'Decide whether east-west (container to container) traffic is needed or restricted',
    id: '2.3/decide-whether-east-west', reason: 'which services must talk to each other is an architecture decision that AWS APIs cannot infer',
  },
  { section: '2.3', topic: 'VPC and subnets', point: 'Public subnets only for tasks that need direct internet access (front ends)', id: '2.3/public-subnets-only-tasks' },
  {
    section: '2.3', topic: 'VPC and subnets', point: 'Private subnets for back ends, with a NAT gateway for outbound access', id: '2.3/private-subnets-back-ends',
    reason: 'disable-service-public-ip reports whether the subnets have a NAT gateway or VPC endpoints before it acts',
  },
  // 2.4 Secrets
  { section: '2.4', topic: 'Secrets Manager and Parameter Store', point: 'No passwords or API keys in plain environment variables', id: '2.4/no-passwords-api-keys' },
  {
    section: '2.4', topic: 'Secrets Manager and Parameter Store', point: 'Use secrets services for rotation, protection and access control',
    id: '2.4/secrets-services-rotation-protection',
  },
  { section: '2.4', topic: 'Secrets Manager and Parameter Store', point: 'Tasks retrieve secrets dynamically (secrets[] with valueFrom)', id: '2.4/tasks-retrieve-secrets-dynamically' },
  // 2.5 Observability
  { section: '2.5', topic: 'CloudWatch Logs and X-Ray', point: 'Send application and container logs to CloudWatch', id: '2.5/send-application-container-logs' },
  {
    section: '2.5', topic: 'CloudWatch Logs and X-Ray', point: 'Trace calls between microservices with X-Ray', id: '2.5/trace-calls-between-microservices',
    reason: 'tracing is instrumentation in application code or a sidecar; no AWS API says whether a service is traced',
  },
  {
    section: '2.5', topic: 'AWS Config and CloudTrail', point: 'Track configuration changes with AWS Config', id: '2.5/track-configuration-changes-aws',
    reason: 'a prerequisite Warden consumes rather than a container setting: Config events are among its triggers (recorder status is Security Hub Config.1)',
  },
  {
    section: '2.5', topic: 'AWS Config and CloudTrail', point: 'Monitor API activity with CloudTrail for an audit trail', id: '2.5/monitor-api-activity-cloudtrail',
    reason: 'CloudTrail itself is Warden\'s main trigger (trail status is Security Hub CloudTrail.1); for EKS the API audit trail is the control-plane audit log',
  },
  // 3.1 Cluster architecture and RBAC
  { section: '3.1', topic: 'Managed control plane', point: 'Only authorized roles or users can reach the Kubernetes API', id: '3.1/only-authorized-roles-users' },
  {
    section: '3.1', topic: 'RBAC', point: 'Define permissions for users and service accounts inside the cluster', id: '3.1/define-permissions-users-service',
    reason: `in-cluster RBAC (Roles, ClusterRoles, bindings) ${K8S_API}`,
  },
  {
    section: '3.1', topic: 'RBAC', point: 'Namespaces per environment with their own RBAC rules', id: '3.1/namespaces-per-environment-own',
    reason: `namespaces and their RoleBindings ${K8S_API}`,
  },
  {
    section: '3.1', topic: 'IRSA', point: 'Link service accounts to IAM roles so each pod has only the permissions it needs', id: '3.1/link-service-accounts-iam',
    reason: `the service-account annotation (or Pod Identity association per workload) ${K8S_API}; which pods need which role is the owner's intent`,
  },
  {
    section: '3.1', topic: 'IRSA', point: 'Avoid broad permissions at the node level', id: '3.1/avoid-broad-permissions-node',
    reason: 'needs IAM policy analysis of node roles and knowledge of which pods still rely on them; not a single resource field',
  },
  // 3.2 Nodes
  {
    section: '3.2', topic: 'EC2 and Fargate', point: 'Keep EC2 worker nodes patched', id: '3.2/keep-ec2-worker-nodes',
    reason: 'patch state comes from SSM patch compliance and node AMI versions, not from EKS cluster events',
  },
  {
    section: '3.2', topic: 'EC2 and Fargate', point: 'Fargate reduces the attack surface', id: '3.2/fargate-reduces-attack-surface',
    reason: 'a choice of compute, not a setting that can be wrong',
  },
  {
    section: '3.2', topic: 'Pod segregation', point: 'Taints and tolerations control where pods run', id: '3.2/taints-tolerations-control-where',
    reason: `taints and tolerations ${K8S_API}`,
  },
  {
    section: '3.2', topic: 'Pod segregation', point: 'Separate node groups for workloads with different requirements (PCI vs general)', id: '3.2/separate-node-groups-workloads',
    reason: 'which workloads are PCI or high-security is business knowledge no AWS API holds',
  },
  // 3.3 Network policies
  {
    section: '3.3', topic: 'Kubernetes Network Policies', point: 'Network policies control ingress/egress between pods and namespaces', id: '3.3/network-policies-control-ingress',
    reason: `NetworkPolicy objects ${K8S_API}`,
  },
  {
    section: '3.3', topic: 'Kubernetes Network Policies', point: 'Keep a compromised pod from talking freely to other services', id: '3.3/keep-compromised-pod-talking',
    reason: `pod-to-pod reachability is enforced by NetworkPolicies and the CNI, which ${K8S_API}`,
  },
  { section: '3.3', topic: 'VPC CNI and security', point: 'Keep security group and ACL rules to control access', id: '3.3/keep-security-group-acl' },
  {
    section: '3.3', topic: 'VPC CNI and security', point: 'Combine Network Policies with Cilium or Calico for finer control', id: '3.3/combine-network-policies-cilium',
    reason: 'in-cluster plugins configured through the Kubernetes API',
  },
  // 3.4 Ingress and TLS
  {
    section: '3.4', topic: 'Ingress controllers', point: 'Expose services through an ingress controller (AWS Load Balancer Controller)', id: '3.4/expose-services-through-ingress',
    reason: `Ingress objects and controller deployments ${K8S_API}`,
  },
  {
    section: '3.4', topic: 'Ingress controllers', point: 'Enable TLS for external and internal traffic', id: '3.4/enable-tls-external-internal',
    reason: 'in-cluster TLS is invisible to AWS APIs; load-balancer listener TLS is an ELB check (ELB.1) outside this container catalog',
  },
  {
    section: '3.4', topic: 'Certificates and cert-manager', point: 'Automate certificate issuance and renewal (cert-manager, ACM)', id: '3.4/automate-certificate-issuance-renewal',
    reason: `cert-manager ${K8S_API}; ACM renewal is managed by ACM itself`,
  },
  // 3.5 Observability
  {
    section: '3.5', topic: 'CloudWatch Container Insights', point: 'Enable Container Insights for pods, services and the cluster', id: '3.5/enable-container-insights-pods',
    reason: 'for EKS, Container Insights is the CloudWatch Observability add-on running in the cluster, not a cluster setting Warden can read from its events',
  },
  {
    section: '3.5', topic: 'CloudWatch Container Insights', point: 'Use dashboards to monitor cluster health and detect anomalies', id: '3.5/dashboards-monitor-cluster-health',
    reason: 'watching dashboards is an operating practice, not a configuration',
  },
  {
    section: '3.5', topic: 'GuardDuty and Security Hub', point: 'Enable GuardDuty to detect malicious activity', id: '3.5/enable-guardduty-detect-malicious',
    reason: 'turning the detector on is account-level (Security Hub GuardDuty.1); Warden acts on its container findings',
  },
  {
    section: '3.5', topic: 'GuardDuty and Security Hub', point: 'Consolidate findings in Security Hub for incident response', id: '3.5/consolidate-findings-security-hub',
    reason: 'an account-level service Warden consumes: its findings are one of Warden\'s triggers',
  },
];
