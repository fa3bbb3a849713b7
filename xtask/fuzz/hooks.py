"""schemathesis hooks for `cargo xtask fuzz`.

Slash commands must carry Slack's signature over the raw body, which a stranger cannot
forge: without it the fuzzer would only ever see 401. The fuzzed gateway's signing secret
is handed to this hook (and to nobody else), so that the commands it generates are signed
as Slack signs them and reach the command handler.

Some operations only succeed on something that exists and that they use up: whatever a
DELETE deletes, a Slack link to disconnect, a password to sign in with. Every other valid
(positive) case of those gets a fresh one, made just before it is sent; the rest keep what
schemathesis generated.
"""

import collections
import hashlib
import hmac
import os
import re
import secrets
import time
from urllib.parse import urlencode

import requests
import schemathesis

COMMANDS = "POST /work-apps/slack/commands"
SECRET = os.environ.get("ROSTER_FUZZ_SLACK_SIGNING_SECRET", "").encode()
BASE = os.environ.get("ROSTER_FUZZ_BASE_URL", "")
ORG = os.environ.get("ROSTER_FUZZ_ORG", "")
TEAM = os.environ.get("ROSTER_FUZZ_SLACK_TEAM", "")
ADMIN = {
    "Authorization": "Bearer " + os.environ.get("ROSTER_FUZZ_TOKEN", ""),
    "x-org": ORG,
}
API_KEY = {"authorization": os.environ.get("ROSTER_FUZZ_API_KEY", "")}


def _raw_body(body):
    """The bytes the request will carry (the form serializer sends bytes as they are)."""
    if body is None or not isinstance(body, (bytes, str, dict, list, tuple)):
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return requests.models.RequestEncodingMixin._encode_params(body).encode("utf-8")


def _signed(raw):
    """Slack's headers for a body: its timestamp and signature."""
    timestamp = str(int(time.time()))
    base = b"v0:" + timestamp.encode() + b":" + raw
    signature = "v0=" + hmac.new(SECRET, base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature}


def _post(path, headers=ADMIN, **kwargs):
    """A setup request as the fuzzed org's admin; its JSON, or None when it failed."""
    response = requests.post(BASE + path, headers=headers, timeout=10, **kwargs)
    if not response.ok:
        return None
    return response.json() if response.content else {}


def _with_path(case, **parameters):
    case.path_parameters = {**case.path_parameters, **parameters}


def _fresh_token(case):
    token = _post("/api/v1/app/tokens", json={"name": "fuzz"})
    if token:
        _with_path(case, id=token["id"])


def _fresh_api_key(case):
    workspace = os.environ.get("ROSTER_FUZZ_WORKSPACE", "")
    key = _post(f"/api/v1/app/workspaces/{workspace}/api-keys", json={"name": "fuzz"})
    if key:
        _with_path(case, id=workspace, key_id=key["id"])


def _project():
    return _post("/api/v1/app/project", json={"name": "Fuzz project"})


def _fresh_project(case):
    project = _project()
    if project:
        _with_path(case, id=project["id"])


def _fresh_pin(case):
    project = _project()
    if project and _post(f"/api/v1/app/project/{project['id']}/pin") is not None:
        _with_path(case, id=project["id"])


def _fresh_member(case):
    project = _project()
    user = _post(
        "/api/v1/app/user",
        json={
            "role": "AppMember",
            "user_info": {"email": f"m{secrets.token_hex(6)}@fuzz.test", "name": "Fuzz Member"},
        },
    )
    member = (
        project
        and user
        and _post(f"/api/v1/app/project/{project['id']}/member", json={"user_id": user["id"], "role": "Viewer"})
    )
    if member:
        _with_path(case, id=project["id"], user_id=user["id"])


def _fresh_artifact(case):
    project = _project()
    artifact = project and _post(
        f"/api/v1/app/project/{project['id']}/artifact",
        json={"name": "Fuzz artifact", "type": "Document"},
    )
    if artifact:
        _with_path(case, id=project["id"], artifact_id=artifact["id"])


def _fresh_integration(case):
    integration = _post("/api/v1/app/user/integrations", json={"type": "Confluence"})
    if integration is None:
        # The admin has one already (a 409): that one.
        listed = requests.get(BASE + "/api/v1/app/user/integrations", headers=ADMIN, timeout=10)
        mine = listed.json() if listed.ok else []
        integration = next((i for i in mine if i.get("type") == "Confluence"), None)
    if integration:
        _with_path(case, id=integration["id"])


def _external(collection, body):
    """A fresh channel, tier or group of the fuzzed workspace."""

    def fresh(case):
        made = _post(collection, headers=API_KEY, json=body)
        if made:
            _with_path(case, id=made["id"])

    return fresh


def _slack_team(team):
    """Registers a Slack team in the org; a 409 means it is there already."""
    requests.post(
        BASE + "/work-apps/slack/workspaces",
        headers=ADMIN,
        json={"teamId": team, "teamName": "Fuzz", "tenantId": ORG},
        timeout=10,
    )


def _fresh_slack_team(case):
    team = "TFZ" + secrets.token_hex(6).upper()
    _slack_team(team)
    _with_path(case, teamId=team)
    case.query = {"tenantId": ORG}


