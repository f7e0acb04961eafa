#!/usr/bin/env bash
# checkov on template.yaml, on the SAM-transformed template (what CloudFormation receives) and on infra/spoke.yaml, from ./.venv-checkov
# (scripts/setup-venv.sh checkov). Settings and every skip with its reason: scripts/checkov.yaml and the
# `Metadata.checkov` of template.yaml's functions. Non-zero when a check fails on either.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/setup-venv.sh checkov || exit 1
[ -x .venv/bin/python ] || bash scripts/setup-venv.sh || exit 1

mkdir -p .aws-sam
if ! out="$(.venv/bin/python scripts/translate-template.py template.yaml --out .aws-sam/translated.json 2>&1)"; then
  echo "checkov: the SAM transform failed:" >&2
  printf '%s\n' "$out" >&2
  exit 1
fi

status=0
for file in template.yaml .aws-sam/translated.json infra/spoke.yaml; do
  if out="$(.venv-checkov/bin/checkov --config-file scripts/checkov.yaml -f "$file" 2>&1)"; then
    echo "checkov: $file ok ($(printf '%s\n' "$out" | grep -o 'Passed checks: [0-9]*, Failed checks: [0-9]*, Skipped checks: [0-9]*' | head -1))"
  else
    status=1
    echo "checkov: $file FAILED:" >&2
    printf '%s\n' "$out" >&2
  fi
done
exit "$status"
