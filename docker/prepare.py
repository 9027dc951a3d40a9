"""Start-up tasks of the web container, in one Python process.

1. Wait until the database accepts connections (DB_WAIT_TIMEOUT seconds,
   default 60). Compose's `depends_on: service_healthy` already orders start-up,
   but a database can still refuse connections for a moment (a restart, a
   managed database outside compose), so check with the app's own settings.
2. `migrate`, then `collectstatic` into STATIC_ROOT.
3. `seed_demo` when SEED_DEMO=1 (it is idempotent, so restarts add nothing).

One process instead of one `manage.py` call per step: loading the project
costs seconds, and every restart of the container pays it.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskboard.settings")

RETRY_DELAY_SECONDS = 1.0


def wait_for_database(timeout: float) -> bool:
    # Only settings and the database backend are needed here, not the app
    # registry, so an unreachable database is reported without loading the project.
    from django.db import connection
    from django.db.utils import OperationalError

    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else repr(exc)
            if time.monotonic() >= deadline:
                print(f"database unreachable after {timeout:g}s: {reason}", file=sys.stderr)
                return False
            print(f"waiting for the database: {reason}", file=sys.stderr)
            time.sleep(RETRY_DELAY_SECONDS)
        else:
            connection.close()
            return True


def main() -> int:
    try:
        timeout = float(os.environ.get("DB_WAIT_TIMEOUT", "60"))
    except ValueError:
        print("DB_WAIT_TIMEOUT must be a number of seconds", file=sys.stderr)
        return 2
    if not wait_for_database(timeout):
        return 1
    print("database is ready", file=sys.stderr)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False)
    call_command("collectstatic", interactive=False, verbosity=0)
    if os.environ.get("SEED_DEMO", "0") == "1":
        call_command("seed_demo")
    return 0


if __name__ == "__main__":
    sys.exit(main())
