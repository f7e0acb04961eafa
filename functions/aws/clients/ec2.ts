import { EC2Client } from '@aws-sdk/client-ec2';
import { lazy, sdkConfig } from '../client-cache';

export const ec2 = lazy('ec2', () => new EC2Client(sdkConfig()));
