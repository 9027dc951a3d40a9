"""Container healthcheck: exit 0 only when /healthz answers 200 with status "ok".

The slim image has no curl, so the check uses the standard library. It asks
Daphne on the loopback interface, so `localhost` or `127.0.0.1` must stay in
DJANGO_ALLOWED_HOSTS. PORT selects the port (default 8000).
"""

import json
import os
import sys
import urllib.error
import urllib.request

url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
try:
    with urllib.request.urlopen(url, timeout=5) as response:
        body = json.load(response)
except (urllib.error.URLError, OSError, ValueError) as exc:
    sys.exit(f"unhealthy: {url}: {exc}")
if body.get("status") != "ok":
    sys.exit(f"unhealthy: {body}")
print(json.dumps(body))
