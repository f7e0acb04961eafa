/**
 * Reads template.yaml for tests, the demo and scripts/build.ts.
 *
 * CloudFormation short forms (`!Ref X`, `!GetAtt A.B`, `!Sub …`, `!If […]`, …) are parsed into their long JSON
 * forms (`{ Ref: 'X' }`, `{ 'Fn::GetAtt': ['A', 'B'] }`, …), so the result looks like the template in JSON.
 * SAM `Globals.Function` are merged into each function the way SAM does it (maps merge, the function wins).
 */
import { readFileSync } from 'node:fs';
import { dirname, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, visit, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Resource {
  Type: string;
  Properties?: JsonObject;
  Metadata?: JsonObject;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  Transform?: string | string[];
  Description?: string;
  Parameters?: Record<string, JsonObject>;
  Conditions?: JsonObject;
  Globals?: { Function?: JsonObject; StateMachine?: JsonObject; [key: string]: JsonObject | undefined };
  Resources: Record<string, Resource>;
  Outputs?: Record<string, JsonObject>;
  /** Absolute path of the file the template was read from. */
  path: string;
  /** Directory of that file; relative CodeUri and DefinitionUri resolve against it (EntryPoints against CodeUri). */
  root: string;
}

/** A normalized IAM statement: Action and Resource are always arrays; `condition` is set for `!If` branches. */
export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: Json[];
  Condition?: Json;
  /** Name of the template condition guarding this statement (from `!If [cond, statement, !Ref AWS::NoValue]`). */
  when?: string;
}

export interface FunctionInfo {
  logicalId: string;
  /** `Handler` property, e.g. `triage.handler`. */
  handler: string;
  /** `CodeUri` after merging Globals (relative to the template directory), e.g. `functions/`. */
  codeUri: string;
  /** First esbuild entry point as written in `EntryPoints` (relative to CodeUri), e.g. `handlers/triage.ts`. */
  entryPoint: string | undefined;
  /** The same entry point relative to the template directory, e.g. `functions/handlers/triage.ts`. */
  handlerFile: string | undefined;
  /** Absolute path of handlerFile. */
  handlerPath: string | undefined;
  /** Environment variables after merging Globals (values may be intrinsic functions). */
  env: Record<string, Json>;
  /** The raw `Policies` property. */
  policies: Json[];
  /** Inline policy statements from `Policies` (policy documents only; SAM policy templates are not expanded). */
  statements: PolicyStatement[];
  /** Names of SAM policy templates / managed policies in `Policies` (strings or single-key objects). */
  policyTemplates: string[];
  /** SAM `Events` of the function. */
  events: Record<string, JsonObject>;
  /** `Metadata.BuildProperties` (esbuild). */
  buildProperties: JsonObject | undefined;
  buildMethod: string | undefined;
  /** All properties after merging Globals.Function. */
  properties: JsonObject;
}

export interface EventRule {
  /** Logical id of the rule: the SAM event name for `EventBridgeRule` events, the resource id for AWS::Events::Rule. */
  name: string;
  /** Logical id of the AWS::Events::Rule CloudFormation ends up with (SAM: `<Function><EventName>`). */
  ruleLogicalId: string;
  pattern: JsonObject;
  /** Logical id of the target function. */
  target: string;
  /** Bus name or intrinsic; undefined means the default bus. */
  eventBus: Json | undefined;
  /** Target DeadLetterConfig.Arn, if any. */
  deadLetterArn: Json | undefined;
  retryPolicy: JsonObject | undefined;
}

export interface StateMachineInfo {
  logicalId: string;
  type: string | undefined;
  /** Relative to the template directory. */
  definitionUri: string | undefined;
  definitionPath: string | undefined;
  substitutions: Record<string, Json>;
  policies: Json[];
  statements: PolicyStatement[];
  policyTemplates: string[];
  logging: JsonObject | undefined;
  properties: JsonObject;
}

// ------------------------------------------------------------------------------------------------ YAML parsing

