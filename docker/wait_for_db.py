"""Block until Django can open a connection to its database, or give up.

Compose's `depends_on: service_healthy` already orders start-up, but a database
can still refuse connections for a moment (restarts, a managed database outside
compose), so the entrypoint checks with the same settings the app will use.
The timeout comes from DB_WAIT_TIMEOUT (seconds, default 60).
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskboard.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.utils import OperationalError  # noqa: E402

DELAY_SECONDS = 1.0


def wait_for_database(timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            if time.monotonic() >= deadline:
                print(f"database unreachable after {timeout:g}s: {exc}", file=sys.stderr)
                return False
            print(f"waiting for the database: {str(exc).strip().splitlines()[-1]}", file=sys.stderr)
            time.sleep(DELAY_SECONDS)
        else:
            connection.close()
            return True


if __name__ == "__main__":
    try:
        timeout = float(os.environ.get("DB_WAIT_TIMEOUT", "60"))
    except ValueError:
        sys.exit("DB_WAIT_TIMEOUT must be a number of seconds")
    if not wait_for_database(timeout):
        sys.exit(1)
    print("database is ready", file=sys.stderr)
