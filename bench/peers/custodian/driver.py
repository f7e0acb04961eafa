"""Cloud Custodian's own Lambda entry point, run in-process for `npm run bench`, one event per stdin line.

Run it from a directory holding config.json, as a deployed Custodian Lambda has (c7n.handler reads it from the cwd).
The AWS endpoint and credentials come from the environment (AWS_ENDPOINT_URL: the bench's moto server).
One JSON object per line on stdout:
  {"ready": true, "importMs": n, "version": "0.9.53"}   once, after importing c7n.handler (timed from this script's top)
  {"ms": n, "revokeMs": n | null, "awsMs": n, "awsBeforeRevokeMs": n | null,
   "calls": {"ec2.DescribeSecurityGroups": 1, ...}, "callMs": {"ec2.DescribeSecurityGroups": n, ...}}
                                     per event, or {"error": "..."}
ms is dispatch_event's duration; revokeMs is when RevokeSecurityGroupIngress returned, from the start of dispatch;
awsMs the time spent inside API calls (botocore's before-call to after-call), awsBeforeRevokeMs the part of it until
the revoke returned; calls counts every API call during the
event (before-call: once per call, not per retry) and callMs the time inside them, per operation.
"""
import time

T0 = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402

import botocore.session  # noqa: E402

calls = {}
revoked_at = []
in_aws = {'ms': 0.0, 'since': None}
call_ms = {}


def _before(event_name, **_):
    _, service, operation = event_name.split('.', 2)  # before-call.<service>.<Operation>
    key = f'{service}.{operation}'
    calls[key] = calls.get(key, 0) + 1
    in_aws['since'] = time.perf_counter()  # returns None: a value here would replace the call's response


def _after(event_name, **_):
    if in_aws['since'] is not None:
        ms = (time.perf_counter() - in_aws['since']) * 1000
        in_aws['ms'] += ms
        in_aws['since'] = None
        _, service, operation = event_name.split('.', 2)  # after-call.<service>.<Operation>
        key = f'{service}.{operation}'
        call_ms[key] = call_ms.get(key, 0) + ms


def _revoked(**_):
    now = time.perf_counter()
    since = in_aws['since']
    revoked_at.append((now, in_aws['ms'] + ((now - since) * 1000 if since is not None else 0)))


# Every boto3 session (c7n makes its own) gets the two hooks before it makes a client; clients copy them.
_session_init = botocore.session.Session.__init__


def _hooked_init(self, *args, **kwargs):
    _session_init(self, *args, **kwargs)
    self.register('before-call', _before)
    self.register('after-call', _after)
    self.register('after-call.ec2.RevokeSecurityGroupIngress', _revoked)


botocore.session.Session.__init__ = _hooked_init

from c7n import handler  # noqa: E402
from c7n.version import version  # noqa: E402


class LambdaContext:
    function_name = 'custodian-sg-world-open-ingress'
    memory_limit_in_mb = 512
    aws_request_id = 'bench'

    @staticmethod
    def get_remaining_time_in_millis():
        return 60_000


def emit(obj):
    sys.stdout.write(json.dumps(obj) + '\n')
    sys.stdout.flush()


def main():
    emit({'ready': True, 'importMs': (time.perf_counter() - T0) * 1000, 'version': version})
    for line in sys.stdin:
        if not line.strip():
            continue
        calls.clear()
        revoked_at.clear()
        in_aws.update(ms=0.0, since=None)
        call_ms.clear()
        try:
            event = json.loads(line)
            start = time.perf_counter()
            handler.dispatch_event(event, LambdaContext())
            end = time.perf_counter()
        except Exception as e:  # reported to the bench, which says why and stops comparing
            emit({'error': f'{type(e).__name__}: {e}'})
            continue
        emit({
            'ms': (end - start) * 1000,
            'revokeMs': (revoked_at[0][0] - start) * 1000 if revoked_at else None,
            'awsMs': in_aws['ms'],
            'awsBeforeRevokeMs': revoked_at[0][1] if revoked_at else None,
            'calls': dict(calls),
            'callMs': dict(call_ms),
        })


if __name__ == '__main__':
    main()