const fn = (name: string) => (name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`);

/** Short-form intrinsic tags. Each one can appear on a scalar, a sequence or a map. */
const INTRINSICS = [
  'Ref', 'Condition', 'Sub', 'GetAtt', 'If', 'Equals', 'Not', 'And', 'Or', 'Join', 'Select', 'Split', 'FindInMap',
  'Base64', 'Cidr', 'GetAZs', 'ImportValue', 'Length', 'ToJsonString', 'Transform', 'ForEach',
] as const;

function scalarValue(name: string, value: string): Json {
  if (name === 'GetAtt') {
    // `!GetAtt A.B.C` → ['A', 'B.C'] (the attribute may itself contain dots, e.g. Endpoint.Address).
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  if (name === 'GetAZs') return { 'Fn::GetAZs': value };
  return { [fn(name)]: value };
}

export const cloudFormationTags: Tags = INTRINSICS.flatMap((name): Tags => [
  { tag: `!${name}`, resolve: (value: string) => scalarValue(name, value) },
  ...(['seq', 'map'] as const).map((collection) => ({
    tag: `!${name}`,
    collection,
    resolve: (node: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [fn(name)]: node.toJSON() as Json }),
  })),
]);

/** Parses CloudFormation/SAM YAML text. Throws on YAML errors, warnings such as an unknown `!Tag`, and aliases. */
export function parseTemplate(text: string): Omit<Template, 'path' | 'root'> {
  const doc = parseDocument(text, { customTags: cloudFormationTags, uniqueKeys: true, prettyErrors: true });
  const problems = [...doc.errors, ...doc.warnings].map((p) => p.message);
  // CloudFormation does not accept YAML aliases (`*name`); catch them here rather than at deploy time.
  visit(doc, { Alias: (_key, node) => void problems.push(`YAML alias *${node.source} is not supported by CloudFormation`) });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (!isObject(value) || !isObject(value.Resources)) {
    throw new Error('not a CloudFormation template: no Resources');
  }
  return value as unknown as Omit<Template, 'path' | 'root'>;
}

/** Repository root (one level above local/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Loads template.yaml (default: the repository's). */
export function loadTemplate(path: string = resolve(repoRoot, 'template.yaml')): Template {
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (e) {
    throw new Error(`cannot read template ${absolute}: ${(e as Error).message}`);
  }
  return { ...parseTemplate(text), path: absolute, root: dirname(absolute) };
}

// ------------------------------------------------------------------------------------------------ helpers

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** SAM Globals merge: maps merge recursively (resource wins), anything else is replaced by the resource value. */
export function mergeGlobals(globals: JsonObject | undefined, props: JsonObject | undefined): JsonObject {
  const out: JsonObject = { ...(globals ?? {}) };
  for (const [k, v] of Object.entries(props ?? {})) {
    const g = out[k];
    out[k] = isObject(g) && isObject(v) && !isIntrinsic(g) && !isIntrinsic(v) ? mergeGlobals(g, v) : v;
  }
  return out;
}

/** True for `{ Ref: … }`, `{ 'Fn::…': … }` and `{ Condition: … }` single-key objects. */
export function isIntrinsic(v: unknown): boolean {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0] === 'Condition' || keys[0]!.startsWith('Fn::'));
}

/** Logical id referenced by `{ 'Fn::GetAtt': [id, attr] }` or `{ Ref: id }`, else undefined. */
export function referencedId(v: Json | undefined): string | undefined {
  if (!isObject(v)) return undefined;
  if (typeof v.Ref === 'string') return v.Ref;
  const getAtt = v['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

function normalizeStatement(raw: Json, when?: string): PolicyStatement[] {
  if (isObject(raw) && Array.isArray(raw['Fn::If'])) {
    // Static analysis keeps both branches (minus AWS::NoValue), tagged with the guarding condition.
    const [cond, yes, no] = raw['Fn::If'] as [string, Json, Json];
    return [...normalizeStatement(yes, cond), ...normalizeStatement(no, `!${cond}`)];
  }
  if (!isObject(raw) || (isObject(raw) && raw.Ref === 'AWS::NoValue')) return [];
  const s: PolicyStatement = {
    Effect: String(raw.Effect),
    Action: asArray(raw.Action as Json).map(String),
    Resource: asArray(raw.Resource as Json),
  };
  if (typeof raw.Sid === 'string') s.Sid = raw.Sid;
  if (raw.Condition !== undefined) s.Condition = raw.Condition;
  if (when) s.when = when;
  return [s];
}

/** Splits a SAM `Policies` value into inline statements and policy-template / managed-policy names. */
export function policyStatements(policies: Json | undefined): { statements: PolicyStatement[]; templates: string[] } {
  const statements: PolicyStatement[] = [];
  const templates: string[] = [];
  for (const p of asArray(policies)) {
    if (typeof p === 'string') templates.push(p);
    else if (isObject(p) && 'Statement' in p) {
      for (const s of asArray(p.Statement as Json)) statements.push(...normalizeStatement(s));
    } else if (isObject(p) && Object.keys(p).length === 1) templates.push(Object.keys(p)[0]!);
  }
  return { statements, templates };
}

// ------------------------------------------------------------------------------------------------ extractors

/** All `AWS::Serverless::Function` resources with Globals merged. */
export function functions(t: Template): FunctionInfo[] {
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === 'AWS::Serverless::Function')
    .map(([logicalId, r]) => {
      const properties = mergeGlobals(t.Globals?.Function, r.Properties);
      const buildProperties = isObject(r.Metadata?.BuildProperties) ? r.Metadata.BuildProperties : undefined;
      const entry = asArray(buildProperties?.EntryPoints as Json)[0];
      const entryPoint = typeof entry === 'string' ? entry : undefined;
      const codeUri = typeof properties.CodeUri === 'string' ? properties.CodeUri : '.';
      // SAM runs esbuild in the CodeUri folder, so EntryPoints are relative to it.
      const handlerFile = entryPoint === undefined ? undefined : posix.join(codeUri, entryPoint);
      const env = isObject(properties.Environment) && isObject(properties.Environment.Variables)
        ? properties.Environment.Variables
        : {};
      const { statements, templates } = policyStatements(properties.Policies);
      return {
        logicalId,
        handler: String(properties.Handler),
        codeUri,
        entryPoint,
        handlerFile,
        handlerPath: handlerFile ? resolve(t.root, handlerFile) : undefined,
        env,
        policies: asArray(properties.Policies),
        statements,
        policyTemplates: templates,
        events: isObject(properties.Events) ? (properties.Events as Record<string, JsonObject>) : {},
        buildProperties,
        buildMethod: typeof r.Metadata?.BuildMethod === 'string' ? r.Metadata.BuildMethod : undefined,
        properties,
      };
    });
}

/** EventBridge rules: SAM `EventBridgeRule`/`CloudWatchEvent` events and plain AWS::Events::Rule resources. */
export function eventRules(t: Template): EventRule[] {
  const rules: EventRule[] = [];
  for (const f of functions(t)) {
    for (const [name, ev] of Object.entries(f.events)) {
      if (ev.Type !== 'EventBridgeRule' && ev.Type !== 'CloudWatchEvent') continue;
      const p = isObject(ev.Properties) ? ev.Properties : {};
      const dlq = isObject(p.DeadLetterConfig) ? p.DeadLetterConfig : undefined;
      rules.push({
        name,
        ruleLogicalId: `${f.logicalId}${name}`,
        pattern: isObject(p.Pattern) ? p.Pattern : {},
        target: f.logicalId,
        eventBus: p.EventBusName,
        // SAM `Type: SQS` creates a queue; report it by its generated logical id.
        deadLetterArn: dlq ? (dlq.Arn ?? (dlq.Type === 'SQS' ? `${f.logicalId}${name}Queue` : undefined)) : undefined,
        retryPolicy: isObject(p.RetryPolicy) ? p.RetryPolicy : undefined,
      });
    }
  }
  for (const [logicalId, r] of Object.entries(t.Resources)) {
    if (r.Type !== 'AWS::Events::Rule') continue;
    const p = r.Properties ?? {};
    const rawPattern = typeof p.EventPattern === 'string' ? (JSON.parse(p.EventPattern) as Json) : p.EventPattern;
    for (const target of asArray(p.Targets as Json)) {
      if (!isObject(target)) continue;
      const dlq = isObject(target.DeadLetterConfig) ? target.DeadLetterConfig : undefined;
      rules.push({
        name: logicalId,
        ruleLogicalId: logicalId,
        pattern: isObject(rawPattern) ? rawPattern : {},
        target: referencedId(target.Arn) ?? JSON.stringify(target.Arn),
        eventBus: p.EventBusName,
        deadLetterArn: dlq?.Arn,
        retryPolicy: isObject(target.RetryPolicy) ? target.RetryPolicy : undefined,
      });
    }
  }
  return rules;
}

/** All state machines (`AWS::Serverless::StateMachine`, Globals merged, and `AWS::StepFunctions::StateMachine`). */
export function stateMachines(t: Template): StateMachineInfo[] {
  return Object.entries(t.Resources)
    .filter(([, r]) => r.Type === 'AWS::Serverless::StateMachine' || r.Type === 'AWS::StepFunctions::StateMachine')
    .map(([logicalId, r]) => {
      const serverless = r.Type === 'AWS::Serverless::StateMachine';
      const properties = serverless ? mergeGlobals(t.Globals?.StateMachine, r.Properties) : (r.Properties ?? {});
      const uri = serverless ? properties.DefinitionUri : undefined;
      const definitionUri = typeof uri === 'string' ? uri : undefined;
      const { statements, templates } = policyStatements(properties.Policies);
      return {
        logicalId,
        type: typeof properties.Type === 'string' ? properties.Type : undefined,
        definitionUri,
        definitionPath: definitionUri ? resolve(t.root, definitionUri) : undefined,
        substitutions: isObject(properties.DefinitionSubstitutions)
          ? (properties.DefinitionSubstitutions as Record<string, Json>)
          : {},
        policies: asArray(properties.Policies),
        statements,
        policyTemplates: templates,
        logging: isObject(properties.Logging) ? properties.Logging : undefined,
        properties,
      };
    });
}
