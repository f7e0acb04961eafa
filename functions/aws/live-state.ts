import type { ActionClients } from './action-clients';
import type { LiveState } from '../domain/model';

/** The resource types live-ecs.ts readEcsResource reads. */
export const ECS_LIVE_TYPES: readonly string[] = ['AWS::ECS::TaskDefinition', 'AWS::ECS::Service', 'AWS::ECS::Task', 'AWS::ECS::Cluster'];

/**
 * LiveState over the SDK: security groups (and their load balancers), ECS, EKS and ECR. For triage and `warden evaluate
 * --live`. Each reader, with its SDK client, loads on first use: an event pays only for the service it is about.
 * Its IAM permissions: aws/permissions.ts TRIAGE_LIVE_READS.
 */
export const awsLiveState = (clients: ActionClients): LiveState => ({
  securityGroup: async (groupId) => (await import('./security-groups')).ec2LiveState(clients.ec2).securityGroup(groupId),
  publicFrontEnd: async (groupId) => (await import('./front-ends')).publicFrontEnd(clients, groupId),
  async resource(ref, hint) {
    if (ECS_LIVE_TYPES.includes(ref.type)) return (await import('./live-ecs')).readEcsResource(ref, hint, clients);
    if (ref.type === 'AWS::EKS::Cluster') return (await import('./live-eks-ecr')).readEksCluster(ref, clients);
    if (ref.type === 'AWS::ECR::Repository') return (await import('./live-eks-ecr')).readEcrRepository(ref, clients);
    // Nothing to read (e.g. an account setting): the event is the state.
    return { facts: hint, tags: ref.tags ?? {} };
  },
  async containerHost(instanceId) {
    const [{ findContainerInstance }, { nameOf }] = await Promise.all([import('./instances'), import('./ecs')]);
    const found = await findContainerInstance(clients.ecs(), instanceId);
    return found ? { cluster: nameOf(found.cluster) } : undefined;
  },
});
