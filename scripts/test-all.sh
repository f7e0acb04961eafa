#!/usr/bin/env bash
# Run every check Warden has (this is `npm test`, and what CI runs):
#   python venv -> Node on other platforms -> typecheck -> ASL lint -> template lint -> checkov -> jest (unit + integration on moto) -> demo smoke.
# Every step runs even when an earlier one failed; the exit code is non-zero if any failed.
# The last line is always `tests: N passed, M failed` (N/M from jest's JSON report).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Node 22 (the platform's node-<os>-<cpu> package) and the project's tools come first.
export PATH="$ROOT/node_modules/.bin:$PATH"
export SAM_CLI_TELEMETRY=0

JEST_TIMEOUT="${WARDEN_JEST_TIMEOUT:-1800}" # seconds, whole jest run
DEMO_TIMEOUT="${WARDEN_DEMO_TIMEOUT:-600}"  # seconds, demo smoke

WORK="$(mktemp -d "${TMPDIR:-/tmp}/warden-test-all.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
JEST_JSON="$WORK/jest.json"
DEMO_LOG="$ROOT/demo-smoke.log"

failures=()
passed=0
failed=0

step() {
  local name="$1"
  shift
  local t0=$SECONDS rc=0
  echo
  echo "==> $name"
  "$@" || rc=$?
  if [ "$rc" -eq 0 ]; then
    echo "<== $name: ok ($((SECONDS - t0))s)"
  else
    echo "<== $name: FAILED (exit $rc, $((SECONDS - t0))s)" >&2
    failures+=("$name")
  fi
  return 0
}

if [ ! -x node_modules/.bin/node ] || [ ! -x node_modules/.bin/jest ]; then
  echo "test-all: node_modules is missing or incomplete: run npm ci" >&2
  echo "tests: 0 passed, 0 failed"
  exit 1
fi
# Node 22: the platform's binary package from npm ci, or the machine's own (scripts/require-node.mjs says which is missing).
node scripts/require-node.mjs || { echo "tests: 0 passed, 0 failed"; exit 1; }
echo "test-all: node $(node --version), $(python3 --version 2>&1 || echo 'no python3')"

step "setup-venv" bash scripts/setup-venv.sh
step "platforms (what npm ci installs for Node elsewhere)" bash scripts/check-platforms.sh
step "typecheck (tsc --noEmit)" tsc --noEmit -p tsconfig.json
step "lint:asl" tsx scripts/lint-asl.ts
step "lint:template" bash scripts/lint-template.sh
step "checkov" bash scripts/checkov.sh

run_jest() {
  rm -f "$JEST_JSON"
  # --json + --outputFile: the JSON goes to the file, the normal reporter still prints.
  NODE_OPTIONS="--experimental-vm-modules${NODE_OPTIONS:+ $NODE_OPTIONS}" \
    timeout --kill-after=30 "$JEST_TIMEOUT" jest --ci --json --outputFile="$JEST_JSON"
}
step "jest" run_jest

if [ -s "$JEST_JSON" ]; then
  read -r passed failed failed_suites < <(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(r.numPassedTests ?? 0, r.numFailedTests ?? 0, r.numRuntimeErrorTestSuites ?? 0);
  ' "$JEST_JSON") || { passed=0; failed=0; failed_suites=0; echo "test-all: could not read $JEST_JSON" >&2; }
  if [ "${failed_suites:-0}" -gt 0 ]; then
    echo "test-all: $failed_suites jest suite(s) failed to run (not counted as tests)" >&2
  fi
else
  echo "test-all: jest wrote no JSON report" >&2
  [[ " ${failures[*]-} " == *" jest "* ]] || failures+=("jest (no report)")
fi

run_demo() {
  local rc=0
  timeout --kill-after=10 "$DEMO_TIMEOUT" tsx cli/demo/index.ts >"$DEMO_LOG" 2>&1 </dev/null || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "demo exited $rc; last 60 lines of $DEMO_LOG:" >&2
    tail -n 60 "$DEMO_LOG" >&2
    return "$rc"
  fi
  echo "demo ok; output in $DEMO_LOG (last 5 lines:)"
  tail -n 5 "$DEMO_LOG"
}
if [ -f cli/demo/index.ts ]; then
  step "demo smoke" run_demo
else
  echo
  echo "==> demo smoke: skipped (cli/demo/index.ts does not exist yet)"
fi

echo
if [ "${#failures[@]}" -gt 0 ]; then
  echo "test-all: FAILED: ${failures[*]}" >&2
else
  echo "test-all: all checks passed"
fi
echo "tests: ${passed} passed, ${failed} failed"
[ "${#failures[@]}" -eq 0 ]
