#!/usr/bin/env bash
# Create a venv with pinned Python tools. Idempotent: a stamp holding the hash of its requirements file makes a second
# run a no-op.
#   setup-venv.sh             ./.venv: the dev tools (moto server, cfn-lint, aws-sam-cli), from requirements-dev.txt
#   setup-venv.sh custodian   ./.venv-custodian: Cloud Custodian for the bench's peer comparison, from
#                             requirements-custodian.txt (its own venv: its boto3 pin conflicts with aws-sam-cli's)
#   setup-venv.sh checkov     ./.venv-checkov: checkov, the template scanner `npm test` runs, from
#                             requirements-checkov.txt (its own venv, for the same reason)
# Quiet on success (one line); loud and non-zero on failure. Works from any cwd.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"

fail() {
  echo "setup-venv: FAILED: $*" >&2
  exit 1
}

case "${1:-dev}" in
  dev) REQ="requirements-dev.txt" VENV=".venv" TOOLS="moto_server cfn-lint sam" ;;
  custodian) REQ="requirements-custodian.txt" VENV=".venv-custodian" TOOLS="custodian" ;;
  checkov) REQ="requirements-checkov.txt" VENV=".venv-checkov" TOOLS="checkov" ;;
  *) fail "unknown venv '$1' (expected dev, custodian or checkov)" ;;
esac
STAMP="$VENV/.requirements.sha256"

[ -f "$REQ" ] || fail "$ROOT/$REQ not found"

want="$(sha256sum "$REQ" | cut -d' ' -f1)"

tools_present() {
  local tool
  for tool in $TOOLS; do [ -x "$VENV/bin/$tool" ] || return 1; done
}

# Fast path: stamp matches, the interpreter and the tools are there.
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x "$VENV/bin/python" ] && tools_present; then
  echo "setup-venv: $VENV up to date"
  exit 0
fi

# Serialise concurrent runs (e.g. two npm scripts at once) when flock is available.
if command -v flock >/dev/null 2>&1 && [ -z "${SETUP_VENV_LOCKED:-}" ]; then
  exec 9>"${TMPDIR:-/tmp}/warden-setup-venv-$(echo "$ROOT/$VENV" | sha256sum | cut -c1-12).lock"
  flock 9
  export SETUP_VENV_LOCKED=1
  # Another run may have finished while we waited.
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x "$VENV/bin/python" ] && tools_present; then
    echo "setup-venv: $VENV up to date"
    exit 0
  fi
fi

start=$(date +%s)
LOG="$(mktemp "${TMPDIR:-/tmp}/warden-setup-venv.XXXXXX.log")"

show_log() {
  echo "---- last 40 lines of $LOG ----" >&2
  tail -n 40 "$LOG" >&2 || true
  echo "----" >&2
}

# (Re)create the venv when missing or when its interpreter no longer runs.
if ! { [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; }; then
  command -v "$PYTHON" >/dev/null 2>&1 || fail "$PYTHON not found; install Python >= 3.9 (3.11 is what $REQ was resolved on)"
  rm -rf "$VENV"
  if ! "$PYTHON" -m venv "$VENV" >>"$LOG" 2>&1; then
    show_log
    fail "'$PYTHON -m venv $VENV' failed (on Debian: apt-get install python3-venv)"
  fi
fi

rm -f "$STAMP"
if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -r "$REQ" >>"$LOG" 2>&1; then
  show_log
  fail "pip install -r $REQ failed (full log: $LOG)"
fi
if ! "$VENV/bin/python" -m pip check >>"$LOG" 2>&1; then
  show_log
  fail "pip check found broken requirements (full log: $LOG)"
fi
for tool in $TOOLS; do
  [ -x "$VENV/bin/$tool" ] || { show_log; fail "$VENV/bin/$tool missing after install"; }
done

echo "$want" >"$STAMP"
rm -f "$LOG"
echo "setup-venv: installed $REQ into $VENV in $(( $(date +%s) - start ))s"
