#!/usr/bin/env python3
"""Translate template.yaml with the SAM translator offline, then cfn-lint the CloudFormation it produces.

Why: since cfn-lint 1.54 SAM templates are linted against schemas, without running the transform. That misses
problems that only exist after the transform, e.g. a !GetAtt to a SAM-generated resource that does not exist
(`TriageFunctionTypo.Arn`) or a circular dependency through an implicit role (`<Function>Role`). Both were
verified to pass `cfn-lint template.yaml` and `sam validate --lint`, and to fail here.

No AWS credentials or network: local CodeUri/DefinitionUri values are replaced by placeholder S3 URIs (as
`sam package` would) and the managed-policy loader is a stub (Warden uses no managed policy names).

Usage (from the repository root, with the project venv):
  .venv/bin/python scripts/translate-template.py [template.yaml] [--out .aws-sam/translated.json]
Exit status: 0 clean, 1 translation or lint errors.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

from samtranslator.public.exceptions import InvalidDocumentException
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse


class NoManagedPolicies:
    def load(self):
        return {}


def placeholder_uris(template):
    """Replace local code/definition paths by S3 URIs, the way `sam package` does."""
    globals_fn = template.get("Globals", {}).get("Function", {})
    if isinstance(globals_fn.get("CodeUri"), str) and not globals_fn["CodeUri"].startswith("s3://"):
        globals_fn["CodeUri"] = "s3://placeholder-bucket/code.zip"
    for logical_id, resource in template.get("Resources", {}).items():
        props = resource.get("Properties") or {}
        for key in ("CodeUri", "DefinitionUri", "ContentUri"):
            value = props.get(key)
            if isinstance(value, str) and not value.startswith("s3://"):
                props[key] = f"s3://placeholder-bucket/{logical_id}-{key}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("template", nargs="?", default="template.yaml")
    parser.add_argument("--out", default=".aws-sam/translated.json")
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args()

    os.environ.setdefault("AWS_DEFAULT_REGION", args.region)
    with open(args.template, encoding="utf-8") as f:
        template = yaml_parse(f.read())
    placeholder_uris(template)

    try:
        translated = transform(template, {"AWS::Region": args.region}, NoManagedPolicies())
    except InvalidDocumentException as e:
        for cause in e.causes:
            print(f"translate-template: SAM error: {cause.message}", file=sys.stderr)
        return 1

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(translated, f, indent=1)
    print(f"translate-template: {len(translated['Resources'])} resources -> {args.out}")

    cfn_lint = os.path.join(os.path.dirname(sys.executable), "cfn-lint")
    if not os.path.exists(cfn_lint):
        cfn_lint = shutil.which("cfn-lint")
    if not cfn_lint:
        print("translate-template: cfn-lint not found next to this Python or on PATH", file=sys.stderr)
        return 1
    result = subprocess.run([cfn_lint, args.out], check=False)
    if result.returncode != 0:
        print("translate-template: cfn-lint found problems in the translated template", file=sys.stderr)
        return 1
    print("translate-template: cfn-lint on the translated template ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
