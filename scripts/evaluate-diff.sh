#!/usr/bin/env bash
# Behaviour check for refactors: `warden evaluate events/ --json` at REV (default main) and in the working tree,
# compared sample by sample. Exit 0 when every decision is the same, 1 otherwise (the differences are printed).
# Findings compare as a set: their order follows the catalog's, which is not part of a decision.
# Usage: bash scripts/evaluate-diff.sh [REV]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REV="${1:-main}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/warden-evaluate-diff.XXXXXX")"
trap 'git -C "$ROOT" worktree remove --force "$WORK/old" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
git -C "$ROOT" worktree add -q --detach "$WORK/old" "$REV"
ln -s "$ROOT/node_modules" "$WORK/old/node_modules"
export PATH="$ROOT/node_modules/.bin:$PATH" POWERTOOLS_LOG_LEVEL=ERROR
# Both sides read the working tree's samples, so a new sample shows as a difference only if its decision differs.
(cd "$WORK/old" && node bin/warden.mjs evaluate "$ROOT/events" --json) >"$WORK/old.json"
(cd "$ROOT" && node bin/warden.mjs evaluate "$ROOT/events" --json) >"$WORK/new.json"
node -e '
const [a, b] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
const key = (r) => JSON.stringify(r && { ...r, findings: [...r.findings].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))) });
const old = new Map(a.map((r) => [r.input, r]));
const diffs = b.filter((r) => key(r) !== key(old.get(r.input) ?? null));
for (const r of diffs) console.log(`${r.input}\n  before: ${key(old.get(r.input) ?? null)}\n  after:  ${key(r)}`);
console.log(`${b.length} samples, ${diffs.length} decisions differ from '"$REV"'`);
process.exit(diffs.length ? 1 : 0);
' "$WORK/old.json" "$WORK/new.json"
