import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { stringify } from 'yaml';
import { sdkConfig } from '../functions/aws/client-cache';
import { documentHash } from '../functions/domain/policy/version';
import { useEmulator } from '../local/moto';
import { act, exitCodesHelp, parseCommand, UsageError, type Writer } from './program';
import { checkPolicyText, problemLines, type PolicyCheck } from './policy-check';
import { policySchemaText } from './policy-schema';

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

/** Where the deployed policy is: the options of show, push, pause and resume. */
export interface DeployedOptions { parameter?: string; stack?: string; region?: string; endpoint?: string }

/** --parameter, else WARDEN_POLICY_PARAMETER, else the template's name for the stack (--stack, WARDEN_STACK, warden). */
export function parameterName(values: Pick<DeployedOptions, 'parameter' | 'stack'>, env: NodeJS.ProcessEnv): string {
  const name = values.parameter?.trim() || env.WARDEN_POLICY_PARAMETER?.trim();
  if (name) return name;
  return `/warden/${values.stack?.trim() || env.WARDEN_STACK?.trim() || 'warden'}/policy`;
}

/** The options that name the deployed policy's parameter (policy show and push, pause, resume). */
export function deployedOptions(cmd: Command): Command {
  return cmd
    .option('--parameter <name>', "the policy's SSM parameter (default: env WARDEN_POLICY_PARAMETER, else /warden/<stack>/policy, the stack's PolicyParameterName output)")
    .option('--stack <name>', 'the stack name (default: env WARDEN_STACK, else warden)')
    .option('--region <region>', "the parameter's region (default: the SDK's)")
    .option('--endpoint <url>', 'an emulator such as moto server');
}

const EXIT_CODES = exitCodesHelp('0 valid (shown, pushed), 1 problems found, push refused, or no such parameter, 2 usage error');

/** `warden policy validate|schema|show|push`. */
export function makePolicyCommand(deps: PolicyDeps): Command {
  const policy = new Command('policy').description('the policy: validate, schema, show, push').addHelpText('after', EXIT_CODES);
  const run = new PolicyRun(deps);
  act(policy.command('validate')
    .description('check a policy file (YAML or JSON): every problem with its line and path, and a "did you mean" for a misspelt field, mode, control id, action id or runbook name')
    .argument('<file>', 'the policy file')
    .addHelpText('after', EXIT_CODES), (file: string) => run.validate(file));
  act(policy.command('schema')
    .description("print the policy's JSON Schema (policy.schema.json, for editors)")
    .addHelpText('after', EXIT_CODES), async () => run.schema());
  act(deployedOptions(policy.command('show')
    .description('print the effective policy, every default filled in: of FILE, else the deployed one')
    .argument('[file]', 'a policy file (default: the deployed policy)')
    .option('--json', 'print JSON instead of YAML'))
    .addHelpText('after', EXIT_CODES), (file: string | undefined, o: DeployedOptions & { json?: true }) => run.show(file, o));
  act(deployedOptions(policy.command('push')
    .description("validate FILE, then make it the deployed policy (a new version of the parameter): functions use it within the stack's PolicyCacheSeconds (default 60 s), no redeploy. Refused on any problem. With --endpoint, creates the parameter if it is missing")
    .argument('<file>', 'the policy file'))
    .addHelpText('after', EXIT_CODES), (file: string, o: DeployedOptions) => run.push(file, o));
  return policy;
}

/** `warden policy validate|schema|show|push …`; args start after `policy`. */
export const policyCommand = (args: string[], deps: PolicyDeps): Promise<number> => parseCommand(makePolicyCommand(deps), args, deps);

class PolicyRun {
  constructor(private readonly deps: PolicyDeps) {}

  private get env() {
    return this.deps.env ?? process.env;
  }

  private read(file: string): string {
    try {
      return (this.deps.readFile ?? ((f) => readFileSync(f, 'utf8')))(file);
    } catch {
      throw new UsageError(`cannot read policy file ${file}`);
    }
  }

