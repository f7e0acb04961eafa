import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { stringify } from 'yaml';
import { sdkConfig } from '../functions/aws/client-cache';
import { documentHash } from '../functions/domain/policy/version';
import { useEmulator } from '../local/moto';
import type { Writer } from './audit';
import { UsageError } from './evaluate';
import { checkPolicyText, problemLines, type PolicyCheck } from './policy-check';
import { policySchemaText } from './policy-schema';

export const POLICY_USAGE = `usage: warden policy validate FILE
       warden policy schema
       warden policy show [FILE] [--json] [--parameter NAME | --stack NAME] [--region REGION] [--endpoint URL]
       warden policy push FILE [--parameter NAME | --stack NAME] [--region REGION] [--endpoint URL]

  policy validate   check a policy file (YAML or JSON): every problem with its line and path, and a "did you mean"
                    for a misspelt field, mode, control id, action id or runbook name
  policy schema     print the policy's JSON Schema (policy.schema.json, for editors)
  policy show       print the effective policy, every default filled in: of FILE, else the deployed one
  policy push       validate FILE, then make it the deployed policy (a new version of the parameter): functions use it
                    within the stack's PolicyCacheSeconds (default 60 s), no redeploy. Refused on any problem
    --json            (show) print JSON instead of YAML
    --parameter       the policy's SSM parameter (default: env WARDEN_POLICY_PARAMETER, else /warden/<stack>/policy,
                      the stack's PolicyParameterName output)
    --stack           the stack name (default: env WARDEN_STACK, else warden)
    --region          the parameter's region (default: the SDK's)
    --endpoint        an emulator such as moto server (push creates the parameter there if it is missing)

exit codes: 0 valid (shown, pushed), 1 problems found, push refused, or no such parameter, 2 usage error`;

/** Standard parameters hold 4 KB, advanced ones 8 KB (Parameter Store quotas). */
const STANDARD_BYTES = 4096;
const ADVANCED_BYTES = 8192;

/** The deployed document and where it lives. */
export interface PolicyStore {
  /** GetParameter; undefined when there is no such parameter. */
  get(name: string): Promise<{ text: string; version: number } | undefined>;
  /** PutParameter (Overwrite); the new version. */
  put(name: string, text: string, tier?: 'Advanced'): Promise<number>;
}

