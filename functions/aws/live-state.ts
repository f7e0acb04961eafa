import type { ActionClients } from './action-clients';
import type { LiveState } from '../domain/model';
import { ECS_LIVE_TYPES, readEcsResource } from './live-ecs';
import { readEcrRepository, readEksCluster } from './live-eks-ecr';
import { nameOf } from './ecs';
import { publicFrontEnd } from './front-ends';
import { findContainerInstance } from './instances';
import { ec2LiveState } from './security-groups';

const ECS_TYPES: readonly string[] = ECS_LIVE_TYPES;

/** LiveState over the SDK: security groups (and their load balancers), ECS, EKS and ECR. For triage and `warden evaluate --live`. */
export const awsLiveState = (clients: ActionClients): LiveState => ({
  ...ec2LiveState(clients.ec2),
  publicFrontEnd: (groupId) => publicFrontEnd(clients, groupId),
  async resource(ref, hint) {
    if (ECS_TYPES.includes(ref.type)) return readEcsResource(ref, hint, clients);
    if (ref.type === 'AWS::EKS::Cluster') return readEksCluster(ref, clients);
    if (ref.type === 'AWS::ECR::Repository') return readEcrRepository(ref, clients);
    // Nothing to read (e.g. an account setting): the event is the state.
    return { facts: hint, tags: ref.tags ?? {} };
  },
  async containerHost(instanceId) {
    const found = await findContainerInstance(clients.ecs(), instanceId);
    return found ? { cluster: nameOf(found.cluster) } : undefined;
  },
});
