import type { ActionClients } from '../actions/action';
import { ec2 } from './clients/ec2';
import { ecr } from './clients/ecr';
import { ecs } from './clients/ecs';
import { eks } from './clients/eks';
import { elb } from './clients/elb';
import { elbv2 } from './clients/elbv2';

/** The clients every action may use (the remediation step Lambdas), built on first use. */
export const actionClients: ActionClients = { ec2, ecs, eks, ecr, elbv2, elb };