  private store(o: DeployedOptions): PolicyStore {
    if (o.endpoint) useEmulator(o.endpoint);
    return this.deps.store({ ...(o.region ? { region: o.region } : {}), ...(o.endpoint ? { endpoint: o.endpoint } : {}) });
  }

  private report(file: string, check: PolicyCheck): number {
    for (const line of problemLines(file, check.problems)) this.deps.out.write(`${line}\n`);
    this.deps.out.write(`${file}: ${check.problems.length} problem${check.problems.length === 1 ? '' : 's'}\n`);
    return 1;
  }

  async validate(file: string): Promise<number> {
    const check = checkPolicyText(this.read(file));
    if (!check.policy) return this.report(file, check);
    this.deps.out.write(`${file}: valid\n`);
    return 0;
  }

  schema(): number {
    this.deps.out.write(policySchemaText());
    return 0;
  }

  async show(file: string | undefined, o: DeployedOptions & { json?: true }): Promise<number> {
    const { out, err } = this.deps;
    if (file) {
      for (const k of ['parameter', 'stack', 'region', 'endpoint'] as const) if (o[k] !== undefined) throw new UsageError(`--${k} is for the deployed policy (show without FILE, push)`);
    }
    const name = file ? undefined : parameterName(o, this.env);
    let text: string;
    let header = '';
    if (file) text = this.read(file);
    else {
      const found = await this.store(o).get(name!);
      if (!found) return noParameter(name!, err);
      text = found.text;
      header = `${name} version ${found.version} (sha256 ${documentHash(found.text)})`;
    }
    const check = checkPolicyText(text);
    if (!check.policy) return this.report(file ?? `${name} (deployed)`, check);
    if (o.json) out.write(`${JSON.stringify(check.policy, null, 2)}\n`);
    else {
      const note = "# the deployment's DefaultMode combines with defaults.mode by strictest; its roles join ownRoles";
      out.write(`${header ? `# ${header}\n` : ''}${note}\n${stringify(check.policy, { lineWidth: 0 })}`);
    }
    return 0;
  }

  async push(file: string, o: DeployedOptions): Promise<number> {
    const { out, err } = this.deps;
    const name = parameterName(o, this.env);
    const check = checkPolicyText(this.read(file));
    if (!check.policy) {
      this.report(file, check);
      err.write(`warden: not pushed: ${file} has problems (the deployed policy is unchanged)\n`);
      return 1;
    }
    // Stored as written (JSON, compact), not with the defaults filled in: defaults stay the code's.
    const text = JSON.stringify(check.document);
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > ADVANCED_BYTES) {
      err.write(`warden: not pushed: ${file} is ${bytes} bytes as JSON; a parameter holds at most ${ADVANCED_BYTES}\n`);
      return 1;
    }
    const ssm = this.store(o);
    const current = await ssm.get(name);
    if (!current && !o.endpoint) return noParameter(name, err);
    // A push replaces the whole document: it must not resume a paused Warden by leaving `paused` out (warden pause).
    if (current && pausedIn(current.text) && !(typeof check.document === 'object' && check.document !== null && 'paused' in check.document)) {
      err.write(`warden: not pushed: ${name} is paused (warden pause) and ${file} does not say paused: add "paused: true" to stay paused, or "paused: false" to resume with this push\n`);
      return 1;
    }
    if (current?.text === text) {
      out.write(`unchanged: ${name} is already this policy (version ${current.version}, sha256 ${documentHash(text)})\n`);
      return 0;
    }
    const tier = bytes > STANDARD_BYTES ? 'Advanced' as const : undefined;
    const version = await ssm.put(name, text, tier);
    out.write(`pushed ${file} to ${name}: version ${version} (sha256 ${documentHash(text)}, ${bytes} bytes${tier ? ', Advanced tier' : ''})\n`);
    out.write(`functions use it within the stack's PolicyCacheSeconds (default 60 s); each audit record names the version it used\n`);
    return 0;
  }
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
