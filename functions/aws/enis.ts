import { DescribeNetworkInterfacesCommand, type EC2Client, type NetworkInterface } from '@aws-sdk/client-ec2';
import { rethrowThrottling } from './errors';
import './clients/ec2'; // ActionClients.ec2() (aws/client-cache.ts)

/** Every ENI matching one DescribeNetworkInterfaces filter (e.g. `group-id`, `attachment.instance-id`), all pages. */
export async function networkInterfaces(ec2: EC2Client, filter: string, value: string): Promise<NetworkInterface[]> {
  const enis: NetworkInterface[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2
      .send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: filter, Values: [value] }], NextToken }))
      .catch(rethrowThrottling);
    enis.push(...(page.NetworkInterfaces ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return enis;
}
