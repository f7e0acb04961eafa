#!/usr/bin/env bash
# Lint the SAM template offline (no AWS credentials): cfn-lint, `sam validate --lint`, then the transformed template.
# Both come from ./.venv (npm run setup:venv). Non-zero if either fails or is missing.
# Usage: bash scripts/lint-template.sh [template]   (default: template.yaml, then infra/spoke.yaml)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TEMPLATE="${1:-template.yaml}"
VENV="$ROOT/.venv"
export SAM_CLI_TELEMETRY=0

if [ ! -f "$TEMPLATE" ]; then
  echo "lint-template: FAILED: $TEMPLATE not found" >&2
  exit 1
fi
for tool in cfn-lint sam; do
  if [ ! -x "$VENV/bin/$tool" ]; then
    echo "lint-template: FAILED: $VENV/bin/$tool missing: run npm run setup:venv" >&2
    exit 1
  fi
done

status=0

if out="$("$VENV/bin/cfn-lint" "$TEMPLATE" 2>&1)"; then
  echo "lint-template: cfn-lint $TEMPLATE ok"
else
  status=1
  echo "lint-template: cfn-lint $TEMPLATE FAILED:" >&2
  printf '%s\n' "$out" >&2
fi

# --lint runs cfn-lint in-process instead of the translator path, which would want credentials.
if out="$("$VENV/bin/sam" validate --lint --template "$TEMPLATE" --region us-east-1 2>&1)"; then
  echo "lint-template: sam validate --lint $TEMPLATE ok"
else
  status=1
  echo "lint-template: sam validate --lint $TEMPLATE FAILED:" >&2
  printf '%s\n' "$out" >&2
fi

# The SAM transform itself, offline, then cfn-lint on what CloudFormation would receive (see infra/README.md).
if out="$("$VENV/bin/python" scripts/translate-template.py "$TEMPLATE" --out "$ROOT/.aws-sam/translated.json" 2>&1)"; then
  echo "lint-template: SAM transform + cfn-lint ok"
else
  status=1
  echo "lint-template: SAM transform + cfn-lint FAILED:" >&2
  printf '%s\n' "$out" >&2
fi

# The spoke template (infra/spoke.yaml) is plain CloudFormation: cfn-lint alone, when the default template is linted.
if [ "$#" -eq 0 ]; then
  if out="$("$VENV/bin/cfn-lint" infra/spoke.yaml 2>&1)"; then
    echo "lint-template: cfn-lint infra/spoke.yaml ok"
  else
    status=1
    echo "lint-template: cfn-lint infra/spoke.yaml FAILED:" >&2
    printf '%s\n' "$out" >&2
  fi
fi

exit "$status"
