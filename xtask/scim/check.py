"""scim2-tester's check_server against a running Roster gateway: `cargo xtask scim` (and
`cargo xtask test`) run it. Reads ROSTER_SCIM_URL (the /scim/v2 base), ROSTER_SCIM_TOKEN
(a SCIM token of the org) and ROSTER_SCIM_RESOURCES (comma-separated resource types).
Prints every result; exits 1 on any ERROR or CRITICAL result."""

import os
import sys

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

url = os.environ["ROSTER_SCIM_URL"]
token = os.environ["ROSTER_SCIM_TOKEN"]
resources = [r for r in os.environ.get("ROSTER_SCIM_RESOURCES", "User").split(",") if r]

http = Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
client = SyncSCIMClient(http)
results = check_server(client, resource_types=resources)

bad = {Status.ERROR, Status.CRITICAL}
failed = 0
for r in results:
    mark = "FAIL" if r.status in bad else "    "
    where = f"[{r.resource_type}] " if r.resource_type else ""
    print(f"{mark} {r.status.name:<10} {where}{r.title}: {r.reason or ''}")
    failed += r.status in bad
counts = {}
for r in results:
    counts[r.status.name] = counts.get(r.status.name, 0) + 1
print(f"scim2-tester: {len(results)} checks, " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
sys.exit(1 if failed else 0)
