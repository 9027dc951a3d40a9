"""Log filters: a failure that repeats every second is logged once a minute."""

import logging

from taskboard.logs import OnceAMinute


def _failure(at: float, message: str = "Unexpected exception in receive task") -> logging.LogRecord:
    try:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    except ConnectionError as error:
        record = logging.LogRecord(
            "channels_redis.pubsub", logging.ERROR, __file__, 1, message, (), None
        )
        record.exc_info = (type(error), error, error.__traceback__)
    record.created = at
    return record


def test_a_failure_repeating_every_second_is_logged_once_a_minute():
    once = OnceAMinute()
    passed = [record for record in map(_failure, range(0, 150)) if once.filter(record)]

    assert [record.created for record in passed] == [0, 60, 120]
    # The ones let through keep their traceback and say how many were held back.
    assert passed[0].exc_info is not None and passed[0].getMessage() == (
        "Unexpected exception in receive task"
    )
    assert passed[1].getMessage() == (
        "Unexpected exception in receive task (and 59 more like it since the last one)"
    )


def test_a_different_failure_is_logged_at_once():
    once = OnceAMinute()
    assert once.filter(_failure(0))
    assert once.filter(_failure(1, "Unexpected exception while cleaning-up channel:"))
    assert not once.filter(_failure(2))
