import { DescribeRegionsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { rethrowThrottling } from '../errors';
import '../clients/ec2'; // ActionClients.ec2() (aws/client-cache.ts)

/** The Regions enabled for the account (DescribeRegions without AllRegions), sorted: `warden scan --region all`. */
export async function enabledRegions(ec2: EC2Client): Promise<string[]> {
  const out = await ec2.send(new DescribeRegionsCommand({})).catch(rethrowThrottling);
  return (out.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : [])).sort();
}
