import {
  DescribeRepositoriesCommand, ListTagsForResourceCommand, PutImageScanningConfigurationCommand,
  PutImageTagMutabilityCommand, type ECRClient, type Repository,
} from '@aws-sdk/client-ecr';
import type { RepositoryFacts, Tags } from '../domain/model';
import { errorName, rethrowThrottling } from './errors';
import { fromAwsTags } from './tags';
import './clients/ecr'; // ActionClients.ecr() (aws/client-cache.ts)

/** Small typed wrappers over the ECR calls Warden makes on private repositories (in the caller's own registry). */

/** `arn:aws:ecr:<region>:<acct>:repository/<name>` → `<name>` (names may contain `/`); a bare name is returned as is. */
export function ecrRepositoryName(id: string): string {
  const at = id.indexOf(':repository/');
  return at >= 0 ? id.slice(at + ':repository/'.length) : id;
}

/** The live repository, or undefined when it no longer exists. */
export async function describeRepository(ecr: ECRClient, repositoryName: string): Promise<Repository | undefined> {
  try {
    return (await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }))).repositories?.[0];
  } catch (err) {
    if (errorName(err) === 'RepositoryNotFoundException') return undefined;
    return rethrowThrottling(err);
  }
}

/** Every repository of the Region's private registry (all pages, 1,000 a page). */
export async function listRepositories(ecr: ECRClient): Promise<Repository[]> {
  const repositories: Repository[] = [];
  let nextToken: string | undefined;
  do {
    const page = await ecr.send(new DescribeRepositoriesCommand({ maxResults: 1000, nextToken })).catch(rethrowThrottling);
    repositories.push(...(page.repositories ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return repositories;
}

/** Repository tags, or undefined when the repository no longer exists. */
export async function repositoryTags(ecr: ECRClient, repositoryArn: string): Promise<Tags | undefined> {
  try {
    const out = await ecr.send(new ListTagsForResourceCommand({ resourceArn: repositoryArn }));
    return fromAwsTags(out.tags);
  } catch (err) {
    if (errorName(err) === 'RepositoryNotFoundException') return undefined;
    return rethrowThrottling(err);
  }
}

export const toRepositoryFacts = (r: Repository): RepositoryFacts => ({
  repositoryName: r.repositoryName ?? '',
  ...(r.repositoryArn ? { arn: r.repositoryArn } : {}),
  scanOnPush: r.imageScanningConfiguration?.scanOnPush ?? false,
  tagMutability: r.imageTagMutability ?? 'MUTABLE',
});

/** IMMUTABLE, or IMMUTABLE_WITH_EXCLUSION (a deliberate list of tags that may move): anything else lets tags move. */
export const isTagImmutable = (mutability: string | undefined): boolean => (mutability ?? 'MUTABLE').startsWith('IMMUTABLE');

/** Turn scan-on-push on. False when the repository no longer exists. */
export const putScanOnPush = (ecr: ECRClient, repositoryName: string): Promise<boolean> =>
  unlessGone(ecr.send(new PutImageScanningConfigurationCommand({ repositoryName, imageScanningConfiguration: { scanOnPush: true } })));

/** Make tags immutable. False when the repository no longer exists. */
export const putTagImmutability = (ecr: ECRClient, repositoryName: string): Promise<boolean> =>
  unlessGone(ecr.send(new PutImageTagMutabilityCommand({ repositoryName, imageTagMutability: 'IMMUTABLE' })));

const unlessGone = (call: Promise<unknown>): Promise<boolean> =>
  call.then(
    () => true,
    (err: unknown) => (errorName(err) === 'RepositoryNotFoundException' ? false : rethrowThrottling(err)),
  );