def _fresh_slack_link(case):
    """Links a new Slack user to the admin as Slack and the dashboard would, then names it."""
    user = "UFZ" + secrets.token_hex(6).upper()
    # The fuzzer may have uninstalled the team: register it again.
    _slack_team(TEAM)
    form = urlencode(
        {"team_id": TEAM, "user_id": user, "user_name": "fuzz", "command": "/roster", "text": "link"}
    ).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **_signed(form)}
    answer = requests.post(BASE + "/work-apps/slack/commands", data=form, headers=headers, timeout=10)
    token = re.search(r"link\?token=([^\"&\s]+)", answer.text)
    linked = token and _post(
        "/work-apps/slack/users/link/verify-token",
        json={"token": token.group(1), "userId": os.environ.get("ROSTER_FUZZ_USER_ID", "")},
    )
    if linked:
        case.body = {"tenantId": ORG, "slackTeamId": TEAM, "slackUserId": user}


def _real_password(case):
    body = case.body if isinstance(case.body, dict) else {}
    case.body = {
        **body,
        "email": os.environ.get("ROSTER_FUZZ_EMAIL", ""),
        "password": os.environ.get("ROSTER_FUZZ_PASSWORD", ""),
    }


def _fresh_user(case):
    user = _post(
        "/api/v1/app/user",
        json={
            "role": "AppMember",
            "user_info": {"email": f"d{secrets.token_hex(6)}@fuzz.test", "name": "Fuzz Doomed"},
        },
    )
    if user:
        _with_path(case, id=user["id"])


# Deletes that could take the fuzzer's own credential away (deleting the bootstrap admin,
# once the fuzzer has made another AppAdmin): every valid call gets a fresh resource.
ALWAYS_FRESH = {
    "DELETE /api/v1/app/user/{id}": _fresh_user,
}

FRESH = {
    "DELETE /api/v1/app/tokens/{id}": _fresh_token,
    "DELETE /api/v1/app/workspaces/{id}/api-keys/{key_id}": _fresh_api_key,
    "DELETE /api/v1/app/project/{id}": _fresh_project,
    "DELETE /api/v1/app/project/{id}/pin": _fresh_pin,
    "DELETE /api/v1/app/project/{id}/member/{user_id}": _fresh_member,
    "DELETE /api/v1/app/project/{id}/artifact/{artifact_id}": _fresh_artifact,
    "DELETE /api/v1/app/user/integrations/{id}": _fresh_integration,
    "DELETE /api/v1/channels/{id}": _external("/api/v1/channels", {"name": "Fuzz channel"}),
    "DELETE /api/v1/tiers/{id}": _external("/api/v1/tiers", {"name": "Fuzz tier"}),
    "DELETE /api/v1/external-user-groups/{id}": _external(
        "/api/v1/external-user-groups", {"name": "Fuzz group"}
    ),
    "DELETE /work-apps/slack/workspaces/{teamId}": _fresh_slack_team,
    "POST /work-apps/slack/users/disconnect": _fresh_slack_link,
    "POST /api/auth/sign-in/email": _real_password,
}
_positive_seen = collections.Counter()


def _positive(case):
    return case.meta is not None and case.meta.generation.mode == "positive"


# Paging rules between parameters, which the document states in their descriptions but a
# schema of separate query parameters cannot (roster_core::page::query): cursors are
# opaque, and only those a list returned are accepted; `page`/`page_size` do not go with
# cursor paging, nor `after`/`first` with `before`/`last` (400 `mixed_paging`).
OFFSET = ("page", "page_size")
FORWARD = ("after", "first")
BACKWARD = ("before", "last")


def _one_paging(case):
    """A valid case keeps to one kind of paging and no made-up cursor."""
    query = dict(case.query or {})
    if not any(name in query for name in FORWARD + BACKWARD):
        return
    for cursor in ("after", "before"):
        query.pop(cursor, None)
    if any(name in query for name in OFFSET):
        for name in FORWARD + BACKWARD:
            query.pop(name, None)
    elif "first" in query:
        query.pop("last", None)
    case.query = query


# Conditions and idempotency keys name server state: a valid `If-Match` is the resource's
# current ETag, which a generated one is not (a 412 `precondition_failed`, tested in
# tests/e2e/platform/conditional.rs), and a key the fuzzer reuses with another body is a
# 422 `idempotency_key_reused` (tests/e2e/platform/idempotency.rs). A valid case therefore
# sends no condition, and a key of its own.
CONDITIONS = ("if-match", "if-none-match")


def _stateless(case):
    # In place: the object keeps what schemathesis knows of it (a header a check removed).
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() in CONDITIONS:
            del headers[name]
        elif name.lower() == "idempotency-key":
            headers[name] = secrets.token_hex(16)


# A field value cannot carry control characters (RFC 9110 §5.5): the server's HTTP/1.1
# parser refuses such a request with a bare 400 before any handler sees it, so no answer
# of the API's can be checked. Such headers are not sent.
def _sendable(case):
    headers = case.headers or {}
    for name in list(headers):
        value = headers[name]
        if isinstance(value, str) and re.search(r"[\x00-\x08\x0a-\x1f\x7f]", value):
            del headers[name]


@schemathesis.hook
def before_call(context, case, kwargs):
    label = case.operation.label
    _sendable(case)
    if _positive(case):
        _one_paging(case)
        _stateless(case)
    if label in ALWAYS_FRESH and BASE and _positive(case):
        ALWAYS_FRESH[label](case)
    elif label in FRESH and BASE and _positive(case):
        _positive_seen[label] += 1
        if _positive_seen[label] % 2 == 1:
            FRESH[label](case)
    if SECRET and label == COMMANDS:
        raw = _raw_body(case.body)
        case.body = raw
        case.headers = {**(case.headers or {}), **_signed(raw)}


@schemathesis.serializer("application/x-ndjson")
def _ndjson(ctx, value):
    """The user-import body: NDJSON is text; a generated string is sent as it is."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    import json

    rows = value if isinstance(value, list) else [value]
    return "".join(json.dumps(row) + "\n" for row in rows).encode("utf-8")
