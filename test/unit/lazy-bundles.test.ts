// The step functions start without the SDK clients of actions, runbooks and live readers they may not need: those
// load on first use (dynamic import, split into chunks by esbuild as scripts/build.ts and sam build do).
import { build } from 'esbuild';

const ACTION_CLIENTS = /node_modules\/@aws-sdk\/client-(ec2|ecs|eks|ecr|elastic-load-balancing(-v2)?)\//;

/** The npm packages in the entry chunk of a handler bundled with splitting. */
async function entryPackages(entry: string): Promise<string[]> {
  const out = await build({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', splitting: true, outdir: '/nowhere',
    write: false, metafile: true, mainFields: ['module', 'main'], target: 'es2022', logLevel: 'silent',
  });
  const chunk = Object.values(out.metafile.outputs).find((o) => o.entryPoint === entry)!;
  return Object.keys(chunk.inputs);
}

test.each([
  'functions/handlers/load-live-state.ts', 'functions/handlers/apply-remediation.ts', 'functions/handlers/verify-remediation.ts',
  'functions/handlers/runbook-step.ts', 'functions/handlers/restore-rule.ts', 'functions/handlers/triage.ts',
  'functions/handlers/sweep-item.ts',
])('%s loads no ECS, EC2, EKS, ECR or ELB client at start', async (entry) => {
  const inputs = await entryPackages(entry);
  expect(inputs.length).toBeGreaterThan(10);
  expect(inputs.filter((i) => ACTION_CLIENTS.test(i))).toEqual([]);
});

test('RecordAudit loads the Security Hub client only for a run that writes back to a finding', async () => {
  const inputs = await entryPackages('functions/handlers/record-audit.ts');
  expect(inputs.length).toBeGreaterThan(10);
  expect(inputs.filter((i) => /node_modules\/@aws-sdk\/client-securityhub\//.test(i))).toEqual([]);
});

test('triage loads the Step Functions and DynamoDB clients only to start a fix and to remember a GuardDuty finding', async () => {
  const inputs = await entryPackages('functions/handlers/triage.ts');
  expect(inputs.filter((i) => /node_modules\/@aws-sdk\/client-(sfn|dynamodb)\//.test(i))).toEqual([]);
});

test.each(['functions/handlers/triage.ts', 'functions/handlers/runbook-step.ts'])(
  '%s loads the SSM client and Powertools Parameters only with its first read of the policy',
  async (entry) => {
    const inputs = await entryPackages(entry);
    expect(inputs.filter((i) => /node_modules\/(@aws-sdk\/client-ssm|@aws-lambda-powertools\/parameters)\//.test(i))).toEqual([]);
  },
);

test('the runbook step function loads zod only in its start step (parsing the deployed policy)', async () => {
  const inputs = await entryPackages('functions/handlers/runbook-step.ts');
  expect(inputs.filter((i) => /node_modules\/zod\//.test(i))).toEqual([]);
});
