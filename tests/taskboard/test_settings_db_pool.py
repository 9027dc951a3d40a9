"""How the settings connect to PostgreSQL: a connection pool unless persistent
connections are asked for, and SQLite as it was."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PRINT_DATABASE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'options': db.get('OPTIONS', {}), 'age': db.get('CONN_MAX_AGE'), "
    "'engine': db['ENGINE'], 'name': str(db['NAME'])}))"
)


def database_settings(**env: str) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_CONN_MAX_AGE", "DJANGO_DB_POOL_SIZE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE="taskboard.settings", **env)
    result = subprocess.run(
        [sys.executable, "-c", PRINT_DATABASE],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_postgres_gets_a_bounded_connection_pool_by_default():
    db = database_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/taskboard")

    assert db["age"] == 0
    assert db["options"]["pool"] == {"min_size": 2, "max_size": 20, "timeout": 10}


def test_the_pool_size_is_a_setting():
    db = database_settings(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/taskboard", DJANGO_DB_POOL_SIZE="5"
    )

    assert db["options"]["pool"] == {"min_size": 2, "max_size": 5, "timeout": 10}


@pytest.mark.parametrize("size", ["0", "-3", "many", "2.5", "²"])
def test_a_pool_size_that_is_not_a_positive_number_stops_start_up(size):
    with pytest.raises(subprocess.CalledProcessError) as failed:
        database_settings(
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/taskboard", DJANGO_DB_POOL_SIZE=size
        )

    assert (
        f"DJANGO_DB_POOL_SIZE must be a whole number of connections, 1 or more, not '{size}'"
        in failed.value.stderr
    )


def test_persistent_connections_replace_the_pool_when_asked_for():
    db = database_settings(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/taskboard", DJANGO_CONN_MAX_AGE="60"
    )

    assert db["age"] == 60
    assert "pool" not in db["options"]


def test_sqlite_has_no_pool():
    db = database_settings(DATABASE_URL="sqlite:////tmp/taskboard-settings-test.sqlite3")

    assert "pool" not in db["options"]
    assert db["options"]["transaction_mode"] == "IMMEDIATE"


def test_an_empty_database_url_means_the_embedded_sqlite_database():
    db = database_settings(DATABASE_URL="")

    assert db["engine"] == "django.db.backends.sqlite3"
    assert db["name"] == str(settings.BASE_DIR / "db.sqlite3")
