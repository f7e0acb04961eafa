// Any error that ends a command, as ONE line for a person: what failed and what to do. Never a stack trace.

export interface Explanation {
  /** What failed, in words (the AWS message when it helps). */
  what: string;
  /** What to do about it. */
  hint: string;
}

const CREDENTIALS = 'set AWS_PROFILE (after aws sso login or aws configure) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; --endpoint URL to use an emulator';
const REGION = 'set AWS_REGION, or a region in your profile (or pass --region where the command takes one)';
const STACK = "check --stack (or WARDEN_STACK) names the deployed stack, and the Region (AWS_REGION)";

/** By error name (the AWS SDK's exception names; Node's error codes). */
const BY_NAME: Record<string, (message: string) => Explanation> = {
  CredentialsProviderError: () => ({ what: 'no AWS credentials found', hint: CREDENTIALS }),
  ExpiredToken: () => ({ what: 'the AWS credentials have expired', hint: 'log in again (aws sso login) or refresh the session' }),
  ExpiredTokenException: () => ({ what: 'the AWS credentials have expired', hint: 'log in again (aws sso login) or refresh the session' }),
  InvalidClientTokenId: () => ({ what: 'AWS does not know these credentials', hint: CREDENTIALS }),
  UnrecognizedClientException: () => ({ what: 'AWS does not know these credentials', hint: CREDENTIALS }),
  InvalidAccessKeyId: () => ({ what: 'AWS does not know these credentials', hint: CREDENTIALS }),
  SignatureDoesNotMatch: () => ({ what: 'AWS rejected the credentials (signature mismatch)', hint: CREDENTIALS }),
  AccessDenied: (m) => accessDenied(m),
  AccessDeniedException: (m) => accessDenied(m),
  UnauthorizedOperation: (m) => accessDenied(m),
  StateMachineDoesNotExist: (m) => ({ what: `no such state machine (${m})`, hint: STACK }),
  ExecutionDoesNotExist: (m) => ({ what: `no such execution (${m})`, hint: 'check the execution ARN and the Region' }),
  ResourceNotFoundException: (m) => ({
    what: `a table or resource does not exist (${m})`,
    hint: 'check the table names (AUDIT_TABLE, BRAKES_TABLE, APPROVALS_TABLE or --table: the stack outputs) and the Region (AWS_REGION)',
  }),
  ParameterNotFound: (m) => ({ what: `no such parameter (${m})`, hint: 'pass --parameter or --stack, or set WARDEN_POLICY_PARAMETER' }),
  ThrottlingException: () => ({ what: 'AWS throttled the requests', hint: 'try again in a moment' }),
  TooManyRequestsException: () => ({ what: 'AWS throttled the requests', hint: 'try again in a moment' }),
  ECONNREFUSED: (m) => ({ what: `could not connect (${m})`, hint: 'check --endpoint (is the emulator running?) or the network' }),
  ENOTFOUND: (m) => ({ what: `could not resolve the host (${m})`, hint: 'check --endpoint and the network' }),
  TimeoutError: () => ({ what: 'AWS did not answer in time', hint: 'check the network (and --endpoint), then try again' }),
  ENOENT: (m) => ({ what: `no such file (${m})`, hint: 'check the path' }),
};

function accessDenied(message: string): Explanation {
  return { what: `access denied (${message})`, hint: 'use credentials whose role has this permission (check AWS_PROFILE; the IAM policies are in infra/)' };
}

interface Named { name?: unknown; code?: unknown; message?: unknown; cause?: unknown }

/** One line, at most `max` characters. */
const oneLine = (text: string, max = 300): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** The explanation of the error, or of the first error in its `cause` chain that is known. */
export function explainError(e: unknown): Explanation & { name: string } {
  const chain: Named[] = [];
  for (let c: unknown = e; c && typeof c === 'object' && chain.length < 5; c = (c as Named).cause) chain.push(c as Named);
  for (const c of chain) {
    const message = oneLine(String(c.message ?? ''));
    for (const key of [c.name, c.code]) {
      if (typeof key === 'string' && BY_NAME[key]) return { name: key, ...BY_NAME[key](message) };
    }
    if (/Region is missing/i.test(message)) return { name: 'Region', what: 'no AWS Region', hint: REGION };
    if (c.name === 'ValidationError' && /stack .* does not exist/i.test(message)) return { name: 'ValidationError', what: `no such stack (${message})`, hint: STACK };
  }
  const top = chain[0];
  const name = typeof top?.name === 'string' ? top.name : 'Error';
  const message = oneLine(top ? String(top.message ?? '') : String(e ?? '')) || 'unknown error';
  return { name, what: name === 'Error' ? message : `${name}: ${message}`, hint: 'if it keeps happening, report it with the command you ran' };
}

/** `warden runbook run: access denied (…). Use credentials whose role …`: one line, no stack. */
export function errorLine(e: unknown, command = 'warden'): string {
  const { what, hint } = explainError(e);
  return oneLine(`${command}: ${what}. ${hint.charAt(0).toUpperCase()}${hint.slice(1)}.`, 600);
}
