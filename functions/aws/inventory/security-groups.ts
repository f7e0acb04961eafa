import type { EC2Client } from '@aws-sdk/client-ec2';
import { sgRef } from '../../domain/events/envelope';
import { allGroups } from '../security-groups';
import type { Inventory } from './kit';

/** Every security group of the Region with its tags and rules: two paginated reads (security-groups.ts allGroups). */
export async function securityGroupInventory(ec2: EC2Client, region: string): Promise<Inventory> {
  const groups = await allGroups(ec2);
  return { 'security groups': groups.map(({ group, account }) => ({ ref: sgRef(group.groupId, account, region), group })) };
}
