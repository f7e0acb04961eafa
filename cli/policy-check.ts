// `warden policy validate` and `push`: every problem of a policy document (YAML or JSON), each with its path and
// line, and a "did you mean" for a misspelt field, mode, control id, action id or runbook name.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
import { ACTION_CATALOG } from '../functions/actions/catalog';
import { controls } from '../functions/domain/controls';
import { PolicySchema, type Policy } from '../functions/domain/policy/schema';
import { runbooks } from '../functions/domain/runbooks/catalog';
import { policyJsonSchema, type JsonSchema } from './policy-schema';

export interface Problem {
  /** `approvals.byControl.sg-world-opn-ingress`; `(root)` for the document itself. */
  path: string;
  /** 1-based, where the document says it. */
  line?: number;
  column?: number;
  message: string;
}

export interface PolicyCheck {
  problems: Problem[];
  /** The document as written (JSON values), when it parsed. */
  document?: unknown;
  /** The policy with every default filled in, when it is valid. */
  policy?: Policy;
}

/** What a policy may name: the control catalog (with the action each control's fix runs), actions and runbooks. */
export interface Catalogs {
  controls: readonly { id: string; action: string }[];
  actions: readonly string[];
  runbooks: readonly string[];
}

export const catalogs = (): Catalogs => ({
  controls: controls.map((c) => ({ id: c.id, action: c.remediation.action })),
  actions: ACTION_CATALOG.map((a) => a.id),
  runbooks: runbooks.map((r) => r.name),
});

/** Levenshtein distance (insertions, deletions, substitutions). */
export function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

