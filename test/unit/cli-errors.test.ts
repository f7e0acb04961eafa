// cli/errors.ts: every error that ends a command is one line saying what failed and what to do; main never throws
// and never prints a stack. The errors are built as the AWS SDK builds them (name, message, $metadata).
import { Command } from 'commander';
import { errorLine, explainError } from '../../cli/errors';
import { act, runProgram } from '../../cli/program';

const sdkError = (name: string, message: string) => Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });

test.each([
  [sdkError('CredentialsProviderError', 'Could not load credentials from any providers'), /^no AWS credentials found$/, /AWS_PROFILE/],
  [new Error('Region is missing'), /^no AWS Region$/, /AWS_REGION/],
  [sdkError('StateMachineDoesNotExist', 'State Machine Does Not Exist: arn:aws:states:eu-west-1:1:stateMachine:prod-contain-ecs-task'), /^no such state machine \(.*prod-contain-ecs-task\)$/, /--stack/],
  [sdkError('ValidationError', 'Stack with id warden does not exist'), /^no such stack \(Stack with id warden does not exist\)$/, /--stack/],
  [sdkError('ResourceNotFoundException', 'Requested resource not found'), /^a table or resource does not exist/, /AUDIT_TABLE, BRAKES_TABLE, APPROVALS_TABLE or --table/],
  [sdkError('AccessDenied', 'User: arn:aws:iam::1:user/a is not authorized to perform: sts:AssumeRole'), /^access denied \(User: .*sts:AssumeRole\)$/, /infra\//],
  [sdkError('AccessDeniedException', 'not authorized to perform: states:StartExecution'), /^access denied \(.*states:StartExecution\)$/, /permission/],
  [sdkError('UnauthorizedOperation', 'You are not authorized to perform this operation.'), /^access denied/, /permission/],
  [sdkError('ExpiredTokenException', 'The security token included in the request is expired'), /expired/, /aws sso login/],
  [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), /^could not connect/, /--endpoint/],
])('%s', (error, what, hint) => {
  const e = explainError(error);
  expect(e.what).toMatch(what);
  expect(e.hint).toMatch(hint);
});

test('a known error inside a cause chain is found; an unknown one keeps its name and message, on one line', () => {
  const wrapped = new Error('could not start the run', { cause: sdkError('AccessDeniedException', 'no') });
  expect(explainError(wrapped).name).toBe('AccessDeniedException');
  const odd = sdkError('WeirdServiceException', 'line one\n    at frame (x.js:1:1)\nline three');
  expect(explainError(odd).what).toBe('WeirdServiceException: line one at frame (x.js:1:1) line three');
  expect(explainError('a string').what).toBe('a string');
  expect(explainError(undefined).what).toBe('unknown error');
});

test('the line: the command, what failed, what to do; one line, never a stack, at most 600 characters', () => {
  const line = errorLine(sdkError('AccessDeniedException', `${'x'.repeat(1000)}\nmore`), 'warden runbook run');
  expect(line).toMatch(/^warden runbook run: access denied \(x+…\)\. Use credentials whose role has this permission/);
  expect(line).not.toContain('\n');
  expect(line.length).toBeLessThanOrEqual(600);
  expect(errorLine(new Error('Region is missing'))).toBe('warden: no AWS Region. Set AWS_REGION, or a region in your profile (or pass --region where the command takes one).');
});

test('runProgram (the top-level catch of main): any error is one line on stderr naming the command, exit 1', async () => {
  let out = '';
  let err = '';
  const root = new Command('warden');
  const group = root.command('breaker');
  act(group.command('status'), async () => {
    throw sdkError('ResourceNotFoundException', 'Requested resource not found');
  });
  act(root.command('boom'), async () => {
    throw new TypeError('x is not a function');
  });
  const io = { out: { write: (s: string) => (out += s) }, err: { write: (s: string) => (err += s) } };
  expect(await runProgram(root, ['breaker', 'status'], io)).toBe(1);
  expect(err).toMatch(/^warden breaker status: a table or resource does not exist \(Requested resource not found\)\. Check the table names .*\n$/);
  err = '';
  expect(await runProgram(root, ['boom'], io)).toBe(1);
  expect(err).toBe('warden boom: TypeError: x is not a function. If it keeps happening, report it with the command you ran.\n');
  expect(out).toBe('');
});
