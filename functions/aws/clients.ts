// Every client, for the CLI, the demo and tests. Lambda handlers import single services from aws/clients/* instead.
import { dynamodb } from './clients/dynamodb';
import { ec2 } from './clients/ec2';
import { ecr } from './clients/ecr';
import { ecs } from './clients/ecs';
import { eks } from './clients/eks';
import { elb } from './clients/elb';
import { elbv2 } from './clients/elbv2';
import { events } from './clients/events';
import { secrets } from './clients/secrets';
import { securityhub } from './clients/securityhub';
import { sfn } from './clients/sfn';
import { sns } from './clients/sns';
import { ssm } from './clients/ssm';

export { resetClients } from './client-cache';
export const clients = { ec2, ecs, eks, ecr, elbv2, elb, sfn, dynamodb, events, sns, secrets, ssm, securityhub };
export type Clients = typeof clients;