/** The closest candidate, when it is close enough to be a typo (at most a third of the word, and at least 2, apart). */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  const best = candidates.map((c) => ({ c, d: distance(word.toLowerCase(), c.toLowerCase()) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= limit ? best.c : undefined;
}

const suggest = (word: string, candidates: readonly string[]): string => {
  const s = didYouMean(word, candidates);
  return s ? `; did you mean "${s}"?` : '';
};

type Segment = string | number;

/** `approvals.byControl.sg-world-open-ingress`, `trustedRegistries[2]`, `owners.channels["a.b"]`. */
export function pathText(path: readonly Segment[]): string {
  if (path.length === 0) return '(root)';
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z0-9_:@#/-]+$/.test(s) ? `${i ? '.' : ''}${s}` : `[${JSON.stringify(s)}]`)).join('');
}

/**
 * Where the policy names catalog entries: the keys of these maps. `controls` is read by control id only (a hand start
 * ignores per-control settings); `approvals.byControl` also by `runbook:<name>`, the control of a runbook started by
 * hand. A new field that names controls, actions or runbooks belongs here.
 */
const NAMED_KEYS: readonly { path: readonly string[]; runbookKeys: boolean }[] = [
  { path: ['controls'], runbookKeys: false },
  { path: ['approvals', 'byControl'], runbookKeys: true },
];

/** The problem with a key that should name a control (or, where allowed, `runbook:<name>`), if it has one. */
function keyProblem(key: string, runbookKeys: boolean, c: Catalogs): string | undefined {
  const ids = c.controls.map((x) => x.id);
  if (ids.includes(key)) return undefined;
  const handStarts = c.runbooks.map((r) => `runbook:${r}`);
  if (key.startsWith('runbook:')) {
    if (!runbookKeys) return `"${key}" has no effect here: a runbook started by hand does not read per-control settings (its approvers go under approvals.byControl)`;
    if (handStarts.includes(key)) return undefined;
    return `unknown runbook "${key.slice('runbook:'.length)}"${suggest(key, handStarts)}`;
  }
  // An action or runbook id where a control id belongs: name the controls whose findings run it.
  const fixedBy = c.controls.filter((x) => x.action === key).map((x) => x.id);
  const controlsOf = fixedBy.length ? `the control${fixedBy.length > 1 ? 's' : ''} whose findings run it: ${fixedBy.join(', ')}` : '';
  if (c.runbooks.includes(key)) {
    const meant = [...(runbookKeys ? [`"runbook:${key}" (its hand starts)`] : []), ...(fixedBy.length ? [controlsOf] : [])];
    return `"${key}" is a runbook, not a control${meant.length ? `; did you mean ${meant.join(', or ')}?` : ': this is keyed by control id'}`;
  }
  if (c.actions.includes(key) || fixedBy.length) return `"${key}" is an action, not a control${fixedBy.length ? `; did you mean ${controlsOf}?` : ': this is keyed by control id'}`;
  return `unknown control "${key}"${suggest(key, runbookKeys ? [...ids, ...handStarts] : ids)}`;
}

/** The JSON Schema node at a path (for the fields a misspelt one could have meant). */
function schemaAt(schema: JsonSchema, path: readonly Segment[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const seg of path) {
    if (!node) return undefined;
    if (typeof seg === 'number') node = node.items as JsonSchema | undefined;
    else node = (node.properties as Record<string, JsonSchema> | undefined)?.[seg] ?? (typeof node.additionalProperties === 'object' ? (node.additionalProperties as JsonSchema) : undefined);
  }
  return node;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every problem of a policy document's text, in document order. */
export function checkPolicyText(text: string, c: Catalogs = catalogs()): PolicyCheck {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length) {
    return { problems: doc.errors.map((e) => ({ path: '(document)', ...(e.linePos ? { line: e.linePos[0].line, column: e.linePos[0].col } : {}), message: `not valid YAML or JSON: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` })) };
  }
  const document: unknown = doc.toJS() ?? {};
  const at = (path: readonly Segment[], key = false) => {
    let node: unknown = doc.contents;
    let offset = (doc.contents as Node | null)?.range?.[0];
    for (const [i, seg] of path.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
        if (!pair) break;
        if (key && i === path.length - 1) {
          offset = (pair.key as Node).range?.[0] ?? offset;
          break;
        }
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') node = node.items[seg];
      else break;
      offset = (node as Node | null)?.range?.[0] ?? offset;
    }
    if (offset === undefined) return {};
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const problems: Problem[] = [];
  const add = (path: readonly Segment[], message: string, key = false) => problems.push({ path: pathText(path), ...at(path, key), message });

  const parsed = PolicySchema.safeParse(document);
  if (!parsed.success) {
    const schema = policyJsonSchema();
    for (const issue of parsed.error.issues as z.core.$ZodIssue[]) {
      const path = issue.path.filter((s): s is Segment => typeof s !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        const known = Object.keys((schemaAt(schema, path)?.properties as object | undefined) ?? {});
        for (const k of issue.keys) add([...path, k], `unknown field "${k}"${suggest(k, known)}`, true);
      } else if (issue.code === 'invalid_value') {
        const given = path.reduce<unknown>((v, s) => (isRecord(v) || Array.isArray(v) ? (v as Record<Segment, unknown>)[s] : undefined), document);
        const options = issue.values.map(String);
        add(path, `${JSON.stringify(given)} is not one of ${options.join(', ')}${typeof given === 'string' ? suggest(given, options) : ''}`);
      } else add(path, issue.message);
    }
  }
  // Names of catalog entries, whatever else is wrong.
  for (const { path, runbookKeys } of NAMED_KEYS) {
    const map = path.reduce<unknown>((v, s) => (isRecord(v) ? v[s] : undefined), document);
    if (!isRecord(map)) continue;
    for (const key of Object.keys(map)) {
      const problem = keyProblem(key, runbookKeys, c);
      if (problem) add([...path, key], problem, true);
    }
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  return { problems, document, ...(parsed.success && problems.length === 0 ? { policy: parsed.data } : {}) };
}

/** `file:line:col: path: message`, one line per problem. */
export const problemLines = (file: string, problems: readonly Problem[]): string[] =>
  problems.map((p) => `${file}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}: ${p.path}: ${p.message}`);
