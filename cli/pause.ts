import { Command } from 'commander';
import { parameterPolicyStore, setPaused } from '../functions/brakes/pause';
import { PolicyError } from '../functions/domain/policy/load';
import { useEmulator } from '../local/moto';
import { deployedOptions, parameterName, type DeployedOptions, type PolicyStore } from './policy';
import { act, exitCodesHelp, parseCommand, type Writer } from './program';

export interface PauseDeps {
  store: (opts: { region?: string; endpoint?: string }) => PolicyStore;
  env?: NodeJS.ProcessEnv;
  out: Writer;
  err: Writer;
}

const HELP = `
A later warden policy push replaces the whole document: push a file with paused: true to stay paused (push refuses a
file that leaves paused out while the deployed policy is paused).${exitCodesHelp('0 done (or already so), 1 no such parameter or a deployed policy that does not validate, 2 usage error')}`;

/** `warden pause` and `warden resume` (--parameter, --stack, --region, --endpoint as for warden policy push). */
export function makePauseCommands(deps: PauseDeps): Command[] {
  const pause = deployedOptions(new Command('pause')
    .summary('the kill switch: paused: true in the deployed policy')
    .description("the kill switch: set paused: true in the deployed policy (a new version of its parameter, every other field kept). Within the stack's PolicyCacheSeconds (default 60 s) no run changes anything: a run that would is held, at its mode step or just before its change (warden breaker status lists them); notify and dry-run runs go on"))
    .addHelpText('after', HELP);
  const resume = deployedOptions(new Command('resume')
    .summary('paused: false in the deployed policy')
    .description('set paused: false; runs held while paused stay held: start them with warden breaker release'))
    .addHelpText('after', HELP);
  act(pause, (o: DeployedOptions) => setPausedTo(true, o, deps));
  act(resume, (o: DeployedOptions) => setPausedTo(false, o, deps));
  return [pause, resume];
}

/** `warden pause|resume`; args start with the command name. */
export async function pauseCommand(args: string[], deps: PauseDeps): Promise<number> {
  const root = new Command('warden');
  for (const cmd of makePauseCommands(deps)) root.addCommand(cmd);
  return parseCommand(root, args, deps);
}

async function setPausedTo(paused: boolean, values: DeployedOptions, deps: PauseDeps): Promise<number> {
  const command = paused ? 'pause' : 'resume';
  if (values.endpoint) useEmulator(values.endpoint);
  const name = parameterName(values, deps.env ?? process.env);
  const store = parameterPolicyStore(deps.store({ ...(values.region ? { region: values.region } : {}), ...(values.endpoint ? { endpoint: values.endpoint } : {}) }), name);
  let result;
  try {
    result = await setPaused(store, paused);
  } catch (e) {
    const why = e instanceof PolicyError ? `the deployed policy does not validate (fix it with warden policy push): ${e.message}` : (e as Error).message;
    deps.err.write(`warden: ${command} refused: ${why}\n`);
    return 1;
  }
  const state = `paused: ${paused}`;
  deps.out.write(result.changed ? `${name}: ${state} (was ${result.was}); functions see it within the stack's PolicyCacheSeconds\n` : `${name}: already ${state}: nothing changed\n`);
  if (!paused) deps.out.write('runs held while paused stay held: see them with warden breaker status, start them with warden breaker release --all\n');
  return 0;
}
