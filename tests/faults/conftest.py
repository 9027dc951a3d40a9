"""One migrated and seeded database per run, copied by each module that needs the app."""

from collections.abc import Iterator

import pytest

from tests.faults.servers import SHARED_POSTGRES, create_database, drop_database, prepare_database


@pytest.fixture(scope="session")
def seeded_template() -> Iterator[str]:
    """A database on the machine's PostgreSQL, migrated and seeded once; modules copy it."""
    url = create_database(SHARED_POSTGRES)
    try:
        prepare_database(url)
        yield url
    finally:
        drop_database(url)
