"""schemathesis hooks for `cargo xtask fuzz`.

Slash commands must carry Slack's signature over the raw body, which a stranger cannot
forge: without it the fuzzer would only ever see 401. The fuzzed gateway's signing secret
is handed to this hook (and to nobody else), so that the commands it generates are signed
as Slack signs them and reach the command handler.
"""

import hashlib
import hmac
import os
import time

import requests
import schemathesis

COMMANDS = "POST /work-apps/slack/commands"
SECRET = os.environ.get("ROSTER_FUZZ_SLACK_SIGNING_SECRET", "").encode()


def _raw_body(body):
    """The bytes the request will carry (the form serializer sends bytes as they are)."""
    if body is None or not isinstance(body, (bytes, str, dict, list, tuple)):
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return requests.models.RequestEncodingMixin._encode_params(body).encode("utf-8")


@schemathesis.hook
def before_call(context, case, kwargs):
    if not SECRET or case.operation.label != COMMANDS:
        return
    raw = _raw_body(case.body)
    case.body = raw
    timestamp = str(int(time.time()))
    base = b"v0:" + timestamp.encode() + b":" + raw
    signature = "v0=" + hmac.new(SECRET, base, hashlib.sha256).hexdigest()
    headers = dict(case.headers or {})
    headers["X-Slack-Request-Timestamp"] = timestamp
    headers["X-Slack-Signature"] = signature
    case.headers = headers
