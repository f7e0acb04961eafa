"""`custodian run` (c7n.cli.main, Custodian's own CLI) with every AWS call counted, for `npm run bench:scan`.

Arguments are those of `custodian run`. The AWS endpoint and credentials come from the environment (AWS_ENDPOINT_URL:
the bench's moto server). Custodian writes its usual output directory; this script writes one JSON line on stdout:
  {"importMs": n, "runMs": n, "exit": 0, "calls": {"ec2.DescribeSecurityGroups": 1, ...}, "callMs": {...}}
importMs: from this script's top to c7n.cli imported (Python's own start is before it, not in it); runMs: c7n.cli.main
(load and validate the policies, run each); calls: every API call (botocore before-call: once per call, not per retry)
and callMs the time inside them (before-call to after-call), per operation.
"""
import time

T0 = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

import botocore.session  # noqa: E402

calls = {}
call_ms = {}
since = {}


def _key(event_name):
    _, service, operation = event_name.split('.', 2)  # before-call.<service>.<Operation>
    return f'{service}.{operation}'


def _before(event_name, **_):
    key = _key(event_name)
    calls[key] = calls.get(key, 0) + 1
    since[key] = time.perf_counter()  # returns None: a value here would replace the call's response


def _after(event_name, **_):
    key = _key(event_name)
    if key in since:
        call_ms[key] = call_ms.get(key, 0) + (time.perf_counter() - since.pop(key)) * 1000


# Every botocore session (c7n makes its own) gets the hooks before it makes a client; clients copy them.
_session_init = botocore.session.Session.__init__


def _hooked_init(self, *args, **kwargs):
    _session_init(self, *args, **kwargs)
    self.register('before-call', _before)
    self.register('after-call', _after)


botocore.session.Session.__init__ = _hooked_init

from c7n import cli  # noqa: E402


def main():
    imported = time.perf_counter()
    sys.argv = ['custodian', 'run', *sys.argv[1:]]
    code = 0
    try:
        cli.main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    end = time.perf_counter()
    sys.stdout.write(json.dumps({
        'importMs': (imported - T0) * 1000, 'runMs': (end - imported) * 1000, 'exit': code,
        'calls': calls, 'callMs': call_ms,
    }) + '\n')
    sys.stdout.flush()


if __name__ == '__main__':
    main()
