import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { ssm } from './clients/ssm';

/** The policy document as stored: the parameter's value and its version. */
export interface PolicyDocument {
  text: string;
  version: number;
}

/**
 * Powertools' SSM provider, returning the value with its version (GetParameter's `Parameter.Version`): Powertools
 * caches the pair as one value, so a cached document never carries another version's number.
 */
class VersionedProvider extends SSMProvider {
  protected override async _get(name: string): Promise<string | undefined> {
    const out = await this.client.send(new GetParameterCommand({ Name: name }));
    const p = out.Parameter;
    return p?.Value === undefined ? undefined : JSON.stringify({ text: p.Value, version: p.Version ?? 0 });
  }
}

let provider: { client: unknown; provider: VersionedProvider } | undefined;

/**
 * Read the policy document from its SSM parameter through Powertools Parameters, cached for `maxAgeSeconds`;
 * `forceFetch` skips the cache (the caller's clock says the period is over). Throws when it cannot be read.
 */
export async function readPolicyDocument(name: string, opts: { maxAgeSeconds: number; forceFetch?: boolean }): Promise<PolicyDocument> {
  const client = ssm();
  // A new client (tests and the demo switch endpoints) gets a new provider, and with it an empty cache.
  if (provider?.client !== client) provider = { client, provider: new VersionedProvider({ awsSdkV3Client: client }) };
  const doc = await provider.provider.get(name, { maxAge: opts.maxAgeSeconds, forceFetch: opts.forceFetch === true, transform: 'json' });
  if (!doc) throw new Error(`parameter ${name} has no value`);
  return doc as unknown as PolicyDocument;
}
