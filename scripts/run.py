"""`make run`: migrate, seed the demo data, then serve with Daphne, in one process.

One process instead of three `manage.py`/`daphne` calls: loading the project
costs seconds, and each call paid it. Once Daphne is listening, it prints where
the app is and who to sign in as.

    python scripts/run.py [--host 127.0.0.1] [--port 8000]
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskboard.settings")


def ready_message(url: str) -> str:
    from taskboard.management.commands.seed_demo import account_lines

    return "\n".join(
        [
            f"Taskboard is ready at {url}/",
            "  Sign in as:",
            *account_lines(),
            f"  API docs: {url}/api/docs   Admin: {url}/admin/   Stop: Ctrl+C",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()

    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    call_command("migrate", interactive=False)
    call_command("seed_demo", accounts=False)
    # The server's requests open connections of their own.
    connections.close_all()

    from daphne.cli import CommandLineInterface
    from daphne.server import Server
    from twisted.internet import reactor

    host = f"[{args.host}]" if ":" in args.host else args.host
    message = ready_message(f"http://{host}:{args.port}")

    class AnnouncingServer(Server):
        def __init__(self, *server_args, **server_kwargs) -> None:
            # Daphne calls ready_callable just before its event loop starts; say it
            # once the loop runs, when the port answers.
            super().__init__(
                *server_args,
                ready_callable=lambda: reactor.callWhenRunning(print, message, flush=True),
                **server_kwargs,
            )

    class RunCommand(CommandLineInterface):
        server_class = AnnouncingServer

    RunCommand().run(["-b", args.host, "-p", str(args.port), "taskboard.asgi:application"])


if __name__ == "__main__":
    main()