export interface PolicyDeps {
  store: (opts: { region?: string; endpoint?: string }) => PolicyStore;
  readFile?: (path: string) => string;
  env?: NodeJS.ProcessEnv;
  out: Writer;
  err: Writer;
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args, allowPositionals: true,
      options: {
        json: { type: 'boolean' }, parameter: { type: 'string' }, stack: { type: 'string' }, region: { type: 'string' }, endpoint: { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
type Values = ReturnType<typeof parse>['values'];

/** --parameter, else WARDEN_POLICY_PARAMETER, else the template's name for the stack (--stack, WARDEN_STACK, warden). */
export function parameterName(values: Pick<Values, 'parameter' | 'stack'>, env: NodeJS.ProcessEnv): string {
  const name = values.parameter?.trim() || env.WARDEN_POLICY_PARAMETER?.trim();
  if (name) return name;
  return `/warden/${values.stack?.trim() || env.WARDEN_STACK?.trim() || 'warden'}/policy`;
}

/** `warden policy validate|schema|show|push …`; args start after `policy`. */
export async function policyCommand(args: string[], deps: PolicyDeps): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest);
  const env = deps.env ?? process.env;
  const read = (file: string): string => {
    try {
      return (deps.readFile ?? ((f) => readFileSync(f, 'utf8')))(file);
    } catch {
      throw new UsageError(`cannot read policy file ${file}`);
    }
  };
  const oneFile = (what: string, optional = false): string | undefined => {
    if (positionals.length > 1 || (!optional && positionals.length === 0)) throw new UsageError(`policy ${what} needs ${optional ? 'at most one' : 'exactly one'} file`);
    return positionals[0];
  };
  const deployedOnly = () => {
    for (const k of ['parameter', 'stack', 'region', 'endpoint'] as const) if (values[k] !== undefined) throw new UsageError(`--${k} is for the deployed policy (show without FILE, push)`);
  };
  const store = () => {
    if (values.endpoint) useEmulator(values.endpoint);
    return deps.store({ ...(values.region ? { region: values.region } : {}), ...(values.endpoint ? { endpoint: values.endpoint } : {}) });
  };
  const report = (file: string, check: PolicyCheck): number => {
    for (const line of problemLines(file, check.problems)) deps.out.write(`${line}\n`);
    deps.out.write(`${file}: ${check.problems.length} problem${check.problems.length === 1 ? '' : 's'}\n`);
    return 1;
  };

  if (sub === 'validate') {
    const file = oneFile('validate')!;
    if (values.json) throw new UsageError('validate takes no --json');
    deployedOnly();
    const check = checkPolicyText(read(file));
    if (!check.policy) return report(file, check);
    deps.out.write(`${file}: valid\n`);
    return 0;
  }
  if (sub === 'schema') {
    if (positionals.length) throw new UsageError('policy schema takes no arguments');
    deps.out.write(policySchemaText());
    return 0;
  }
  if (sub === 'show') {
    const file = oneFile('show', true);
    if (file) deployedOnly();
    const name = file ? undefined : parameterName(values, env);
    let text: string;
    let header = '';
    if (file) text = read(file);
    else {
      const found = await store().get(name!);
      if (!found) return noParameter(name!, deps.err);
      text = found.text;
      header = `${name} version ${found.version} (sha256 ${documentHash(found.text)})`;
    }
    const check = checkPolicyText(text);
    if (!check.policy) return report(file ?? `${name} (deployed)`, check);
    if (values.json) deps.out.write(`${JSON.stringify(check.policy, null, 2)}\n`);
    else {
      const note = "# the deployment's DefaultMode combines with defaults.mode by strictest; its roles join ownRoles";
      deps.out.write(`${header ? `# ${header}\n` : ''}${note}\n${stringify(check.policy, { lineWidth: 0 })}`);
    }
    return 0;
  }
  if (sub === 'push') {
    const file = oneFile('push')!;
    if (values.json) throw new UsageError('push takes no --json');
    const name = parameterName(values, env);
    const check = checkPolicyText(read(file));
    if (!check.policy) {
      report(file, check);
      deps.err.write(`warden: not pushed: ${file} has problems (the deployed policy is unchanged)\n`);
      return 1;
    }
    // Stored as written (JSON, compact), not with the defaults filled in: defaults stay the code's.
    const text = JSON.stringify(check.document);
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > ADVANCED_BYTES) {
      deps.err.write(`warden: not pushed: ${file} is ${bytes} bytes as JSON; a parameter holds at most ${ADVANCED_BYTES}\n`);
      return 1;
    }
    const ssm = store();
    const current = await ssm.get(name);
    if (!current && !values.endpoint) return noParameter(name, deps.err);
    // A push replaces the whole document: it must not resume a paused Warden by leaving `paused` out (warden pause).
    if (current && pausedIn(current.text) && !(typeof check.document === 'object' && check.document !== null && 'paused' in check.document)) {
      deps.err.write(`warden: not pushed: ${name} is paused (warden pause) and ${file} does not say paused: add "paused: true" to stay paused, or "paused: false" to resume with this push\n`);
      return 1;
    }
    if (current?.text === text) {
      deps.out.write(`unchanged: ${name} is already this policy (version ${current.version}, sha256 ${documentHash(text)})\n`);
      return 0;
    }
    const tier = bytes > STANDARD_BYTES ? 'Advanced' as const : undefined;
    const version = await ssm.put(name, text, tier);
    deps.out.write(`pushed ${file} to ${name}: version ${version} (sha256 ${documentHash(text)}, ${bytes} bytes${tier ? ', Advanced tier' : ''})\n`);
    deps.out.write(`functions use it within the stack's PolicyCacheSeconds (default 60 s); each audit record names the version it used\n`);
    return 0;
  }
  throw new UsageError(sub ? `unknown policy command: ${sub}` : 'policy needs a command: validate, schema, show or push');
}

/** The deployed document says `paused: true` (read loosely: a document that does not parse is not paused here). */
function pausedIn(text: string): boolean {
  try {
    return (JSON.parse(text) as { paused?: unknown } | null)?.paused === true;
  } catch {
    return false;
  }
}

function noParameter(name: string, err: Writer): number {
  err.write(`warden: no parameter ${name}: pass --parameter (the stack's PolicyParameterName output) or --stack, or set WARDEN_POLICY_PARAMETER\n`);
  return 1;
}

/** The parameter through the SDK: the usual credentials and region, or an emulator (`--endpoint`, see useEmulator). */
export function ssmPolicyStore(opts: { region?: string; endpoint?: string }): PolicyStore {
  const client = new SSMClient({ ...sdkConfig(), ...(opts.region ? { region: opts.region } : {}), ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) });
  return {
    async get(name) {
      try {
        const p = (await client.send(new GetParameterCommand({ Name: name }))).Parameter;
        return p?.Value === undefined ? undefined : { text: p.Value, version: p.Version ?? 0 };
      } catch (e) {
        if ((e as Error).name === 'ParameterNotFound') return undefined;
        throw e;
      }
    },
    async put(name, text, tier) {
      const out = await client.send(new PutParameterCommand({ Name: name, Value: text, Type: 'String', Overwrite: true, ...(tier ? { Tier: tier } : {}) }));
      return out.Version ?? 0;
    },
  };
}
