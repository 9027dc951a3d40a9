"""Log output under the default settings: each event printed once."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

REQUEST = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskboard.settings")
django.setup()
from django.test import Client
assert Client().get("/no-such-page").status_code == 404
"""


def test_a_request_warning_is_printed_once_under_the_default_settings(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    for name in ("DJANGO_DEBUG", "DJANGO_LOG_LEVEL"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", REQUEST],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Not Found: /no-such-page") == 1, result.stderr
