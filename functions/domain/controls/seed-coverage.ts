/**
 * Every point of the best-practice document the catalog is built from ("Key Security Points for Provisioning an
 * Application on Amazon ECS and Amazon EKS", sections 1 to 3) with the controls that cover it, or why AWS APIs
 * cannot check it. docs/controls.md is generated from this; a test fails when a point has neither, or names a
 * control that is not in the catalog.
 */
export interface SeedPoint {
  section: string;
  topic: string;
  point: string;
  controls: string[];
  /** Why the point is not (fully) automated from AWS APIs. Required when `controls` is empty. */
  reason?: string;
}

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

export const seedCoverage: readonly SeedPoint[] = [
  // 1 Container security
  { section: '1', topic: 'Trusted images', point: 'Use trusted registries, such as Amazon ECR', controls: ['ecs-task-untrusted-image'] },
  {
    section: '1', topic: 'Trusted images', point: 'Scan images for vulnerabilities and keep them patched',
    controls: ['ecr-scan-on-push', 'ecr-tag-immutability'],
    reason: 'whether an image is patched depends on its scan results and on rebuilding it in CI/CD; Warden only makes sure scanning runs and tags cannot be swapped',
  },
  {
    section: '1', topic: 'Least privilege', point: 'Avoid running containers as the root user',
    controls: ['ecs-task-root-user', 'ecs-task-root-or-privileged', 'ecs-service-noncompliant-task-definition'],
  },
  {
    section: '1', topic: 'Least privilege', point: 'Restrict permissions (filesystem, network, etc.) to the minimum necessary',
    controls: [
      'ecs-task-privileged', 'ecs-task-dangerous-capabilities', 'ecs-task-writable-root-fs', 'ecs-task-host-pid', 'ecs-task-host-network',
      'ecs-task-root-or-privileged',
    ],
  },
  {
    section: '1', topic: 'Separation of responsibilities', point: 'Keep development and operations teams separate', controls: [],
    reason: 'an organizational practice: team boundaries are not an attribute of any AWS resource',
  },
  {
    section: '1', topic: 'Separation of responsibilities', point: 'CI/CD pipelines with security verification steps (scans, automated penetration tests)',
    controls: [], reason: 'pipelines run outside the account (or in tools Warden does not read); their steps are not visible through ECS, EKS or ECR APIs',
  },
  // 2.1 Execution models
  {
    section: '2.1', topic: 'EC2', point: 'Keep AMIs and operating systems up to date', controls: [],
    reason: 'patch state comes from SSM patch compliance and AMI age, not from container APIs or events (Security Hub SSM.2 covers it)',
  },
  { section: '2.1', topic: 'EC2', point: 'Limit SSH to trusted networks or use Session Manager', controls: ['sg-world-open-ingress'] },
  {
    section: '2.1', topic: 'EC2', point: 'Use IAM roles per EC2 instance instead of credentials on disk', controls: [],
    reason: 'files on an instance disk are invisible to AWS APIs; instance-profile attachment is an EC2 inventory check outside this container catalog',
  },
  { section: '2.1', topic: 'Fargate', point: "A private VPC for tasks that don't need direct internet access", controls: ['ecs-service-public-ip'] },
  { section: '2.1', topic: 'Fargate', point: 'Restrictive security groups and/or network ACLs to isolate workloads', controls: ['sg-world-open-ingress'] },
  { section: '2.1', topic: 'Fargate', point: 'Logs and metrics in CloudWatch for continuous visibility', controls: ['ecs-task-no-logging', 'ecs-cluster-container-insights'] },
  // 2.2 IAM
  {
    section: '2.2', topic: 'IAM roles for tasks', point: 'Give each task a role instead of sharing credentials', controls: ['ecs-task-env-secrets'],
    reason: 'Warden flags shared AWS keys in environment variables; whether each task has its own role is a design choice, not a misconfiguration',
  },
  {
    section: '2.2', topic: 'IAM roles for tasks', point: 'Only authorized containers can assume those roles', controls: [],
    reason: 'which containers are authorized is the owner\'s intent; trust policies only say that ECS tasks may assume a role',
  },
  {
    section: '2.2', topic: 'IAM roles for tasks', point: 'Least privilege for task roles', controls: [],
    reason: 'the permissions a task needs depend on what its code calls; judging them needs usage analysis (IAM Access Analyzer), not one API field',
  },
  {
    section: '2.2', topic: 'Policies and governance', point: 'Organizations and Resource Access Manager policies at the organization level', controls: [],
    reason: 'organization policies live in the management account, outside the member accounts Warden watches',
  },
  {
    section: '2.2', topic: 'Policies and governance', point: 'Review policies periodically and remove unneeded permissions', controls: [],
    reason: 'a periodic human review; unused-permission evidence comes from IAM Access Analyzer, not from configuration events',
  },
  // 2.3 Network
  {
    section: '2.3', topic: 'Security groups and ACLs', point: 'Each task (or instance in host mode) has a security group allowing only essential traffic',
    controls: ['sg-world-open-ingress', 'ecs-task-host-network'],
  },
  {
    section: '2.3', topic: 'Security groups and ACLs', point: 'Decide whether east-west (container to container) traffic is needed or restricted',
    controls: [], reason: 'which services must talk to each other is an architecture decision that AWS APIs cannot infer',
  },
  { section: '2.3', topic: 'VPC and subnets', point: 'Public subnets only for tasks that need direct internet access (front ends)', controls: ['ecs-service-public-ip'] },
  {
    section: '2.3', topic: 'VPC and subnets', point: 'Private subnets for back ends, with a NAT gateway for outbound access', controls: ['ecs-service-public-ip'],
    reason: 'disable-service-public-ip reports whether the subnets have a NAT gateway or VPC endpoints before it acts',
  },
  // 2.4 Secrets
  { section: '2.4', topic: 'Secrets Manager and Parameter Store', point: 'No passwords or API keys in plain environment variables', controls: ['ecs-task-env-secrets'] },
  {
    section: '2.4', topic: 'Secrets Manager and Parameter Store', point: 'Use secrets services for rotation, protection and access control',
    controls: ['ecs-task-env-secrets', 'eks-secrets-encryption'],
  },
  { section: '2.4', topic: 'Secrets Manager and Parameter Store', point: 'Tasks retrieve secrets dynamically (secrets[] with valueFrom)', controls: ['ecs-task-env-secrets'] },
  // 2.5 Observability
  { section: '2.5', topic: 'CloudWatch Logs and X-Ray', point: 'Send application and container logs to CloudWatch', controls: ['ecs-task-no-logging', 'eks-control-plane-logging'] },
  {
    section: '2.5', topic: 'CloudWatch Logs and X-Ray', point: 'Trace calls between microservices with X-Ray', controls: [],
    reason: 'tracing is instrumentation in application code or a sidecar; no AWS API says whether a service is traced',
  },
  {
    section: '2.5', topic: 'AWS Config and CloudTrail', point: 'Track configuration changes with AWS Config', controls: [],
    reason: 'a prerequisite Warden consumes rather than a container setting: Config events are among its triggers (recorder status is Security Hub Config.1)',
  },
  {
    section: '2.5', topic: 'AWS Config and CloudTrail', point: 'Monitor API activity with CloudTrail for an audit trail', controls: ['eks-control-plane-logging'],
    reason: 'CloudTrail itself is Warden\'s main trigger (trail status is Security Hub CloudTrail.1); for EKS the API audit trail is the control-plane audit log',
  },
  // 3.1 Cluster architecture and RBAC
  { section: '3.1', topic: 'Managed control plane', point: 'Only authorized roles or users can reach the Kubernetes API', controls: ['eks-endpoint-public'] },
  {
    section: '3.1', topic: 'RBAC', point: 'Define permissions for users and service accounts inside the cluster', controls: [],
    reason: `in-cluster RBAC (Roles, ClusterRoles, bindings) ${K8S_API}`,
  },
  {
    section: '3.1', topic: 'RBAC', point: 'Namespaces per environment with their own RBAC rules', controls: [],
    reason: `namespaces and their RoleBindings ${K8S_API}`,
  },
  {
    section: '3.1', topic: 'IRSA', point: 'Link service accounts to IAM roles so each pod has only the permissions it needs', controls: [],
    reason: `the service-account annotation (or Pod Identity association per workload) ${K8S_API}; which pods need which role is the owner's intent`,
  },
  {
    section: '3.1', topic: 'IRSA', point: 'Avoid broad permissions at the node level', controls: [],
    reason: 'needs IAM policy analysis of node roles and knowledge of which pods still rely on them; not a single resource field',
  },
  // 3.2 Nodes
  {
    section: '3.2', topic: 'EC2 and Fargate', point: 'Keep EC2 worker nodes patched', controls: [],
    reason: 'patch state comes from SSM patch compliance and node AMI versions, not from EKS cluster events',
  },
  {
    section: '3.2', topic: 'EC2 and Fargate', point: 'Fargate reduces the attack surface', controls: [],
    reason: 'a choice of compute, not a setting that can be wrong',
  },
  {
    section: '3.2', topic: 'Pod segregation', point: 'Taints and tolerations control where pods run', controls: [],
    reason: `taints and tolerations ${K8S_API}`,
  },
  {
    section: '3.2', topic: 'Pod segregation', point: 'Separate node groups for workloads with different requirements (PCI vs general)', controls: [],
    reason: 'which workloads are PCI or high-security is business knowledge no AWS API holds',
  },
  // 3.3 Network policies
  {
    section: '3.3', topic: 'Kubernetes Network Policies', point: 'Network policies control ingress/egress between pods and namespaces', controls: [],
    reason: `NetworkPolicy objects ${K8S_API}`,
  },
  {
    section: '3.3', topic: 'Kubernetes Network Policies', point: 'Keep a compromised pod from talking freely to other services', controls: [],
    reason: `pod-to-pod reachability is enforced by NetworkPolicies and the CNI, which ${K8S_API}`,
  },
  { section: '3.3', topic: 'VPC CNI and security', point: 'Keep security group and ACL rules to control access', controls: ['sg-world-open-ingress'] },
  {
    section: '3.3', topic: 'VPC CNI and security', point: 'Combine Network Policies with Cilium or Calico for finer control', controls: [],
    reason: 'in-cluster plugins configured through the Kubernetes API',
  },
  // 3.4 Ingress and TLS
  {
    section: '3.4', topic: 'Ingress controllers', point: 'Expose services through an ingress controller (AWS Load Balancer Controller)', controls: [],
    reason: `Ingress objects and controller deployments ${K8S_API}`,
  },
  {
    section: '3.4', topic: 'Ingress controllers', point: 'Enable TLS for external and internal traffic', controls: [],
    reason: 'in-cluster TLS is invisible to AWS APIs; load-balancer listener TLS is an ELB check (ELB.1) outside this container catalog',
  },
  {
    section: '3.4', topic: 'Certificates and cert-manager', point: 'Automate certificate issuance and renewal (cert-manager, ACM)', controls: [],
    reason: `cert-manager ${K8S_API}; ACM renewal is managed by ACM itself`,
  },
  // 3.5 Observability
  {
    section: '3.5', topic: 'CloudWatch Container Insights', point: 'Enable Container Insights for pods, services and the cluster', controls: ['ecs-cluster-container-insights'],
    reason: 'for EKS, Container Insights is the CloudWatch Observability add-on running in the cluster, not a cluster setting Warden can read from its events',
  },
  {
    section: '3.5', topic: 'CloudWatch Container Insights', point: 'Use dashboards to monitor cluster health and detect anomalies', controls: [],
    reason: 'watching dashboards is an operating practice, not a configuration',
  },
  {
    section: '3.5', topic: 'GuardDuty and Security Hub', point: 'Enable GuardDuty to detect malicious activity', controls: ['guardduty-container-threat'],
    reason: 'turning the detector on is account-level (Security Hub GuardDuty.1); Warden acts on its container findings',
  },
  {
    section: '3.5', topic: 'GuardDuty and Security Hub', point: 'Consolidate findings in Security Hub for incident response', controls: [],
    reason: 'an account-level service Warden consumes: its findings are one of Warden\'s triggers',
  },
];
